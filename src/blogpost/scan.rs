//! Small cursor helpers over a line held as `&[char]`.
//!
//! The recognisers work on char slices rather than byte offsets so that no index can land
//! inside a UTF-8 sequence (pasted "random bytes" must never panic), and every helper looks
//! ahead a bounded distance so a scan stays linear in the input length.

/// True for precomposed Hangul syllables (가–힣), the only Hangul left after NFC.
pub fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Index of the first char at or after `i` that is not a space.
pub fn skip_spaces(cs: &[char], mut i: usize) -> usize {
    while cs.get(i) == Some(&' ') {
        i += 1;
    }
    i
}

/// True when `word` occurs at `cs[i..]`.
pub fn has_at(cs: &[char], i: usize, word: &str) -> bool {
    let mut rest = cs.get(i..).unwrap_or_default().iter();
    word.chars().all(|w| rest.next() == Some(&w))
}

/// The ASCII digit run starting at `i`: its value (when it has at most `max_len` digits) and
/// the index just past it. Longer runs are phone numbers, amounts or ids, not dates or counts.
pub fn number_at(cs: &[char], i: usize, max_len: usize) -> Option<(u32, usize, usize)> {
    let end = digit_run_end(cs, i);
    let len = end - i;
    // Nine digits always fit in a u32, so the arithmetic below cannot overflow.
    if len == 0 || len > max_len.min(9) {
        return None;
    }
    let mut value: u32 = 0;
    for c in &cs[i..end] {
        value = value * 10 + c.to_digit(10)?;
    }
    Some((value, len, end))
}

/// Index just past the ASCII digit run starting at `i` (`i` itself when there is none).
pub fn digit_run_end(cs: &[char], mut i: usize) -> usize {
    while cs.get(i).is_some_and(|c| c.is_ascii_digit()) {
        i += 1;
    }
    i
}

/// The chars `cs[start..end]` as a String, clamped to the slice.
pub fn span(cs: &[char], start: usize, end: usize) -> String {
    let end = end.min(cs.len());
    cs.get(start.min(end)..end)
        .map(|s| s.iter().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn reads_short_numbers_only() {
        let cs = chars("12월 123456");
        assert_eq!(number_at(&cs, 0, 4), Some((12, 2, 2)));
        assert_eq!(number_at(&cs, 4, 4), None);
        assert_eq!(number_at(&cs, 2, 4), None);
    }

    #[test]
    fn span_is_clamped() {
        let cs = chars("가나다");
        assert_eq!(span(&cs, 1, 10), "나다");
        assert_eq!(span(&cs, 5, 2), "");
    }
}
