//! Reading the directory. Every function takes `&impl ConnectionTrait` so it runs inside or
//! outside a transaction; related rows are fetched in batches, never one query per row.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Func, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::domain::{EntryKind, ReportState};
use crate::entities::{
    alias, center_detail, district_detail, enterprise_detail, entry, link, outlet_detail,
    program_detail, report, report_entry, report_stop,
};
use crate::error::AppResult;
use crate::reports::queries::{ReportLine, lines};

/// Number of entries of each kind, in `EntryKind::ALL` order (zero where none).
pub async fn count_by_kind(db: &impl ConnectionTrait) -> AppResult<Vec<(EntryKind, i64)>> {
    let rows: Vec<(String, i64)> = entry::Entity::find()
        .select_only()
        .column(entry::Column::Kind)
        .column_as(
            // `COUNT(*)`, not of a column: PostgreSQL then counts from an index on the kind
            // alone (25 ms at 100,000 entries) instead of reading every row (58 ms).
            SimpleExpr::from(Func::count(Expr::cust("*"))),
            "n",
        )
        .group_by(entry::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    let counts: HashMap<String, i64> = rows.into_iter().collect();
    Ok(EntryKind::ALL
        .iter()
        .map(|k| (*k, counts.get(k.as_str()).copied().unwrap_or(0)))
        .collect())
}

/// One row of a list page.
#[derive(Debug, Clone)]
pub struct ListedEntry {
    pub entry: entry::Model,
    pub district: Option<entry::Model>,
}

/// Entries by id, for resolving references in one query.
pub async fn entries_by_id(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> AppResult<HashMap<i64, entry::Model>> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = entry::Entity::find()
        .filter(entry::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|e| (e.id, e)).collect())
}

