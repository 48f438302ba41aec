//! The pure text side of search: parsing what the user typed into terms, finding terms in a
//! text (case-insensitive for Latin letters), cutting snippets and marking hits. No database
//! and no markup here, so every rule is unit-tested.

use crate::domain::text::nfc;
use crate::mentions::particles::particle_suffix_mask;

/// At most this many terms are used; the rest of a pasted paragraph is ignored.
pub const MAX_TERMS: usize = 8;
/// A term longer than this (in characters) is cut; no name or phrase needs more.
pub const MAX_TERM_CHARS: usize = 100;
/// Characters in a snippet around the first hit.
pub const SNIPPET_CHARS: usize = 80;

/// A parsed query: NFC, split on whitespace, capped. All terms must match (AND).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// The terms, in the order typed, without duplicates.
    pub terms: Vec<String>,
}

impl SearchQuery {
    /// Parses raw user input; blank input gives an empty query.
    pub fn parse(raw: &str) -> Self {
        let mut terms: Vec<String> = Vec::new();
        // Control characters (NUL, which PostgreSQL text refuses, among them) separate terms
        // like spaces do.
        let separator = |c: char| c.is_whitespace() || c.is_control();
        for word in nfc(raw).split(separator).filter(|w| !w.is_empty()) {
            let term: String = word.chars().take(MAX_TERM_CHARS).collect();
            if !terms.contains(&term) {
                terms.push(term);
            }
            if terms.len() == MAX_TERMS {
                break;
            }
        }
        SearchQuery { terms }
    }

    /// True when there is nothing to search for.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The query as one string (terms joined by a space), as shown and as ranked against.
    pub fn text(&self) -> String {
        self.terms.join(" ")
    }

    /// The query with the particles after each term taken off (와디즈에서 → 와디즈,
    /// 소영씨스토어를 → 소영씨스토어, 성동구에서는 → 성동구): the longest particle stack
    /// (KOREAN.md) that leaves at least two characters. `None` when no term ends in one.
    pub fn without_particles(&self) -> Option<SearchQuery> {
        let mut changed = false;
        let mut terms: Vec<String> = Vec::with_capacity(self.terms.len());
        for term in &self.terms {
            let chars: Vec<char> = term.chars().collect();
            let mask = particle_suffix_mask(&chars);
            let strip = (1..chars.len().saturating_sub(1))
                .rev()
                .find(|&k| k < 16 && mask & (1 << k) != 0);
            let stem: String = match strip {
                Some(k) => {
                    changed = true;
                    chars[..chars.len() - k].iter().collect()
                }
                None => term.clone(),
            };
            if !terms.contains(&stem) {
                terms.push(stem);
            }
        }
        changed.then_some(SearchQuery { terms })
    }
}

/// True when two characters are equal ignoring case (Latin and other cased scripts; Hangul
/// has no case and compares as is).
fn same_char(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

/// Character index of the first case-insensitive occurrence of `needle` in `hay`.
fn find_chars(hay: &[char], needle: &[char]) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .find(|&i| needle.iter().zip(&hay[i..]).all(|(n, h)| same_char(*n, *h)))
}

/// True when `hay` contains `needle`, ignoring case.
pub fn contains(hay: &str, needle: &str) -> bool {
    let hay: Vec<char> = hay.chars().collect();
    let needle: Vec<char> = needle.chars().collect();
    find_chars(&hay, &needle).is_some()
}

/// True when `hay` contains at least one of `terms`.
pub fn contains_any(hay: &str, terms: &[String]) -> bool {
    terms.iter().any(|t| contains(hay, t))
}

/// Splits `text` into runs, each flagged `true` when it lies inside an occurrence of any
/// term. Overlapping and adjacent hits merge into one run. Concatenating the runs gives
/// `text` back unchanged.
pub fn segments<'a>(text: &'a str, terms: &[String]) -> Vec<(&'a str, bool)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let plain: Vec<char> = chars.iter().map(|(_, c)| *c).collect();
    let mut hit = vec![false; plain.len()];
    for term in terms {
        let needle: Vec<char> = term.chars().collect();
        if needle.is_empty() || needle.len() > plain.len() {
            continue;
        }
        for i in 0..=plain.len() - needle.len() {
            if needle
                .iter()
                .zip(&plain[i..])
                .all(|(n, h)| same_char(*n, *h))
            {
                hit[i..i + needle.len()].iter_mut().for_each(|h| *h = true);
            }
        }
    }
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=plain.len() {
        if i == plain.len() || hit[i] != hit[start] {
            let from = chars[start].0;
            let to = chars.get(i).map_or(text.len(), |(b, _)| *b);
            out.push((&text[from..to], hit[start]));
            start = i;
        }
    }
    out
}

