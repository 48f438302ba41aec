//! District figures for researchers: one read-only pass over the directory and the reports,
//! a fixed number of grouped queries whatever the number of districts — today, or as they
//! stood at the end of a past day.
//!
//! **What "as of" a day means** (the end of that day in Korea, UTC+9):
//! - an entry counts when it was created by then, was not deleted or closed by then, and
//!   counts under its kind, district, certification type and sales channel *as of then*: the
//!   aggregates are taken over today's rows and corrected for every row the audit trail shows
//!   changed since, replayed backwards (`history`);
//! - a visit report counts when it is not a draft and its visit date (else its publication
//!   date, else the day it was recorded) is on or before the day; it counts for the district
//!   its host or visiting entry was in then;
//! - "verified in the last 12 months" counts entries whose `last_verified_on` (as of then)
//!   falls in the 365 days up to the day;
//! - a support center is listed when its entry counts and, where recorded, it had opened and
//!   not yet closed by the day (`opened_on` / `closed_on`);
//! - the population is the district figure with the latest year on or before the day's year
//!   among every figure ever recorded (today's and those the audit trail kept); an undated
//!   figure is used only when it was the one on record at the time.
//!
//! Today's figures follow the same rules with the day set to today.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use futures_util::StreamExt;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Statement, StreamTrait,
};
use serde_json::Value;

use crate::compare::history::{self, Replayed, RowState};
use crate::domain::{CertType, EntryKind, EntryStatus, OutletChannel};
use crate::entities::{center_detail, district_detail, enterprise_detail, entry, outlet_detail};
use crate::error::AppResult;
use crate::web::format::KST_HOURS;

/// Today's date in Korea.
pub fn today_kst() -> NaiveDate {
    (Utc::now() + Duration::hours(KST_HOURS)).date_naive()
}

/// The moment figures describe: the end of a day in Korea.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    /// The day (Korean calendar).
    pub date: NaiveDate,
    /// Everything before this instant counts.
    pub cutoff: DateTime<Utc>,
}

impl Moment {
    /// The end of `date` in Korea (midnight KST after it).
    pub fn end_of(date: NaiveDate) -> Self {
        let next = date.succ_opt().unwrap_or(date);
        let cutoff =
            next.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - Duration::hours(KST_HOURS);
        Moment { date, cutoff }
    }
    /// The end of today.
    pub fn today() -> Self {
        Self::end_of(today_kst())
    }
    /// An exact instant (tests use it to look between two changes made the same day).
    pub fn instant(at: DateTime<Utc>) -> Self {
        Moment {
            date: (at + Duration::hours(KST_HOURS)).date_naive(),
            cutoff: at,
        }
    }
}

/// A support center as the compare and coverage pages show it.
#[derive(Debug, Clone)]
pub struct Center {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub detail: Option<center_detail::Model>,
}

/// Everything the compare page says about one district.
#[derive(Debug, Clone)]
pub struct DistrictFigures {
    pub district: entry::Model,
    pub code: String,
    pub population: Option<i64>,
    /// Its support centers, by name.
    pub centers: Vec<Center>,
    pub by_kind: HashMap<EntryKind, i64>,
    pub by_cert: HashMap<CertType, i64>,
    pub by_channel: HashMap<OutletChannel, i64>,
    pub reports_hosted: i64,
    pub visits_made: i64,
    pub verified_recently: i64,
    pub entries_total: i64,
}

impl DistrictFigures {
    /// Enterprises per 10,000 residents, when the population is known.
    pub fn enterprises_per_10k(&self) -> Option<f64> {
        let pop = self.population.filter(|p| *p > 0)? as f64;
        Some(*self.by_kind.get(&EntryKind::Enterprise).unwrap_or(&0) as f64 * 10_000.0 / pop)
    }
    /// Share of the district's entries verified in the last 12 months (0–1).
    pub fn verified_share(&self) -> Option<f64> {
        (self.entries_total > 0).then(|| self.verified_recently as f64 / self.entries_total as f64)
    }
    /// The year the district's first center opened, if known.
    pub fn center_opened(&self) -> Option<NaiveDate> {
        self.centers
            .iter()
            .filter_map(|c| c.detail.as_ref()?.opened_on)
            .min()
    }
}

async fn grouped(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> AppResult<Vec<(i64, String, i64)>> {
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), sql, values);
    let rows = db.query_all_raw(stmt).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let district: i64 = row.try_get_by_index(0)?;
        let key: Option<String> = row.try_get_by_index(1)?;
        let n: i64 = row.try_get_by_index(2)?;
        out.push((district, key.unwrap_or_default(), n));
    }
    Ok(out)
}

