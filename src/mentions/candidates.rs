//! Candidates: text that looks like the name of an organisation, place or program but links
//! to nothing in the directory, offered to editors as "create an entry from this".
//!
//! Three signals, each with a guessed kind: quoted names (‘사계절공정여행’, 「내 생의 가장
//! 아름다운 하루」), names carrying a company-form marker (㈜오엠인터렉트, 오엠인터렉트(주)), and
//! words ending in an organisation word (둥근숲사회적협동조합, 행복마을). Generic phrases such
//! as 사회적경제지원센터 or 우리 센터 are not names and are skipped. Nothing is offered where a
//! dictionary match already covers the text.

use super::matcher::{Link, overlaps};
use super::mention::Method;
use super::particles::{is_hangul_syllable, is_word_char};
use super::tokens::Tokens;
use crate::domain::EntryKind;

const CONF_QUOTED: f32 = 0.4;
const CONF_MARKED: f32 = 0.5;
const CONF_SUFFIX: f32 = 0.35;

/// Quote pairs that set off names in Korean prose.
const QUOTES: &[(char, char)] = &[
    ('‘', '’'),
    ('“', '”'),
    ('「', '」'),
    ('『', '』'),
    ('《', '》'),
    ('〈', '〉'),
    ('\'', '\''),
    ('"', '"'),
];

/// Title brackets: what they enclose is usually a program, book or event.
const TITLE_BRACKETS: &[char] = &['「', '『', '《', '〈'];

/// Words that end organisation names, longest first, with the kind they suggest. Kept as
/// characters because they are compared against token characters.
const SUFFIXES: &[(&[char], EntryKind)] = &[
    (
        &['사', '회', '적', '협', '동', '조', '합'],
        EntryKind::Enterprise,
    ),
    (&['협', '동', '조', '합'], EntryKind::Enterprise),
    (&['조', '합'], EntryKind::Enterprise),
    (&['센', '터'], EntryKind::Center),
    (&['스', '토', '어'], EntryKind::Outlet),
    (&['판', '매', '장'], EntryKind::Outlet),
    (&['재', '단'], EntryKind::Partner),
    (&['협', '회'], EntryKind::Partner),
    (&['마', '을'], EntryKind::Place),
];

/// Suffix words that often stand apart from the name (둥근숲 사회적협동조합).
const SPACED_SUFFIXES: &[&[char]] = &[SUFFIXES[0].0, SUFFIXES[1].0, SUFFIXES[4].0];

/// What remains of generic phrases once the suffix (and a trailing 지원) is removed.
const GENERIC: &[&str] = &[
    "사회적경제",
    "사경",
    "지역",
    "지역사회",
    "우리",
    "해당",
    "주민",
    "행정복지",
    "복지",
    "창업",
    "청년",
    "공동체",
    "마을공동체",
    "중간",
    "종합",
    "관련",
    "인근",
    "근처",
    "다른",
    "여러",
];

/// Company-form markers written before a name, with the kind they suggest.
const MARKERS_BEFORE: &[(&str, EntryKind)] = &[
    ("㈜", EntryKind::Enterprise),
    ("㈱", EntryKind::Enterprise),
    ("(주)", EntryKind::Enterprise),
    ("（주）", EntryKind::Enterprise),
    ("주)", EntryKind::Enterprise),
    ("주식회사", EntryKind::Enterprise),
    ("㈔", EntryKind::Partner),
    ("(사)", EntryKind::Partner),
    ("(재)", EntryKind::Partner),
    ("사단법인", EntryKind::Partner),
    ("재단법인", EntryKind::Partner),
];

/// Company-form markers written right after a name.
const MARKERS_AFTER: &[&str] = &["(주)", "（주）", "㈜", "㈱"];

/// Appends candidate links for `text` (NFC) to `out`, skipping `covered` spans.
pub(crate) fn discover(
    text: &str,
    tokens: &Tokens,
    covered: &[(usize, usize)],
    out: &mut Vec<Link>,
) {
    let mut push = |start: usize, end: usize, kind: EntryKind, confidence: f32| {
        if start < end && !overlaps(covered, start, end) {
            out.push(Link {
                start,
                end,
                entry_id: None,
                method: Method::Candidate,
                confidence,
                kind: Some(kind),
            });
        }
    };
    quoted(text, &mut push);
    for t in 0..tokens.list.len() {
        marked(text, tokens, t, &mut push);
        suffixed(tokens, t, &mut push);
    }
}

