//! Text normalisation applied to everything users type or import.
//!
//! Korean text arrives decomposed (macOS file names, some PDFs), full of ideographic spaces
//! (U+3000) and non-breaking spaces pasted from HWP and web pages. We store NFC so that
//! comparisons, offsets and search all see one spelling of each syllable.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Returns `s` in Unicode Normalization Form C. Text that the quick check finds composed
/// already (nearly all of it: precomposed Hangul, ASCII) is copied, not decomposed and
/// recomposed (an import cleans every cell of 100,000 rows).
pub fn nfc(s: &str) -> String {
    match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => s.to_string(),
        _ => s.nfc().collect(),
    }
}

/// Cleans a single-line value (a name, a title, an address): NFC, trimmed, and every run of
/// whitespace — including U+3000 and NBSP — collapsed to one ASCII space.
pub fn clean_line(s: &str) -> String {
    let normalized = nfc(s);
    let mut out = String::with_capacity(normalized.len());
    for word in normalized.split(is_space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Cleans multi-line text (a report body, a description): NFC, CRLF and CR turned into LF,
/// trailing whitespace removed from each line, and blank lines at the start and end dropped.
/// Blank lines inside the text are kept because they separate paragraphs.
pub fn clean_text(s: &str) -> String {
    let normalized = nfc(s).replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = normalized
        .lines()
        .map(|l| l.trim_end_matches(is_space))
        .collect();
    let first = lines.iter().position(|l| !l.is_empty());
    let last = lines.iter().rposition(|l| !l.is_empty());
    match (first, last) {
        (Some(first), Some(last)) => lines[first..=last].join("\n"),
        _ => String::new(),
    }
}

/// Whitespace as users see it. Besides Unicode White_Space (which covers U+3000 and NBSP) we
/// count the invisible zero-width space, word joiner and byte-order mark, which ride along
/// when text is copied out of web pages and UTF-8 CSV files.
fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_composes_decomposed_hangul() {
        // 한 written as conjoining jamo: ᄒ ᅡ ᆫ
        assert_eq!(nfc("\u{1112}\u{1161}\u{11AB}"), "한");
        assert_eq!(nfc("성동구"), "성동구");
        assert_eq!(nfc(""), "");
    }

    #[test]
    fn clean_line_collapses_all_kinds_of_space() {
        assert_eq!(
            clean_line("  소영씨\u{3000}\u{3000}스토어\u{00A0} "),
            "소영씨 스토어"
        );
        assert_eq!(
            clean_line("성동구\t사회적경제\n지원센터"),
            "성동구 사회적경제 지원센터"
        );
        assert_eq!(clean_line("\u{FEFF}바른참"), "바른참");
        assert_eq!(clean_line("   "), "");
        assert_eq!(clean_line(""), "");
    }

    #[test]
    fn clean_line_normalizes_to_nfc() {
        assert_eq!(clean_line(" \u{1112}\u{1161}\u{11AB} "), "한");
    }

    #[test]
    fn clean_text_keeps_paragraphs() {
        let input = "\r\n\r\n첫 문단입니다.  \r\n이어지는 줄\u{3000}\r\n\r\n둘째 문단\r\n  \r\n";
        assert_eq!(
            clean_text(input),
            "첫 문단입니다.\n이어지는 줄\n\n둘째 문단"
        );
    }

    #[test]
    fn clean_text_handles_lone_cr_and_keeps_indentation() {
        assert_eq!(clean_text("a\rb\r\r  c  "), "a\nb\n\n  c");
    }

    #[test]
    fn clean_text_of_blank_input_is_empty() {
        assert_eq!(clean_text(""), "");
        assert_eq!(clean_text(" \n\r\n\u{3000}\n"), "");
    }

    #[test]
    fn clean_text_normalizes_to_nfc() {
        assert_eq!(clean_text("\u{1112}\u{1161}\u{11AB}\n"), "한");
    }
}
