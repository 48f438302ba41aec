//! The exact-match index: a character trie over the folded patterns, laid out flat.
//!
//! A leftmost-longest Aho-Corasick automaton over 300,000 Korean names took over three seconds
//! to build (most of it filling failure transitions) and tens of megabytes. Report text needs
//! no failure transitions: every match is checked against word boundaries anyway, so the
//! matcher simply asks, at each place a name may start, for the longest pattern that starts
//! there. A trie answers that with a walk of a few characters, since most two-syllable
//! prefixes of a text are no pattern's prefix. Building it is one sort of the patterns and
//! one pass over their characters.
//!
//! Nodes are numbered breadth-first, so the children of node `i` are the contiguous nodes
//! `first[i]..first[i + 1]`, sorted by their label: three flat arrays, twelve bytes a node.
//! The root has a child for nearly every syllable that starts a name (thousands), so its
//! Hangul children are also kept in a table indexed by syllable: the step taken at every
//! position of the text is one load instead of a dozen-step binary search.

use std::collections::VecDeque;

use super::particles::{HANGUL_COUNT, hangul_index};

/// No pattern ends at this node.
const NONE: u32 = u32::MAX;

/// See the module documentation.
pub(crate) struct Trie {
    /// The character on the edge into each node (the root's is unused).
    labels: Vec<char>,
    /// Children of node `i`: `first[i]..first[i + 1]` (one more entry than nodes).
    first: Vec<u32>,
    /// The pattern that ends at each node, or `NONE`.
    pattern: Vec<u32>,
    /// The root's child for each Hangul syllable (`syllable - 가`), 0 when there is none (the
    /// root is nobody's child). Empty when the trie has no pattern starting with a syllable.
    root_hangul: Vec<u32>,
}

/// The trie has more nodes than `u32` can number (billions of characters of names).
#[derive(Debug)]
pub(crate) struct TooLarge;

impl Trie {
    /// The trie of `patterns`, byte spans of distinct non-empty strings in `arena`; pattern
    /// ids are indices into `patterns`.
    pub fn build(arena: &str, patterns: &[(u32, u32)]) -> Result<Trie, TooLarge> {
        let text = |p: u32| {
            let (s, e) = patterns[p as usize];
            &arena[s as usize..e as usize]
        };
        // Sort by the first three characters packed into one integer (21 bits each; a missing
        // character is 0 and sorts first, as a shorter string does), then each run of equal
        // keys by the whole text (UTF-8 sorts bytewise as its characters do): far fewer
        // scattered string comparisons.
        let key = |p: u32| {
            let mut chars = text(p).chars();
            (0..3).fold(0u64, |k, _| (k << 21) | chars.next().map_or(0, u64::from))
        };
        let mut keyed: Vec<(u64, u32)> = (0..idx(patterns.len())?).map(|p| (key(p), p)).collect();
        keyed.sort_unstable();
        let mut order: Vec<u32> = keyed.iter().map(|&(_, p)| p).collect();
        let mut from = 0;
        while from < keyed.len() {
            let to = from + keyed[from..].partition_point(|&(k, _)| k == keyed[from].0);
            if to - from > 1 {
                order[from..to].sort_unstable_by(|&a, &b| text(a).cmp(text(b)));
            }
            from = to;
        }
        drop(keyed);
        // The breadth-first pass compares characters, and reads the patterns of a range at one
        // depth after the other: laid out as chars in sorted order, that is a walk through
        // memory instead of a jump and a decode per pattern.
        let total: usize = order.iter().map(|&p| text(p).chars().count()).sum();
        let mut sorted: Vec<char> = Vec::with_capacity(total);
        let mut sorted_spans: Vec<(u32, u32)> = Vec::with_capacity(order.len());
        for &p in &order {
            let from = sorted.len();
            sorted.extend(text(p).chars());
            sorted_spans.push((idx(from)?, idx(sorted.len())?));
        }
        let text = |i: usize| {
            let (s, e) = sorted_spans[i];
            &sorted[s as usize..e as usize]
        };

        let mut labels = vec!['\0'];
        let mut pattern = vec![NONE];
        let mut first: Vec<u32> = Vec::with_capacity(sorted.len() / 2);
        // Nodes to expand, in the order they were numbered: (depth, range of `order` whose
        // patterns all start with the node's prefix).
        let mut queue = VecDeque::from([(0usize, 0usize, order.len())]);
        while let Some((depth, mut lo, hi)) = queue.pop_front() {
            let node = first.len();
            first.push(idx(labels.len())?);
            // The pattern that is exactly this prefix sorts first in the range.
            if lo < hi && text(lo).len() == depth {
                pattern[node] = order[lo];
                lo += 1;
            }
            while lo < hi {
                let c = text(lo)[depth];
                let mut end = lo + 1;
                while end < hi && text(end)[depth] == c {
                    end += 1;
                }
                labels.push(c);
                pattern.push(NONE);
                queue.push_back((depth + 1, lo, end));
                lo = end;
            }
        }
        first.push(idx(labels.len())?);
        labels.shrink_to_fit();
        pattern.shrink_to_fit();
        first.shrink_to_fit();
        let mut root_hangul = Vec::new();
        for node in first[0]..first[1] {
            if let Some(k) = hangul_index(labels[node as usize]) {
                if root_hangul.is_empty() {
                    root_hangul = vec![0; HANGUL_COUNT];
                }
                root_hangul[k] = node;
            }
        }
        Ok(Trie {
            labels,
            first,
            pattern,
            root_hangul,
        })
    }

