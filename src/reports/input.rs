//! Report input from the form (or a pasted post), parsed into a draft. Lists that would need
//! JavaScript to edit row by row — itinerary stops, participants, takeaways — are one line
//! each in a textarea: reordering the lines reorders the stops.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::domain::text::{clean_line, clean_text};
use crate::domain::{ReportState, Slug, parse_date};
use crate::web::form::FieldErrors;

/// The report form as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct ReportInput {
    pub title: String,
    pub slug: String,
    pub author: String,
    pub published_on: String,
    pub visit_date: String,
    pub visit_time: String,
    pub state: String,
    /// Host entries: names, aliases or slugs separated by commas or new lines.
    pub hosts: String,
    pub visitors: String,
    pub participant_count: String,
    /// One participant a line: `이름 (소속)`.
    pub participants: String,
    pub body: String,
    pub source_url: String,
    /// Comma-separated.
    pub tags: String,
    /// One stop a line: `[HH:MM] 항목 또는 장소 [| 메모]`.
    pub stops: String,
    /// One takeaway a line: `배운 점 [| 관련 항목 | 담당 | 기한]`.
    pub takeaways: String,
    /// Photo descriptions, one a line: `설명 [| 사진출처]`.
    pub photos: String,
    pub version: String,
}

/// An itinerary stop before its target is resolved to an entry.
#[derive(Debug, Clone, PartialEq)]
pub struct StopDraft {
    pub time: Option<NaiveTime>,
    pub target: String,
    pub note: Option<String>,
}

/// A takeaway before its entry is resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct TakeawayDraft {
    pub lesson: String,
    pub entry: Option<String>,
    pub owner: Option<String>,
    pub due_on: Option<NaiveDate>,
}

/// A named participant.
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipantDraft {
    pub name: String,
    pub affiliation: Option<String>,
}

/// A valid report, its references still as text.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportDraft {
    pub title: String,
    pub slug: Option<Slug>,
    pub author: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub visited_at: Option<NaiveDateTime>,
    pub state: ReportState,
    pub hosts: Vec<String>,
    pub visitors: Vec<String>,
    pub participant_count: Option<i32>,
    pub participants: Vec<ParticipantDraft>,
    pub body: String,
    pub source_url: Option<String>,
    pub tags: Vec<String>,
    pub stops: Vec<StopDraft>,
    pub takeaways: Vec<TakeawayDraft>,
    /// (caption, credit) of described photos.
    pub photos: Vec<(String, Option<String>)>,
}

/// Longest report body accepted (about forty pages).
pub const MAX_BODY_CHARS: usize = 200_000;

fn list(raw: &str) -> Vec<String> {
    raw.split([',', '\n'])
        .map(clean_line)
        .filter(|s| !s.is_empty())
        .collect()
}

fn lines(raw: &str) -> impl Iterator<Item = (usize, String)> + '_ {
    raw.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, clean_line(l)))
        .filter(|(_, l)| !l.is_empty())
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()
}

