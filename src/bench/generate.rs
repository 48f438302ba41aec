//! The deterministic data generator: `n` entries of every kind spread over Seoul's 25
//! districts, with details, ~2 aliases each, links, and visit reports for 1% of them.
//!
//! Rows are planned in memory first (ids assigned from the current maximum), then written
//! with multi-row INSERTs, several statements per transaction. No audit rows are written:
//! this is bulk reference data, not edits. The SQLite search triggers fire on every insert,
//! so the phase timings include the cost of keeping `entries_fts` and `reports_fts` in sync.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::bench::names::{self, District, Planned};
use crate::bench::visits::{self, PlannedReport};
use crate::bench::words::Rng;
use crate::domain::{CenterMode, EntryKind, LinkType, OutletChannel};
use crate::entities::{
    alias, center_detail, enterprise_detail, entry, link, outlet_detail, program_detail, report,
};
use crate::error::{AppError, AppResult};

/// Statements per transaction: a few thousand rows each, so a failure loses little and
/// PostgreSQL's WAL stays small.
const STATEMENTS_PER_TXN: usize = 8;

/// The `source` of every generated entry and link.
pub const SOURCE: &str = "bench generator";

/// How long one kind of row took to write.
#[derive(Debug, Clone)]
pub struct Phase {
    pub name: &'static str,
    pub rows: u64,
    pub elapsed: Duration,
}

/// What a generation run wrote.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    pub entries: u64,
    pub aliases: u64,
    pub links: u64,
    pub reports: u64,
    /// Every row written, details and report rows included.
    pub rows: u64,
    pub phases: Vec<Phase>,
    pub elapsed: Duration,
}

/// Generates `n` entries (and `n / 100` reports, at least one) from `seed`.
pub async fn generate(db: &DatabaseConnection, n: usize, seed: u64) -> AppResult<Generated> {
    generate_with(db, n, (n / 100).max(1), seed).await
}

/// Generates `n` entries and `reports` visit reports (at least one) from `seed`.
pub async fn generate_with(
    db: &DatabaseConnection,
    n: usize,
    reports: usize,
    seed: u64,
) -> AppResult<Generated> {
    let started = Instant::now();
    crate::demo::ensure_districts(db).await?;
    let districts = load_districts(db).await?;
    if districts.is_empty() {
        return Err(AppError::Internal(
            "no districts to place entries in".into(),
        ));
    }
    let mut rng = Rng::new(seed);
    let mut slugs: HashSet<String> = column::<entry::Entity>(db, entry::Column::Slug).await?;
    let first_id = max_id(db, "entries").await? + 1;
    let plans: Vec<Planned> = (0..n)
        .map(|i| {
            let kind = names::pick_kind(&mut rng);
            let d = rng.pick(&districts);
            names::plan_entry(&mut rng, kind, first_id + i as i64, i, d, &mut slugs)
        })
        .collect();
    let mut out = Generated::default();

    let models: Vec<entry::ActiveModel> = plans.iter().map(|p| p.entry.clone()).collect();
    out.entries = write(db, &mut out.phases, "entries", models, 500).await?;
    write_details(db, &mut rng, &plans, &mut out.phases).await?;

    let now = Utc::now();
    let mut alias_id = max_id(db, "aliases").await?;
    let alias_rows: Vec<alias::ActiveModel> = plans
        .iter()
        .flat_map(|p| p.aliases.iter().map(move |a| (p.id, a)))
        .map(|(entry_id, (name, kind))| {
            alias_id += 1;
            alias::ActiveModel {
                id: Set(alias_id),
                entry_id: Set(entry_id),
                name: Set(name.clone()),
                alias_type: Set(kind.as_str().into()),
                created_at: Set(now),
            }
        })
        .collect();
    out.aliases = write(db, &mut out.phases, "aliases", alias_rows, 1000).await?;

    let link_rows = plan_links(&mut rng, &plans, max_id(db, "links").await?);
    out.links = write(db, &mut out.phases, "links", link_rows, 1000).await?;

    let mut report_slugs = column::<report::Entity>(db, report::Column::Slug).await?;
    let first_report = max_id(db, "reports").await? + 1;
    let mut stop_id = max_id(db, "report_stops").await?;
    let planned: Vec<PlannedReport> = (0..reports.max(1))
        .map(|i| {
            let id = first_report + i as i64;
            visits::plan_report(&mut rng, id, &mut stop_id, &plans, &mut report_slugs)
        })
        .collect();
    let (mut roles, mut stops, mut reports) = (Vec::new(), Vec::new(), Vec::new());
    for r in planned {
        roles.extend(r.entries);
        stops.extend(r.stops);
        reports.push(r.report);
    }
    out.reports = write(db, &mut out.phases, "reports", reports, 50).await?;
    write(db, &mut out.phases, "report_entries", roles, 1000).await?;
    write(db, &mut out.phases, "report_stops", stops, 1000).await?;

    if db.get_database_backend() == DatabaseBackend::Postgres {
        // Explicit ids do not advance the sequences; later app inserts must not collide.
        for table in ["entries", "aliases", "links", "reports", "report_stops"] {
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            ))
            .await?;
        }
    }
    out.rows = out.phases.iter().map(|p| p.rows).sum();
    out.elapsed = started.elapsed();
    Ok(out)
}

