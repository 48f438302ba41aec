//! What the engine reports: a span of the report text, how it was found, how sure we are.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::particles::is_word_char;
use crate::domain::EntryKind;

/// Base confidence of a match on an entry's own name.
pub(crate) const CONF_EXACT_NAME: f32 = 0.95;
/// Base confidence of a match on an alias the directory lists.
pub(crate) const CONF_ALIAS: f32 = 0.92;
/// Base confidence of a derived abbreviation (성동사경센터 from 성동구사회적경제지원센터).
pub(crate) const CONF_ABBREVIATION: f32 = 0.85;
/// A district short form in prose (성동의 사경기업): often right, never certain.
pub(crate) const CONF_DISTRICT_SHORT: f32 = 0.5;
/// Cap for names of one or two syllables: too many ordinary words look like them.
pub(crate) const CAP_SHORT: f32 = 0.6;
/// Cap for homonyms from KOREAN.md (전주 "last week", 공주 "princess" …).
pub(crate) const CAP_HOMONYM: f32 = 0.4;
/// Cap when one surface names several entries (two districts called 중구).
pub(crate) const CAP_AMBIGUOUS: f32 = 0.6;
/// Most entries one span is suggested for. A name that more entries bear (an ordinary word such
/// as 함께 that dozens of small firms are called) is offered as its most likely entries, most
/// confident first and then the oldest; the reviewer links it elsewhere by hand if none is
/// meant. Every district name shared across Korea (중구 in six cities) still fits.
pub(crate) const MAX_ALTERNATIVES: usize = 8;
/// One substitution away from a long name (성동사경세터).
pub(crate) const CONF_FUZZY_SUBSTITUTION: f32 = 0.6;
/// One character missing or extra: slightly weaker evidence than a substitution.
pub(crate) const CONF_FUZZY_INDEL: f32 = 0.55;

/// Place names that are also ordinary words (KOREAN.md "Homonyms that hurt precision").
const HOMONYMS: &[&str] = &["전주", "공주", "성수", "광주", "고성"];

/// Auto-confirmation threshold: only near-certain links skip review.
const AUTO_CONFIRM_MIN: f32 = 0.9;

/// How a mention was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The entry's name, up to folding (spaces, quotes, company markers).
    ExactName,
    /// An alias listed for the entry.
    Alias,
    /// A form derived by rule: 사경 abbreviation, district short form.
    AbbreviationRule,
    /// Within one edit of a name or alias of 5+ syllables.
    Fuzzy,
    /// Looks like a name but is not in the directory: offered as "create an entry".
    Candidate,
}

/// One suggested mention in a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    /// Start, in characters (not bytes) of the NFC text.
    pub start: usize,
    /// End (exclusive), in characters of the NFC text.
    pub end: usize,
    /// The text exactly as written, `text.chars().skip(start).take(end - start)`; shared by
    /// the alternatives of one span (a name that several entries bear).
    pub surface: Arc<str>,
    /// The linked entry; `None` for candidates.
    pub entry_id: Option<i64>,
    /// How it was found.
    pub method: Method,
    /// 0.0–1.0; see [`Mention::auto_confirm`] for what counts as certain.
    pub confidence: f32,
    /// For candidates, the guessed kind of the entry to create (serialised as its stable
    /// string, "enterprise", "center" …).
    pub candidate_kind: Option<EntryKind>,
}

impl Mention {
    /// True when the mention may be confirmed without review: an exact name or listed alias,
    /// confidence ≥ 0.9, at least three syllables, and not a known homonym.
    pub fn auto_confirm(&self) -> bool {
        let syllables = self.surface.chars().filter(|&c| is_word_char(c)).count();
        matches!(self.method, Method::ExactName | Method::Alias)
            && self.confidence >= AUTO_CONFIRM_MIN
            && syllables >= 3
            && !is_homonym(&self.surface)
    }
}

/// True when a folded name is one of the known homonyms.
pub(crate) fn is_homonym(folded: &str) -> bool {
    HOMONYMS.contains(&folded)
}

/// Applies the caps that depend only on the (folded) pattern text.
pub(crate) fn capped_confidence(base: f32, folded: &str) -> f32 {
    let syllables = folded.chars().count();
    let mut conf = base;
    if syllables <= 2 {
        conf = conf.min(CAP_SHORT);
    }
    if is_homonym(folded) {
        conf = conf.min(CAP_HOMONYM);
    }
    conf
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(surface: &str, method: Method, confidence: f32) -> Mention {
        Mention {
            start: 0,
            end: surface.chars().count(),
            surface: surface.into(),
            entry_id: Some(1),
            method,
            confidence,
            candidate_kind: None,
        }
    }

    #[test]
    fn only_certain_long_exact_matches_auto_confirm() {
        assert!(mention("와디즈", Method::ExactName, 0.95).auto_confirm());
        assert!(mention("소영씨 스토어", Method::Alias, 0.92).auto_confirm());
        assert!(!mention("성동", Method::ExactName, 0.95).auto_confirm());
        assert!(!mention("성동사경센터", Method::AbbreviationRule, 0.85).auto_confirm());
        assert!(!mention("성동사경세터", Method::Fuzzy, 0.95).auto_confirm());
        assert!(!mention("와디즈", Method::Alias, 0.6).auto_confirm());
    }

    #[test]
    fn caps_short_names_and_homonyms() {
        assert_eq!(capped_confidence(0.95, "성동구"), 0.95);
        assert_eq!(capped_confidence(0.95, "성동"), CAP_SHORT);
        assert_eq!(capped_confidence(0.95, "전주"), CAP_HOMONYM);
    }

    #[test]
    fn method_serialises_in_snake_case() {
        let json = serde_json::to_string(&Method::AbbreviationRule).unwrap_or_default();
        assert_eq!(json, "\"abbreviation_rule\"");
    }
}