/// Parses the report form; every problem is reported at once, by field.
pub fn parse_report(input: &ReportInput) -> Result<ReportDraft, FieldErrors> {
    let mut errors = FieldErrors::default();
    let title = clean_line(&input.title);
    if title.is_empty() {
        errors.add("title", "제목을 입력해 주세요.");
    } else if title.chars().count() > 300 {
        errors.add("title", "제목은 300자 이하로 입력해 주세요.");
    }
    let slug = match input.slug.trim() {
        "" => None,
        s => Slug::parse(s)
            .map_err(|e| errors.add("slug", e.to_string()))
            .ok(),
    };
    let date = |field: &'static str, raw: &str, errors: &mut FieldErrors| match raw.trim() {
        "" => None,
        s => parse_date(s)
            .map_err(|e| errors.add(field, e.to_string()))
            .ok(),
    };
    let published_on = date("published_on", &input.published_on, &mut errors);
    let visit_date = date("visit_date", &input.visit_date, &mut errors);
    let visit_time = match input.visit_time.trim() {
        "" => None,
        s => {
            let t = parse_time(s);
            if t.is_none() {
                errors.add("visit_time", "시각은 10:00처럼 입력해 주세요.");
            }
            t
        }
    };
    if visit_time.is_some() && visit_date.is_none() && errors.get("visit_date").is_none() {
        errors.add("visit_date", "시각을 적으려면 날짜도 입력해 주세요.");
    }
    let visited_at = visit_date.map(|d| d.and_time(visit_time.unwrap_or(NaiveTime::MIN)));
    let state = match input.state.trim() {
        "" => ReportState::Draft,
        s => ReportState::from_label(s).unwrap_or_else(|| {
            errors.add("state", "상태를 골라 주세요.");
            ReportState::Draft
        }),
    };
    if state == ReportState::Planned && visited_at.is_none() && errors.get("visit_date").is_none() {
        errors.add("visit_date", "예정된 탐방에는 날짜가 필요합니다.");
    }
    let participant_count = match input.participant_count.trim() {
        "" => None,
        s => match s.trim_end_matches('명').trim().parse::<i32>() {
            Ok(n) if (0..=100_000).contains(&n) => Some(n),
            _ => {
                errors.add("participant_count", "참가자 수를 숫자로 입력해 주세요.");
                None
            }
        },
    };
    let participants = lines(&input.participants)
        .map(|(_, l)| match l.split_once('(') {
            Some((name, rest)) => ParticipantDraft {
                name: clean_line(name),
                affiliation: Some(clean_line(rest.trim_end_matches(')'))).filter(|a| !a.is_empty()),
            },
            None => ParticipantDraft {
                name: l,
                affiliation: None,
            },
        })
        .filter(|p| !p.name.is_empty())
        .collect();
    let body = clean_text(&input.body);
    if body.chars().count() > MAX_BODY_CHARS {
        errors.add(
            "body",
            format!("본문은 {MAX_BODY_CHARS}자 이하로 입력해 주세요."),
        );
    }
    let source_url = match input.source_url.trim() {
        "" => None,
        s => crate::directory::input::parse_url(s)
            .map_err(|e| errors.add("source_url", e))
            .ok(),
    };
    let mut stops = Vec::new();
    for (n, l) in lines(&input.stops) {
        let (head, note) = match l.split_once('|') {
            Some((h, note)) => (
                h.trim().to_string(),
                Some(clean_line(note)).filter(|s| !s.is_empty()),
            ),
            None => (l.clone(), None),
        };
        let (time, target) = match head.split_once(' ') {
            Some((t, rest)) if parse_time(t).is_some() => (parse_time(t), rest.trim().to_string()),
            _ if parse_time(&head).is_some() => (parse_time(&head), String::new()),
            _ => (None, head),
        };
        if target.is_empty() {
            errors.add("stops", format!("{n}번째 줄: 방문한 곳을 적어 주세요 (예: 10:00 성동구사회적경제지원센터 | 사업 설명)."));
        } else {
            stops.push(StopDraft { time, target, note });
        }
    }
    let mut takeaways = Vec::new();
    for (n, l) in lines(&input.takeaways) {
        let mut parts = l.split('|').map(clean_line);
        let lesson = parts.next().unwrap_or_default();
        let entry = parts.next().filter(|s| !s.is_empty());
        let owner = parts.next().filter(|s| !s.is_empty());
        let due_on = match parts.next().filter(|s| !s.is_empty()) {
            Some(d) => match parse_date(&d) {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.add(
                        "takeaways",
                        format!("{n}번째 줄: 기한 '{d}'을 날짜로 읽을 수 없습니다."),
                    );
                    None
                }
            },
            None => None,
        };
        if lesson.is_empty() {
            errors.add("takeaways", format!("{n}번째 줄: 배운 점을 적어 주세요."));
        } else {
            takeaways.push(TakeawayDraft {
                lesson,
                entry,
                owner,
                due_on,
            });
        }
    }
    let photos = lines(&input.photos)
        .map(|(_, l)| match l.split_once('|') {
            Some((c, credit)) => (
                clean_line(c),
                Some(clean_line(credit)).filter(|s| !s.is_empty()),
            ),
            None => (l, None),
        })
        .filter(|(c, _)| !c.is_empty())
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ReportDraft {
        photos,
        title,
        slug,
        author: Some(clean_line(&input.author)).filter(|s| !s.is_empty()),
        published_on,
        visited_at,
        state,
        hosts: list(&input.hosts),
        visitors: list(&input.visitors),
        participant_count,
        participants,
        body,
        source_url,
        tags: list(&input.tags),
        stops,
        takeaways,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_stops_takeaways_and_participants() {
        let input = ReportInput {
            title: " 성동구 탐방 ".into(),
            visit_date: "2023.12.11".into(),
            visit_time: "10:00".into(),
            state: "published".into(),
            hosts: "성동사경센터".into(),
            participant_count: "7명".into(),
            participants: "홍길동 (용산사경센터)\n김철수".into(),
            stops: "10:00 성동구사회적경제지원센터 | 사업 설명\n\n바른참 | 점심\n14:30 성수동 수제화 거리".into(),
            takeaways: "다회용기 소개 | 바른참 | 용산사경센터 | 2024-02-01\nCSR 연결".into(),
            tags: "벤치마킹, 판로".into(),
            body: "본문\r\n\r\n둘째 문단".into(),
            ..Default::default()
        };
        let d = parse_report(&input).unwrap();
        assert_eq!(d.title, "성동구 탐방");
        assert_eq!(d.visited_at.unwrap().to_string(), "2023-12-11 10:00:00");
        assert_eq!(d.participant_count, Some(7));
        assert_eq!(
            d.participants[0].affiliation.as_deref(),
            Some("용산사경센터")
        );
        assert_eq!(d.stops.len(), 3);
        assert_eq!(
            d.stops[1],
            StopDraft {
                time: None,
                target: "바른참".into(),
                note: Some("점심".into())
            }
        );
        assert_eq!(d.stops[2].time, parse_time("14:30"));
        assert_eq!(d.takeaways[0].due_on, NaiveDate::from_ymd_opt(2024, 2, 1));
        assert_eq!(d.takeaways[1].entry, None);
        assert_eq!(d.tags, vec!["벤치마킹", "판로"]);
        assert_eq!(d.body, "본문\n\n둘째 문단");
    }

    #[test]
    fn problems_are_reported_by_field() {
        let input = ReportInput {
            visit_time: "열시".into(),
            state: "planned".into(),
            participant_count: "많이".into(),
            stops: "10:00".into(),
            takeaways: "교훈 | | | 내일모레".into(),
            source_url: "javascript:x".into(),
            ..Default::default()
        };
        let e = parse_report(&input).unwrap_err();
        for f in [
            "title",
            "visit_time",
            "visit_date",
            "participant_count",
            "stops",
            "takeaways",
            "source_url",
        ] {
            assert!(e.get(f).is_some(), "{f}");
        }
    }
}
