//! Finding mentions: exact matches through the trie with Korean boundary checks, fuzzy
//! matches at word starts, then candidates, assembled into [`Mention`]s with character offsets.
//!
//! All internal work is in byte offsets of the NFC text; character offsets are computed once
//! at the end, in one forward pass. An exact match stays a [`Hit`] — a span and the pattern
//! found there — until the mentions are assembled: a name that a hundred entries bear is one
//! hit, not a hundred links to sort and check, and its entries are copied out once, already in
//! order. Fuzzy matches and candidates are [`Link`]s, one per entry.

use std::sync::Arc;

use super::candidates;
use super::dictionary::Dictionary;
use super::fuzzy::Edit;
use super::mention::{
    CONF_FUZZY_INDEL, CONF_FUZZY_SUBSTITUTION, MAX_ALTERNATIVES, Mention, Method,
};
use super::normalize::{FoldedText, fold_text};
use super::particles::{
    MAX_PARTICLE_STACK, is_hangul_syllable, is_particle_sequence, is_word_char,
};
use super::tokens::Tokens;
use crate::domain::EntryKind;

/// Up to how many words a fuzzy window may span (소영시 스토어 is two). Each extra word
/// multiplies the windows to look up; longer spaced names are still found exactly.
const MAX_FUZZY_WORDS: usize = 2;

/// What [`Dictionary::find_with`] should do besides exact matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FindOptions {
    /// Look for names within one edit (성동사경세터).
    pub fuzzy: bool,
    /// Offer names that are not in the directory.
    pub candidates: bool,
}

impl Default for FindOptions {
    fn default() -> Self {
        FindOptions {
            fuzzy: true,
            candidates: true,
        }
    }
}

/// An exact match: byte offsets into the NFC text and the pattern of `layer`'s dictionary
/// found there; its kept targets are the span's alternatives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub start: usize,
    pub end: usize,
    pub layer: u32,
    pub pattern: u32,
}

/// A fuzzy or candidate mention under construction: byte offsets into the NFC text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Link {
    pub start: usize,
    pub end: usize,
    pub entry_id: Option<i64>,
    pub method: Method,
    pub confidence: f32,
    pub kind: Option<EntryKind>,
}

/// One dictionary layer and the entries whose links from it must be ignored (entries that a
/// newer layer has changed or removed).
pub(crate) struct Layer<'a> {
    pub dictionary: &'a Dictionary,
    pub keep: &'a dyn Fn(i64) -> bool,
}

impl Dictionary {
    /// Every mention of a dictionary entry in `text`, plus candidates for names the
    /// directory lacks. Offsets are characters of the NFC form of `text`.
    pub fn find(&self, text: &str) -> Vec<Mention> {
        self.find_with(text, FindOptions::default())
    }

    /// [`Dictionary::find`] with fuzzy matching or candidates switched off.
    pub fn find_with(&self, text: &str, options: FindOptions) -> Vec<Mention> {
        self.find_probed(text, options, &mut |_| {})
    }

    /// [`Dictionary::find_with`], calling `done` as each [`Stage`] ends: what `tambang
    /// bench-linking` uses to time the stages apart.
    pub fn find_probed(
        &self,
        text: &str,
        options: FindOptions,
        done: &mut impl FnMut(Stage),
    ) -> Vec<Mention> {
        let keep_all = |_: i64| true;
        let layer = Layer {
            dictionary: self,
            keep: &keep_all,
        };
        find_in_layers_probed(&[layer], text, options, done)
    }

    /// Leftmost-longest exact matches that pass the Korean boundary checks and name at least
    /// one entry `keep` keeps.
    fn exact_hits(
        &self,
        ft: &FoldedText<'_>,
        keep: &dyn Fn(i64) -> bool,
        layer: u32,
        out: &mut Vec<Hit>,
    ) {
        let hay = ft.folded.as_str();
        // Leftmost-longest from the offsets where a name may start; a match that ends badly
        // (바른참 in 바른참여연대) lets a later start try.
        let mut pos = 0;
        for &start in &ft.starts {
            let start = start as usize;
            if start < pos {
                continue;
            }
            let Some((end, pattern)) = self.trie.longest_at(hay, start) else {
                continue;
            };
            let (os, oe) = ft.original_span(start, end);
            debug_assert!(left_ok(ft, start, os), "{start} is no name start");
            if right_ok(ft, end, oe) {
                if self
                    .targets(pattern as usize)
                    .iter()
                    .any(|t| keep(t.entry_id))
                {
                    out.push(Hit {
                        start: os,
                        end: oe,
                        layer,
                        pattern,
                    });
                }
                pos = end;
            }
        }
    }