/// Seoul's districts with their centroids, in insertion (districts.json) order.
pub async fn load_districts(db: &DatabaseConnection) -> AppResult<Vec<District>> {
    let rows: Vec<(i64, String, Option<f64>, Option<f64>)> = entry::Entity::find()
        .select_only()
        .columns([
            entry::Column::Id,
            entry::Column::Name,
            entry::Column::Lat,
            entry::Column::Lng,
        ])
        .filter(entry::Column::Kind.eq(EntryKind::District.as_str()))
        // A fixed order: the same seed must pick the same districts on every backend.
        .order_by_asc(entry::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name, lat, lng)| {
            Some(District {
                id,
                name,
                lat: lat?,
                lng: lng?,
            })
        })
        .collect())
}

/// Every non-null value of a text column.
async fn column<E: EntityTrait>(
    db: &DatabaseConnection,
    col: E::Column,
) -> AppResult<HashSet<String>> {
    let rows: Vec<Option<String>> = E::find()
        .select_only()
        .column(col)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().flatten().collect())
}

async fn max_id(db: &DatabaseConnection, table: &str) -> AppResult<i64> {
    let sql = format!("SELECT COALESCE(MAX(id), 0) AS m FROM {table}");
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql,
        ))
        .await?;
    Ok(match row {
        Some(r) => r.try_get::<i64>("", "m")?,
        None => 0,
    })
}

/// Writes `rows` with `per_statement` rows per INSERT and records the phase.
async fn write<A>(
    db: &DatabaseConnection,
    phases: &mut Vec<Phase>,
    name: &'static str,
    rows: Vec<A>,
    per_statement: usize,
) -> AppResult<u64>
where
    A: ActiveModelTrait + Send,
{
    let started = Instant::now();
    let mut written = 0;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let txn = crate::db::begin_write(db).await?;
        for _ in 0..STATEMENTS_PER_TXN {
            let chunk: Vec<A> = rows.by_ref().take(per_statement).collect();
            if chunk.is_empty() {
                break;
            }
            written += A::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await?;
        }
        txn.commit().await?;
    }
    phases.push(Phase {
        name,
        rows: written,
        elapsed: started.elapsed(),
    });
    Ok(written)
}

/// Ids of the planned entries of `kind`.
fn ids_of(plans: &[Planned], kind: EntryKind) -> Vec<i64> {
    plans
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| p.id)
        .collect()
}

fn some_of(rng: &mut Rng, ids: &[i64], percent: u64) -> Option<i64> {
    (!ids.is_empty() && rng.chance(percent)).then(|| *rng.pick(ids))
}

