//! Korean particles (조사) and word boundaries.
//!
//! A name glued to a particle (와디즈는, 성동사경센터에서) is still that name, but a name that is
//! only the start of a longer word (바른참 inside 바른참여연대) is not. The particle table is
//! written as slice patterns over `char`s so the compiler turns it into a decision tree: the
//! check runs for every candidate match and every fuzzy window, so it must stay cheap.

/// Longest run of trailing Hangul we are willing to read as a particle stack (에서부터는 is 5).
pub(crate) const MAX_PARTICLE_STACK: usize = 8;

/// True for a precomposed Hangul syllable (가–힣).
pub(crate) fn is_hangul_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// True for characters that make up words: Hangul, letters and digits of any script.
///
/// Symbols such as ㈜ are not word characters, so they act as boundaries.
pub(crate) fn is_word_char(c: char) -> bool {
    is_hangul_syllable(c) || c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric())
}

/// True when `s` is exactly one particle or ending from KOREAN.md (both vowel-harmony forms).
///
/// Stacks (에서는, 과의, 기업들이) are handled by [`is_particle_sequence`], not listed here.
pub(crate) fn is_particle(s: &[char]) -> bool {
    matches!(
        s,
        // case, topic, plural and "side/inside" nouns that keep the entity
        [
            '이' | '가'
                | '을'
                | '를'
                | '의'
                | '에'
                | '께'
                | '로'
                | '와'
                | '과'
                | '랑'
                | '은'
                | '는'
        ] | ['도' | '만' | '나' | '야' | '요' | '인' | '란' | '들' | '측' | '내' | '등' | '뿐']
            | ['에', '서' | '게' | '는' | '도']
            | ['한', '테']
            | ['으', '로']
            | ['로', '서' | '써']
            | ['하', '고']
            | [
                '이',
                '랑' | '나' | '야' | '다' | '며' | '고' | '란' | '던' | '죠' | '요'
            ]
            | ['께', '서']
            | ['보', '다']
            | ['처', '럼']
            | ['같', '이']
            | ['만', '큼']
            | ['까', '지']
            | ['부', '터']
            | ['마', '저' | '다']
            | ['조', '차']
            | ['밖', '에']
            | ['나', '마']
            | ['라', '도' | '는' | '고' | '며']
            | ['였', '다' | '고' | '던']
            | ['인', '데']
            | ['예', '요']
            | ['에', '게', '서']
            | ['한', '테', '서']
            | ['으', '로', '서' | '써']
            | ['로', '부', '터']
            | ['이', '나', '마']
            | ['이', '라', '도' | '는' | '고' | '며']
            | ['입', '니', '다']
            | ['이', '었', '다' | '고' | '던']
            | ['이', '지', '만']
            | ['이', '에', '요']
            | ['으', '로', '부', '터']
    )
}

/// True when `s` is one particle or a stack of them (에서는, 으로부터, 들이, 과도).
///
/// Empty input is not a sequence; inputs longer than [`MAX_PARTICLE_STACK`] are rejected
/// outright, since no real stack is that long and ordinary words would otherwise be scanned.
pub(crate) fn is_particle_sequence(s: &[char]) -> bool {
    let n = s.len();
    if n == 0 || n > MAX_PARTICLE_STACK {
        return false;
    }
    // ok[j]: s[j..] is a (possibly empty) particle sequence.
    let mut ok = [false; MAX_PARTICLE_STACK + 1];
    ok[n] = true;
    for j in (0..n).rev() {
        ok[j] = (1..=4).any(|l| j + l <= n && ok[j + l] && is_particle(&s[j..j + l]));
    }
    ok[0]
}

/// Bit `k` (1 ≤ k ≤ 8) is set when the last `k` characters of `word` form a particle sequence,
/// i.e. `word[..len - k]` is a possible stem. Computed in one backward pass.
pub(crate) fn particle_suffix_mask(word: &[char]) -> u16 {
    let n = word.len();
    let lo = n.saturating_sub(MAX_PARTICLE_STACK);
    let mut ok = [false; MAX_PARTICLE_STACK + 1];
    // ok index i stands for position lo + i.
    ok[n - lo] = true;
    let mut mask = 0u16;
    for j in (lo..n).rev() {
        let hit = (1..=4).any(|l| j + l <= n && ok[j + l - lo] && is_particle(&word[j..j + l]));
        ok[j - lo] = hit;
        if hit {
            mask |= 1 << (n - j);
        }
    }
    mask
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

    #[test]
    fn word_chars() {
        assert!(is_word_char('가') && is_word_char('a') && is_word_char('7'));
        assert!(!is_word_char('㈜') && !is_word_char(' ') && !is_word_char('‘'));
    }
}