/// The entry with this slug, if any.
pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> AppResult<Option<entry::Model>> {
    Ok(entry::Entity::find()
        .filter(entry::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// Kind-specific facts of an entry, with the entries they point to.
#[derive(Debug, Clone)]
pub enum Details {
    District(district_detail::Model),
    Center(center_detail::Model, Option<entry::Model>),
    Enterprise(enterprise_detail::Model),
    Outlet(outlet_detail::Model, Option<entry::Model>),
    Program(program_detail::Model, Option<entry::Model>),
    None,
}

/// A link seen from one side: its type, the entry on the other side, and its direction.
#[derive(Debug, Clone)]
pub struct LinkView {
    pub link: link::Model,
    pub other: entry::Model,
    pub outgoing: bool,
}

/// A report that involves an entry, and how.
#[derive(Debug, Clone)]
pub struct ReportRef {
    pub report: ReportLine,
    pub roles: Vec<&'static str>,
}

/// Everything the entry page shows.
#[derive(Debug, Clone)]
pub struct EntryPage {
    pub entry: entry::Model,
    pub district: Option<entry::Model>,
    pub details: Details,
    pub aliases: Vec<alias::Model>,
    pub links: Vec<LinkView>,
    pub reports: Vec<ReportRef>,
    pub history: crate::audit::queries::History,
    /// For a district: per kind, how many entries it has and the first few by name.
    pub in_district: Vec<(EntryKind, u64, Vec<entry::Model>)>,
    /// Published reports whose text mentions the entry (confirmed), newest first, with a
    /// snippet around the first mention: the latest [`MENTIONED_IN_SHOWN`].
    pub mentioned_in: Vec<(ReportLine, String)>,
    /// How many published reports mention the entry in all.
    pub mentioned_total: u64,
    /// Other entries within 1 km, nearest first (when the entry has coordinates).
    pub nearby: Vec<(entry::Model, f64)>,
}

/// Tables whose rows are keyed by the entry id and make up an entry's history.
pub const ENTRY_TABLES: &[&str] = &[
    "entries",
    "district_details",
    "center_details",
    "enterprise_details",
    "outlet_details",
    "program_details",
];

/// Loads the entry page for `slug`, or `None` when no entry has it.
pub async fn entry_page(db: &impl ConnectionTrait, slug: &str) -> AppResult<Option<EntryPage>> {
    let Some(entry) = find_by_slug(db, slug).await? else {
        return Ok(None);
    };
    let details = details_of(db, &entry).await?;
    let aliases = alias::Entity::find()
        .filter(alias::Column::EntryId.eq(entry.id))
        .order_by_asc(alias::Column::Name)
        .all(db)
        .await?;
    let raw_links = link::Entity::find()
        .filter(
            link::Column::FromId
                .eq(entry.id)
                .or(link::Column::ToId.eq(entry.id)),
        )
        .order_by_asc(link::Column::LinkType)
        .order_by_asc(link::Column::Id)
        .all(db)
        .await?;
    let others = entries_by_id(
        db,
        raw_links
            .iter()
            .map(|l| {
                if l.from_id == entry.id {
                    l.to_id
                } else {
                    l.from_id
                }
            })
            .chain(entry.district_id),
    )
    .await?;
    let links = raw_links
        .into_iter()
        .filter_map(|l| {
            let outgoing = l.from_id == entry.id;
            let other_id = if outgoing { l.to_id } else { l.from_id };
            others.get(&other_id).cloned().map(|other| LinkView {
                link: l,
                other,
                outgoing,
            })
        })
        .collect();
    let district = entry.district_id.and_then(|d| others.get(&d).cloned());
    let reports = reports_involving(db, entry.id).await?;
    let history = crate::audit::queries::history(db, ENTRY_TABLES, entry.id, 50).await?;
    let in_district = if entry.kind == EntryKind::District.as_str() {
        entries_in_district(db, entry.id).await?
    } else {
        Vec::new()
    };
    let (mentioned_in, mentioned_total) = mentioned_in(db, entry.id).await?;
    let nearby = match (
        entry.lat,
        entry.lng,
        entry.kind == EntryKind::District.as_str(),
    ) {
        (Some(lat), Some(lng), false) => match crate::domain::LatLng::new(lat, lng) {
            Ok(here) => crate::directory::geo::within(db, here, 1000.0, Some(entry.id), 10)
                .await?
                .into_iter()
                .filter(|(e, _)| e.kind != EntryKind::District.as_str())
                .collect(),
            Err(_) => Vec::new(),
        },
        _ => Vec::new(),
    };
    Ok(Some(EntryPage {
        entry,
        district,
        details,
        aliases,
        links,
        reports,
        history,
        in_district,
        mentioned_in,
        mentioned_total,
        nearby,
    }))
}

/// How many of the reports that mention an entry its page lists.
pub const MENTIONED_IN_SHOWN: u64 = 50;

/// The latest published reports that mention the entry, with a snippet (±40 characters)
/// around the first mention, and how many published reports mention it in all.
async fn mentioned_in(
    db: &impl ConnectionTrait,
    entry_id: i64,
) -> AppResult<(Vec<(ReportLine, String)>, u64)> {
    use crate::entities::mention;
    use sea_orm::PaginatorTrait;
    let rows = mention::Entity::find()
        .filter(mention::Column::EntryId.eq(entry_id))
        .filter(mention::Column::State.eq(crate::domain::MentionState::Confirmed.as_str()))
        .order_by_asc(mention::Column::StartChar)
        .all(db)
        .await?;
    let mut first: HashMap<i64, (i32, i32)> = HashMap::new();
    for m in &rows {
        first
            .entry(m.report_id)
            .or_insert((m.start_char, m.end_char));
    }
    if first.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let published = || {
        report::Entity::find()
            .filter(report::Column::Id.is_in(first.keys().copied().collect::<Vec<_>>()))
            .filter(report::Column::State.eq(ReportState::Published.as_str()))
    };
    let total = if first.len() as u64 > MENTIONED_IN_SHOWN {
        published().count(db).await?
    } else {
        0 // counted below: every one of them is read
    };
    let reports = published()
        .order_by_desc(report::Column::PublishedOn)
        .order_by_desc(report::Column::Id)
        .limit(MENTIONED_IN_SHOWN)
        .all(db)
        .await?;
    let total = Ord::max(total, reports.len() as u64);
    let shown = reports
        .into_iter()
        .map(|r| {
            let (s, e) = first.get(&r.id).copied().unwrap_or((0, 0));
            let chars: Vec<char> = r.body.chars().collect();
            let from = (Ord::max(s, 0) as usize)
                .saturating_sub(40)
                .min(chars.len());
            let to = (Ord::max(e, 0) as usize + 40).min(chars.len());
            let snippet: String = chars[from..to]
                .iter()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let line = ReportLine {
                id: r.id,
                slug: r.slug,
                title: r.title,
                state: r.state,
                visited_at: r.visited_at,
            };
            (line, snippet)
        })
        .collect();
    Ok((shown, total))
}

/// Entries of each kind in a district: the count and the first ten by name.
async fn entries_in_district(
    db: &impl ConnectionTrait,
    district_id: i64,
) -> AppResult<Vec<(EntryKind, u64, Vec<entry::Model>)>> {
    use sea_orm::PaginatorTrait;
    let mut out = Vec::new();
    for kind in EntryKind::ALL.iter().filter(|k| **k != EntryKind::District) {
        let q = entry::Entity::find()
            .filter(entry::Column::DistrictId.eq(district_id))
            .filter(entry::Column::Kind.eq(kind.as_str()));
        let n = q.clone().count(db).await?;
        if n > 0 {
            let first = q
                .order_by_asc(entry::Column::Name)
                .limit(10)
                .all(db)
                .await?;
            out.push((*kind, n, first));
        }
    }
    Ok(out)
}

async fn details_of(db: &impl ConnectionTrait, entry: &entry::Model) -> AppResult<Details> {
    let kind = entry.kind.parse::<EntryKind>().ok();
    let id = entry.id;
    let one = |e: Option<i64>| async move {
        match e {
            Some(id) => entry::Entity::find_by_id(id).one(db).await,
            None => Ok(None),
        }
    };
    Ok(match kind {
        Some(EntryKind::District) => match district_detail::Entity::find_by_id(id).one(db).await? {
            Some(d) => Details::District(d),
            None => Details::None,
        },
        Some(EntryKind::Center) => match center_detail::Entity::find_by_id(id).one(db).await? {
            Some(d) => {
                let op = one(d.operator_id).await?;
                Details::Center(d, op)
            }
            None => Details::None,
        },
        Some(EntryKind::Enterprise) => {
            match enterprise_detail::Entity::find_by_id(id).one(db).await? {
                Some(d) => Details::Enterprise(d),
                None => Details::None,
            }
        }
        Some(EntryKind::Outlet) => match outlet_detail::Entity::find_by_id(id).one(db).await? {
            Some(d) => {
                let op = one(d.operator_id).await?;
                Details::Outlet(d, op)
            }
            None => Details::None,
        },
        Some(EntryKind::Program) => match program_detail::Entity::find_by_id(id).one(db).await? {
            Some(d) => {
                let sponsor = one(d.sponsor_id).await?;
                Details::Program(d, sponsor)
            }
            None => Details::None,
        },
        _ => Details::None,
    })
}

/// Published and planned reports in which the entry is a host, a visitor or an itinerary
/// stop, newest visit first. Drafts stay private.
async fn reports_involving(db: &impl ConnectionTrait, entry_id: i64) -> AppResult<Vec<ReportRef>> {
    let mut roles: HashMap<i64, Vec<&'static str>> = HashMap::new();
    for re in report_entry::Entity::find()
        .filter(report_entry::Column::EntryId.eq(entry_id))
        .all(db)
        .await?
    {
        let role = if re.role == "host" {
            "방문 받음 (host)"
        } else {
            "방문함 (visitor)"
        };
        roles.entry(re.report_id).or_default().push(role);
    }
    for stop in report_stop::Entity::find()
        .filter(report_stop::Column::EntryId.eq(entry_id))
        .all(db)
        .await?
    {
        let list = roles.entry(stop.report_id).or_default();
        if !list.contains(&"탐방 일정 (stop)") {
            list.push("탐방 일정 (stop)");
        }
    }
    if roles.is_empty() {
        return Ok(Vec::new());
    }
    // Lines, not whole reports: a center that hosted hundreds of visits would otherwise
    // have every body read for a page that shows their titles.
    let reports = lines(
        report::Entity::find()
            .filter(report::Column::Id.is_in(roles.keys().copied().collect::<Vec<_>>()))
            .filter(report::Column::State.ne(ReportState::Draft.as_str()))
            .order_by_desc(report::Column::VisitedAt)
            .order_by_desc(report::Column::Id),
    )
    .all(db)
    .await?;
    Ok(reports
        .into_iter()
        .map(|r| ReportRef {
            roles: roles.remove(&r.id).unwrap_or_default(),
            report: r,
        })
        .collect())
}