/// Figures for every district today, by code.
pub async fn all_districts(
    db: &(impl ConnectionTrait + StreamTrait),
) -> AppResult<Vec<DistrictFigures>> {
    figures_at(db, Moment::today()).await
}

/// What one entry adds to its district's figures.
struct Contribution {
    district: i64,
    kind: EntryKind,
    cert: Option<CertType>,
    channel: Option<OutletChannel>,
    verified: bool,
}

fn created_at(state: &RowState) -> Option<DateTime<Utc>> {
    history::text(state, "created_at")?.parse().ok()
}

fn date_field(state: &RowState, field: &str) -> Option<NaiveDate> {
    history::text(state, field)?.parse().ok()
}

/// The 365 days up to the moment's day.
fn verified_window(m: Moment) -> (NaiveDate, NaiveDate) {
    (m.date - Duration::days(365), m.date)
}

/// Whether an entry (as JSON fields) counts at `m`, and where.
fn contribution(
    entry: Option<&RowState>,
    cert: Option<&str>,
    channel: Option<&str>,
    m: Moment,
) -> Option<Contribution> {
    let e = entry?;
    let district = e.get("district_id")?.as_i64()?;
    if history::text(e, "status")? == EntryStatus::Closed.as_str() || created_at(e)? >= m.cutoff {
        return None;
    }
    let (from, to) = verified_window(m);
    Some(Contribution {
        district,
        kind: history::text(e, "kind")?.parse().ok()?,
        cert: cert.and_then(|c| c.parse().ok()),
        channel: channel.and_then(|c| c.parse().ok()),
        verified: date_field(e, "last_verified_on").is_some_and(|d| from <= d && d <= to),
    })
}

fn apply(figures: &mut [DistrictFigures], at: &HashMap<i64, usize>, c: &Contribution, n: i64) {
    let Some(f) = at.get(&c.district).map(|i| &mut figures[*i]) else {
        return;
    };
    *f.by_kind.entry(c.kind).or_default() += n;
    f.entries_total += n;
    if let Some(cert) = c.cert.filter(|_| c.kind == EntryKind::Enterprise) {
        *f.by_cert.entry(cert).or_default() += n;
    }
    if let Some(ch) = c.channel.filter(|_| c.kind == EntryKind::Outlet) {
        *f.by_channel.entry(ch).or_default() += n;
    }
    if c.verified {
        f.verified_recently += n;
    }
}