    /// Fuzzy matches over windows that start a word and end at a word end or before a
    /// particle stack, skipping text already linked.
    fn fuzzy_links(
        &self,
        tokens: &Tokens,
        covered: &[(usize, usize)],
        keep: &dyn Fn(i64) -> bool,
        out: &mut Vec<Link>,
    ) {
        let (min_w, max_w) = self.fuzzy.window_range();
        if self.fuzzy.max_len == 0 {
            return;
        }
        let pattern_text = |id: u32| self.pattern(id as usize);
        // Windows come in text order, so a cursor finds the covered span that could overlap.
        let mut cursor = 0;
        for t in 0..tokens.list.len() {
            let first = tokens.list[t].first;
            let start_byte = tokens.list[t].start_byte;
            while covered.get(cursor).is_some_and(|&(_, e)| e <= start_byte) {
                cursor += 1;
            }
            let next_covered = covered.get(cursor).map_or(usize::MAX, |&(s, _)| s);
            let mut before = 0; // characters of the whole tokens before token u
            for u in t..(t + MAX_FUZZY_WORDS).min(tokens.list.len()) {
                if u > t && !tokens.list[u].joins_prev || before > max_w {
                    break;
                }
                let token_len = tokens.list[u].end - tokens.list[u].first;
                if before + token_len < min_w {
                    // No stem of this token can make the window long enough.
                    before += token_len;
                    continue;
                }
                for stem in tokens.stem_lengths(u) {
                    let len = before + stem;
                    if len < min_w || len > max_w {
                        continue;
                    }
                    let end_byte = tokens.byte_at(u, tokens.list[u].first + stem);
                    if next_covered < end_byte {
                        continue;
                    }
                    let window = &tokens.chars[first..first + len];
                    self.fuzzy.lookup(window, pattern_text, |id, edit| {
                        let base = match edit {
                            Edit::Substitution => CONF_FUZZY_SUBSTITUTION,
                            Edit::Indel => CONF_FUZZY_INDEL,
                        };
                        for target in self.targets(id as usize) {
                            if keep(target.entry_id) {
                                out.push(Link {
                                    start: start_byte,
                                    end: end_byte,
                                    entry_id: Some(target.entry_id),
                                    method: Method::Fuzzy,
                                    confidence: base.min(target.confidence),
                                    kind: None,
                                });
                            }
                        }
                    });
                }
                before += token_len;
            }
        }
    }
}

/// The stages of linking a text, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// NFC and the folded text with its map back and the places a name may start.
    Fold,
    /// The trie walked from each of those places, with the Korean boundary checks.
    Exact,
    /// The text cut into words, each with its particle stacks (fuzzy and candidates only).
    Words,
    /// Windows within one edit of a long name.
    Fuzzy,
    /// Names the directory lacks.
    Candidates,
    /// Hits and links turned into mentions with character offsets.
    Assemble,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Stage::Fold,
        Stage::Exact,
        Stage::Words,
        Stage::Fuzzy,
        Stage::Candidates,
        Stage::Assemble,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Fold => "fold",
            Stage::Exact => "exact",
            Stage::Words => "words",
            Stage::Fuzzy => "fuzzy",
            Stage::Candidates => "candidates",
            Stage::Assemble => "assemble",
        }
    }
}