/// Quoted names: 2–30 characters with some Hangul, no line break, not a whole sentence.
fn quoted(text: &str, push: &mut impl FnMut(usize, usize, EntryKind, f32)) {
    let mut from = 0;
    while let Some(open_at) = next_opening_quote(text, from) {
        let Some(open) = text[open_at..].chars().next() else {
            break;
        };
        let inner_at = open_at + open.len_utf8();
        let close = QUOTES
            .iter()
            .find(|&&(o, _)| o == open)
            .map_or(open, |&(_, c)| c);
        let inner_end = text[inner_at..]
            .char_indices()
            .take(40)
            .take_while(|&(_, c)| c != '\n')
            .find(|&(_, c)| c == close)
            .map(|(i, _)| inner_at + i);
        let Some(inner_end) = inner_end else {
            from = inner_at;
            continue;
        };
        from = inner_end + close.len_utf8();
        let inner = &text[inner_at..inner_end];
        let trimmed = inner.trim();
        let lead = inner.len() - inner.trim_start().len();
        let chars = trimmed.chars().count();
        let sentence =
            trimmed.ends_with(['.', '?', '!', '다', '요']) || trimmed.matches(' ').count() > 6;
        if !(2..=30).contains(&chars) || sentence || !trimmed.chars().any(is_hangul_syllable) {
            continue;
        }
        let compact: Vec<char> = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
        let kind = suffix_kind(&compact).unwrap_or(
            if TITLE_BRACKETS.contains(&open) || trimmed.contains(' ') {
                EntryKind::Program
            } else {
                EntryKind::Enterprise
            },
        );
        let start = inner_at + lead;
        push(start, start + trimmed.len(), kind, CONF_QUOTED);
    }
}

/// Byte offset of the next opening quote at or after `from`.
///
/// Scans bytes: every opening quote is ASCII or starts with UTF-8 lead byte E2/E3, which
/// Hangul syllables (EA–ED) never use, so most of a report is skipped without decoding —
/// 32 bytes at a time, a test the compiler turns into vector instructions.
fn next_opening_quote(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let may_open = |b: u8| b == b'\'' || b == b'"' || b & 0xFE == 0xE2;
    let mut at = from;
    while at < bytes.len() {
        let chunk = &bytes[at..bytes.len().min(at + 32)];
        if chunk.iter().fold(false, |any, &b| any | may_open(b)) {
            for (i, &b) in chunk.iter().enumerate() {
                let i = at + i;
                if may_open(b)
                    && text.is_char_boundary(i)
                    && text[i..]
                        .chars()
                        .next()
                        .is_some_and(|c| QUOTES.iter().any(|&(o, _)| o == c))
                {
                    return Some(i);
                }
            }
        }
        at += chunk.len();
    }
    None
}

/// ㈜오엠인터렉트의 → 오엠인터렉트; 오엠인터렉트(주) → 오엠인터렉트.
fn marked(
    text: &str,
    tokens: &Tokens,
    t: usize,
    push: &mut impl FnMut(usize, usize, EntryKind, f32),
) {
    let tok = tokens.list[t];
    let before = text[..tok.start_byte]
        .strip_suffix(' ')
        .unwrap_or(&text[..tok.start_byte]);
    // Cheap screen: every marker ends in one of these characters or starts with one of those.
    let ends_marker = before
        .chars()
        .next_back()
        .is_some_and(|c| matches!(c, ')' | '）' | '㈜' | '㈱' | '㈔' | '사' | '인'));
    let starts_marker = text[tok.end_byte..]
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '(' | '（' | '㈜' | '㈱'));
    if !ends_marker && !starts_marker {
        return;
    }
    // A marker glued to the previous word (별빛공방(주) 대표) belongs to that word.
    let kind_before = MARKERS_BEFORE
        .iter()
        .find(|(m, _)| {
            before
                .strip_suffix(m)
                .is_some_and(|rest| rest.chars().next_back().is_none_or(|c| !is_word_char(c)))
        })
        .map(|&(_, k)| k);
    if let Some(kind) = kind_before {
        // The shortest stem of 2+ characters: strip the particles glued to the name.
        let stem = tokens.stem_lengths(t).filter(|&s| s >= 2).last();
        if let Some(stem) = stem {
            let end = tokens.byte_at(t, tok.first + stem);
            push(tok.start_byte, end, kind, CONF_MARKED);
        }
        return;
    }
    let after = &text[tok.end_byte..];
    if tok.end - tok.first >= 2 && MARKERS_AFTER.iter().any(|m| after.starts_with(m)) {
        push(
            tok.start_byte,
            tok.end_byte,
            EntryKind::Enterprise,
            CONF_MARKED,
        );
    }
}

