//! Korean particles (조사) and word boundaries.
//!
//! A name glued to a particle (와디즈는, 성동사경센터에서) is still that name, but a name that is
//! only the start of a longer word (바른참 inside 바른참여연대) is not. The particle list is
//! read backwards through a small trie built once, from a word's end: the check runs for
//! every word of a report and every candidate match, so it must stay cheap.

/// Longest run of trailing Hangul we are willing to read as a particle stack (에서부터는 is 5).
pub(crate) const MAX_PARTICLE_STACK: usize = 8;

/// True for a precomposed Hangul syllable (가–힣).
pub(crate) fn is_hangul_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// How many precomposed Hangul syllables there are (가–힣).
pub(crate) const HANGUL_COUNT: usize = 11_172;

/// Index of a Hangul syllable in 가–힣, for tables with a slot per syllable.
pub(crate) fn hangul_index(c: char) -> Option<usize> {
    is_hangul_syllable(c).then(|| c as usize - '가' as usize)
}

/// True for characters that make up words: Hangul, letters and digits of any script.
///
/// Symbols such as ㈜ are not word characters, so they act as boundaries.
pub(crate) fn is_word_char(c: char) -> bool {
    is_hangul_syllable(c) || c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric())
}

/// Every particle and ending from KOREAN.md, in both vowel-harmony forms, one to four
/// syllables. Stacks (에서는, 과의, 기업들이) are sequences of these: [`is_particle_sequence`].
#[rustfmt::skip]
const PARTICLES: &[&str] = &[
    // case, topic, plural and "side/inside" nouns that keep the entity
    "이", "가", "을", "를", "의", "에", "께", "로", "와", "과", "랑", "은", "는",
    "도", "만", "나", "야", "요", "인", "란", "들", "측", "내", "등", "뿐",
    // two syllables
    "에서", "에게", "에는", "에도", "한테", "으로", "로서", "로써", "하고",
    "이랑", "이나", "이야", "이다", "이며", "이고", "이란", "이던", "이죠", "이요",
    "께서", "보다", "처럼", "같이", "만큼", "까지", "부터", "마저", "마다", "조차", "밖에",
    "나마", "라도", "라는", "라고", "라며", "였다", "였고", "였던", "인데", "예요",
    // three and four
    "에게서", "한테서", "으로서", "으로써", "로부터", "이나마",
    "이라도", "이라는", "이라고", "이라며", "입니다", "이었다", "이었고", "이었던",
    "이지만", "이에요", "으로부터",
];

/// The particles spelt backwards as a trie, so a word's particles are read from its end one
/// syllable at a time: a word whose last syllable ends no particle costs one table load.
struct Backwards {
    /// The node after each syllable from the root, by `c - '가'` (0: no particle ends in it).
    first: Box<[u16]>,
    nodes: Vec<BackNode>,
}

#[derive(Default)]
struct BackNode {
    /// The syllables read so far, backwards, are a whole particle.
    particle: bool,
    /// The next syllable (the one before) and its node; a handful at most.
    next: Vec<(char, u16)>,
}

static BACKWARDS: std::sync::LazyLock<Backwards> = std::sync::LazyLock::new(Backwards::build);

impl Backwards {
    fn build() -> Backwards {
        // Node 0 is the root; its children live in `first`.
        let mut trie = Backwards {
            first: vec![0u16; HANGUL_COUNT].into_boxed_slice(),
            nodes: vec![BackNode::default()],
        };
        for particle in PARTICLES {
            let mut at = 0usize;
            for c in particle.chars().rev() {
                at = match trie.child(at, c) {
                    Some(n) => n,
                    None => trie.add_child(at, c),
                };
            }
            trie.nodes[at].particle = true;
        }
        trie
    }

    /// The node after `node` when the syllable before is `c`.
    fn child(&self, node: usize, c: char) -> Option<usize> {
        let n = if node == 0 {
            hangul_index(c)
                .and_then(|k| self.first.get(k))
                .copied()
                .filter(|&n| n != 0)
        } else {
            self.nodes[node]
                .next
                .iter()
                .find(|&&(d, _)| d == c)
                .map(|&(_, n)| n)
        };
        n.map(usize::from)
    }

    fn add_child(&mut self, node: usize, c: char) -> usize {
        // Under 200 nodes: the list above is all there is.
        let n = u16::try_from(self.nodes.len()).unwrap_or(u16::MAX);
        self.nodes.push(BackNode::default());
        if node != 0 {
            self.nodes[node].next.push((c, n));
        } else if let Some(slot) = hangul_index(c).and_then(|k| self.first.get_mut(k)) {
            *slot = n;
        }
        usize::from(n)
    }
}

