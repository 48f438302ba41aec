//! Keeping a report's mentions in step with its text: confirmed and rejected mentions whose
//! text is unchanged stay (re-anchored if it moved), everything else is suggested afresh.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, IntoActiveModel,
    QueryFilter, QueryOrder, Set, Statement,
};

use crate::directory::queries::entries_by_id;
use crate::domain::MentionState;
use crate::entities::{mention, report};
use crate::error::AppResult;
use crate::mentions::{Mention, Method};

fn method_str(m: Method) -> &'static str {
    match m {
        Method::ExactName => "exact_name",
        Method::Alias => "alias",
        Method::AbbreviationRule => "abbreviation_rule",
        Method::Fuzzy => "fuzzy",
        Method::Candidate => "candidate",
    }
}

/// The characters `[start, end)` of `text`.
fn span(text: &[char], start: usize, end: usize) -> Option<String> {
    (start <= end && end <= text.len()).then(|| text[start..end].iter().collect())
}

/// Where `surface` now sits: at its old offsets if unchanged, else its nearest occurrence.
fn reanchor(text: &[char], surface: &str, start: usize) -> Option<usize> {
    let needle: Vec<char> = surface.chars().collect();
    if needle.is_empty() || needle.len() > text.len() {
        return None;
    }
    (0..=text.len() - needle.len())
        .filter(|&i| text[i..i + needle.len()] == needle[..])
        .min_by_key(|&i| i.abs_diff(start))
}

/// Mentions written by one `INSERT` (10 columns each) or removed by one `DELETE`: well under
/// SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
const INSERT_BATCH: usize = 500;

/// Re-suggests the mentions of `r` from `found` (the engine's output for its body).
/// `auto_confirm` confirms high-confidence exact matches straight away. The caller runs it in
/// one write transaction (see [`crate::linking::relink_report`]): readers never see half a
/// report's mentions, and the replaced ones go out and the new ones in as a few multi-row
/// statements.
///
/// When the report's mentions come out different — another count of some state, or a
/// decided one moved — the change is recorded on the report's trail (by `linker`, field
/// `mentions`, the counts before and after). Like every other write, that moves the change
/// stamp: suggestions only dropped, or decided mentions only moved, write no new mention row
/// for the stamp to see, and the cached pages showing them would otherwise stay as they were.
pub async fn relink(
    db: &impl ConnectionTrait,
    r: &report::Model,
    found: Vec<Mention>,
    auto_confirm: bool,
) -> AppResult<()> {
    let text: Vec<char> = r.body.chars().collect();
    let existing = mention::Entity::find()
        .filter(mention::Column::ReportId.eq(r.id))
        .all(db)
        .await?;
    let before = StateCounts::of(existing.iter().map(|m| m.state.as_str()));
    let mut moved = 0;
    let mut kept: Vec<(usize, usize, String)> = Vec::new();
    let mut dropped: Vec<i64> = Vec::new();
    for m in existing {
        let decided = m.state != MentionState::Suggested.as_str();
        let (start, end) = (m.start_char.max(0) as usize, m.end_char.max(0) as usize);
        let anchored = if decided {
            reanchor(&text, &m.surface, start)
        } else {
            None
        };
        let overlaps = |s: usize, e: usize| kept.iter().any(|(ks, ke, _)| s < *ke && *ks < e);
        match anchored {
            Some(s) if !overlaps(s, s + (end - start)) => {
                let e = s + m.surface.chars().count();
                kept.push((s, e, m.state.clone()));
                if s != start {
                    moved += 1;
                    let mut a = m.into_active_model();
                    a.start_char = Set(s as i32);
                    a.end_char = Set(e as i32);
                    a.updated_at = Set(Utc::now());
                    a.update(db).await?;
                }
            }
            _ => dropped.push(m.id),
        }
    }
    for ids in dropped.chunks(INSERT_BATCH) {
        mention::Entity::delete_many()
            .filter(mention::Column::Id.is_in(ids.iter().copied()))
            .exec(db)
            .await?;
    }
    let live = entries_by_id(db, found.iter().filter_map(|m| m.entry_id)).await?;
    let mut after = StateCounts::of(kept.iter().map(|(_, _, state)| state.as_str()));
    let now = Utc::now();
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut rows = Vec::new();
    for m in found {
        if kept.iter().any(|(s, e, _)| m.start < *e && *s < m.end) || !seen.insert((m.start, m.end))
        {
            continue;
        }
        if m.entry_id.is_some_and(|id| !live.contains_key(&id))
            || span(&text, m.start, m.end).is_none()
        {
            continue;
        }
        let state = if auto_confirm && m.auto_confirm() {
            MentionState::Confirmed
        } else {
            MentionState::Suggested
        };
        after.add(state);
        rows.push(mention::ActiveModel {
            report_id: Set(r.id),
            entry_id: Set(m.entry_id),
            start_char: Set(m.start as i32),
            end_char: Set(m.end as i32),
            surface: Set(m.surface.to_string()),
            method: Set(method_str(m.method).to_string()),
            confidence: Set(f64::from(m.confidence)),
            state: Set(state.as_str().to_string()),
            candidate_kind: Set(m.candidate_kind.map(|k| k.as_str().to_string())),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
    }
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(INSERT_BATCH));
        mention::Entity::insert_many(std::mem::replace(&mut rows, rest))
            .exec_without_returning(db)
            .await?;
    }
    if before != after || moved > 0 {
        let mut changes = serde_json::Map::new();
        changes.insert(
            "mentions".to_string(),
            serde_json::json!([before.line(0), after.line(moved)]),
        );
        crate::audit::record(
            db,
            &crate::audit::Actor::system("linker"),
            "reports",
            r.id,
            crate::domain::AuditAction::Update,
            changes,
        )
        .await?;
    }
    Ok(())
}