/// Rows of `E` whose key (`col`) is in `ids`, as JSON fields, a few thousand ids per query.
async fn rows_by_ids<E, C>(
    db: &impl ConnectionTrait,
    col: C,
    ids: &[i64],
    key: impl Fn(&E::Model) -> i64 + Copy,
) -> AppResult<HashMap<i64, RowState>>
where
    E: EntityTrait,
    E::Model: serde::Serialize,
    C: ColumnTrait,
{
    let mut out = HashMap::new();
    for chunk in ids.chunks(5_000) {
        let rows = E::find()
            .filter(col.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        out.extend(history::states(rows, key));
    }
    Ok(out)
}

/// Figures for every district as they stood at `m` (see the module notes).
pub async fn figures_at(
    db: &(impl ConnectionTrait + StreamTrait),
    m: Moment,
) -> AppResult<Vec<DistrictFigures>> {
    let details = district_detail::Entity::find().all(db).await?;
    let mut details_sorted = details.clone();
    details_sorted.sort_by(|a, b| a.code.cmp(&b.code));
    let districts =
        crate::directory::queries::entries_by_id(db, details.iter().map(|d| d.entry_id)).await?;
    let populations = populations_at(db, &details, m).await?;
    let mut figures: Vec<DistrictFigures> = details_sorted
        .iter()
        .filter_map(|d| {
            Some(DistrictFigures {
                district: districts.get(&d.entry_id)?.clone(),
                code: d.code.clone(),
                population: populations.get(&d.entry_id).copied().flatten(),
                centers: Vec::new(),
                by_kind: HashMap::new(),
                by_cert: HashMap::new(),
                by_channel: HashMap::new(),
                reports_hosted: 0,
                visits_made: 0,
                verified_recently: 0,
                entries_total: 0,
            })
        })
        .collect();
    let index: HashMap<i64, usize> = figures
        .iter()
        .enumerate()
        .map(|(i, f)| (f.district.id, i))
        .collect();

    // 1. Today's rows that existed at the moment and are not closed today.
    let live = "e.district_id IS NOT NULL AND e.status <> 'closed' AND e.created_at < $1";
    let cutoff: sea_orm::Value = m.cutoff.into();
    let kinds = grouped(
        db,
        &format!("SELECT e.district_id, e.kind, COUNT(*) FROM entries e WHERE {live} GROUP BY e.district_id, e.kind"),
        vec![cutoff.clone()],
    )
    .await?;
    for (d, kind, n) in kinds {
        if let (Some(i), Ok(k)) = (index.get(&d), kind.parse::<EntryKind>()) {
            figures[*i].by_kind.insert(k, n);
            figures[*i].entries_total += n;
        }
    }
    let certs = grouped(
        db,
        &format!(
            "SELECT e.district_id, x.cert_type, COUNT(*) FROM entries e JOIN enterprise_details x ON x.entry_id = e.id \
             WHERE {live} AND e.kind = 'enterprise' GROUP BY e.district_id, x.cert_type"
        ),
        vec![cutoff.clone()],
    )
    .await?;
    for (d, cert, n) in certs {
        if let (Some(i), Ok(c)) = (index.get(&d), cert.parse::<CertType>()) {
            figures[*i].by_cert.insert(c, n);
        }
    }
    let channels = grouped(
        db,
        &format!(
            "SELECT e.district_id, x.channel, COUNT(*) FROM entries e JOIN outlet_details x ON x.entry_id = e.id \
             WHERE {live} AND e.kind = 'outlet' GROUP BY e.district_id, x.channel"
        ),
        vec![cutoff.clone()],
    )
    .await?;
    for (d, ch, n) in channels {
        if let (Some(i), Ok(c)) = (index.get(&d), ch.parse::<OutletChannel>()) {
            figures[*i].by_channel.insert(c, n);
        }
    }
    let (from, to) = verified_window(m);
    let verified = grouped(
        db,
        &format!(
            "SELECT e.district_id, 'v', COUNT(*) FROM entries e WHERE {live} \
             AND e.last_verified_on >= $2 AND e.last_verified_on <= $3 GROUP BY e.district_id"
        ),
        vec![cutoff, from.into(), to.into()],
    )
    .await?;
    for (d, _, n) in verified {
        if let Some(i) = index.get(&d) {
            figures[*i].verified_recently = n;
        }
    }

    // 2. Rows changed since the moment: take out what they add today, put in what they added
    //    then.
    let since = Some(m.cutoff);
    let entry_changes = history::changes_since(db, "entries", since).await?;
    let cert_changes = history::changes_since(db, "enterprise_details", since).await?;
    let channel_changes = history::changes_since(db, "outlet_details", since).await?;
    let center_changes = history::changes_since(db, "center_details", since).await?;
    let mut touched: Vec<i64> = entry_changes
        .keys()
        .chain(cert_changes.keys())
        .chain(channel_changes.keys())
        .copied()
        .collect::<HashSet<i64>>()
        .into_iter()
        .collect();
    touched.sort_unstable();
    let now_entries =
        rows_by_ids::<entry::Entity, _>(db, entry::Column::Id, &touched, |e| e.id).await?;
    let now_certs = rows_by_ids::<enterprise_detail::Entity, _>(
        db,
        enterprise_detail::Column::EntryId,
        &touched,
        |d| d.entry_id,
    )
    .await?;
    let now_channels = rows_by_ids::<outlet_detail::Entity, _>(
        db,
        outlet_detail::Column::EntryId,
        &touched,
        |d| d.entry_id,
    )
    .await?;
    let past_entries = history::replay(&entry_changes, &now_entries);
    let past_certs = history::replay(&cert_changes, &now_certs);
    let past_channels = history::replay(&channel_changes, &now_channels);
    let then_of = |past: &HashMap<i64, Replayed>, now: &HashMap<i64, RowState>, id: i64| {
        past.get(&id)
            .map_or_else(|| now.get(&id).cloned(), |r| r.then.clone())
    };
    for &id in &touched {
        let field = |s: Option<&RowState>, f: &str| s.and_then(|s| history::text(s, f));
        let now_cert = field(now_certs.get(&id), "cert_type");
        let now_channel = field(now_channels.get(&id), "channel");
        if let Some(c) = contribution(
            now_entries.get(&id),
            now_cert.as_deref(),
            now_channel.as_deref(),
            m,
        ) {
            apply(&mut figures, &index, &c, -1);
        }
        let then_entry = then_of(&past_entries, &now_entries, id);
        let then_cert = field(then_of(&past_certs, &now_certs, id).as_ref(), "cert_type");
        let then_channel = field(
            then_of(&past_channels, &now_channels, id).as_ref(),
            "channel",
        );
        if let Some(c) = contribution(
            then_entry.as_ref(),
            then_cert.as_deref(),
            then_channel.as_deref(),
            m,
        ) {
            apply(&mut figures, &index, &c, 1);
        }
    }

    // 3. Visits: each report once per district and role.
    let district_then: HashMap<i64, i64> = past_entries
        .iter()
        .filter_map(|(id, r)| {
            let then = r.then.as_ref()?;
            Some((*id, then.get("district_id")?.as_i64().unwrap_or(*id)))
        })
        .collect();
    count_visits(db, m, &mut figures, &index, &district_then).await?;

    // 4. Centers open at the moment.
    let centers = centers_at(db, m, &entry_changes, &now_entries, &center_changes).await?;
    for (district, c) in centers {
        if let Some(i) = index.get(&district) {
            figures[*i].centers.push(c);
        }
    }
    Ok(figures)
}

/// Counts, per district, the reports visited (hosted or made) by the moment's day. The rows
/// (one per report and host or visitor, tens of thousands at national scale) are read as a
/// stream: only the set of (district, role, report) already counted is kept.
async fn count_visits(
    db: &(impl ConnectionTrait + StreamTrait),
    m: Moment,
    figures: &mut [DistrictFigures],
    index: &HashMap<i64, usize>,
    district_then: &HashMap<i64, i64>,
) -> AppResult<()> {
    let next_day = (m.date + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let stmt = Statement::from_sql_and_values(
        ConnectionTrait::get_database_backend(db),
        "SELECT re.report_id, re.role, re.entry_id, COALESCE(e.district_id, e.id) FROM report_entries re \
         JOIN entries e ON e.id = re.entry_id JOIN reports r ON r.id = re.report_id \
         WHERE r.state <> 'draft' AND re.role IN ('host', 'visitor') AND ( \
           (r.visited_at IS NOT NULL AND r.visited_at < $1) \
           OR (r.visited_at IS NULL AND r.published_on IS NOT NULL AND r.published_on <= $2) \
           OR (r.visited_at IS NULL AND r.published_on IS NULL AND r.created_at < $3))",
        vec![next_day.into(), m.date.into(), m.cutoff.into()],
    );
    let mut seen: HashSet<(i64, bool, i64)> = HashSet::new();
    let rows = db.stream_raw(stmt).await?;
    let mut rows = std::pin::pin!(rows);
    while let Some(row) = rows.next().await {
        let row = row?;
        let report: i64 = row.try_get_by_index(0)?;
        let role: String = row.try_get_by_index(1)?;
        let entry: i64 = row.try_get_by_index(2)?;
        let district: i64 = row.try_get_by_index(3)?;
        let district = district_then.get(&entry).copied().unwrap_or(district);
        let host = role == "host";
        if !seen.insert((district, host, report)) {
            continue;
        }
        if let Some(f) = index.get(&district).map(|i| &mut figures[*i]) {
            if host {
                f.reports_hosted += 1;
            } else {
                f.visits_made += 1;
            }
        }
    }
    Ok(())
}

/// A support center's entry as the figures need it: who it is, and whether and where it
/// counts.
struct CenterEntry {
    center: Center,
    status: String,
    created_at: DateTime<Utc>,
    district_id: Option<i64>,
}

/// A replayed entry row as a center (`None` when it was no center then).
fn center_entry(id: i64, state: &RowState) -> Option<CenterEntry> {
    if history::text(state, "kind")? != EntryKind::Center.as_str() {
        return None;
    }
    Some(CenterEntry {
        center: Center {
            id,
            name: history::text(state, "name")?,
            slug: history::text(state, "slug")?,
            detail: None,
        },
        status: history::text(state, "status")?,
        created_at: created_at(state)?,
        district_id: state.get("district_id").and_then(Value::as_i64),
    })
}

/// A center entry's columns: id, name, slug, status, created_at, district_id.
type CenterRow = (i64, String, String, String, DateTime<Utc>, Option<i64>);

/// Support centers whose entry counts at `m` and that had opened and not closed by its day,
/// with their district. Only the rows the audit trail shows changed since `m` are replayed;
/// the others are read as they are.
async fn centers_at(
    db: &impl ConnectionTrait,
    m: Moment,
    entry_changes: &HashMap<i64, Vec<crate::entities::audit_log::Model>>,
    now_entries: &HashMap<i64, RowState>,
    center_changes: &HashMap<i64, Vec<crate::entities::audit_log::Model>>,
) -> AppResult<Vec<(i64, Center)>> {
    let current: Vec<CenterRow> = entry::Entity::find()
        .select_only()
        .columns([
            entry::Column::Id,
            entry::Column::Name,
            entry::Column::Slug,
            entry::Column::Status,
            entry::Column::CreatedAt,
            entry::Column::DistrictId,
        ])
        .filter(entry::Column::Kind.eq(EntryKind::Center.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    let mut then: HashMap<i64, Option<CenterEntry>> = current
        .into_iter()
        .map(|(id, name, slug, status, created_at, district_id)| {
            let center = Center {
                id,
                name,
                slug,
                detail: None,
            };
            (
                id,
                Some(CenterEntry {
                    center,
                    status,
                    created_at,
                    district_id,
                }),
            )
        })
        .collect();
    for (id, r) in history::replay(entry_changes, now_entries) {
        let past = r.then.as_ref().and_then(|s| center_entry(id, s));
        if past.is_some() || then.contains_key(&id) {
            then.insert(id, past);
        }
    }
    let mut now_details: HashMap<i64, center_detail::Model> = center_detail::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.entry_id, d))
        .collect();
    let changed_now = history::states(
        center_changes
            .keys()
            .filter_map(|id| now_details.get(id).cloned()),
        |d| d.entry_id,
    );
    let mut past_details = history::replay(center_changes, &changed_now);
    let mut out: Vec<(i64, Center)> = then
        .into_iter()
        .filter_map(|(id, e)| {
            let e = e?;
            let detail = match past_details.remove(&id) {
                Some(r) => r
                    .then
                    .and_then(|s| serde_json::from_value(Value::Object(s)).ok()),
                None => now_details.remove(&id),
            };
            let open = detail.as_ref().is_none_or(|d: &center_detail::Model| {
                d.opened_on.is_none_or(|o| o <= m.date) && d.closed_on.is_none_or(|c| c > m.date)
            });
            let counts =
                open && e.status != EntryStatus::Closed.as_str() && e.created_at < m.cutoff;
            let district = e.district_id.filter(|_| counts)?;
            Some((district, Center { detail, ..e.center }))
        })
        .collect();
    out.sort_by(|a, b| a.1.name.cmp(&b.1.name).then(a.1.id.cmp(&b.1.id)));
    Ok(out)
}

/// The population each district had at `m`: the figure with the latest year on or before the
/// day's year among every figure recorded (today's and those in the audit trail); an undated
/// figure only when it was the one on record at the moment.
async fn populations_at(
    db: &impl ConnectionTrait,
    details: &[district_detail::Model],
    m: Moment,
) -> AppResult<HashMap<i64, Option<i64>>> {
    let changes = history::changes_since(db, "district_details", None).await?;
    let mut out = HashMap::new();
    for d in details {
        let now = history::states([d.clone()], |d| d.entry_id).remove(&d.entry_id);
        let list: &[crate::entities::audit_log::Model] =
            changes.get(&d.entry_id).map_or(&[], Vec::as_slice);
        // Newest first: undoing change i gives the row as it was before it.
        let mut versions: Vec<RowState> = now.iter().cloned().collect();
        let mut at_moment = if list.first().is_none_or(|c| c.at < m.cutoff) {
            now.clone()
        } else {
            None
        };
        let mut state = now;
        for (i, change) in list.iter().enumerate() {
            state = history::undo(state, change);
            versions.extend(state.iter().cloned());
            if change.at >= m.cutoff && list.get(i + 1).is_none_or(|next| next.at < m.cutoff) {
                at_moment = state.clone();
            }
        }
        let number = |s: &RowState, f: &str| s.get(f).and_then(Value::as_i64);
        let mut best: Option<(i64, i64)> = None;
        for v in &versions {
            if let (Some(year), Some(pop)) = (number(v, "population_year"), number(v, "population"))
                && year <= i64::from(m.date.year())
                && best.is_none_or(|(y, _)| year > y)
            {
                best = Some((year, pop));
            }
        }
        let undated = at_moment
            .as_ref()
            .filter(|s| number(s, "population_year").is_none())
            .and_then(|s| number(s, "population"));
        out.insert(d.entry_id, best.map(|(_, p)| p).or(undated));
    }
    Ok(out)
}