async fn write_details(
    db: &DatabaseConnection,
    rng: &mut Rng,
    plans: &[Planned],
    phases: &mut Vec<Phase>,
) -> AppResult<()> {
    let enterprises = ids_of(plans, EntryKind::Enterprise);
    let partners = ids_of(plans, EntryKind::Partner);
    let taken = column::<enterprise_detail::Entity>(db, enterprise_detail::Column::CertNo).await?;
    let mut serials = HashMap::new();
    let (mut ent, mut out, mut cen, mut prog) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for p in plans {
        match p.kind {
            EntryKind::Enterprise => {
                ent.push(names::enterprise_details(rng, p, &mut serials, &taken));
            }
            EntryKind::Outlet => {
                let channel = *rng.pick(OutletChannel::ALL);
                out.push(outlet_detail::ActiveModel {
                    entry_id: Set(p.id),
                    channel: Set(channel.as_str().into()),
                    operator_id: Set(some_of(rng, &enterprises, 60)),
                    url: Set((channel != OutletChannel::OfflineStore)
                        .then(|| format!("https://shop.example.kr/{}", p.id))),
                });
            }
            EntryKind::Center => cen.push(center_detail::ActiveModel {
                entry_id: Set(p.id),
                operating_mode: Set(Some(rng.pick(CenterMode::ALL).as_str().into())),
                operator_id: Set(some_of(rng, &partners, 50)),
                head: Set(Some(crate::bench::words::person(rng))),
                opened_on: Set(Some(names::date_between(rng, 2012, 2024))),
                closed_on: Set(None),
                focus_areas: Set(Some("판로 지원, 교육, 공간 운영".into())),
            }),
            EntryKind::Program => {
                let starts = names::date_between(rng, 2018, 2025);
                let ends = starts + chrono::Duration::days(rng.range(30, 270));
                prog.push(program_detail::ActiveModel {
                    entry_id: Set(p.id),
                    sponsor_id: Set(some_of(rng, &partners, 70)),
                    period: Set(Some(format!("{} ~ {}", starts, ends))),
                    starts_on: Set(Some(starts)),
                    ends_on: Set(Some(ends)),
                });
            }
            _ => {}
        }
    }
    write(db, phases, "enterprise_details", ent, 1000).await?;
    write(db, phases, "outlet_details", out, 1000).await?;
    write(db, phases, "center_details", cen, 1000).await?;
    write(db, phases, "program_details", prog, 1000).await?;
    Ok(())
}

/// Links between planned entries, unique per (from, to, type), ids after `last_id`.
fn plan_links(rng: &mut Rng, plans: &[Planned], last_id: i64) -> Vec<link::ActiveModel> {
    let outlets = ids_of(plans, EntryKind::Outlet);
    let centers = ids_of(plans, EntryKind::Center);
    let programs = ids_of(plans, EntryKind::Program);
    let places = ids_of(plans, EntryKind::Place);
    let enterprises = ids_of(plans, EntryKind::Enterprise);
    let mut seen = HashSet::new();
    let mut wanted: Vec<(i64, i64, LinkType)> = Vec::new();
    for p in plans {
        let mut add = |to: Option<i64>, t: LinkType| {
            if let Some(to) = to.filter(|to| *to != p.id)
                && seen.insert((p.id, to, t))
            {
                wanted.push((p.id, to, t));
            }
        };
        match p.kind {
            EntryKind::Enterprise => {
                add(some_of(rng, &outlets, 30), LinkType::SellsAt);
                add(some_of(rng, &centers, 25), LinkType::MemberOf);
                add(some_of(rng, &programs, 20), LinkType::ParticipatesIn);
                add(some_of(rng, &enterprises, 5), LinkType::PartnersWith);
            }
            EntryKind::Partner => add(some_of(rng, &programs, 60), LinkType::Funds),
            EntryKind::Center => {
                add(some_of(rng, &programs, 50), LinkType::Runs);
                add(some_of(rng, &places, 50), LinkType::LocatedIn);
            }
            _ => {}
        }
    }
    let now = Utc::now();
    wanted
        .into_iter()
        .enumerate()
        .map(|(i, (from, to, t))| link::ActiveModel {
            id: Set(last_id + 1 + i as i64),
            from_id: Set(from),
            to_id: Set(to),
            link_type: Set(t.as_str().into()),
            since: Set(Some(names::date_between(rng, 2018, 2025))),
            until: Set(None),
            source: Set(Some(SOURCE.into())),
            created_at: Set(now),
        })
        .collect()
}