    /// Number of nodes, root included.
    pub fn node_count(&self) -> usize {
        self.labels.len()
    }

    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        (self.labels.capacity() + self.first.capacity() + self.pattern.capacity()) * 4
            + self.root_hangul.capacity() * 4
    }

    /// The child of `node` labelled `c`.
    #[inline]
    fn child(&self, node: usize, c: char) -> Option<usize> {
        if node == 0
            && let Some(k) = hangul_index(c)
        {
            return match self.root_hangul.get(k) {
                Some(&child) if child != 0 => Some(child as usize),
                _ => None,
            };
        }
        let from = self.first[node] as usize;
        let to = self.first[node + 1] as usize;
        self.labels[from..to]
            .binary_search(&c)
            .ok()
            .map(|k| from + k)
    }

    /// The longest pattern `hay[at..]` starts with, given its first character `c` (a child
    /// of the root): its end (bytes) and id.
    fn longest_from(&self, hay: &str, at: usize, c: char) -> Option<(usize, u32)> {
        let mut node = self.child(0, c)?;
        let mut end = at + c.len_utf8();
        let mut best = None;
        loop {
            let p = self.pattern[node];
            if p != NONE {
                best = Some((end, p));
            }
            let Some(next) = hay[end..].chars().next() else {
                break;
            };
            let Some(child) = self.child(node, next) else {
                break;
            };
            node = child;
            end += next.len_utf8();
        }
        best
    }

    /// The longest pattern `hay[at..]` starts with: its end (bytes) and id.
    pub fn longest_at(&self, hay: &str, at: usize) -> Option<(usize, u32)> {
        let c = hay[at..].chars().next()?;
        self.longest_from(hay, at, c)
    }

    /// The leftmost-longest match starting at or after byte `from`: (start, end, id).
    #[cfg(test)]
    pub fn find(&self, hay: &str, from: usize) -> Option<(usize, usize, u32)> {
        hay[from..].char_indices().find_map(|(offset, c)| {
            let start = from + offset;
            self.longest_from(hay, start, c)
                .map(|(end, p)| (start, end, p))
        })
    }
}

fn idx(n: usize) -> Result<u32, TooLarge> {
    u32::try_from(n).map_err(|_| TooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trie(words: &[&str]) -> (Trie, Vec<String>) {
        let arena: String = words.concat();
        let mut spans = Vec::new();
        let mut at = 0u32;
        for w in words {
            spans.push((at, at + w.len() as u32));
            at += w.len() as u32;
        }
        let t = Trie::build(&arena, &spans).unwrap_or_else(|_| panic!("too large"));
        (t, words.iter().map(|w| w.to_string()).collect())
    }

    fn all(t: &Trie, words: &[String], hay: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut pos = 0;
        while let Some((s, e, p)) = t.find(hay, pos) {
            assert_eq!(&hay[s..e], words[p as usize]);
            out.push(hay[s..e].to_string());
            pos = e;
        }
        out
    }

    #[test]
    fn finds_leftmost_then_longest() {
        let (t, w) = trie(&["성동", "성동구", "동구청", "와디즈", "구"]);
        assert_eq!(all(&t, &w, "성동구청과 와디즈"), ["성동구", "와디즈"]);
        // The leftmost start wins over a longer match that starts later.
        assert_eq!(all(&t, &w, "x동구청"), ["동구청"]);
        assert_eq!(all(&t, &w, "성동x"), ["성동"]);
        assert_eq!(all(&t, &w, ""), Vec::<String>::new());
    }

    #[test]
    fn agrees_with_a_leftmost_longest_automaton() {
        let words = [
            "가",
            "가나",
            "가나다라",
            "나다",
            "다라마",
            "라",
            "abc",
            "b",
            "bcd",
            "가b",
            "나다라마바",
        ];
        let (t, w) = trie(&words);
        let ac = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(words)
            .unwrap_or_else(|e| panic!("{e}"));
        for hay in [
            "가나다라마바사",
            "나다라마바",
            "xabcd가b가나다",
            "다라마라가",
            "bbcd",
        ] {
            let ours: Vec<(usize, usize)> = {
                let mut v = Vec::new();
                let mut pos = 0;
                while let Some((s, e, _)) = t.find(hay, pos) {
                    v.push((s, e));
                    pos = e;
                }
                v
            };
            let theirs: Vec<(usize, usize)> =
                ac.find_iter(hay).map(|m| (m.start(), m.end())).collect();
            assert_eq!(ours, theirs, "{hay}");
        }
        assert!(all(&t, &w, "가나다라").len() == 1);
    }

    #[test]
    fn empty_trie_finds_nothing() {
        let (t, _) = trie(&[]);
        assert_eq!(t.node_count(), 1);
        assert_eq!(t.find("가나", 0), None);
    }
}
