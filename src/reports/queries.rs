//! Reading reports with everything their page shows, in a fixed number of queries.

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, SelectModel,
};

use crate::directory::queries::entries_by_id;
use crate::domain::ReportState;
use crate::entities::{
    entry, report, report_entry, report_participant, report_photo, report_stop, takeaway,
};
use crate::error::AppResult;
use crate::linking::store::{Shown, ShownMention, shown_of_report};
use crate::web::pagination::Pager;

/// Reports a reader may see: published ones and planned visits for everyone, drafts too for
/// editors.
fn visible(include_drafts: bool) -> sea_orm::Select<report::Entity> {
    let q = report::Entity::find();
    if include_drafts {
        q
    } else {
        q.filter(report::Column::State.ne(ReportState::Draft.as_str()))
    }
}

/// A report as a line of a list shows it: no body, which a list never shows and which is most
/// of a report's bytes (50 bodies of 2,000–10,000 characters were read for each list page).
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct ReportLine {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub state: String,
    pub visited_at: Option<chrono::NaiveDateTime>,
}

/// `query` read as [`ReportLine`]s.
pub(crate) fn lines(
    query: sea_orm::Select<report::Entity>,
) -> sea_orm::Selector<SelectModel<ReportLine>> {
    use report::Column as C;
    query
        .select_only()
        .columns([C::Id, C::Slug, C::Title, C::State, C::VisitedAt])
        .into_model::<ReportLine>()
}

/// One page of the reports list and where it sits.
pub type ReportLines = (Vec<ReportLine>, Pager);

/// A page of public reports, newest visit first.
pub async fn list_reports(
    db: &impl ConnectionTrait,
    include_drafts: bool,
    page: u64,
    per_page: u64,
) -> AppResult<ReportLines> {
    let total = visible(include_drafts).count(db).await?;
    let pager = Pager {
        page,
        per_page,
        total,
    };
    let in_order = |q: sea_orm::Select<report::Entity>| {
        q.order_by_desc(report::Column::VisitedAt)
            .order_by_desc(report::Column::Id)
    };
    // The page's ids first, from the index on (visit date, id, state) alone; then their rows.
    // Asked for the rows at once, PostgreSQL read and sorted every visible report for a later
    // page (20 ms for page 100 at 10,000 reports, against 4 ms this way).
    let ids: Vec<i64> = in_order(visible(include_drafts))
        .select_only()
        .column(report::Column::Id)
        .offset(pager.offset())
        .limit(per_page)
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok((Vec::new(), pager));
    }
    let rows = lines(in_order(
        report::Entity::find().filter(report::Column::Id.is_in(ids)),
    ))
    .all(db)
    .await?;
    Ok((rows, pager))
}

/// The newest `n` public reports in `state` (the next `n` for planned visits).
pub async fn latest(
    db: &impl ConnectionTrait,
    state: ReportState,
    n: u64,
) -> AppResult<Vec<ReportLine>> {
    let query = report::Entity::find().filter(report::Column::State.eq(state.as_str()));
    let query = match state {
        ReportState::Planned => query.order_by_asc(report::Column::VisitedAt),
        _ => query.order_by_desc(report::Column::VisitedAt),
    };
    Ok(lines(query.order_by_desc(report::Column::Id).limit(n))
        .all(db)
        .await?)
}

/// A photo's description without its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoMeta {
    pub id: i64,
    pub position: i32,
    pub file_name: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
    /// `None` for a described photo whose file has not been uploaded yet.
    pub content_type: Option<String>,
    pub byte_size: Option<i64>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub thumb_width: Option<i32>,
    pub thumb_height: Option<i32>,
    pub sha256: Option<String>,
}

impl PhotoMeta {
    /// Whether the image file is stored.
    pub fn has_file(&self) -> bool {
        self.content_type.is_some()
    }

    /// A short version for photo URLs, so a replaced file gets a new URL.
    pub fn version(&self) -> &str {
        self.sha256
            .as_deref()
            .map_or("0", |s| &s[..s.len().min(16)])
    }
}

/// The report's photos in order, without image bytes (only the metadata columns are read).
pub async fn photos_of(db: &impl ConnectionTrait, report_id: i64) -> AppResult<Vec<PhotoMeta>> {
    use report_photo::Column as C;
    let rows = report_photo::Entity::find()
        .select_only()
        .columns([
            C::Id,
            C::Position,
            C::FileName,
            C::Caption,
            C::Credit,
            C::ContentType,
            C::ByteSize,
            C::Width,
            C::Height,
            C::ThumbWidth,
            C::ThumbHeight,
            C::Sha256,
        ])
        .filter(C::ReportId.eq(report_id))
        .order_by_asc(C::Position)
        .order_by_asc(C::Id)
        .into_tuple::<(
            i64,
            i32,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<i32>,
            Option<i32>,
            Option<i32>,
            Option<i32>,
            Option<String>,
        )>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                position,
                file_name,
                caption,
                credit,
                content_type,
                byte_size,
                w,
                h,
                tw,
                th,
                sha,
            )| {
                PhotoMeta {
                    id,
                    position,
                    file_name,
                    caption,
                    credit,
                    content_type,
                    byte_size,
                    width: w,
                    height: h,
                    thumb_width: tw,
                    thumb_height: th,
                    sha256: sha,
                }
            },
        )
        .collect())
}