/// How far a snippet edge may move to land on a word boundary instead of mid-word.
const EDGE_SLACK: usize = 12;

/// About `SNIPPET_CHARS` characters of `text` around the first hit, with line breaks
/// flattened and `…` where text was cut; `None` when no term occurs. The hit is that of the
/// longest term that occurs: in `성동사경센터 센터` the specific word says more than the
/// generic one, whichever comes first in the text.
pub fn snippet(text: &str, terms: &[String]) -> Option<String> {
    let chars: Vec<char> = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let mut by_length: Vec<Vec<char>> = terms.iter().map(|t| t.chars().collect()).collect();
    by_length.sort_by_key(|t| std::cmp::Reverse(t.len()));
    let (hit, len) = by_length
        .iter()
        .find_map(|t| find_chars(&chars, t).map(|i| (i, t.len())))?;
    // A little context before the hit, the rest after it; shift left near the end.
    let lead = SNIPPET_CHARS / 3;
    let mut end = (hit.saturating_sub(lead) + SNIPPET_CHARS).min(chars.len());
    let mut start = end.saturating_sub(SNIPPET_CHARS);
    // Start after a space and end before one when one is near, never cutting into the hit.
    if start > 0 {
        let to = hit.min(start + EDGE_SLACK).max(start);
        if let Some(i) = chars[start..to].iter().position(|c| *c == ' ') {
            start += i + 1;
        }
    }
    if end < chars.len() {
        let from = (hit + len).max(end.saturating_sub(EDGE_SLACK)).min(end);
        if let Some(i) = chars[from..end].iter().rposition(|c| *c == ' ') {
            end = from + i;
        }
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    Some(out)
}

/// The alias through which an entry was found: `None` when the name (or English name) holds
/// every term by itself; otherwise the alias that holds the most terms, if it holds at least
/// one the name lacks. Ties go to the first alias in `aliases`.
pub fn matched_alias<'a>(
    name: &str,
    name_en: Option<&str>,
    aliases: impl IntoIterator<Item = &'a str>,
    terms: &[String],
) -> Option<&'a str> {
    let in_name = |t: &String| contains(name, t) || name_en.is_some_and(|n| contains(n, t));
    let missing: Vec<&String> = terms.iter().filter(|t| !in_name(t)).collect();
    if missing.is_empty() {
        return None;
    }
    let mut best: Option<(&str, usize)> = None;
    for alias in aliases {
        if !missing.iter().any(|t| contains(alias, t)) {
            continue;
        }
        let score = terms.iter().filter(|t| contains(alias, t)).count();
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((alias, score));
        }
    }
    best.map(|(a, _)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn particles_come_off_every_term_leaving_two_characters() {
        let stems = |raw: &str| {
            SearchQuery::parse(raw)
                .without_particles()
                .map(|q| q.text())
        };
        assert_eq!(stems("와디즈에서").as_deref(), Some("와디즈"));
        assert_eq!(stems("소영씨스토어를").as_deref(), Some("소영씨스토어"));
        assert_eq!(stems("성동구에서는").as_deref(), Some("성동구"));
        assert_eq!(
            stems("바른참이 성동구에서").as_deref(),
            Some("바른참 성동구")
        );
        assert_eq!(
            stems("성동구 성동구에서").as_deref(),
            Some("성동구"),
            "no duplicate"
        );
        // Nothing to take off, or nothing would be left: no second query.
        assert_eq!(stems("와디즈"), None);
        assert_eq!(stems("협동조합"), None);
        assert_eq!(stems("하나"), None);
        assert_eq!(stems("SOYOUNG"), None);
    }

    fn q(s: &str) -> Vec<String> {
        SearchQuery::parse(s).terms
    }

    #[test]
    fn parse_splits_normalizes_and_caps() {
        assert_eq!(q("  성수  와디즈\u{3000}매장 "), ["성수", "와디즈", "매장"]);
        assert_eq!(q("\u{1112}\u{1161}\u{11AB}"), ["한"]);
        assert!(SearchQuery::parse(" \t\n").is_empty());
        assert_eq!(q("a a b"), ["a", "b"]);
        assert_eq!(q("a\u{0}b\u{7}"), ["a", "b"]);
        let many = (0..20)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(q(&many).len(), MAX_TERMS);
        let long = "가".repeat(500);
        assert_eq!(q(&long)[0].chars().count(), MAX_TERM_CHARS);
        assert_eq!(SearchQuery::parse("성수  와디").text(), "성수 와디");
    }

    #[test]
    fn contains_ignores_latin_case_only() {
        assert!(contains("AMOREPACIFIC", "pacific"));
        assert!(contains("Wadiz", "WADIZ"));
        assert!(contains("성동구사회적경제지원센터", "사회적경제"));
        assert!(!contains("성동구", "성수"));
        assert!(!contains("ab", "abc"));
    }

    #[test]
    fn segments_mark_every_hit_and_rebuild_the_text() {
        let terms = vec!["성수".to_string(), "매장".to_string()];
        let segs = segments("와디즈 성수 매장", &terms);
        assert_eq!(
            segs,
            [
                ("와디즈 ", false),
                ("성수", true),
                (" ", false),
                ("매장", true)
            ]
        );
        let segs = segments("Wadiz wadiz", &["WADIZ".to_string()]);
        assert_eq!(segs, [("Wadiz", true), (" ", false), ("wadiz", true)]);
        // Overlapping terms merge; the text comes back unchanged.
        let terms = vec!["abc".to_string(), "bcd".to_string()];
        let segs = segments("xabcdx", &terms);
        assert_eq!(segs, [("x", false), ("abcd", true), ("x", false)]);
        assert_eq!(segments("", &terms), []);
        assert_eq!(segments("<b>x</b>", &["<b>".into()])[0], ("<b>", true));
    }

    #[test]
    fn snippet_centres_on_the_first_hit() {
        let terms = vec!["목표".to_string()];
        let text = format!("{}목표{}", "가".repeat(200), "나".repeat(200));
        let s = snippet(&text, &terms).unwrap();
        assert!(s.starts_with('…') && s.ends_with('…') && s.contains("목표"));
        assert_eq!(s.chars().count(), SNIPPET_CHARS + 2);
        assert_eq!(snippet("짧은\n글", &["글".into()]).unwrap(), "짧은 글");
        assert_eq!(snippet("없음", &terms), None);
        let tail = format!("{}끝", "가".repeat(100));
        assert!(snippet(&tail, &["끝".into()]).unwrap().ends_with('끝'));
    }

    #[test]
    fn snippet_prefers_the_specific_term_and_whole_words() {
        let text = format!(
            "센터 {} 성동사경센터에서 만났다 {}",
            "말 ".repeat(60),
            "끝 ".repeat(60)
        );
        let s = snippet(&text, &q("센터 성동사경센터")).unwrap();
        assert!(s.contains("성동사경센터에서"), "{s}");
        // Cut at spaces: every word is whole.
        let inner = s.trim_start_matches('…').trim_end_matches('…');
        assert!(inner.starts_with('말') && inner.ends_with('끝'), "{s:?}");
        assert!(!inner.starts_with(' ') && !inner.ends_with(' '));
    }

    #[test]
    fn matched_alias_only_when_the_name_falls_short() {
        let aliases = ["성동사경센터", "성동구 사회적경제지원센터"];
        let name = "성동구사회적경제지원센터";
        assert_eq!(
            matched_alias(name, None, aliases, &q("성동사경센터")),
            Some("성동사경센터")
        );
        assert_eq!(matched_alias(name, None, aliases, &q("사회적경제")), None);
        assert_eq!(
            matched_alias(
                "와디즈 주식회사",
                Some("Wadiz Inc."),
                ["Wadiz"],
                &q("wadiz")
            ),
            None
        );
        assert_eq!(
            matched_alias("아모레퍼시픽", None, ["AMOREPACIFIC"], &q("amore")),
            Some("AMOREPACIFIC")
        );
        assert_eq!(matched_alias(name, None, aliases, &q("없는말")), None);
    }
}
