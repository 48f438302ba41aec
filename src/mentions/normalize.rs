//! Folding text for matching, with a map back to the original.
//!
//! Names and report text are compared in a folded form: NFC, then whitespace, middle dots,
//! quotes, hyphens and dashes removed, full-width ASCII turned into ASCII, Latin letters
//! lower-cased, and company-form markers (㈜, (주), 주식회사, (사), 재단법인 …) dropped. The
//! same function folds dictionary patterns and report text, so both sides always agree.
//! 협동조합 and 사회적협동조합 are part of names (둥근숲 사회적협동조합) and are kept.
//!
//! Every folded character comes from exactly one original character (folding only drops or
//! substitutes one-for-one), so a map from folded position to original position is enough to
//! turn a match in the folded text back into an exact original span.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use super::particles::{is_hangul_syllable, is_word_char};

/// Markers that may appear anywhere, glued or spaced (㈜오엠인터렉트, 와디즈 주식회사).
const MARKERS: &[&str] = &[
    "㈜",
    "㈱",
    "㈲",
    "㈔",
    "주식회사",
    "유한책임회사",
    "유한회사",
    "합자회사",
    "사단법인",
    "재단법인",
    "사회복지법인",
    "농업회사법인",
    "영농조합법인",
];

/// Latin company suffixes, matched case-insensitively as whole words; the flag says whether
/// the trailing full stop is required (a bare "co" is too common to fold).
const LATIN_MARKERS: &[(&str, bool)] = &[
    ("inc", false),
    ("ltd", false),
    ("corp", false),
    ("llc", false),
    ("co", true),
];

/// Report text in NFC together with its folded form.
pub(crate) struct FoldedText<'a> {
    /// The NFC text all offsets refer to (borrowed when the input already was NFC).
    pub original: Cow<'a, str>,
    /// The folded text that the matcher scans.
    pub folded: String,
    /// The map from folded to original byte offsets, as the points where it shifts: (folded
    /// offset, original offset) of each folded character whose distance to its original
    /// differs from the character's before it (after every dropped space or marker). A
    /// character at `f` came from `o + (f - s)`, where `(s, o)` is the last shift at or before
    /// `f`. A report has a shift every few words, not one entry per byte.
    shifts: Vec<(u32, u32)>,
    /// Folded offsets where a name may start, in order: the characters whose original is at
    /// the text start, after a character that is no part of a word or that folding dropped
    /// (a space, a marker: 주식회사와디즈), or where the script turns Hangul (2022와디즈);
    /// never inside a Hangul word. Everywhere else a match would fail that boundary check,
    /// so the matcher walks the trie from these offsets only.
    pub starts: Vec<u32>,
}

impl FoldedText<'_> {
    /// Byte offset in `original` of the character that the folded character at `at` (a
    /// character boundary of `folded`) came from.
    pub fn original_of(&self, at: usize) -> usize {
        let i = self.shifts.partition_point(|&(f, _)| f as usize <= at);
        let (f, o) = self.shifts[i.saturating_sub(1)];
        o as usize + (at - f as usize)
    }

    /// Start of the folded character that ends at byte `end` (> 0).
    fn char_start_before(&self, end: usize) -> usize {
        self.folded[..end]
            .char_indices()
            .next_back()
            .map_or(0, |(at, _)| at)
    }

    /// Original byte span of the folded byte span `start..end` (a non-empty match).
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let first = self.original_of(start);
        let last = self.original_of(self.char_start_before(end));
        let last_len = self.original[last..]
            .chars()
            .next()
            .map_or(1, char::len_utf8);
        (first, last + last_len)
    }

    /// True when the original character just before `orig_start` was dropped by folding
    /// (a company marker, a quote or a space); `fstart` is the folded position of the match.
    pub fn dropped_before(&self, fstart: usize, orig_start: usize, prev_len: usize) -> bool {
        fstart == 0 || self.original_of(self.char_start_before(fstart)) < orig_start - prev_len
    }

    /// True when the original character at `orig_end` was dropped by folding.
    pub fn dropped_at(&self, fend: usize, orig_end: usize) -> bool {
        if fend < self.folded.len() {
            self.original_of(fend) > orig_end
        } else {
            orig_end < self.original.len()
        }
    }
}

