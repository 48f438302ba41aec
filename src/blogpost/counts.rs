//! Infers how many people took part from counts of people near gathering verbs.
//!
//! Only a count with the person counter 명 next to a word such as 모였, 참석, 참여, 방문 counts:
//! "7명이 모였습니다", "참석자는 총 12명". Other counters (21개, 3배, 두 곳) and people counted
//! in passing ("직원 3명이 운영하는 가게") are not participants.

use super::Inferred;
use super::scan::{has_at, is_hangul, number_at, skip_spaces, span};

/// Words that make a nearby person count a participant count.
const GATHERING_WORDS: [&str; 16] = [
    "모였", "모여", "모인", "모두", "참석", "참여", "참가", "방문", "함께", "동행", "다녀", "견학",
    "탐방", "찾았", "인원", "일행",
];

/// How far (in chars) a gathering word may be from the count, before or after it.
const WINDOW: usize = 12;

/// Native Korean numerals used before 명 (일곱 명), longest first so 열두 wins over 열.
const NATIVE_NUMBERS: [(&str, u32); 20] = [
    ("열다섯", 15),
    ("열여섯", 16),
    ("열일곱", 17),
    ("열여덟", 18),
    ("열아홉", 19),
    ("다섯", 5),
    ("여섯", 6),
    ("일곱", 7),
    ("여덟", 8),
    ("아홉", 9),
    ("열한", 11),
    ("열두", 12),
    ("열세", 13),
    ("열네", 14),
    ("스무", 20),
    ("한", 1),
    ("두", 2),
    ("세", 3),
    ("네", 4),
    ("열", 10),
];

/// The most likely participant count in `lines`.
pub fn infer_participants(lines: &[&str]) -> Option<Inferred<u32>> {
    let mut best: Option<Inferred<u32>> = None;
    for line in lines {
        let cs: Vec<char> = line.chars().collect();
        for candidate in person_counts(&cs) {
            if best
                .as_ref()
                .is_none_or(|b| candidate.confidence > b.confidence)
            {
                best = Some(candidate);
            }
        }
    }
    best
}

/// Every person count in a line that has a gathering word nearby.
fn person_counts(cs: &[char]) -> Vec<Inferred<u32>> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let Some((value, start, end, approximate)) = count_at(cs, i) else {
            i += 1;
            continue;
        };
        i = end;
        let before = span(cs, start.saturating_sub(WINDOW), start);
        let after = span(cs, end, end + WINDOW);
        let word_after = GATHERING_WORDS.iter().any(|w| after.contains(w));
        let word_before = GATHERING_WORDS.iter().any(|w| before.contains(w));
        if !word_after && !word_before {
            continue;
        }
        // A total ("총 12명", "모두 12명") beats the parts listed before it.
        let total = before.trim_end().ends_with('총') || before.trim_end().ends_with("모두");
        let mut confidence: f32 = if word_after { 0.85 } else { 0.75 };
        if total {
            confidence += 0.1;
        }
        let mut note = None;
        if approximate {
            confidence -= 0.2;
            note = Some("approximate count (여 명)".to_string());
        }
        found.push(Inferred {
            value,
            evidence: span(cs, start, end),
            confidence,
            note,
        });
    }
    found
}

/// A count of people starting at `i`: digits or a native numeral, an optional 여 (about),
/// then 명. Returns the value, the span and whether it was approximate.
fn count_at(cs: &[char], i: usize) -> Option<(u32, usize, usize, bool)> {
    // A count starts a word: not the tail of a longer number, and a native numeral not the
    // middle of a Hangul word (세 in 한세명). Digits may follow Hangul glued on: 총7명.
    if i > 0 && (cs[i - 1].is_ascii_digit() || (is_hangul(cs[i - 1]) && !cs[i].is_ascii_digit())) {
        return None;
    }
    let (value, after) = if cs[i].is_ascii_digit() {
        let (value, _, after) = number_at(cs, i, 4)?;
        (value, after)
    } else {
        let (word, value) = NATIVE_NUMBERS.iter().find(|(w, _)| has_at(cs, i, w))?;
        (*value, i + word.chars().count())
    };
    let mut j = skip_spaces(cs, after);
    let approximate = cs.get(j) == Some(&'여');
    if approximate {
        j = skip_spaces(cs, j + 1);
    }
    if cs.get(j) != Some(&'명') || value == 0 {
        return None;
    }
    // 명 must end the counter: 7명이 yes, but not a longer word such as 명단 or 명소.
    if matches!(
        cs.get(j + 1),
        Some('단' | '소' | '칭' | '함' | '절' | '예' | '품' | '확' | '령')
    ) {
        return None;
    }
    Some((value, i, j + 1, approximate))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(lines: &[&str]) -> Option<(u32, String)> {
        infer_participants(lines).map(|c| (c.value, c.evidence))
    }

    #[test]
    fn seed_sentence() {
        let line = "용산사경센터 직원들과 용산의 기업의 종사자들이 7명 모였습니다.";
        assert_eq!(count(&[line]), Some((7, "7명".to_string())));
    }

    #[test]
    fn other_counters_are_not_people() {
        assert_eq!(
            count(&["서울 25개 자치구 중 21개에 센터가 있습니다."]),
            None
        );
        assert_eq!(count(&["규모가 3배는 커져서 두 곳을 방문했습니다."]), None);
        assert_eq!(count(&["2023년 수행한 사업에 참여했다."]), None);
    }

    #[test]
    fn people_without_a_gathering_word_are_ignored() {
        assert_eq!(count(&["직원 3명이 운영하는 가게입니다."]), None);
        assert_eq!(count(&["명단을 정리하고 참석 여부를 물었다."]), None);
    }

    #[test]
    fn word_before_and_native_numbers() {
        assert_eq!(count(&["참석자는 12명이었습니다."]).map(|c| c.0), Some(12));
        assert_eq!(count(&["일곱 명이 함께 갔다."]).map(|c| c.0), Some(7));
        assert_eq!(count(&["열두 명이 참석"]).map(|c| c.0), Some(12));
    }

    #[test]
    fn total_beats_parts() {
        let line = "용산 5명, 성동 2명 총 7명이 참석했습니다.";
        assert_eq!(count(&[line]).map(|c| c.0), Some(7));
    }

    #[test]
    fn approximate_counts_are_noted() {
        let got = infer_participants(&["30여 명이 모였습니다."]);
        assert_eq!(got.as_ref().map(|c| c.value), Some(30));
        assert!(got.and_then(|c| c.note).is_some());
    }

    #[test]
    fn native_numeral_inside_a_word_is_not_a_count() {
        // 세 inside 세명대 / 한 inside 한명: must not be read as numbers.
        assert_eq!(count(&["한세명 방문"]), None);
    }
}
