//! Text normalisation applied before anything else is recognised.
//!
//! Pasted posts arrive with CRLF line ends, NBSP and ideographic spaces from the blog's HTML,
//! sometimes decomposed Hangul (macOS copies), zero-width characters and stray control
//! characters. Every later rule assumes one form, so it is produced here once.

use unicode_normalization::UnicodeNormalization;

/// Returns the text in NFC with `\n` line ends, every Unicode space folded to `' '`, and
/// invisible or control characters removed. Line count is preserved, so line indices into the
/// result match the lines the user pasted.
pub fn normalize_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.nfc().peekable();
    while let Some(c) = chars.next() {
        match c {
            // CRLF counts as one line end; a lone CR (old Mac) as one too.
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' | '\u{0085}' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            c if is_space_like(c) => out.push(' '),
            // Zero-width space, word joiner and BOM carry no text; ZWJ/ZWNJ are kept because
            // emoji sequences need them.
            '\u{200B}' | '\u{2060}' | '\u{FEFF}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Spaces that HTML-to-text copies produce: tab, NBSP, the typographic spaces and U+3000.
fn is_space_like(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{00A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_line_ends_and_spaces() {
        let got = normalize_text("가\r\n나\r다\u{00A0}라\u{3000}마\u{200B}바\u{0007}");
        assert_eq!(got, "가\n나\n다 라 마바");
    }

    #[test]
    fn composes_decomposed_hangul() {
        // 한 written as conjoining jamo ᄒ ᅡ ᆫ.
        let decomposed = "\u{1112}\u{1161}\u{11AB}";
        assert_eq!(normalize_text(decomposed), "한");
    }

    #[test]
    fn keeps_line_count() {
        let text = "a\r\n\r\nb\n\nc";
        assert_eq!(normalize_text(text).split('\n').count(), 5);
    }
}
