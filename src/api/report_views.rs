//! Reports as JSON: the list item, the full report, and what they are built from. Named
//! participants are left out for anonymous callers, as on the report page.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::views::EntryRef;
use crate::entities::report;
use crate::reports::queries::ReportPage;
use crate::web::pagination::Pager;

fn tags_of(r: &report::Model) -> Vec<String> {
    r.tags
        .as_ref()
        .and_then(|t| serde_json::from_value(t.clone()).ok())
        .unwrap_or_default()
}

/// One report in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportSummary {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub author: Option<String>,
    /// `planned`, `draft` or `published`.
    pub state: String,
    pub published_on: Option<NaiveDate>,
    /// The visit's date and time (local, no zone).
    pub visited_at: Option<NaiveDateTime>,
    pub tags: Vec<String>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<&report::Model> for ReportSummary {
    fn from(r: &report::Model) -> Self {
        ReportSummary {
            id: r.id,
            slug: r.slug.clone(),
            title: r.title.clone(),
            author: r.author.clone(),
            state: r.state.clone(),
            published_on: r.published_on,
            visited_at: r.visited_at,
            tags: tags_of(r),
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

/// A page of reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportList {
    pub items: Vec<ReportSummary>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
    pub pages: u64,
}

impl ReportList {
    /// The page `rows` of `pager`.
    pub fn new(rows: &[report::Model], pager: Pager) -> Self {
        ReportList {
            items: rows.iter().map(ReportSummary::from).collect(),
            page: pager.page,
            per_page: pager.per_page,
            total: pager.total,
            pages: pager.pages(),
        }
    }
}

/// One itinerary stop, in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct StopView {
    /// `HH:MM`, if given.
    pub time: Option<String>,
    /// The entry visited, when the stop names one.
    pub entry: Option<EntryRef>,
    /// The stop as written.
    pub text: Option<String>,
    pub note: Option<String>,
    /// The entry's coordinates, when it has them.
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}

/// A named participant (signed-in callers only).
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantView {
    pub name: String,
    pub affiliation: Option<String>,
}

/// A takeaway of the visit.
#[derive(Debug, Serialize, ToSchema)]
pub struct TakeawayView {
    pub id: i64,
    pub lesson: String,
    pub entry: Option<EntryRef>,
    /// Who follows it up; absent when nobody is named, and for anonymous callers (it may be a
    /// person's name, like the named participants).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub done: bool,
}

/// A photo's description.
#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoView {
    pub id: i64,
    pub file_name: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// One report with its hosts, visitors, itinerary, takeaways and photos.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDetail {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub author: Option<String>,
    pub state: String,
    pub published_on: Option<NaiveDate>,
    pub visited_at: Option<NaiveDateTime>,
    /// The entries visited.
    pub hosts: Vec<EntryRef>,
    /// The entries that visited.
    pub visitors: Vec<EntryRef>,
    pub participant_count: Option<i32>,
    /// Named participants; absent for anonymous callers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participants: Option<Vec<ParticipantView>>,
    pub stops: Vec<StopView>,
    /// Great-circle length of the route between the stops that have coordinates, in km.
    pub route_km: Option<f64>,
    pub body: String,
    pub source_url: Option<String>,
    pub tags: Vec<String>,
    pub takeaways: Vec<TakeawayView>,
    pub photos: Vec<PhotoView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Send this back as `version` with `PUT`.
    pub version: i32,
}

impl ReportDetail {
    /// The view of a loaded report page; `names` says whether participants and takeaways'
    /// owners are shown.
    pub fn new(p: ReportPage, names: bool) -> Self {
        let route_km = crate::reports::route::Route::of_page(&p).length_km();
        let r = p.report;
        ReportDetail {
            id: r.id,
            tags: tags_of(&r),
            slug: r.slug,
            title: r.title,
            author: r.author,
            state: r.state,
            published_on: r.published_on,
            visited_at: r.visited_at,
            hosts: p.hosts.iter().map(EntryRef::from).collect(),
            visitors: p.visitors.iter().map(EntryRef::from).collect(),
            participant_count: r.participant_count,
            participants: names.then(|| {
                p.participants
                    .into_iter()
                    .map(|pt| ParticipantView {
                        name: pt.name,
                        affiliation: pt.affiliation,
                    })
                    .collect()
            }),
            stops: p
                .stops
                .iter()
                .map(|(s, e)| StopView {
                    time: s.at_time.map(|t| t.format("%H:%M").to_string()),
                    entry: e.as_ref().map(EntryRef::from),
                    text: s.label.clone(),
                    note: s.note.clone(),
                    lat: e.as_ref().and_then(|e| e.lat),
                    lng: e.as_ref().and_then(|e| e.lng),
                })
                .collect(),
            route_km,
            body: r.body,
            source_url: r.source_url,
            takeaways: p
                .takeaways
                .iter()
                .map(|(t, e)| TakeawayView {
                    id: t.id,
                    lesson: t.lesson.clone(),
                    entry: e.as_ref().map(EntryRef::from),
                    owner: t.owner.clone().filter(|_| names),
                    due_on: t.due_on,
                    done: t.done,
                })
                .collect(),
            photos: p
                .photos
                .into_iter()
                .map(|ph| PhotoView {
                    id: ph.id,
                    file_name: ph.file_name,
                    caption: ph.caption,
                    credit: ph.credit,
                })
                .collect(),
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}
