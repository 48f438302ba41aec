//! Tolerant matching: names and aliases of 5+ syllables found within one edit
//! (성동사경세터 → 성동사경센터).
//!
//! Symmetric-delete index: for every long pattern we store a hash of the pattern and of each
//! one-character deletion of it. A text window within one edit of a pattern then shares a key
//! with it (window = pattern minus a char, window minus a char = pattern, or both minus the
//! same position = one substitution). Keys are 64-bit hashes, not strings: the top bits pick a
//! bucket of a directory, and the bucket holds 8-byte records (the low 32 hash bits, the
//! pattern and the deleted position), placed by counting, not sorting. No per-key allocation
//! at build time, at most two cache misses per probe at search time. Every hit is verified
//! against the real pattern, so hash collisions cannot produce wrong links.
//!
//! Most windows never reach the index. With one edit in a pattern of n ≥ 6 characters, its
//! first or its last three characters survive intact; for n = 5 an edit in the middle breaks
//! both, but then the first two and last two survive together. Bitsets of those 3-grams and
//! of the 2+2-grams of five-character patterns, keyed by the length of the window that may
//! meet the pattern (n − 1 to n + 1), reject most ordinary words with two or three bit tests.

/// Shortest pattern (in characters) matched tolerantly; shorter names have too many
/// one-edit neighbours among ordinary words.
pub(crate) const MIN_FUZZY_CHARS: usize = 5;
/// Longest pattern indexed; longer names still match exactly, just not tolerantly.
pub(crate) const MAX_FUZZY_CHARS: usize = 24;
/// Marks the key of the whole pattern (no character deleted).
const WHOLE: u8 = u8::MAX;
/// Odd multiplier of the polynomial hash.
const BASE: u64 = 0x9E37_79B9_7F4A_7C15;
const PREFIX_SALT: u64 = 0x243F_6A88_85A3_08D3;
const SUFFIX_SALT: u64 = 0x1319_8A2E_0370_7344;
const GAPPED_SALT: u64 = 0xA409_3822_299F_31D0;

/// Powers of [`BASE`], enough for a window one longer than the longest pattern.
const POW: [u64; MAX_FUZZY_CHARS + 2] = {
    let mut pow = [1u64; MAX_FUZZY_CHARS + 2];
    let mut i = 1;
    while i < pow.len() {
        pow[i] = pow[i - 1].wrapping_mul(BASE);
        i += 1;
    }
    pow
};

/// The kind of the single edit between a window and a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Edit {
    /// One character replaced (세터 for 센터).
    Substitution,
    /// One character missing or extra.
    Indel,
}

/// One key: the low 32 bits of its hash (the high bits chose its directory bucket) and the
/// pattern with the position of the deleted character. Eight bytes; a false match of the
/// remaining bits is rejected by the verification every hit goes through.
#[derive(Debug, Clone, Copy, Default)]
struct Key {
    low: u32,
    /// Pattern id in the low 24 bits, deleted position (or [`WHOLE`]) in the high 8.
    tag: u32,
}

impl Key {
    fn pattern(self) -> u32 {
        self.tag & PATTERN_MASK
    }

    fn deleted(self) -> u8 {
        (self.tag >> 24) as u8
    }
}

/// Pattern ids the index can hold (16.7 million distinct names and aliases).
const PATTERN_MASK: u32 = (1 << 24) - 1;

/// The symmetric-delete index over a dictionary's long patterns.
pub(crate) struct FuzzyIndex {
    /// Keys grouped by bucket (the top hash bits), in no order within a bucket.
    keys: Vec<Key>,
    /// `keys[directory[b]..directory[b + 1]]` are bucket `b`'s keys.
    directory: Vec<u32>,
    shift: u32,
    prefix_bits: Vec<u64>,
    suffix_bits: Vec<u64>,
    bit_mask: u64,
    /// Longest indexed pattern, 0 when nothing is indexed.
    pub max_len: usize,
}

impl FuzzyIndex {
    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.keys.capacity() * std::mem::size_of::<Key>()
            + self.directory.capacity() * 4
            + (self.prefix_bits.capacity() + self.suffix_bits.capacity()) * 8
    }
}

