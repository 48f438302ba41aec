//! Generated visit reports: 2,000–10,000 characters of Korean prose that mention entries with
//! particles glued on ("소영씨스토어를", "와디즈는"), with hosts, visitors and itinerary stops.

use std::collections::HashSet;

use chrono::{Duration, NaiveTime};
use sea_orm::Set;

use crate::bench::names::{Planned, date_between};
use crate::bench::words::{self, Rng};
use crate::domain::{EntryKind, ReportState, Slug};
use crate::entities::{report, report_entry, report_stop};

/// A report and its related rows, ids already assigned.
#[derive(Debug, Clone)]
pub struct PlannedReport {
    pub report: report::ActiveModel,
    pub entries: Vec<report_entry::ActiveModel>,
    pub stops: Vec<report_stop::ActiveModel>,
}

/// A body of about `target` characters mentioning the `cast` (by base name).
pub fn body(rng: &mut Rng, cast: &[&Planned], target: usize) -> String {
    let mut out = String::with_capacity(target * 3 + 256);
    let mut chars = 0;
    let mut in_paragraph = 0;
    while chars < target {
        let sentence = if rng.chance(65) && !cast.is_empty() {
            let who = cast[rng.below(cast.len())];
            let template = rng.pick(words::REPORT_SENTENCES);
            template.replace("{}", &words::with_particle(rng, &who.base))
        } else {
            (*rng.pick(words::FILLER)).to_string()
        };
        chars += sentence.chars().count() + 1;
        out.push_str(&sentence);
        in_paragraph += 1;
        if in_paragraph >= 4 && rng.chance(40) {
            out.push_str("\n\n");
            in_paragraph = 0;
        } else {
            out.push(' ');
        }
    }
    out.trim_end().to_string()
}

/// Plans report `n` (id `id`, first stop id `stop_id`) about entries picked from `pool`.
pub fn plan_report(
    rng: &mut Rng,
    id: i64,
    stop_id: &mut i64,
    pool: &[Planned],
    slugs: &mut HashSet<String>,
) -> PlannedReport {
    let host = &pool[rng.below(pool.len())];
    let visitor = pool
        .iter()
        .skip(rng.below(pool.len()))
        .find(|p| p.kind == EntryKind::Center && p.id != host.id)
        .unwrap_or(&pool[(host_index(pool, host) + 1) % pool.len()]);
    let mut cast: Vec<&Planned> = vec![host, visitor];
    for _ in 0..rng.range(1, 6) {
        cast.push(&pool[rng.below(pool.len())]);
    }
    let visited = date_between(rng, 2021, 2025);
    let title = format!(
        "{} {} 벤치마킹 탐방 — {}",
        chrono::Datelike::year(&visited),
        host.base,
        visitor.base
    );
    let mut slug = Slug::from_name(&title).as_str().to_string();
    if !slugs.insert(slug.clone()) {
        slug = format!("{slug}-{id}");
        slugs.insert(slug.clone());
    }
    let state = match rng.below(10) {
        0 => ReportState::Draft,
        1 => ReportState::Planned,
        _ => ReportState::Published,
    };
    let time = NaiveTime::from_hms_opt(rng.range(9, 16) as u32, 30 * rng.range(0, 1) as u32, 0)
        .unwrap_or_default();
    let target = rng.range(2_000, 10_000) as usize;
    let now = chrono::Utc::now();
    let report = report::ActiveModel {
        id: Set(id),
        slug: Set(slug),
        title: Set(title),
        author: Set(Some(words::person(rng))),
        published_on: Set(
            (state == ReportState::Published).then(|| visited + Duration::days(rng.range(1, 30)))
        ),
        visited_at: Set(Some(visited.and_time(time))),
        state: Set(state.as_str().into()),
        participant_count: Set(Some(rng.range(3, 25) as i32)),
        body: Set(body(rng, &cast, target)),
        source_url: Set(None),
        tags: Set(None),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    };
    let entries = [(host.id, "host"), (visitor.id, "visitor")]
        .into_iter()
        .map(|(entry_id, role)| report_entry::ActiveModel {
            report_id: Set(id),
            entry_id: Set(entry_id),
            role: Set(role.into()),
        })
        .collect();
    let stops = cast
        .iter()
        .take(3)
        .enumerate()
        .map(|(i, p)| {
            *stop_id += 1;
            report_stop::ActiveModel {
                id: Set(*stop_id),
                report_id: Set(id),
                position: Set(i as i32 + 1),
                entry_id: Set(Some(p.id)),
                label: Set(None),
                at_time: Set(NaiveTime::from_hms_opt(10 + 2 * i as u32, 0, 0)),
                note: Set(Some(format!("{} 현장 방문", p.base))),
            }
        })
        .collect();
    PlannedReport {
        report,
        entries,
        stops,
    }
}

fn host_index(pool: &[Planned], host: &Planned) -> usize {
    pool.iter().position(|p| p.id == host.id).unwrap_or(0)
}