/// The report with this slug if the reader may see it (the report page's rule).
pub async fn visible_report(
    db: &impl ConnectionTrait,
    slug: &str,
    include_drafts: bool,
) -> AppResult<Option<report::Model>> {
    Ok(visible(include_drafts)
        .filter(report::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// Everything a report page shows.
#[derive(Debug, Clone)]
pub struct ReportPage {
    pub report: report::Model,
    pub hosts: Vec<entry::Model>,
    pub visitors: Vec<entry::Model>,
    pub stops: Vec<(report_stop::Model, Option<entry::Model>)>,
    pub photos: Vec<PhotoMeta>,
    pub takeaways: Vec<(takeaway::Model, Option<entry::Model>)>,
    pub participants: Vec<report_participant::Model>,
    pub history: crate::audit::queries::History,
    /// The mentions the page shows (none for the API's view), with their entries.
    pub mentions: Vec<ShownMention>,
}

/// The public report with this slug, with its related rows, the mentions `mentions` asks for
/// (none: the API's view of a report does not list them) and, when `history`, its change
/// history (only signed-in readers are shown it; the API never).
pub async fn report_page(
    db: &impl ConnectionTrait,
    slug: &str,
    include_drafts: bool,
    mentions: Option<Shown>,
    history: bool,
) -> AppResult<Option<ReportPage>> {
    let Some(report) = visible_report(db, slug, include_drafts).await? else {
        return Ok(None);
    };
    let roles = report_entry::Entity::find()
        .filter(report_entry::Column::ReportId.eq(report.id))
        .all(db)
        .await?;
    let stops = report_stop::Entity::find()
        .filter(report_stop::Column::ReportId.eq(report.id))
        .order_by_asc(report_stop::Column::Position)
        .all(db)
        .await?;
    // Image bytes are not needed to list photos: metadata columns only.
    let photos = photos_of(db, report.id).await?;
    let takeaways = takeaway::Entity::find()
        .filter(takeaway::Column::ReportId.eq(report.id))
        .order_by_asc(takeaway::Column::Position)
        .all(db)
        .await?;
    let participants = report_participant::Entity::find()
        .filter(report_participant::Column::ReportId.eq(report.id))
        .order_by_asc(report_participant::Column::Position)
        .all(db)
        .await?;
    let history = if history {
        crate::audit::queries::history(db, &["reports"], report.id, 50).await?
    } else {
        Default::default()
    };
    let mentions = match mentions {
        Some(shown) => shown_of_report(db, report.id, shown).await?,
        None => Vec::new(),
    };
    let entries: HashMap<i64, entry::Model> = entries_by_id(
        db,
        roles
            .iter()
            .map(|r| r.entry_id)
            .chain(stops.iter().filter_map(|s| s.entry_id))
            .chain(takeaways.iter().filter_map(|t| t.entry_id)),
    )
    .await?;
    let pick = |role: &str| -> Vec<entry::Model> {
        roles
            .iter()
            .filter(|r| r.role == role)
            .filter_map(|r| entries.get(&r.entry_id).cloned())
            .collect()
    };
    Ok(Some(ReportPage {
        hosts: pick("host"),
        visitors: pick("visitor"),
        stops: stops
            .into_iter()
            .map(|s| {
                let e = s.entry_id.and_then(|id| entries.get(&id).cloned());
                (s, e)
            })
            .collect(),
        photos,
        participants,
        history,
        mentions,
        takeaways: takeaways
            .into_iter()
            .map(|t| {
                let e = t.entry_id.and_then(|id| entries.get(&id).cloned());
                (t, e)
            })
            .collect(),
        report,
    }))
}

/// A planned visit as the upcoming list and the calendar feed show it: no body.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct PlannedVisit {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub visited_at: Option<chrono::NaiveDateTime>,
    /// The calendar event's `SEQUENCE`: it rises with every save.
    pub version: i32,
}

/// Planned visits from `from` on, soonest first, with the entries they visit.
pub async fn upcoming(
    db: &impl ConnectionTrait,
    from: chrono::NaiveDateTime,
) -> AppResult<Vec<(PlannedVisit, Vec<entry::Model>)>> {
    use report::Column as C;
    let rows = report::Entity::find()
        .select_only()
        .columns([C::Id, C::Slug, C::Title, C::VisitedAt, C::Version])
        .filter(C::State.eq(ReportState::Planned.as_str()))
        .filter(C::VisitedAt.gte(from))
        .order_by_asc(C::VisitedAt)
        .limit(500)
        .into_model::<PlannedVisit>()
        .all(db)
        .await?;
    let hosts = report_entry::Entity::find()
        .filter(report_entry::Column::ReportId.is_in(rows.iter().map(|r| r.id).collect::<Vec<_>>()))
        .filter(report_entry::Column::Role.eq("host"))
        .all(db)
        .await?;
    let entries = entries_by_id(db, hosts.iter().map(|h| h.entry_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let h = hosts
                .iter()
                .filter(|h| h.report_id == r.id)
                .filter_map(|h| entries.get(&h.entry_id).cloned())
                .collect();
            (r, h)
        })
        .collect())
}

/// An open takeaway with its report and entry.
#[derive(Debug, Clone)]
pub struct OpenTakeaway {
    pub takeaway: takeaway::Model,
    pub report: ReportLine,
    pub entry: Option<entry::Model>,
}

/// One page of the open takeaways and where it sits.
pub type OpenTakeaways = (Vec<OpenTakeaway>, Pager);

/// A page of the open takeaways of the reports a reader sees (drafts' for editors only),
/// earliest due first, undated last. Only the page's takeaways, reports (without bodies) and
/// entries are read.
pub async fn open_takeaways(
    db: &impl ConnectionTrait,
    include_drafts: bool,
    page: u64,
    per_page: u64,
) -> AppResult<OpenTakeaways> {
    use sea_orm::QueryTrait;
    use sea_orm::sea_query::{Expr, ExprTrait, NullOrdering, Order};
    let reports = visible(include_drafts)
        .select_only()
        .column(report::Column::Id)
        .into_query();
    let open = || {
        takeaway::Entity::find()
            .filter(takeaway::Column::Done.eq(false))
            .filter(Expr::col(takeaway::Column::ReportId).in_subquery(reports.clone()))
    };
    let pager = Pager {
        page,
        per_page,
        total: open().count(db).await?,
    };
    let rows = open()
        .order_by_with_nulls(takeaway::Column::DueOn, Order::Asc, NullOrdering::Last)
        .order_by_asc(takeaway::Column::Id)
        .offset(pager.offset())
        .limit(per_page)
        .all(db)
        .await?;
    let mut report_ids: Vec<i64> = rows.iter().map(|t| t.report_id).collect();
    report_ids.sort_unstable();
    report_ids.dedup();
    let reports: HashMap<i64, ReportLine> =
        lines(report::Entity::find().filter(report::Column::Id.is_in(report_ids)))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
    let entries = entries_by_id(db, rows.iter().filter_map(|t| t.entry_id)).await?;
    let out = rows
        .into_iter()
        .filter_map(|t| {
            // A report deleted between the two reads takes its takeaways with it.
            let report = reports.get(&t.report_id)?.clone();
            let entry = t.entry_id.and_then(|id| entries.get(&id).cloned());
            Some(OpenTakeaway {
                takeaway: t,
                report,
                entry,
            })
        })
        .collect();
    Ok((out, pager))
}

/// Filters of the report list (the API's `state`, `tag` and `q`).
#[derive(Debug, Default, Clone)]
pub struct ReportFilter {
    /// Only reports in this state (within what the reader may see).
    pub state: Option<ReportState>,
    /// Only reports carrying this tag exactly.
    pub tag: Option<String>,
    /// Only reports whose title or body contains this text.
    pub q: Option<String>,
}

/// A page of the reports in one of the `readable` states that match `f`, newest visit first.
pub async fn list_filtered(
    db: &impl ConnectionTrait,
    readable: &[ReportState],
    f: &ReportFilter,
    page: u64,
    per_page: u64,
) -> AppResult<(Vec<report::Model>, Pager)> {
    use crate::search::queries::escape_like;
    use sea_orm::sea_query::Expr;
    // sea-query numbers `$N` within a custom expression on PostgreSQL and takes `?` on SQLite.
    let backend = db.get_database_backend();
    let (p1, p2) = match backend {
        sea_orm::DbBackend::Postgres => ("$1", "$2"),
        _ => ("?", "?"),
    };
    let states: Vec<&str> = readable
        .iter()
        .filter(|s| f.state.is_none_or(|want| want == **s))
        .map(|s| s.as_str())
        .collect();
    let mut q = report::Entity::find().filter(report::Column::State.is_in(states));
    if let Some(tag) = f.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // Tags are a JSON array of strings; its text holds `"tag"` exactly when the tag is
        // one of them (serde_json writes Hangul unescaped, on both backends).
        let quoted = serde_json::to_string(tag).unwrap_or_default();
        q = q.filter(Expr::cust_with_values(
            format!("CAST(tags AS TEXT) LIKE {p1} ESCAPE '\\'"),
            [format!("%{}%", escape_like(&quoted))],
        ));
    }
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let like = crate::search::queries::like_op(backend, text);
        let pat = format!("%{}%", escape_like(text));
        q = q.filter(Expr::cust_with_values(
            format!("(title {like} {p1} ESCAPE '\\' OR body {like} {p2} ESCAPE '\\')"),
            [pat.clone(), pat],
        ));
    }
    let total = q.clone().count(db).await?;
    let pager = Pager {
        page,
        per_page,
        total,
    };
    let rows = q
        .order_by_desc(report::Column::VisitedAt)
        .order_by_desc(report::Column::Id)
        .offset(pager.offset())
        .limit(per_page)
        .all(db)
        .await?;
    Ok((rows, pager))
}