fn mix(mut z: u64) -> u64 {
    // splitmix64 finaliser: spreads the polynomial hash over all bits for the directory.
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn poly(chars: &[char]) -> u64 {
    chars
        .iter()
        .fold(0u64, |h, &c| h.wrapping_mul(BASE).wrapping_add(c as u64))
}

fn key_of(h: u64, len: usize) -> u64 {
    mix(h ^ ((len as u64) << 56))
}

/// Prefix hashes: `pre[i]` is the polynomial hash of `chars[..i]`.
fn prefix_hashes(chars: &[char]) -> [u64; MAX_FUZZY_CHARS + 2] {
    let mut pre = [0u64; MAX_FUZZY_CHARS + 2];
    for (i, &c) in chars.iter().enumerate() {
        pre[i + 1] = pre[i].wrapping_mul(BASE).wrapping_add(c as u64);
    }
    pre
}

/// Hash of `chars` (length `n`, prefix hashes `pre`) with character `k` deleted, in O(1).
fn deletion_hash(pre: &[u64], n: usize, k: usize) -> u64 {
    let tail = pre[n].wrapping_sub(pre[k + 1].wrapping_mul(POW[n - 1 - k]));
    pre[k].wrapping_mul(POW[n - 1 - k]).wrapping_add(tail)
}

/// Decodes `text` into `buf` when its length is in the fuzzy range.
fn load(text: &str, buf: &mut [char; MAX_FUZZY_CHARS + 1]) -> Option<usize> {
    // Cheap length screen before decoding: a character is 1–4 bytes.
    if text.len() < MIN_FUZZY_CHARS || text.len() > 4 * MAX_FUZZY_CHARS {
        return None;
    }
    let mut n = 0;
    for c in text.chars() {
        if n == MAX_FUZZY_CHARS {
            return None;
        }
        buf[n] = c;
        n += 1;
    }
    (n >= MIN_FUZZY_CHARS).then_some(n)
}

/// True when `w` and `p` differ by exactly one edit; which one.
fn one_edit(w: &[char], p: &[char]) -> Option<Edit> {
    if w.len() == p.len() {
        let diff = w.iter().zip(p).filter(|(a, b)| a != b).count();
        return (diff == 1).then_some(Edit::Substitution);
    }
    let (long, short) = if w.len() > p.len() { (w, p) } else { (p, w) };
    if long.len() != short.len() + 1 {
        return None;
    }
    let i = long.iter().zip(short).take_while(|(a, b)| a == b).count();
    // Only inside the word: a window that is a name minus its first or last syllable (or
    // plus one) is far more often another word (사회적경제 vs 바사회적경제) than a typo.
    let interior = i > 0 && i < long.len() - 1;
    (interior && long[i + 1..] == short[i..]).then_some(Edit::Indel)
}

impl FuzzyIndex {
    /// Indexes every pattern (`arena[s..e]` for each span) of 5–24 characters.
    ///
    /// Three passes over the patterns, no sort: count the keys (and set the prefilter bits),
    /// count them per bucket, then drop each into its bucket's slot.
    pub fn build(arena: &str, patterns: &[(u32, u32)]) -> FuzzyIndex {
        let bits = (patterns.len() * 16)
            .next_power_of_two()
            .clamp(1 << 12, 1 << 26);
        let mut prefix_bits = vec![0u64; bits / 64];
        let mut suffix_bits = vec![0u64; bits / 64];
        let bit_mask = bits as u64 - 1;
        let mut max_len = 0;
        let mut count = 0usize;
        for_each_long(arena, patterns, |_, chars| {
            let n = chars.len();
            let first = poly(&chars[..3]) ^ PREFIX_SALT;
            let last = poly(&chars[n - 3..]) ^ SUFFIX_SALT;
            // Keyed by the length of the window that may meet the pattern: one shorter, as
            // long, one longer.
            for c in n - 1..=n + 1 {
                set_bit(&mut prefix_bits, bit_position(first, c, bit_mask));
                set_bit(&mut suffix_bits, bit_position(last, c, bit_mask));
            }
            if n == MIN_FUZZY_CHARS {
                // Edit in the middle of five: both ends of two survive, in a window of four
                // (deleted) or five (replaced).
                let g = poly(&[chars[0], chars[1], chars[3], chars[4]]) ^ GAPPED_SALT;
                for c in [n - 1, n] {
                    set_bit(&mut prefix_bits, bit_position(g, c, bit_mask));
                }
            }
            max_len = max_len.max(n);
            count += n + 1;
        });

        // About four keys a bucket: a probe reads one short run of 8-byte keys.
        let bucket_bits = (usize::BITS - (count / 4).max(2).leading_zeros()).clamp(1, 30);
        let shift = 64 - bucket_bits;
        let mut directory = vec![0u32; (1usize << bucket_bits) + 1];
        for_each_long(arena, patterns, |_, chars| {
            pattern_keys(chars, |hash, _| {
                directory[(hash >> shift) as usize + 1] += 1
            });
        });
        for b in 1..directory.len() {
            directory[b] += directory[b - 1];
        }
        let mut next = directory.clone();
        let mut keys = vec![Key::default(); count];
        for_each_long(arena, patterns, |pattern, chars| {
            pattern_keys(chars, |hash, deleted| {
                let slot = &mut next[(hash >> shift) as usize];
                keys[*slot as usize] = Key {
                    low: hash as u32,
                    tag: pattern | (u32::from(deleted) << 24),
                };
                *slot += 1;
            });
        });
        FuzzyIndex {
            keys,
            directory,
            shift,
            prefix_bits,
            suffix_bits,
            bit_mask,
            max_len,
        }
    }

    /// Shortest and longest window worth looking up (one edit around the pattern lengths).
    pub fn window_range(&self) -> (usize, usize) {
        (MIN_FUZZY_CHARS - 1, self.max_len + 1)
    }

    /// Prefilter: could any pattern within one edit of `w` exist? Two bit tests (three for
    /// a window of four or five), keyed by the window's length.
    fn may_match(&self, w: &[char]) -> bool {
        let c = w.len();
        let first = poly(&w[..3]) ^ PREFIX_SALT;
        let last = poly(&w[c - 3..]) ^ SUFFIX_SALT;
        get_bit(&self.prefix_bits, bit_position(first, c, self.bit_mask))
            || get_bit(&self.suffix_bits, bit_position(last, c, self.bit_mask))
            // A five-character pattern edited in the middle: the window keeps its two outer
            // pairs (one character between them when substituted, none when deleted).
            || matches!(c, 4 | 5)
                && get_bit(
                    &self.prefix_bits,
                    bit_position(
                        poly(&[w[0], w[1], w[c - 2], w[c - 1]]) ^ GAPPED_SALT,
                        c,
                        self.bit_mask,
                    ),
                )
    }

    fn probe(&self, hash: u64) -> impl Iterator<Item = Key> {
        let bucket = (hash >> self.shift) as usize;
        let from = self.directory[bucket] as usize;
        let to = self.directory[bucket + 1] as usize;
        let low = hash as u32;
        self.keys[from..to]
            .iter()
            .copied()
            .filter(move |k| k.low == low)
    }

    /// Calls `hit(pattern, edit)` for every indexed pattern exactly one edit away from `w`.
    /// `pattern_text(id)` returns the folded text of pattern `id` for verification.
    pub fn lookup<'a>(
        &self,
        w: &[char],
        pattern_text: impl Fn(u32) -> &'a str,
        mut hit: impl FnMut(u32, Edit),
    ) {
        let c = w.len();
        if self.keys.is_empty() || c < MIN_FUZZY_CHARS - 1 || c > self.max_len + 1 {
            return;
        }
        if !self.may_match(w) {
            return;
        }
        let mut buf = ['\0'; MAX_FUZZY_CHARS + 1];
        let mut verify = |id: u32| {
            if let Some(n) = load(pattern_text(id), &mut buf)
                && let Some(edit) = one_edit(w, &buf[..n])
            {
                hit(id, edit);
            }
        };
        let pre = prefix_hashes(w);
        // The window is a pattern with one character missing.
        for key in self.probe(key_of(pre[c], c)) {
            if key.deleted() != WHOLE {
                verify(key.pattern());
            }
        }
        // The window has one extra character, or one character replaced.
        for i in 0..c {
            for key in self.probe(key_of(deletion_hash(&pre, c, i), c - 1)) {
                if key.deleted() == WHOLE || usize::from(key.deleted()) == i {
                    verify(key.pattern());
                }
            }
        }
    }
}

