//! Aliases derived by rule from names the directory already has.
//!
//! Reports abbreviate: 사경 for 사회적경제 (성동사경센터 = 성동구 사회적경제지원센터, where the
//! 지원 disappears too), and districts lose their 구 (성동 for 성동구). These forms are added
//! to the dictionary with method `AbbreviationRule` and a lower confidence than names the
//! directory lists, so they are suggested for review, never confirmed automatically.

use super::mention::{CONF_ABBREVIATION, CONF_DISTRICT_SHORT};

/// The 사경 rule's pairs, longest first: (long form, short form, is a center).
const SECTOR_FORMS: &[(&str, &str)] = &[("사회적경제지원센터", "사경센터"), ("사회적경제", "사경")];

/// Pushes the derived forms of one folded name onto `out` as (folded form, confidence).
///
/// Only names that contain a rule's trigger allocate; for the rest this is a couple of
/// substring searches.
pub(crate) fn derived_forms(folded: &str, kind: &str, out: &mut Vec<(String, f32)>) {
    if kind == "district" {
        district_short_form(folded, out);
    }
    sector_abbreviations(folded, out);
}

/// 성동구 → 성동 (only when at least two syllables remain: 중구 has no usable short form).
fn district_short_form(folded: &str, out: &mut Vec<(String, f32)>) {
    let Some(last) = folded.chars().next_back() else {
        return;
    };
    if matches!(last, '구' | '군' | '시') && folded.chars().count() >= 3 {
        let short = &folded[..folded.len() - last.len_utf8()];
        out.push((short.to_string(), CONF_DISTRICT_SHORT));
    }
}

/// X구사회적경제지원센터 ⇄ X사경센터 (and X구사경센터, X사회적경제지원센터); likewise
/// 사회적경제 ⇄ 사경 inside other names (용산구사회적경제공동판매장 → 용산구사경공동판매장).
fn sector_abbreviations(folded: &str, out: &mut Vec<(String, f32)>) {
    let found = SECTOR_FORMS.iter().find_map(|&(long, short)| {
        // The long form is searched first so that 사경 inside 사회적경제 is never split.
        if let Some(at) = folded.find(long) {
            return Some((at, long.len(), long, short));
        }
        folded.find(short).map(|at| (at, short.len(), long, short))
    });
    let Some((at, len, long, short)) = found else {
        return;
    };
    let head = &folded[..at];
    let tail = &folded[at + len..];
    let head_chars = head.chars().count();
    // A bare 사회적경제지원센터 or 사경기업 names no one in particular, and a 사경 after a
    // one-syllable head or ending the name (바사경) is more likely just two syllables.
    let abbreviated = len == short.len();
    if head_chars < 2 || (abbreviated && short == "사경" && tail.is_empty()) {
        return;
    }
    let district_stem = head
        .strip_suffix('구')
        .or_else(|| head.strip_suffix('군'))
        .filter(|stem| head_chars >= 3 && !stem.is_empty());
    let mut heads: Vec<String> = vec![head.to_string()];
    match district_stem {
        Some(stem) => heads.push(stem.to_string()),
        None if head_chars == 2 => heads.push(format!("{head}구")),
        None => {}
    }
    for h in &heads {
        for core in [long, short] {
            let form = format!("{h}{core}{tail}");
            if form != folded && !out.iter().any(|(f, _)| *f == form) {
                out.push((form, CONF_ABBREVIATION));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(folded: &str, kind: &str) -> Vec<String> {
        let mut out = Vec::new();
        derived_forms(folded, kind, &mut out);
        out.into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn center_name_gets_sagyeong_forms() {
        let f = forms("성동구사회적경제지원센터", "center");
        assert!(f.contains(&"성동사경센터".to_string()));
        assert!(f.contains(&"성동구사경센터".to_string()));
        assert!(f.contains(&"성동사회적경제지원센터".to_string()));
        assert_eq!(f.len(), 3);
    }

    #[test]
    fn abbreviation_expands_back() {
        let f = forms("용산사경센터", "center");
        assert!(f.contains(&"용산구사회적경제지원센터".to_string()));
        assert!(f.contains(&"용산사회적경제지원센터".to_string()));
    }

    #[test]
    fn sector_word_inside_other_names() {
        let f = forms("용산구사회적경제공동판매장", "outlet");
        assert!(f.contains(&"용산구사경공동판매장".to_string()));
        assert!(f.contains(&"용산사경공동판매장".to_string()));
    }

    #[test]
    fn district_short_forms() {
        assert_eq!(forms("성동구", "district"), vec!["성동".to_string()]);
        assert!(forms("중구", "district").is_empty());
        assert!(forms("성동구", "place").is_empty());
    }

    #[test]
    fn syllables_that_merely_spell_sagyeong_derive_nothing() {
        assert!(forms("바사경", "enterprise").is_empty());
        assert!(forms("금사경", "enterprise").is_empty());
    }

    #[test]
    fn generic_terms_derive_nothing() {
        assert!(forms("사회적경제지원센터", "center").is_empty());
        assert!(forms("와디즈", "outlet").is_empty());
    }
}