/// True when `s` is one particle or a stack of them (에서는, 으로부터, 들이, 과도).
///
/// Empty input is not a sequence; inputs longer than [`MAX_PARTICLE_STACK`] are rejected
/// outright, since no real stack is that long and ordinary words would otherwise be scanned.
pub(crate) fn is_particle_sequence(s: &[char]) -> bool {
    let n = s.len();
    n != 0 && n <= MAX_PARTICLE_STACK && particle_suffix_mask(s) & (1 << n) != 0
}

/// Bit `k` (1 ≤ k ≤ 8) is set when the last `k` characters of `word` form a particle sequence,
/// i.e. `word[..len - k]` is a possible stem. One backward walk of the particle trie from the
/// word's end and from each such boundary.
pub(crate) fn particle_suffix_mask(word: &[char]) -> u16 {
    let trie = &*BACKWARDS;
    let n = word.len();
    let span = n.min(MAX_PARTICLE_STACK);
    // Bit 0, the empty suffix, starts the walk and is dropped at the end.
    let mut mask = 1u16;
    for k in 0..span {
        if mask & (1 << k) == 0 {
            continue;
        }
        // Particles that end where the last k characters begin.
        let mut node = trie.child(0, word[n - k - 1]);
        let mut len = k + 1;
        while let Some(at) = node {
            if trie.nodes[at].particle {
                mask |= 1 << len;
            }
            if len == span {
                break;
            }
            node = trie.child(at, word[n - len - 1]);
            len += 1;
        }
    }
    mask & !1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn single_particles_in_both_harmony_forms() {
        for p in [
            "이", "가", "을", "를", "은", "는", "와", "과", "로", "으로", "에서", "께서",
        ] {
            assert!(is_particle_sequence(&chars(p)), "{p}");
        }
    }

    #[test]
    fn stacked_particles_are_sequences() {
        for p in [
            "에서는",
            "에서도",
            "에서의",
            "과의",
            "만의",
            "들이",
            "들과",
            "과도",
            "에서부터",
        ] {
            assert!(is_particle_sequence(&chars(p)), "{p}");
        }
        assert!(is_particle_sequence(&chars("이라는")));
        assert!(is_particle_sequence(&chars("으로부터")));
    }

    #[test]
    fn word_continuations_are_not_particles() {
        for w in ["여연대", "장님", "기업", "", "사경센터"] {
            assert!(!is_particle_sequence(&chars(w)), "{w}");
        }
    }

    #[test]
    fn suffix_mask_marks_possible_stems() {
        // 성동사경세터에서: the stem ends before 에서 (2 chars) — and nothing shorter is a stack.
        let mask = particle_suffix_mask(&chars("성동사경세터에서"));
        assert_eq!(mask, 1 << 2);
        // 기업들이: 이 (1) and 들이 (2) both strip.
        let mask = particle_suffix_mask(&chars("기업들이"));
        assert_eq!(mask, (1 << 1) | (1 << 2));
        assert_eq!(particle_suffix_mask(&chars("바른참여연대")), 0);
    }

    /// The trie gives what reading the list directly gives, for every stack of up to three
    /// particles behind a few stems, and for the particles' own syllables shuffled.
    #[test]
    fn suffix_mask_matches_the_list_read_directly() {
        fn by_list(word: &[char]) -> u16 {
            let n = word.len();
            let lo = n.saturating_sub(MAX_PARTICLE_STACK);
            let mut ok = [false; MAX_PARTICLE_STACK + 1];
            ok[n - lo] = true;
            let mut mask = 0u16;
            for j in (lo..n).rev() {
                let hit = (1..=n - j).any(|l| {
                    ok[j + l - lo]
                        && PARTICLES.contains(&word[j..j + l].iter().collect::<String>().as_str())
                });
                ok[j - lo] = hit;
                if hit {
                    mask |= 1 << (n - j);
                }
            }
            mask
        }
        let mut words = Vec::new();
        for stem in ["", "기업", "성동사경세터", "바른참여연대", "이야기했습니다"]
        {
            for a in PARTICLES {
                words.push(format!("{stem}{a}"));
                for b in PARTICLES.iter().step_by(3) {
                    words.push(format!("{stem}{a}{b}"));
                    words.push(format!("{stem}{a}{b}이"));
                }
            }
        }
        let syllables: Vec<char> = PARTICLES.iter().flat_map(|p| p.chars()).collect();
        for i in 0..syllables.len() {
            let w: String = (0..6)
                .map(|k| syllables[(i * 7 + k * 13) % syllables.len()])
                .collect();
            words.push(w);
        }
        for w in &words {
            let w = chars(w);
            assert_eq!(
                particle_suffix_mask(&w),
                by_list(&w),
                "{}",
                w.iter().collect::<String>()
            );
        }
    }

    #[test]
    fn word_chars() {
        assert!(is_word_char('가') && is_word_char('a') && is_word_char('7'));
        assert!(!is_word_char('㈜') && !is_word_char(' ') && !is_word_char('‘'));
    }
}