/// Bit for a salted k-gram hash and a pattern length.
fn bit_position(gram: u64, n: usize, bit_mask: u64) -> u64 {
    key_of(gram, n) & bit_mask
}

fn set_bit(bits: &mut [u64], key: u64) {
    bits[(key / 64) as usize] |= 1 << (key % 64);
}

fn get_bit(bits: &[u64], key: u64) -> bool {
    bits[(key / 64) as usize] & (1 << (key % 64)) != 0
}

/// Calls `f(id, chars)` for every pattern of 5–24 characters (ids beyond [`PATTERN_MASK`]
/// are not indexed).
fn for_each_long(arena: &str, patterns: &[(u32, u32)], mut f: impl FnMut(u32, &[char])) {
    let mut buf = ['\0'; MAX_FUZZY_CHARS + 1];
    for (id, &(s, e)) in patterns.iter().enumerate() {
        let Some(n) = load(&arena[s as usize..e as usize], &mut buf) else {
            continue;
        };
        match u32::try_from(id) {
            Ok(id) if id <= PATTERN_MASK => f(id, &buf[..n]),
            _ => break,
        }
    }
}

/// Calls `f(hash, deleted)` for the whole pattern and each one-character deletion.
fn pattern_keys(chars: &[char], mut f: impl FnMut(u64, u8)) {
    let n = chars.len();
    let pre = prefix_hashes(chars);
    f(key_of(pre[n], n), WHOLE);
    for k in 0..n {
        f(key_of(deletion_hash(&pre, n, k), n - 1), k as u8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(names: &[&str]) -> (String, Vec<(u32, u32)>, FuzzyIndex) {
        let mut arena = String::new();
        let mut spans = Vec::new();
        for n in names {
            let s = arena.len() as u32;
            arena.push_str(n);
            spans.push((s, arena.len() as u32));
        }
        let idx = FuzzyIndex::build(&arena, &spans);
        (arena, spans, idx)
    }

    fn hits(names: &[&str], window: &str) -> Vec<(u32, Edit)> {
        let (arena, spans, idx) = index(names);
        let w: Vec<char> = window.chars().collect();
        let mut out = Vec::new();
        let text = |id: u32| {
            let (s, e) = spans[id as usize];
            &arena[s as usize..e as usize]
        };
        idx.lookup(&w, text, |p, e| out.push((p, e)));
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn finds_one_substitution() {
        let h = hits(&["성동사경센터", "와디즈"], "성동사경세터");
        assert_eq!(h, vec![(0, Edit::Substitution)]);
    }

    #[test]
    fn finds_missing_and_extra_characters() {
        assert_eq!(
            hits(&["사계절공정여행"], "사계절공정행"),
            vec![(0, Edit::Indel)]
        );
        assert_eq!(
            hits(&["사계절공정여행"], "사계절공정여여행"),
            vec![(0, Edit::Indel)]
        );
        // Not at the edges: those are other words more often than typos.
        assert!(hits(&["사계절공정여행"], "계절공정여행").is_empty());
        assert!(hits(&["사계절공정여행"], "사계절공정여행사").is_empty());
    }

    #[test]
    fn ignores_exact_two_edits_and_short_names() {
        assert!(hits(&["성동사경센터"], "성동사경센터").is_empty());
        assert!(hits(&["성동사경센터"], "성동사정세터").is_empty());
        assert!(hits(&["와디즈"], "와디주").is_empty());
    }

    #[test]
    fn deletion_hash_matches_direct_hash() {
        let chars: Vec<char> = "아름다운하루".chars().collect();
        let pre = prefix_hashes(&chars);
        for k in 0..chars.len() {
            let mut d = chars.clone();
            d.remove(k);
            assert_eq!(deletion_hash(&pre, chars.len(), k), poly(&d));
        }
    }
}