/// A report's mentions counted by state, for its trail.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct StateCounts {
    suggested: usize,
    confirmed: usize,
    rejected: usize,
}

impl StateCounts {
    fn of<'s>(states: impl Iterator<Item = &'s str>) -> Self {
        let mut counts = StateCounts::default();
        for state in states.filter_map(|s| s.parse().ok()) {
            counts.add(state);
        }
        counts
    }

    fn add(&mut self, state: MentionState) {
        match state {
            MentionState::Suggested => self.suggested += 1,
            MentionState::Confirmed => self.confirmed += 1,
            MentionState::Rejected => self.rejected += 1,
        }
    }

    /// `확인 3 · 제안 20`, `없음` when there are none; `moved` decided mentions that now sit
    /// elsewhere in the text are said after the counts.
    fn line(self, moved: usize) -> String {
        let mut parts: Vec<String> = [
            (MentionState::Confirmed, self.confirmed),
            (MentionState::Suggested, self.suggested),
            (MentionState::Rejected, self.rejected),
        ]
        .into_iter()
        .filter(|&(_, n)| n > 0)
        .map(|(state, n)| format!("{} {n}", state.label_ko()))
        .collect();
        if parts.is_empty() {
            parts.push("없음".to_string());
        }
        if moved > 0 {
            parts.push(format!("위치 옮김 {moved}"));
        }
        parts.join(" · ")
    }
}

/// A report's mentions in text order.
pub async fn of_report(
    db: &impl ConnectionTrait,
    report_id: i64,
) -> AppResult<Vec<mention::Model>> {
    Ok(mention::Entity::find()
        .filter(mention::Column::ReportId.eq(report_id))
        .order_by_asc(mention::Column::StartChar)
        .all(db)
        .await?)
}

/// The mentions a report page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Confirmed links only (readers).
    Confirmed,
    /// Suggestions too (editors review them).
    All,
}

/// The slug and name of the entry a mention links to: all a report page shows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub slug: String,
    pub name: String,
}

/// The columns of a mention a report page uses (not its report id or timestamps, which it
/// never shows; leaving them out measured no faster, the saving is in what is not copied).
#[derive(Debug, Clone, FromQueryResult)]
pub struct MentionRow {
    pub id: i64,
    pub entry_id: Option<i64>,
    pub start_char: i32,
    pub end_char: i32,
    pub surface: String,
    pub method: String,
    pub confidence: f64,
    pub state: String,
    pub candidate_kind: Option<String>,
}

/// A mention with its entry's slug and name.
#[derive(Debug, Clone)]
pub struct ShownMention {
    pub mention: MentionRow,
    pub target: Option<Target>,
}

/// A report's mentions that `shown` asks for, in text order, each with its entry's slug and
/// name: one query, one row a mention (a reader's page reads only the confirmed ones, about
/// half, and no entry's other columns).
pub async fn shown_of_report(
    db: &impl ConnectionTrait,
    report_id: i64,
    shown: Shown,
) -> AppResult<Vec<ShownMention>> {
    let state = match shown {
        Shown::Confirmed => " AND m.state = $2",
        Shown::All => "",
    };
    let sql = format!(
        "SELECT m.id, m.entry_id, m.start_char, m.end_char, m.surface, m.method, m.confidence, \
         m.state, m.candidate_kind, e.slug AS target_slug, e.name AS target_name FROM mentions m \
         LEFT JOIN entries e ON e.id = m.entry_id WHERE m.report_id = $1{state} \
         ORDER BY m.start_char, m.id"
    );
    let mut values: Vec<sea_orm::Value> = vec![report_id.into()];
    if shown == Shown::Confirmed {
        values.push(MentionState::Confirmed.as_str().into());
    }
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), sql, values);
    let rows = db.query_all_raw(stmt).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let slug: Option<String> = row.try_get("", "target_slug")?;
        let name: Option<String> = row.try_get("", "target_name")?;
        out.push(ShownMention {
            mention: MentionRow::from_query_result(&row, "")?,
            target: slug.zip(name).map(|(slug, name)| Target { slug, name }),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reanchoring_finds_the_nearest_occurrence() {
        let text: Vec<char> = "와디즈와 소영씨스토어, 그리고 와디즈".chars().collect();
        assert_eq!(reanchor(&text, "와디즈", 0), Some(0));
        assert_eq!(reanchor(&text, "와디즈", 15), Some(17));
        assert_eq!(reanchor(&text, "없음", 0), None);
    }
}