/// The whole pipeline over one or more layers (base dictionary, delta).
pub(crate) fn find_in_layers(
    layers: &[Layer<'_>],
    text: &str,
    options: FindOptions,
) -> Vec<Mention> {
    find_in_layers_probed(layers, text, options, &mut |_| {})
}

/// [`find_in_layers`], calling `done` as each stage ends (stages switched off by `options`
/// are not reported).
fn find_in_layers_probed(
    layers: &[Layer<'_>],
    text: &str,
    options: FindOptions,
    done: &mut impl FnMut(Stage),
) -> Vec<Mention> {
    let ft = fold_text(text);
    done(Stage::Fold);
    let mut hits = Vec::new();
    for (i, layer) in (0u32..).zip(layers) {
        layer.dictionary.exact_hits(&ft, layer.keep, i, &mut hits);
    }
    resolve_hits(&mut hits);
    done(Stage::Exact);
    let mut links = Vec::new();
    if options.fuzzy || options.candidates {
        let tokens = Tokens::new(&ft.original);
        done(Stage::Words);
        let mut covered: Vec<(usize, usize)> = hits.iter().map(|h| (h.start, h.end)).collect();
        covered.dedup();
        if options.fuzzy {
            for layer in layers {
                layer
                    .dictionary
                    .fuzzy_links(&tokens, &covered, layer.keep, &mut links);
            }
            resolve_overlaps(&mut links);
            // Fuzzy windows skip covered text, so the union is still sorted and disjoint.
            covered.extend(links.iter().map(|l| (l.start, l.end)));
            covered.sort_unstable();
            covered.dedup();
            done(Stage::Fuzzy);
        }
        if options.candidates {
            let mut found = Vec::new();
            candidates::discover(&ft.original, &tokens, &covered, &mut found);
            resolve_overlaps(&mut found);
            links.append(&mut found);
            done(Stage::Candidates);
        }
    }
    let mentions = to_mentions(&ft.original, layers, &hits, links);
    done(Stage::Assemble);
    mentions
}

/// True when `start..end` overlaps one of the sorted, non-overlapping `spans`.
pub(crate) fn overlaps(spans: &[(usize, usize)], start: usize, end: usize) -> bool {
    let i = spans.partition_point(|&(_, e)| e <= start);
    spans.get(i).is_some_and(|&(s, _)| s < end)
}

/// Keeps non-overlapping hits, preferring earlier, then longer ones; hits of other layers on
/// exactly the same span as a kept one survive beside it (their entries become alternatives).
/// One layer's hits arrive sorted and disjoint, and then checking is all it costs.
pub(crate) fn resolve_hits(hits: &mut Vec<Hit>) {
    if !hits.is_sorted_by_key(|h| (h.start, std::cmp::Reverse(h.end), h.layer)) {
        hits.sort_unstable_by_key(|h| (h.start, std::cmp::Reverse(h.end), h.layer));
    }
    let mut span: Option<(usize, usize)> = None;
    hits.retain(|h| match span {
        Some((s, e)) if s == h.start && e == h.end => true,
        Some((_, e)) if h.start < e => false,
        _ => {
            span = Some((h.start, h.end));
            true
        }
    });
}

/// Keeps non-overlapping links, preferring earlier, then longer, then more confident ones.
/// Links with exactly the same span as a kept one survive as alternatives (two entries
/// sharing a name) unless they point to the same entry, which keeps its most confident link.
pub(crate) fn resolve_overlaps(links: &mut Vec<Link>) {
    // Within a span, links of one entry sort next to each other, best first, so duplicates
    // are dropped by comparing with the last kept link: a name shared by dozens of entries
    // costs no more than dozens of links.
    sort_links(links, |a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(a.entry_id.cmp(&b.entry_id))
            .then(b.confidence.total_cmp(&a.confidence))
            .then(a.method.cmp(&b.method))
            .then(kind_order(a, b))
    });
    // Kept links are moved down over the dropped ones, in place.
    let mut kept = 0;
    let mut span: Option<(usize, usize)> = None;
    for i in 0..links.len() {
        let link = &links[i];
        let keep = match span {
            Some((s, e)) if s == link.start && e == link.end => {
                kept == 0 || links[kept - 1].entry_id != link.entry_id
            }
            Some((_, e)) if link.start < e => false,
            _ => {
                span = Some((link.start, link.end));
                true
            }
        };
        if keep {
            if kept != i {
                links.swap(kept, i);
            }
            kept += 1;
        }
    }
    links.truncate(kept);
}

/// A match may start at the text start, after a non-word character, after a folded-away
/// marker (주식회사와디즈) or where the script changes (2022와디즈), never inside a Hangul word.
fn left_ok(ft: &FoldedText<'_>, fstart: usize, ostart: usize) -> bool {
    let Some(prev) = ft.original[..ostart].chars().next_back() else {
        return true;
    };
    if !is_word_char(prev) || ft.dropped_before(fstart, ostart, prev.len_utf8()) {
        return true;
    }
    let first = ft.original[ostart..].chars().next();
    !is_hangul_syllable(prev) && first.is_some_and(is_hangul_syllable)
}

/// A match may end at the text end, before a non-word character or a folded-away marker,
/// before a particle stack that ends the word (와디즈는, 센터에서는), or where the script
/// changes; not when the word goes on (바른참 in 바른참여연대).
fn right_ok(ft: &FoldedText<'_>, fend: usize, oend: usize) -> bool {
    let rest = &ft.original[oend..];
    let Some(next) = rest.chars().next() else {
        return true;
    };
    if !is_word_char(next) || ft.dropped_at(fend, oend) {
        return true;
    }
    if is_hangul_syllable(next) {
        let mut run = ['\0'; MAX_PARTICLE_STACK];
        let mut n = 0;
        for c in rest.chars().take_while(|&c| is_hangul_syllable(c)) {
            if n == MAX_PARTICLE_STACK {
                return false;
            }
            run[n] = c;
            n += 1;
        }
        return is_particle_sequence(&run[..n]);
    }
    ft.original[..oend]
        .chars()
        .next_back()
        .is_some_and(is_hangul_syllable)
}

/// Sorts `links` by `order`, a total order; exact links usually arrive sorted already (in text
/// order, a shared name's entries by id), and then checking is all it costs.
fn sort_links(links: &mut [Link], order: impl Fn(&Link, &Link) -> std::cmp::Ordering) {
    if !links.is_sorted_by(|a, b| order(a, b).is_le()) {
        links.sort_unstable_by(order);
    }
}

/// Candidate kinds in the order of their stable strings.
fn kind_order(a: &Link, b: &Link) -> std::cmp::Ordering {
    a.kind
        .map(EntryKind::as_str)
        .cmp(&b.kind.map(EntryKind::as_str))
}

/// The order of a span's alternatives: most confident first, then by method, then by entry
/// (as the dictionary keeps a pattern's targets).
fn alternative_order(a: &Link, b: &Link) -> std::cmp::Ordering {
    b.confidence
        .total_cmp(&a.confidence)
        .then(a.method.cmp(&b.method))
        .then(a.entry_id.cmp(&b.entry_id))
        .then(kind_order(a, b))
}

/// Turns resolved hits and links (disjoint spans but for the alternatives of one span) into
/// mentions with character offsets and surfaces, in text order and, within one span, most
/// confident first and at most [`MAX_ALTERNATIVES`] of them.
fn to_mentions(
    text: &str,
    layers: &[Layer<'_>],
    hits: &[Hit],
    mut links: Vec<Link>,
) -> Vec<Mention> {
    sort_links(&mut links, |a, b| {
        a.start.cmp(&b.start).then(b.end.cmp(&a.end))
    });
    let targets = |h: &Hit| {
        layers[h.layer as usize]
            .dictionary
            .targets(h.pattern as usize)
    };
    let most = hits
        .iter()
        .map(|h| targets(h).len().min(MAX_ALTERNATIVES))
        .sum::<usize>()
        + links.len();
    let mut mentions: Vec<Mention> = Vec::with_capacity(most);
    let mut counter = CharCounter::default();
    let mut group: Vec<Link> = Vec::new();
    let (mut h, mut l) = (0, 0);
    loop {
        let span = match (hits.get(h), links.get(l)) {
            (None, None) => break,
            (Some(a), None) => (a.start, a.end),
            (None, Some(b)) => (b.start, b.end),
            (Some(a), Some(b)) => {
                let (a, b) = ((a.start, a.end), (b.start, b.end));
                if (a.0, std::cmp::Reverse(a.1)) <= (b.0, std::cmp::Reverse(b.1)) {
                    a
                } else {
                    b
                }
            }
        };
        let h_to = h + hits[h..]
            .iter()
            .take_while(|x| (x.start, x.end) == span)
            .count();
        let l_to = l + links[l..]
            .iter()
            .take_while(|x| (x.start, x.end) == span)
            .count();
        let start = counter.chars_before(text, span.0);
        let end = counter.chars_before(text, span.1);
        let surface: Arc<str> = Arc::from(&text[span.0..span.1]);
        let mention = |entry_id, method, confidence, candidate_kind: Option<EntryKind>| Mention {
            start,
            end,
            surface: Arc::clone(&surface),
            entry_id,
            method,
            confidence,
            candidate_kind,
        };
        if h_to == h + 1 && l_to == l {
            // One name: its entries, which the dictionary keeps in this order.
            let keep = layers[hits[h].layer as usize].keep;
            let kept = targets(&hits[h]).iter().filter(|t| keep(t.entry_id));
            for t in kept.take(MAX_ALTERNATIVES) {
                mentions.push(mention(Some(t.entry_id), t.method, t.confidence, None));
            }
        } else {
            // Names of several layers, or links, on one span: each entry once, at its best.
            group.clear();
            for hit in &hits[h..h_to] {
                let keep = layers[hit.layer as usize].keep;
                group.extend(
                    targets(hit)
                        .iter()
                        .filter(|t| keep(t.entry_id))
                        .map(|t| Link {
                            start: span.0,
                            end: span.1,
                            entry_id: Some(t.entry_id),
                            method: t.method,
                            confidence: t.confidence,
                            kind: None,
                        }),
                );
            }
            group.extend_from_slice(&links[l..l_to]);
            resolve_overlaps(&mut group);
            sort_links(&mut group, alternative_order);
            for a in group.iter().take(MAX_ALTERNATIVES) {
                mentions.push(mention(a.entry_id, a.method, a.confidence, a.kind));
            }
        }
        h = h_to;
        l = l_to;
    }
    mentions
}

/// Converts byte offsets to character offsets, moving forward through the text.
#[derive(Default)]
struct CharCounter {
    byte: usize,
    chars: usize,
}

impl CharCounter {
    fn chars_before(&mut self, text: &str, byte: usize) -> usize {
        // Every byte that is not a UTF-8 continuation byte starts a character.
        let starts = |bytes: &[u8]| bytes.iter().filter(|&&b| (b as i8) >= -0x40).count();
        if byte < self.byte {
            // Back to the start of a link after the end of the one before it (two entries
            // sharing a name share a span): count back over the link, not from the text start.
            self.chars -= starts(&text.as_bytes()[byte..self.byte]);
        } else {
            self.chars += starts(&text.as_bytes()[self.byte..byte]);
        }
        self.byte = byte;
        self.chars
    }
}

#[cfg(test)]
mod counter_tests {
    use super::CharCounter;

    #[test]
    fn char_counter_goes_back_to_a_shared_span_without_restarting() {
        let text = "가나다 라마";
        let mut c = CharCounter::default();
        assert_eq!(c.chars_before(text, 3), 1);
        assert_eq!(c.chars_before(text, 9), 3);
        assert_eq!(c.chars_before(text, 3), 1);
        assert_eq!(c.chars_before(text, 13), 5);
        assert_eq!(c.chars_before(text, 0), 0);
    }
}

#[cfg(test)]
mod overlap_tests {
    use super::{Hit, Link, Method, resolve_hits, resolve_overlaps};

    #[test]
    fn hits_keep_the_longest_and_other_layers_on_the_same_span() {
        let hit = |start, end, layer, pattern| Hit {
            start,
            end,
            layer,
            pattern,
        };
        let mut hits = vec![
            hit(3, 9, 0, 1),
            hit(0, 6, 1, 7),
            hit(0, 3, 0, 2),
            hit(0, 6, 0, 5),
            hit(6, 9, 1, 3),
        ];
        resolve_hits(&mut hits);
        assert_eq!(hits, [hit(0, 6, 0, 5), hit(0, 6, 1, 7), hit(6, 9, 1, 3)]);
    }

    fn link(start: usize, end: usize, entry: i64, method: Method, confidence: f32) -> Link {
        Link {
            start,
            end,
            entry_id: Some(entry),
            method,
            confidence,
            kind: None,
        }
    }

    #[test]
    fn overlaps_keep_the_longest_and_each_entry_once_at_its_best() {
        let mut links = vec![
            link(0, 6, 2, Method::Fuzzy, 0.55),
            link(3, 9, 7, Method::ExactName, 0.95),
            link(0, 6, 1, Method::Fuzzy, 0.6),
            link(0, 3, 9, Method::ExactName, 0.95),
            link(0, 6, 2, Method::ExactName, 0.9),
            link(6, 9, 8, Method::Alias, 0.92),
        ];
        resolve_overlaps(&mut links);
        let kept: Vec<(usize, usize, Option<i64>, Method)> = links
            .iter()
            .map(|l| (l.start, l.end, l.entry_id, l.method))
            .collect();
        assert_eq!(
            kept,
            [
                (0, 6, Some(1), Method::Fuzzy),
                (0, 6, Some(2), Method::ExactName),
                (6, 9, Some(8), Method::Alias),
            ]
        );
    }
}

#[cfg(test)]
mod start_tests {
    use super::left_ok;
    use crate::mentions::normalize::fold_text;

    /// The folded offsets the matcher tries are exactly those where the left boundary holds.
    #[test]
    fn name_starts_are_exactly_where_the_left_boundary_holds() {
        for text in [
            "",
            "와디즈는 주식회사와디즈와 ㈜오엠인터렉트, 2022와디즈 그리고 (주)바른참여연대를 만났다.",
            "  소영씨 스토어·사계절-여행 “성동사경센터”에서 ABC마을과 ＡＢＣ마을 abc2 x와디즈",
            "성동.용산 2023.12.11 Acme Co., Ltd. 협동조합 inc 와디즈inc",
            "\u{1112}\u{1161}\u{11AB}남동 한남동에서",
            "주)오엠 이번주) 사단법인사람 영농조합법인들꽃 …와디즈!와디즈?",
        ] {
            let ft = fold_text(text);
            let expected: Vec<u32> = ft
                .folded
                .char_indices()
                .filter(|&(f, _)| left_ok(&ft, f, ft.original_of(f)))
                .map(|(f, _)| f as u32)
                .collect();
            assert_eq!(ft.starts, expected, "{text}");
        }
    }
}
