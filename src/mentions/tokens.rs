//! Words of the report text, for the two passes that look at words rather than at the
//! folded stream: fuzzy matching (which needs to know where a word and its particles end)
//! and candidate discovery.
//!
//! A token is a maximal run of word characters (Hangul, letters, digits) in the NFC text.
//! The folded characters of all tokens are stored back to back, so several consecutive
//! tokens ("소영시 스토어") form one contiguous slice without copying.

use super::normalize::{fold_char, is_separator};
use super::particles::{MAX_PARTICLE_STACK, is_word_char, particle_suffix_mask};

/// One word of the text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    /// Index of the first character in [`Tokens::chars`].
    pub first: usize,
    /// Index one past the last character in [`Tokens::chars`].
    pub end: usize,
    /// Byte offset of the token in the NFC text.
    pub start_byte: usize,
    /// Byte offset just past the token.
    pub end_byte: usize,
    /// True when only spaces, middle dots, quotes or dashes separate it from the previous
    /// token, so a name may continue across the gap (소영씨 스토어).
    pub joins_prev: bool,
    /// Bit `k` set when the last `k` characters are a particle stack, so the token minus them
    /// is a possible name (never the whole token).
    stems: u16,
}

/// The tokens of one text.
pub(crate) struct Tokens {
    /// Folded characters of every token, back to back.
    pub chars: Vec<char>,
    /// Byte offset in the NFC text of each character in `chars`.
    bytes: Vec<u32>,
    /// The tokens, in text order.
    pub list: Vec<Token>,
}

impl Tokens {
    /// Splits `text` (NFC) into tokens.
    pub fn new(text: &str) -> Tokens {
        let mut chars = Vec::with_capacity(text.len() / 3);
        let mut bytes = Vec::with_capacity(text.len() / 3);
        let mut list = Vec::with_capacity(text.len() / 8);
        let mut open: Option<(usize, usize)> = None; // (first char index, start byte)
        let mut gap_joins = false;
        for (at, c) in text.char_indices() {
            if is_word_char(c) {
                if open.is_none() {
                    open = Some((chars.len(), at));
                }
                chars.push(fold_char(c).unwrap_or(c));
                bytes.push(u32::try_from(at).unwrap_or(u32::MAX));
                continue;
            }
            if let Some((first, start_byte)) = open.take() {
                list.push(Token {
                    first,
                    end: chars.len(),
                    start_byte,
                    end_byte: at,
                    joins_prev: gap_joins,
                    stems: stem_mask(&chars[first..]),
                });
                gap_joins = true;
            }
            gap_joins &= is_separator(c);
        }
        if let Some((first, start_byte)) = open {
            list.push(Token {
                first,
                end: chars.len(),
                start_byte,
                end_byte: text.len(),
                joins_prev: gap_joins,
                stems: stem_mask(&chars[first..]),
            });
        }
        Tokens { chars, bytes, list }
    }

    /// Byte offset in the text where character `index` of `chars` starts, or the end of
    /// token `t` when `index` is that token's end.
    pub fn byte_at(&self, t: usize, index: usize) -> usize {
        if index >= self.list[t].end {
            self.list[t].end_byte
        } else {
            self.bytes[index] as usize
        }
    }

    /// The folded characters of token `t`.
    pub fn token_chars(&self, t: usize) -> &[char] {
        let tok = self.list[t];
        &self.chars[tok.first..tok.end]
    }

    /// Possible stem lengths of token `t`, longest first: the whole token, then the token
    /// without each particle stack it ends with.
    pub fn stem_lengths(&self, t: usize) -> impl Iterator<Item = usize> + use<> {
        let tok = self.list[t];
        let len = tok.end - tok.first;
        // Bit 0 stands for the whole token, bit k for the token without its last k characters
        // (the mask never has k = len); lowest bit first is longest stem first.
        let mut bits = u32::from(tok.stems) | 1;
        std::iter::from_fn(move || {
            let k = bits.trailing_zeros() as usize;
            bits &= bits.wrapping_sub(1);
            (k < 32).then(|| len - k)
        })
    }
}

/// The particle stacks a token of `chars` ends with: bit `k` for the last `k` characters,
/// never the whole token (a stem keeps at least one character).
fn stem_mask(chars: &[char]) -> u16 {
    let tail = &chars[chars.len().saturating_sub(MAX_PARTICLE_STACK + 1)..];
    particle_suffix_mask(tail) & !(1 << chars.len().min(15))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(tokens: &Tokens) -> Vec<String> {
        (0..tokens.list.len())
            .map(|t| tokens.token_chars(t).iter().collect())
            .collect()
    }

    #[test]
    fn splits_on_non_word_characters() {
        let t = Tokens::new("㈜오엠인터렉트의 노력이, ‘사계절’에서");
        assert_eq!(words(&t), ["오엠인터렉트의", "노력이", "사계절", "에서"]);
        let joins: Vec<bool> = t.list.iter().map(|t| t.joins_prev).collect();
        assert_eq!(joins, [false, true, false, true]);
    }

    #[test]
    fn stems_strip_particle_stacks() {
        let t = Tokens::new("성동사경세터에서 기업들이 바른참여연대");
        assert_eq!(t.stem_lengths(0).collect::<Vec<_>>(), [8, 6]);
        assert_eq!(t.stem_lengths(1).collect::<Vec<_>>(), [4, 3, 2]);
        assert_eq!(t.stem_lengths(2).collect::<Vec<_>>(), [6]);
    }

    #[test]
    fn byte_offsets_point_into_the_text() {
        let text = "와디즈와 소영씨스토어";
        let t = Tokens::new(text);
        assert_eq!(
            &text[t.list[1].start_byte..t.list[1].end_byte],
            "소영씨스토어"
        );
        assert_eq!(t.byte_at(0, 3), "와디즈".len());
    }
}
