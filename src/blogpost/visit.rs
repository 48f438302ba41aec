//! Infers when the visit happened from the dates and times the post mentions.
//!
//! Every date expression in the title and body becomes a candidate; the one with the highest
//! confidence wins (the first on a tie). Confidence reflects how the date was resolved, whether
//! a written weekday confirms it, whether a time of day came with it, and whether it lies
//! after publication (then it reads like a plan, not the visit).

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

use super::Inferred;
use super::dates::{DateMatch, YearSource, find_dates, weekday_ko};
use super::scan::{skip_spaces, span};
use super::times::time_at;

/// Confidence never reaches 1.0: everything here is a suggestion an editor confirms.
const MAX_CONFIDENCE: f32 = 0.98;

/// The most likely visit date and time in `lines`, resolved against `reference`
/// (the publication date, or a caller-supplied fallback).
pub fn infer_visit(
    lines: &[&str],
    reference: Option<NaiveDate>,
) -> Option<Inferred<NaiveDateTime>> {
    let mut best: Option<Inferred<NaiveDateTime>> = None;
    for line in lines {
        let cs: Vec<char> = line.chars().collect();
        for m in find_dates(&cs, reference) {
            let candidate = score(&cs, &m, reference);
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

fn score(cs: &[char], m: &DateMatch, reference: Option<NaiveDate>) -> Inferred<NaiveDateTime> {
    let mut notes: Vec<String> = Vec::new();
    let mut confidence: f32 = match m.year_source {
        YearSource::Written => 0.85,
        YearSource::YearWord => 0.8,
        YearSource::Latest => 0.8,
        YearSource::RelativeDay => 0.35,
    };
    match m.year_source {
        YearSource::Latest => {
            if let Some(r) = reference {
                notes.push(format!(
                    "no year written: took {}, the latest such date not after {r}",
                    m.date.year()
                ));
            }
        }
        YearSource::RelativeDay => {
            if let Some(r) = reference {
                notes.push(format!("relative day counted from {r}; in a post 오늘 often means the day written about"));
            }
        }
        YearSource::YearWord | YearSource::Written => {}
    }
    if let Some(written) = m.weekday {
        let actual = m.date.weekday();
        if written == actual {
            confidence += 0.1;
        } else {
            confidence = 0.4;
            notes.push(format!(
                "weekday mismatch: the text says {} but {} is a {}",
                weekday_ko(written),
                m.date,
                weekday_ko(actual)
            ));
        }
    }
    if let Some(r) = reference
        && m.date > r
    {
        confidence *= 0.5;
        notes.push(format!(
            "after the publication date {r}: possibly a plan, not the visit"
        ));
    }
    // A time of day right after the date (a comma or 에 between is fine).
    let mut end = m.end;
    let after = skip_spaces(cs, end);
    let after = if cs.get(after) == Some(&',') {
        after + 1
    } else {
        after
    };
    let time = match time_at(cs, after) {
        Some(t) => {
            end = t.end;
            confidence += 0.04;
            if t.assumed_afternoon {
                confidence -= 0.1;
                notes.push("no 오전/오후 written: read the hour as afternoon".to_string());
            }
            t.time
        }
        None => {
            notes.push("no time of day written: 00:00 is a placeholder".to_string());
            NaiveTime::MIN
        }
    };
    Inferred {
        value: m.date.and_time(time),
        evidence: span(cs, m.start, end),
        // Two decimals: the UI shows it as a percentage, float noise would only confuse.
        confidence: (confidence.clamp(0.0, MAX_CONFIDENCE) * 100.0).round() / 100.0,
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn visit(
        lines: &[&str],
        reference: Option<NaiveDate>,
    ) -> Option<(String, String, f32, Option<String>)> {
        infer_visit(lines, reference).map(|v| {
            (
                v.value.format("%Y-%m-%d %H:%M").to_string(),
                v.evidence,
                v.confidence,
                v.note,
            )
        })
    }

    #[test]
    fn seed_sentence_with_matching_weekday() {
        let got = visit(
            &["지난 12월 11일 월요일 오전 10시에 성동사경세터에서"],
            Some(d(2024, 1, 11)),
        );
        let (value, evidence, confidence, note) = got.unwrap_or_default();
        assert_eq!(value, "2023-12-11 10:00");
        assert_eq!(evidence, "지난 12월 11일 월요일 오전 10시");
        assert!(confidence > 0.9, "{confidence}");
        assert!(note.unwrap_or_default().contains("2023"));
    }

    #[test]
    fn weekday_mismatch_lowers_confidence_and_says_why() {
        let got = visit(
            &["12월 12일 월요일 오후 2시 30분 방문"],
            Some(d(2024, 1, 11)),
        );
        let (value, _, confidence, note) = got.unwrap_or_default();
        assert_eq!(value, "2023-12-12 14:30");
        assert!(confidence < 0.5);
        assert!(note.unwrap_or_default().contains("화요일"));
    }

    #[test]
    fn written_year_and_clock_time() {
        let got = visit(&["2023.12.11 10:00 성동구 방문"], None);
        assert_eq!(got.map(|g| g.0), Some("2023-12-11 10:00".to_string()));
        let got = visit(&["2023년 12월 11일(월) 정오"], Some(d(2024, 1, 11)));
        assert_eq!(got.map(|g| g.0), Some("2023-12-11 12:00".to_string()));
    }

    #[test]
    fn explicit_date_beats_relative_today() {
        let lines = [
            "오늘은 성동구 이야기입니다.",
            "지난 12월 11일 오전 10시에 모였습니다.",
        ];
        let got = visit(&lines, Some(d(2024, 1, 11)));
        assert_eq!(got.map(|g| g.0), Some("2023-12-11 10:00".to_string()));
    }

    #[test]
    fn yesterday_with_time() {
        let got = visit(&["어제 오후 3시에 다녀왔습니다."], Some(d(2024, 1, 11)));
        let (value, evidence, confidence, _) = got.unwrap_or_default();
        assert_eq!(value, "2024-01-10 15:00");
        assert_eq!(evidence, "어제 오후 3시");
        assert!(confidence < 0.5);
    }

    #[test]
    fn date_without_time_says_so() {
        let got = visit(&["12월 11일에 다녀왔다"], Some(d(2024, 1, 11)));
        let (value, _, _, note) = got.unwrap_or_default();
        assert_eq!(value, "2023-12-11 00:00");
        assert!(note.unwrap_or_default().contains("placeholder"));
    }

    #[test]
    fn future_date_is_doubtful() {
        let got = visit(&["2024년 3월 5일 방문 예정"], Some(d(2024, 1, 11)));
        let (_, _, confidence, note) = got.unwrap_or_default();
        assert!(confidence < 0.5);
        assert!(note.unwrap_or_default().contains("plan"));
    }

    #[test]
    fn nothing_to_infer() {
        assert_eq!(
            visit(&["12월에는 2023년 사업을 했다"], Some(d(2024, 1, 11))),
            None
        );
        assert_eq!(visit(&[], None), None);
    }
}