/// Words (or a word and the next) ending in an organisation word: 둥근숲사회적협동조합을,
/// 둥근숲 사회적협동조합.
fn suffixed(tokens: &Tokens, t: usize, push: &mut impl FnMut(usize, usize, EntryKind, f32)) {
    let tok = tokens.list[t];
    for stem in tokens.stem_lengths(t) {
        let chars = &tokens.token_chars(t)[..stem];
        let Some((suffix, kind)) = suffix_of(chars) else {
            continue;
        };
        let name_len = suffix.len();
        let end = tokens.byte_at(t, tok.first + stem);
        if stem > name_len {
            if !is_generic(&chars[..stem - name_len]) {
                push(tok.start_byte, end, kind, CONF_SUFFIX);
            }
        } else if t > 0 && tok.joins_prev && SPACED_SUFFIXES.contains(&suffix) {
            let prev = tokens.list[t - 1];
            let prev_chars = tokens.token_chars(t - 1);
            if prev_chars.iter().all(|&c| is_hangul_syllable(c)) && !is_generic(prev_chars) {
                push(prev.start_byte, end, kind, CONF_SUFFIX);
            }
        }
        return;
    }
}

/// The kind a name's last word suggests, if any.
fn suffix_kind(chars: &[char]) -> Option<EntryKind> {
    suffix_of(chars).map(|(_, kind)| kind)
}

/// The organisation word `chars` ends with (the longest), and the kind it suggests.
fn suffix_of(chars: &[char]) -> Option<(&'static [char], EntryKind)> {
    // Cheap screen: every suffix ends in one of these syllables.
    let last = *chars.last()?;
    if !matches!(last, '합' | '터' | '어' | '장' | '단' | '회' | '을') {
        return None;
    }
    SUFFIXES.iter().find(|(s, _)| chars.ends_with(s)).copied()
}

/// True when what precedes the suffix is no name: too short or a generic word.
fn is_generic(prefix: &[char]) -> bool {
    let prefix = match prefix {
        [rest @ .., '지', '원'] => rest,
        _ => prefix,
    };
    if prefix.len() < 2 {
        return true;
    }
    GENERIC.iter().any(|g| g.chars().eq(prefix.iter().copied()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each candidate's text and kind (a candidate without a kind is left out, and fails).
    fn candidates(text: &str) -> Vec<(String, EntryKind)> {
        let tokens = Tokens::new(text);
        let mut out = Vec::new();
        discover(text, &tokens, &[], &mut out);
        out.into_iter()
            .filter_map(|l| Some((text[l.start..l.end].to_string(), l.kind?)))
            .collect()
    }

    #[test]
    fn quoted_names() {
        let c = candidates("‘둥근숲’에서 「우리 동네 한 바퀴」라는 행사를 했다.");
        assert!(c.contains(&("둥근숲".to_string(), EntryKind::Enterprise)));
        assert!(c.contains(&("우리 동네 한 바퀴".to_string(), EntryKind::Program)));
    }

    #[test]
    fn quoted_sentences_are_not_names() {
        assert!(candidates("“정말 좋았습니다.” 라고 했다").is_empty());
    }

    #[test]
    fn marker_prefixed_and_suffixed_names() {
        let c = candidates("㈜해오름의 대표와 별빛공방(주) 대표가 (사)나눔연대에서");
        assert!(c.contains(&("해오름".to_string(), EntryKind::Enterprise)));
        assert!(c.contains(&("별빛공방".to_string(), EntryKind::Enterprise)));
        assert!(c.contains(&("나눔연대".to_string(), EntryKind::Partner)));
    }

    #[test]
    fn organisation_words() {
        let c = candidates("둥근숲사회적협동조합을 거쳐 햇살마을과 꿈나무 협동조합에 갔다");
        assert!(c.contains(&("둥근숲사회적협동조합".to_string(), EntryKind::Enterprise)));
        assert!(c.contains(&("햇살마을".to_string(), EntryKind::Place)));
        assert!(c.contains(&("꿈나무 협동조합".to_string(), EntryKind::Enterprise)));
    }

    #[test]
    fn generic_phrases_are_skipped() {
        assert!(candidates("21개에 사회적경제지원센터가 있고 우리 센터의 지역마을").is_empty());
    }
}