/// The NFC form of `text`, borrowed when it already is NFC (the usual case).
pub(crate) fn nfc(text: &str) -> Cow<'_, str> {
    if text.chars().all(is_plain_nfc) || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// True for characters that folding removes outright: spaces, middle dots, quotes, dashes.
pub(crate) fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '·' | '・'
                | '‧'
                | '∙'
                | '･'
                | '\''
                | '"'
                | '`'
                | '‘'
                | '’'
                | '‚'
                | '‛'
                | '“'
                | '”'
                | '„'
                | '「'
                | '」'
                | '『'
                | '』'
                | '《'
                | '》'
                | '〈'
                | '〉'
                | '«'
                | '»'
                | '‹'
                | '›'
                | '-'
                | '‐'
                | '‑'
                | '‒'
                | '–'
                | '—'
                | '―'
                | '−'
                | '＂'
                | '＇'
                | '－'
        )
}

/// Folds one character: `None` when it is dropped, otherwise its matching form.
pub(crate) fn fold_char(c: char) -> Option<char> {
    if is_hangul_syllable(c) {
        return Some(c);
    }
    if is_separator(c) {
        return None;
    }
    let c = match c {
        // Full-width ASCII (ＡＢＣ, （주）) maps onto ASCII by a fixed offset.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    Some(c.to_ascii_lowercase())
}

/// Byte length of a company-form marker starting at `rest`, if there is one.
///
/// `prev` is the original character before `rest`: the parenthesis-less 주) form and Latin
/// suffixes only count at a word start, so ordinary text is never eaten.
fn marker_len(rest: &str, prev: Option<char>) -> Option<usize> {
    let first = rest.chars().next()?;
    let at_word_start = prev.is_none_or(|p| !is_word_char(p));
    match first {
        '(' | '（' => {
            let mut it = rest.char_indices().skip(1);
            let (_, inner) = it.next()?;
            let (close_at, close) = it.next()?;
            let is_form = matches!(inner, '주' | '유' | '합' | '사' | '재' | '복' | '비');
            (is_form && matches!(close, ')' | '）')).then(|| close_at + close.len_utf8())
        }
        '주' if at_word_start && rest.starts_with("주)") => Some("주)".len()),
        '㈜' | '㈱' | '㈲' | '㈔' | '주' | '유' | '합' | '사' | '재' | '농' | '영' => {
            MARKERS
                .iter()
                .find(|m| rest.starts_with(**m))
                .map(|m| m.len())
        }
        'i' | 'I' | 'l' | 'L' | 'c' | 'C' if prev.is_none_or(|p| !p.is_ascii_alphanumeric()) => {
            LATIN_MARKERS.iter().find_map(|&(word, needs_dot)| {
                let head = rest.get(..word.len())?;
                if !head.eq_ignore_ascii_case(word) {
                    return None;
                }
                let after = &rest[word.len()..];
                let dotted = after.starts_with('.');
                let len = word.len() + usize::from(dotted);
                let next = rest[len..].chars().next();
                let whole_word = next.is_none_or(|n| !n.is_ascii_alphanumeric());
                (whole_word && (dotted || !needs_dot)).then_some(len)
            })
        }
        _ => None,
    }
}

/// Syllables that can start a Hangul company marker (주식회사, 사단법인 …).
fn may_start_marker(c: char) -> bool {
    matches!(c, '주' | '유' | '합' | '사' | '재' | '농' | '영')
}

/// Characters that are certainly NFC on their own: below U+0300, Hangul syllables, and the
/// punctuation, CJK-symbol, enclosed and full-width blocks (no canonical decomposition,
/// combining class 0).
fn is_plain_nfc(c: char) -> bool {
    c < '\u{300}'
        || is_hangul_syllable(c)
        || ('\u{2010}'..='\u{2027}').contains(&c)
        || ('\u{3000}'..='\u{303F}').contains(&c)
        || ('\u{3200}'..='\u{32FF}').contains(&c)
        || ('\u{FF00}'..='\u{FFEF}').contains(&c)
}

/// Runs the folding over `s`, calling `emit(folded, original_byte_offset, may_start)` in
/// order, where `folded` is one folded character or a run of characters copied as they are
/// (then each came from the same place in the run that starts at the offset), and
/// `may_start` says whether a name may start at its first character (see
/// [`FoldedText::starts`]; inside a run it never may).
/// Returns false when `s` contains characters that might not be NFC, so the caller can check.
fn fold_with(s: &str, emit: impl FnMut(&str, usize, bool)) -> bool {
    fold_with_runs::<true>(s, emit)
}

/// [`fold_with`], with the fast path over runs of plain syllables when `RUNS` (the tests
/// compare it with the character-by-character path it shortcuts).
fn fold_with_runs<const RUNS: bool>(s: &str, mut emit: impl FnMut(&str, usize, bool)) -> bool {
    let mut plain = true;
    // The original character before position `i`, and whether folding kept it.
    let mut prev: Option<char> = None;
    let mut prev_kept = false;
    let may_start = |prev: Option<char>, prev_kept: bool, c: char| {
        prev.is_none_or(|p| {
            !is_word_char(p) || !prev_kept || (!is_hangul_syllable(p) && is_hangul_syllable(c))
        })
    };
    let mut buf = [0u8; 4];
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        // Fast paths, on bytes: the bulk of a report is runs of Hangul syllables that fold to
        // themselves, and the spaces between words, which folding drops (and start no marker).
        if bytes[i] == b' ' {
            prev = Some(' ');
            prev_kept = false;
            i += 1;
            continue;
        }
        let plain_start = syllable_at(bytes, i).filter(|&c| RUNS && folds_to_itself(s, i, c, prev));
        if let Some(c) = plain_start {
            let (run, last) = plain_run(s, i, c);
            emit(&s[i..run], i, may_start(prev, prev_kept, c));
            prev = Some(last);
            prev_kept = true;
            i = run;
            continue;
        }
        let rest = &s[i..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        if let Some(len) = marker_len(rest, prev) {
            prev = rest[..len].chars().next_back();
            prev_kept = false;
            i += len;
            continue;
        }
        plain &= is_plain_nfc(c);
        // A full stop between two Hangul syllables is a separator (성동.용산), not a sentence end.
        let separator_dot = c == '.'
            && prev.is_some_and(is_hangul_syllable)
            && rest[1..].chars().next().is_some_and(is_hangul_syllable);
        let folded = if separator_dot { None } else { fold_char(c) };
        if let Some(f) = folded {
            emit(f.encode_utf8(&mut buf), i, may_start(prev, prev_kept, c));
        }
        prev = Some(c);
        prev_kept = folded.is_some();
        i += c.len_utf8();
    }
    plain
}

/// True when the Hangul syllable `c` at byte `at` of `s` folds to itself: it starts no
/// company marker there (사회적 does not, 사단법인 does); `prev` is the character before it.
#[inline]
fn folds_to_itself(s: &str, at: usize, c: char, prev: Option<char>) -> bool {
    !may_start_marker(c)
        || s.get(at..)
            .is_some_and(|rest| marker_len(rest, prev).is_none())
}

/// The Hangul syllable whose UTF-8 form starts at byte `at` of `b` (the bytes of a `str`).
#[inline]
fn syllable_at(b: &[u8], at: usize) -> Option<char> {
    // Hangul syllables (U+AC00–U+D7A3) are three bytes with a lead byte EA–ED; in valid
    // UTF-8 such a lead is always followed by two continuation bytes.
    let &[b0, b1, b2] = b.get(at..at + 3)? else {
        return None;
    };
    if !(0xEA..=0xED).contains(&b0) {
        return None;
    }
    let code = (u32::from(b0 & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
    char::from_u32(code).filter(|&c| is_hangul_syllable(c))
}

/// End of the run of syllables that fold to themselves starting at byte `at` of `s` with
/// `first` (which does), and the run's last syllable. A syllable that could start a marker
/// (사, 주 …) ends the run only where a marker does start.
fn plain_run(s: &str, at: usize, first: char) -> (usize, char) {
    let b = s.as_bytes();
    let (mut end, mut last) = (at + 3, first);
    while let Some(c) = syllable_at(b, end) {
        if !folds_to_itself(s, end, c, Some(last)) {
            break;
        }
        last = c;
        end += 3;
    }
    (end, last)
}

/// Appends the folded form of a dictionary name to `out` (used for patterns; no map needed).
pub(crate) fn fold_into(out: &mut String, name: &str) {
    let name = nfc(name);
    fold_with(&name, |piece, _, _| out.push_str(piece));
}

/// Folds report text, keeping the byte map the matcher needs.
pub(crate) fn fold_text(text: &str) -> FoldedText<'_> {
    // Fold optimistically (reports are NFC), and only consult the normalisation tables when
    // a character outside the plain blocks shows up.
    let pass = fold_text_as_is(text);
    if !pass.plain && is_nfc_quick(text.chars()) != IsNormalized::Yes {
        let composed: String = text.nfc().collect();
        if composed != text {
            let pass = fold_text_as_is(&composed);
            return FoldedText {
                original: Cow::Owned(composed),
                folded: pass.folded,
                shifts: pass.shifts,
                starts: pass.starts,
            };
        }
    }
    FoldedText {
        original: Cow::Borrowed(text),
        folded: pass.folded,
        shifts: pass.shifts,
        starts: pass.starts,
    }
}

/// One folding pass over text assumed to be NFC.
struct FoldPass {
    folded: String,
    shifts: Vec<(u32, u32)>,
    starts: Vec<u32>,
    plain: bool,
}

fn fold_text_as_is(text: &str) -> FoldPass {
    let mut folded = String::with_capacity(text.len());
    let mut shifts: Vec<(u32, u32)> = Vec::new();
    let mut starts: Vec<u32> = Vec::new();
    // Offsets beyond u32 would need a 4 GiB report; saturate rather than panic.
    let offset = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let plain = fold_with(text, |piece, at, may_start| {
        let (f, o) = (offset(folded.len()), offset(at));
        let continues = shifts
            .last()
            .is_some_and(|&(sf, so)| i64::from(o) - i64::from(so) == i64::from(f) - i64::from(sf));
        if !continues {
            shifts.push((f, o));
        }
        if may_start {
            starts.push(f);
        }
        folded.push_str(piece);
    });
    FoldPass {
        folded,
        shifts,
        starts,
        plain,
    }
}

/// Folds `text` and returns, for every folded character, the character offset in the NFC form
/// of `text` it came from. For NFC input (what Tambang stores) that is the input itself.
pub fn normalize_with_map(text: &str) -> (String, Vec<usize>) {
    let folded = fold_text(text);
    let mut map = Vec::with_capacity(folded.folded.len() / 2);
    let mut orig = folded.original.char_indices().enumerate();
    let mut current = orig.next();
    for (at, _) in folded.folded.char_indices() {
        let target = folded.original_of(at);
        while let Some((char_no, (byte, _))) = current {
            if byte >= target {
                map.push(char_no);
                break;
            }
            current = orig.next();
        }
    }
    (folded.folded, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(s: &str) -> String {
        normalize_with_map(s).0
    }

    #[test]
    fn folds_spaces_dots_quotes_and_dashes() {
        assert_eq!(folded("소영씨 스토어"), "소영씨스토어");
        assert_eq!(folded("‘사계절·공정-여행’"), "사계절공정여행");
        assert_eq!(
            folded("「내 생의 가장 아름다운 하루」"),
            "내생의가장아름다운하루"
        );
        assert_eq!(folded("성동.용산"), "성동용산");
        assert_eq!(folded("2023.12.11"), "2023.12.11");
    }

    #[test]
    fn folds_company_markers_but_keeps_cooperatives() {
        for s in [
            "㈜오엠인터렉트",
            "(주)오엠인터렉트",
            "오엠인터렉트(주)",
            "주식회사 오엠인터렉트",
        ] {
            assert_eq!(folded(s), "오엠인터렉트", "{s}");
        }
        assert_eq!(folded("（주）오엠인터렉트"), "오엠인터렉트");
        assert_eq!(folded("주)오엠인터렉트"), "오엠인터렉트");
        assert_eq!(folded("와디즈 주식회사"), "와디즈");
        assert_eq!(folded("(사)한국사회적기업협의회"), "한국사회적기업협의회");
        assert_eq!(folded("둥근숲 사회적협동조합"), "둥근숲사회적협동조합");
        assert_eq!(folded("Acme Co., Ltd."), "acme,");
        // (사진출처 is not a marker, and 주) inside a word is left alone.
        assert_eq!(folded("(사진출처"), "(사진출처");
        assert_eq!(folded("이번주)"), "이번주)");
    }

    #[test]
    fn plain_runs_stop_exactly_where_a_marker_starts() {
        for c in '가'..='힣' {
            assert_eq!(syllable_at(c.to_string().as_bytes(), 0), Some(c), "{c}");
        }
        // Neighbours of the Hangul block, other three-byte characters and short input.
        for c in [
            '\u{ABFF}', '\u{D7A4}', '\u{D7FB}', '\u{E000}', '\u{A000}', '\u{3131}', 'a',
        ] {
            assert_eq!(syllable_at(c.to_string().as_bytes(), 0), None, "{c:?}");
        }
        assert_eq!(syllable_at("가".as_bytes(), 1), None);
        assert_eq!(syllable_at(&"가".as_bytes()[..2], 0), None);
        assert_eq!(syllable_at("a가".as_bytes(), 0), None);
        let run = |s: &str, at: usize| {
            let first = s[at..].chars().next().unwrap_or_default();
            plain_run(s, at, first)
        };
        assert_eq!(run("가나주식회사", 0), (6, '나'));
        assert_eq!(run("가나주민", 0), (12, '민'));
        assert_eq!(run("사회적경제", 0), (15, '제'));
        assert_eq!(run("협동사단법인", 0), (6, '동'));
        assert_eq!(run("주가나", 3), (9, '나'));
        assert_eq!(run("가 나", 0), (3, '가'));
        // 주) is a marker only at a word start, so inside a run it folds to itself.
        assert_eq!(run("이번주)", 0), (9, '주'));
        assert!(!folds_to_itself("주)식", 0, '주', None));
        assert!(!folds_to_itself("사단법인", 0, '사', Some(' ')));
        assert!(folds_to_itself("사회", 0, '사', Some(' ')));
    }

    #[test]
    fn folds_full_width_and_case() {
        assert_eq!(folded("ＡＢＣ마을"), "abc마을");
    }

    #[test]
    fn map_points_at_original_characters() {
        let text = "㈜오엠 인터렉트";
        let (f, map) = normalize_with_map(text);
        let orig: Vec<char> = text.chars().collect();
        assert_eq!(f.chars().count(), map.len());
        for (c, &at) in f.chars().zip(&map) {
            assert_eq!(orig[at], c);
        }
        assert_eq!(map, vec![1, 2, 4, 5, 6, 7]);
    }

    #[test]
    fn non_nfc_input_is_composed() {
        // 한 written as conjoining jamo (ᄒ ᅡ ᆫ).
        let decomposed = "\u{1112}\u{1161}\u{11AB}남동";
        let (f, map) = normalize_with_map(decomposed);
        assert_eq!(f, "한남동");
        assert_eq!(map, vec![0, 1, 2]);
    }

    #[test]
    fn the_fast_path_over_runs_folds_as_the_careful_one_does() {
        // Text made of pieces around the markers, their syllables and their neighbours.
        const PIECES: &[&str] = &[
            "사",
            "회",
            "적",
            "주",
            "식",
            "회사",
            "유한",
            "책임",
            "합자",
            "단법인",
            "재단",
            "농업",
            "영농",
            "조합",
            "법인",
            "복지",
            "(주)",
            "주)",
            ")",
            "(",
            "㈜",
            " ",
            ".",
            "가",
            "나",
            "이번",
            "co.",
            "Inc",
            "ＡＢ",
            "‘",
            "·",
        ];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let n = 1 + (next() % 12) as usize;
            let text: String = (0..n)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let run = |fast: bool| {
                let mut out = Vec::new();
                let mut push = |piece: &str, at: usize, start: bool| {
                    // Pieces of a run split into characters, each from its own offset.
                    for (k, (off, c)) in piece.char_indices().enumerate() {
                        out.push((c, at + off, start && k == 0));
                    }
                };
                if fast {
                    fold_with_runs::<true>(&text, &mut push);
                } else {
                    fold_with_runs::<false>(&text, &mut push);
                }
                out
            };
            assert_eq!(run(true), run(false), "{text:?}");
        }
    }
}
