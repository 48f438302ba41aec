//! Reference and demo data written by us (`data/`): Seoul's 25 districts, every entity the
//! founding visit report names, their links, and that visit told in our own words.
//!
//! The files are compiled into the binary, parsed through the domain types (so a typo fails
//! the tests, not a user's first start) and loaded in one transaction. Loading is idempotent:
//! an entry, link or report that already exists (by slug, or by its ends and type) is kept.

use std::collections::HashMap;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set,
};
use serde::Deserialize;

use crate::audit::{self, Actor};
use crate::domain::{
    AliasType, BizRegNo, CenterMode, CertNo, CertType, DistrictCode, EntryKind, EntryStatus,
    LatLng, LinkType, OutletChannel, ReportState, Slug, SocialPurpose,
};
use crate::entities::{
    alias, center_detail, district_detail, enterprise_detail, entry, link, outlet_detail,
    program_detail, report, report_entry, report_photo, report_stop, takeaway,
};
use crate::error::{AppError, AppResult};

const DISTRICTS_JSON: &str = include_str!("../data/districts.json");
const DEMO_JSON: &str = include_str!("../data/demo.json");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DistrictSeed {
    code: DistrictCode,
    name: String,
    name_en: String,
    kostat_code: String,
    lat: f64,
    lng: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoFile {
    entries: Vec<EntrySeed>,
    links: Vec<LinkSeed>,
    reports: Vec<ReportSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntrySeed {
    kind: EntryKind,
    slug: Slug,
    name: String,
    name_en: Option<String>,
    district: Option<DistrictCode>,
    description: Option<String>,
    address: Option<String>,
    lat: Option<f64>,
    lng: Option<f64>,
    website: Option<String>,
    phone: Option<String>,
    status: Option<EntryStatus>,
    founded_on: Option<NaiveDate>,
    source: Option<String>,
    #[serde(default)]
    aliases: Vec<AliasSeed>,
    center: Option<CenterSeed>,
    enterprise: Option<EnterpriseSeed>,
    outlet: Option<OutletSeed>,
    program: Option<ProgramSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AliasSeed {
    name: String,
    #[serde(rename = "type")]
    alias_type: AliasType,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CenterSeed {
    operating_mode: Option<CenterMode>,
    operator: Option<Slug>,
    head: Option<String>,
    opened_on: Option<NaiveDate>,
    focus_areas: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnterpriseSeed {
    cert_type: CertType,
    cert_no: Option<CertNo>,
    biz_reg_no: Option<BizRegNo>,
    cert_date: Option<NaiveDate>,
    cert_round: Option<i32>,
    representative: Option<String>,
    service_field: Option<String>,
    social_purpose: Option<SocialPurpose>,
    business: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutletSeed {
    channel: OutletChannel,
    operator: Option<Slug>,
    url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgramSeed {
    sponsor: Option<Slug>,
    period: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkSeed {
    from: Slug,
    #[serde(rename = "type")]
    link_type: LinkType,
    to: Slug,
    since: Option<NaiveDate>,
    source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportSeed {
    slug: Slug,
    title: String,
    author: Option<String>,
    published_on: Option<NaiveDate>,
    visited_at: Option<NaiveDateTime>,
    state: ReportState,
    #[serde(default)]
    hosts: Vec<Slug>,
    #[serde(default)]
    visitors: Vec<Slug>,
    participant_count: Option<i32>,
    #[serde(default)]
    participants: Vec<String>,
    source_url: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    body: String,
    #[serde(default)]
    stops: Vec<StopSeed>,
    #[serde(default)]
    takeaways: Vec<TakeawaySeed>,
    #[serde(default)]
    photos: Vec<PhotoSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StopSeed {
    entry: Option<Slug>,
    label: Option<String>,
    time: Option<String>,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TakeawaySeed {
    lesson: String,
    entry: Option<Slug>,
    owner: Option<String>,
    due_on: Option<NaiveDate>,
    done: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PhotoSeed {
    file_name: String,
    caption: Option<String>,
    credit: Option<String>,
}

/// What a load added; everything else was already there.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DemoSummary {
    pub districts: usize,
    pub entries: usize,
    pub links: usize,
    pub reports: usize,
}

impl fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "demo data loaded: {} districts, {} entries, {} links, {} reports added",
            self.districts, self.entries, self.links, self.reports
        )
    }
}

/// Demo and reference rows are recorded in the audit trail as written by `demo`.
fn demo_actor() -> Actor {
    Actor::system("demo")
}

fn bad_data(what: impl fmt::Display) -> AppError {
    AppError::Internal(format!("built-in demo data is invalid: {what}"))
}

fn districts() -> AppResult<Vec<DistrictSeed>> {
    serde_json::from_str(DISTRICTS_JSON).map_err(|e| bad_data(format!("districts.json: {e}")))
}

fn demo_file() -> AppResult<DemoFile> {
    serde_json::from_str(DEMO_JSON).map_err(|e| bad_data(format!("demo.json: {e}")))
}

/// Slugs of the demo entries and of the demo reports, so other tools (the benchmark) can tell
/// demo data from real data.
pub fn demo_slugs() -> AppResult<(Vec<String>, Vec<String>)> {
    let demo = demo_file()?;
    Ok((
        demo.entries
            .iter()
            .map(|e| e.slug.as_str().to_string())
            .collect(),
        demo.reports
            .iter()
            .map(|r| r.slug.as_str().to_string())
            .collect(),
    ))
}

/// True when the directory holds nothing but districts and there are no reports.
///
/// Asks whether one such row exists rather than counting them: `serve` asks at every start,
/// and counting 100,000 entries read their whole smallest index (1,159 pages), most of a cold
/// start's reads before it could listen.
pub async fn is_empty(db: &DatabaseConnection) -> AppResult<bool> {
    let entry: Option<i64> = entry::Entity::find()
        .select_only()
        .column(entry::Column::Id)
        .filter(entry::Column::Kind.ne(EntryKind::District.as_str()))
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    let report: Option<i64> = report::Entity::find()
        .select_only()
        .column(report::Column::Id)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    Ok(entry.is_none() && report.is_none())
}

/// Makes sure Seoul's 25 districts exist (reference data every other feature needs).
pub async fn ensure_districts(db: &DatabaseConnection) -> AppResult<usize> {
    let txn = crate::db::begin_write(db).await?;
    let added = insert_districts(&txn).await?;
    txn.commit().await?;
    Ok(added)
}

/// Loads districts and the demo entries, links and reports.
pub async fn load(db: &DatabaseConnection) -> AppResult<DemoSummary> {
    let demo = demo_file()?;
    let txn = crate::db::begin_write(db).await?;
    let mut summary = DemoSummary {
        districts: insert_districts(&txn).await?,
        ..Default::default()
    };
    let district_ids = district_ids_by_code(&txn).await?;
    let mut ids = entry_ids_by_slug(&txn).await?;

    for seed in &demo.entries {
        if ids.contains_key(seed.slug.as_str()) {
            continue;
        }
        let district_id = match &seed.district {
            Some(code) => Some(
                *district_ids
                    .get(code.as_str())
                    .ok_or_else(|| bad_data(format!("unknown district {code}")))?,
            ),
            None => None,
        };
        let id = insert_entry(&txn, seed, district_id).await?;
        ids.insert(seed.slug.as_str().to_string(), id);
        summary.entries += 1;
    }
    // Details point at other entries (operators, sponsors), so they go in once all exist.
    for seed in &demo.entries {
        insert_details(&txn, seed, &ids).await?;
    }
    for seed in &demo.links {
        summary.links += usize::from(insert_link(&txn, seed, &ids).await?);
    }
    for seed in &demo.reports {
        summary.reports += usize::from(insert_report(&txn, seed, &ids).await?);
    }
    txn.commit().await?;
    Ok(summary)
}

async fn insert_districts(db: &impl ConnectionTrait) -> AppResult<usize> {
    let existing = district_ids_by_code(db).await?;
    let missing: Vec<DistrictSeed> = districts()?
        .into_iter()
        .filter(|d| !existing.contains_key(d.code.as_str()))
        .collect();
    if missing.is_empty() {
        // Every start asks: reading all entries' slugs here (952 pages at 100,000 entries) was
        // most of what a cold start read before it could listen.
        return Ok(0);
    }
    let slugs = missing
        .iter()
        .map(|d| Slug::parse(&d.name).map_err(bad_data))
        .collect::<AppResult<Vec<Slug>>>()?;
    let taken = entry_ids_with_slugs(db, &slugs).await?;
    let now = Utc::now();
    let mut added = 0;
    for (d, slug) in missing.iter().zip(slugs) {
        if taken.contains_key(slug.as_str()) {
            return Err(bad_data(format!(
                "slug {slug} is taken by a non-district entry"
            )));
        }
        let centroid = LatLng::new(d.lat, d.lng).map_err(bad_data)?;
        let row = audit::insert(
            db,
            &demo_actor(),
            entry::ActiveModel {
                kind: Set(EntryKind::District.as_str().into()),
                slug: Set(slug.as_str().into()),
                name: Set(d.name.clone()),
                name_key: Set(crate::domain::name_key(&d.name)),
                name_en: Set(Some(d.name_en.clone())),
                lat: Set(Some(centroid.lat())),
                lng: Set(Some(centroid.lng())),
                status: Set(EntryStatus::Active.as_str().into()),
                source: Set(Some(
                    "행정안전부 행정구역 코드(SIG_CD), 면적 가중 중심점".into(),
                )),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            },
        )
        .await?;
        audit::insert(
            db,
            &demo_actor(),
            district_detail::ActiveModel {
                entry_id: Set(row.id),
                code: Set(d.code.as_str().into()),
                city: Set("서울특별시".into()),
                kostat_code: Set(Some(d.kostat_code.clone())),
                ..Default::default()
            },
        )
        .await?;
        added += 1;
    }
    Ok(added)
}

async fn district_ids_by_code(db: &impl ConnectionTrait) -> AppResult<HashMap<String, i64>> {
    let rows = district_detail::Entity::find().all(db).await?;
    Ok(rows.into_iter().map(|d| (d.code, d.entry_id)).collect())
}

/// The entries bearing one of `slugs`, by slug.
async fn entry_ids_with_slugs(
    db: &impl ConnectionTrait,
    slugs: &[Slug],
) -> AppResult<HashMap<String, i64>> {
    let rows: Vec<(i64, String)> = entry::Entity::find()
        .select_only()
        .columns([entry::Column::Id, entry::Column::Slug])
        .filter(entry::Column::Slug.is_in(slugs.iter().map(Slug::as_str)))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, slug)| (slug, id)).collect())
}

async fn entry_ids_by_slug(db: &impl ConnectionTrait) -> AppResult<HashMap<String, i64>> {
    let rows: Vec<(i64, String)> = entry::Entity::find()
        .select_only()
        .columns([entry::Column::Id, entry::Column::Slug])
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, slug)| (slug, id)).collect())
}

fn id_of(ids: &HashMap<String, i64>, slug: &Slug) -> AppResult<i64> {
    ids.get(slug.as_str())
        .copied()
        .ok_or_else(|| bad_data(format!("unknown slug {slug}")))
}

fn opt_id(ids: &HashMap<String, i64>, slug: &Option<Slug>) -> AppResult<Option<i64>> {
    slug.as_ref().map(|s| id_of(ids, s)).transpose()
}

async fn insert_entry(
    db: &impl ConnectionTrait,
    seed: &EntrySeed,
    district_id: Option<i64>,
) -> AppResult<i64> {
    let location = match (seed.lat, seed.lng) {
        (Some(lat), Some(lng)) => Some(LatLng::new(lat, lng).map_err(bad_data)?),
        (None, None) => None,
        _ => return Err(bad_data(format!("{}: lat and lng go together", seed.slug))),
    };
    let now = Utc::now();
    let row = audit::insert(
        db,
        &demo_actor(),
        entry::ActiveModel {
            kind: Set(seed.kind.as_str().into()),
            slug: Set(seed.slug.as_str().into()),
            name: Set(crate::domain::text::clean_line(&seed.name)),
            name_key: Set(crate::domain::name_key(&seed.name)),
            name_en: Set(seed.name_en.clone()),
            description: Set(seed.description.clone()),
            address: Set(seed.address.clone()),
            lat: Set(location.map(|l| l.lat())),
            lng: Set(location.map(|l| l.lng())),
            district_id: Set(district_id),
            website: Set(seed.website.clone()),
            phone: Set(seed.phone.clone()),
            status: Set(seed.status.unwrap_or(EntryStatus::Active).as_str().into()),
            founded_on: Set(seed.founded_on),
            source: Set(seed.source.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        },
    )
    .await?;
    for a in &seed.aliases {
        audit::insert(
            db,
            &demo_actor(),
            alias::ActiveModel {
                entry_id: Set(row.id),
                name: Set(crate::domain::text::clean_line(&a.name)),
                alias_type: Set(a.alias_type.as_str().into()),
                created_at: Set(now),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(row.id)
}

/// Inserts the kind's detail row unless it exists.
async fn insert_details(
    db: &impl ConnectionTrait,
    seed: &EntrySeed,
    ids: &HashMap<String, i64>,
) -> AppResult<()> {
    let id = id_of(ids, &seed.slug)?;
    let detail_for = |k: EntryKind| -> AppResult<()> {
        if seed.kind == k {
            Ok(())
        } else {
            Err(bad_data(format!(
                "{}: {k} details on a {} entry",
                seed.slug, seed.kind
            )))
        }
    };
    if let Some(c) = &seed.center {
        detail_for(EntryKind::Center)?;
        if center_detail::Entity::find_by_id(id)
            .one(db)
            .await?
            .is_none()
        {
            audit::insert(
                db,
                &demo_actor(),
                center_detail::ActiveModel {
                    entry_id: Set(id),
                    operating_mode: Set(c.operating_mode.map(|m| m.as_str().into())),
                    operator_id: Set(opt_id(ids, &c.operator)?),
                    head: Set(c.head.clone()),
                    opened_on: Set(c.opened_on),
                    closed_on: Set(None),
                    focus_areas: Set(c.focus_areas.clone()),
                },
            )
            .await?;
        }
    }
    if let Some(e) = &seed.enterprise {
        detail_for(EntryKind::Enterprise)?;
        if enterprise_detail::Entity::find_by_id(id)
            .one(db)
            .await?
            .is_none()
        {
            audit::insert(
                db,
                &demo_actor(),
                enterprise_detail::ActiveModel {
                    entry_id: Set(id),
                    cert_type: Set(e.cert_type.as_str().into()),
                    cert_no: Set(e.cert_no.as_ref().map(|c| c.as_str().into())),
                    biz_reg_no: Set(e.biz_reg_no.as_ref().map(|b| b.to_string())),
                    cert_date: Set(e.cert_date),
                    cert_round: Set(e.cert_round),
                    representative: Set(e.representative.clone()),
                    service_field: Set(e.service_field.clone()),
                    social_purpose: Set(e.social_purpose.map(|s| s.as_str().into())),
                    business: Set(e.business.clone()),
                },
            )
            .await?;
        }
    }
    if let Some(o) = &seed.outlet {
        detail_for(EntryKind::Outlet)?;
        if outlet_detail::Entity::find_by_id(id)
            .one(db)
            .await?
            .is_none()
        {
            audit::insert(
                db,
                &demo_actor(),
                outlet_detail::ActiveModel {
                    entry_id: Set(id),
                    channel: Set(o.channel.as_str().into()),
                    operator_id: Set(opt_id(ids, &o.operator)?),
                    url: Set(o.url.clone()),
                },
            )
            .await?;
        }
    }
    if let Some(p) = &seed.program {
        detail_for(EntryKind::Program)?;
        if program_detail::Entity::find_by_id(id)
            .one(db)
            .await?
            .is_none()
        {
            audit::insert(
                db,
                &demo_actor(),
                program_detail::ActiveModel {
                    entry_id: Set(id),
                    sponsor_id: Set(opt_id(ids, &p.sponsor)?),
                    period: Set(p.period.clone()),
                    starts_on: Set(None),
                    ends_on: Set(None),
                },
            )
            .await?;
        }
    }
    Ok(())
}

async fn insert_link(
    db: &impl ConnectionTrait,
    seed: &LinkSeed,
    ids: &HashMap<String, i64>,
) -> AppResult<bool> {
    let (from, to) = (id_of(ids, &seed.from)?, id_of(ids, &seed.to)?);
    let exists = link::Entity::find()
        .filter(link::Column::FromId.eq(from))
        .filter(link::Column::ToId.eq(to))
        .filter(link::Column::LinkType.eq(seed.link_type.as_str()))
        .one(db)
        .await?
        .is_some();
    if exists {
        return Ok(false);
    }
    audit::insert(
        db,
        &demo_actor(),
        link::ActiveModel {
            from_id: Set(from),
            to_id: Set(to),
            link_type: Set(seed.link_type.as_str().into()),
            since: Set(seed.since),
            until: Set(None),
            source: Set(seed.source.clone()),
            created_at: Set(Utc::now()),
            ..Default::default()
        },
    )
    .await?;
    Ok(true)
}

async fn insert_report(
    db: &impl ConnectionTrait,
    seed: &ReportSeed,
    ids: &HashMap<String, i64>,
) -> AppResult<bool> {
    let exists = report::Entity::find()
        .filter(report::Column::Slug.eq(seed.slug.as_str()))
        .one(db)
        .await?
        .is_some();
    if exists {
        return Ok(false);
    }
    if !seed.participants.is_empty() {
        return Err(bad_data("demo reports carry no named participants"));
    }
    let now = Utc::now();
    let row = audit::insert(
        db,
        &demo_actor(),
        report::ActiveModel {
            slug: Set(seed.slug.as_str().into()),
            title: Set(crate::domain::text::clean_line(&seed.title)),
            author: Set(seed.author.clone()),
            published_on: Set(seed.published_on),
            visited_at: Set(seed.visited_at),
            state: Set(seed.state.as_str().into()),
            participant_count: Set(seed.participant_count),
            body: Set(crate::domain::text::clean_text(&seed.body)),
            source_url: Set(seed.source_url.clone()),
            tags: Set(Some(serde_json::json!(seed.tags))),
            created_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        },
    )
    .await?;
    for (role, slugs) in [("host", &seed.hosts), ("visitor", &seed.visitors)] {
        for slug in slugs {
            audit::insert(
                db,
                &demo_actor(),
                report_entry::ActiveModel {
                    report_id: Set(row.id),
                    entry_id: Set(id_of(ids, slug)?),
                    role: Set(role.into()),
                },
            )
            .await?;
        }
    }
    for (pos, stop) in seed.stops.iter().enumerate() {
        let at_time = stop
            .time
            .as_deref()
            .map(|t| {
                NaiveTime::parse_from_str(t, "%H:%M")
                    .map_err(|e| bad_data(format!("stop time {t}: {e}")))
            })
            .transpose()?;
        if stop.entry.is_none() && stop.label.is_none() {
            return Err(bad_data("a stop needs an entry or a label"));
        }
        audit::insert(
            db,
            &demo_actor(),
            report_stop::ActiveModel {
                report_id: Set(row.id),
                position: Set(pos as i32),
                entry_id: Set(opt_id(ids, &stop.entry)?),
                label: Set(stop.label.clone()),
                at_time: Set(at_time),
                note: Set(stop.note.clone()),
                ..Default::default()
            },
        )
        .await?;
    }
    for (pos, t) in seed.takeaways.iter().enumerate() {
        audit::insert(
            db,
            &demo_actor(),
            takeaway::ActiveModel {
                report_id: Set(row.id),
                position: Set(pos as i32),
                lesson: Set(t.lesson.clone()),
                entry_id: Set(opt_id(ids, &t.entry)?),
                owner: Set(t.owner.clone()),
                due_on: Set(t.due_on),
                done: Set(t.done),
                done_at: Set(None),
                ..Default::default()
            },
        )
        .await?;
    }
    for (pos, p) in seed.photos.iter().enumerate() {
        audit::insert(
            db,
            &demo_actor(),
            report_photo::ActiveModel {
                report_id: Set(row.id),
                position: Set(pos as i32),
                file_name: Set(p.file_name.clone()),
                caption: Set(p.caption.clone()),
                credit: Set(p.credit.clone()),
                content_type: Set(None),
                byte_size: Set(None),
                data: Set(None),
                thumbnail: Set(None),
                created_at: Set(now),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_files_parse_through_the_domain_types() {
        assert_eq!(districts().unwrap().len(), 25);
        let demo = demo_file().unwrap();
        for kind in EntryKind::ALL.iter().filter(|k| **k != EntryKind::District) {
            assert!(
                demo.entries.iter().any(|e| e.kind == *kind),
                "no demo entry of kind {kind}"
            );
        }
        assert!(
            demo.reports
                .iter()
                .any(|r| r.state == ReportState::Published)
        );
    }
}
