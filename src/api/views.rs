//! What the API returns: typed JSON views built from the directory's query results. Each view
//! derives `ToSchema`, so the OpenAPI document describes exactly what is serialised.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::directory::duplicates::DuplicateWarning;
use crate::directory::queries::{Details, EntryPage, LinkView as StoredLink, ListedEntry};
use crate::domain::LinkType;
use crate::entities::{alias, entry};
use crate::web::pagination::Pager;

/// The caller, as the server sees them.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    pub id: i64,
    pub email: String,
    pub display_name: Option<String>,
    /// `viewer`, `editor` or `admin`.
    pub role: String,
}

/// Another entry, named where one entry points at it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EntryRef {
    pub id: i64,
    pub kind: String,
    pub slug: String,
    pub name: String,
}

impl From<&entry::Model> for EntryRef {
    fn from(e: &entry::Model) -> Self {
        EntryRef {
            id: e.id,
            kind: e.kind.clone(),
            slug: e.slug.clone(),
            name: e.name.clone(),
        }
    }
}

/// One row of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntrySummary {
    pub id: i64,
    pub kind: String,
    pub slug: String,
    pub name: String,
    pub name_en: Option<String>,
    pub status: String,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub district: Option<EntryRef>,
    pub website: Option<String>,
    pub last_verified_on: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<ListedEntry> for EntrySummary {
    fn from(l: ListedEntry) -> Self {
        let e = l.entry;
        EntrySummary {
            district: l.district.as_ref().map(EntryRef::from),
            id: e.id,
            kind: e.kind,
            slug: e.slug,
            name: e.name,
            name_en: e.name_en,
            status: e.status,
            address: e.address,
            lat: e.lat,
            lng: e.lng,
            website: e.website,
            last_verified_on: e.last_verified_on,
            updated_at: e.updated_at,
            version: e.version,
        }
    }
}

/// A page of a list, with where it sits.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryList {
    pub items: Vec<EntrySummary>,
    /// 1-based page number.
    pub page: u64,
    pub per_page: u64,
    /// Entries matching the filters, on all pages.
    pub total: u64,
    /// Number of pages (at least 1).
    pub pages: u64,
}

impl EntryList {
    /// The page `rows` of `pager`.
    pub fn new(rows: Vec<ListedEntry>, pager: Pager) -> Self {
        EntryList {
            items: rows.into_iter().map(EntrySummary::from).collect(),
            page: pager.page,
            per_page: pager.per_page,
            total: pager.total,
            pages: pager.pages(),
        }
    }
}

/// Another name of an entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AliasView {
    pub id: i64,
    pub name: String,
    /// `abbreviation`, `former_name`, `romanization`, `misspelling` or `other`.
    pub alias_type: String,
}

impl From<alias::Model> for AliasView {
    fn from(a: alias::Model) -> Self {
        AliasView {
            id: a.id,
            name: a.name,
            alias_type: a.alias_type,
        }
    }
}

/// A link seen from one entry: `out` when this entry is its source, `in` when the target.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkView {
    pub id: i64,
    /// The stored type (`operates`, `sells_at`, …), read from the source entry.
    pub link_type: String,
    /// `out` or `in`.
    pub direction: String,
    /// The Korean label as seen from this entry (운영 / 운영 주체).
    pub label: String,
    /// The entry on the other side.
    pub other: EntryRef,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub source: Option<String>,
}

impl From<&StoredLink> for LinkView {
    fn from(l: &StoredLink) -> Self {
        let label = l.link.link_type.parse::<LinkType>().map_or_else(
            |_| l.link.link_type.clone(),
            |t| {
                if l.outgoing {
                    t.label_ko()
                } else {
                    t.reverse_label_ko()
                }
                .to_string()
            },
        );
        LinkView {
            id: l.link.id,
            link_type: l.link.link_type.clone(),
            direction: if l.outgoing { "out" } else { "in" }.to_string(),
            label,
            other: EntryRef::from(&l.other),
            since: l.link.since,
            until: l.link.until,
            source: l.link.source.clone(),
        }
    }
}

/// Facts that only entries of one kind have; `kind` says which.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DetailsView {
    District {
        code: String,
        city: String,
        population: Option<i64>,
        population_year: Option<i32>,
        area_km2: Option<f64>,
    },
    Center {
        operating_mode: Option<String>,
        operator: Option<EntryRef>,
        head: Option<String>,
        opened_on: Option<NaiveDate>,
        closed_on: Option<NaiveDate>,
        focus_areas: Option<String>,
    },
    Enterprise {
        cert_type: String,
        cert_no: Option<String>,
        biz_reg_no: Option<String>,
        cert_date: Option<NaiveDate>,
        cert_round: Option<i32>,
        representative: Option<String>,
        service_field: Option<String>,
        social_purpose: Option<String>,
        business: Option<String>,
    },
    Outlet {
        channel: String,
        operator: Option<EntryRef>,
        url: Option<String>,
    },
    Program {
        sponsor: Option<EntryRef>,
        period: Option<String>,
        starts_on: Option<NaiveDate>,
        ends_on: Option<NaiveDate>,
    },
}

impl DetailsView {
    fn from_details(d: Details) -> Option<Self> {
        let r = |e: Option<entry::Model>| e.as_ref().map(EntryRef::from);
        Some(match d {
            Details::District(d) => DetailsView::District {
                code: d.code,
                city: d.city,
                population: d.population,
                population_year: d.population_year,
                area_km2: d.area_km2,
            },
            Details::Center(d, op) => DetailsView::Center {
                operating_mode: d.operating_mode,
                operator: r(op),
                head: d.head,
                opened_on: d.opened_on,
                closed_on: d.closed_on,
                focus_areas: d.focus_areas,
            },
            Details::Enterprise(d) => DetailsView::Enterprise {
                cert_type: d.cert_type,
                cert_no: d.cert_no,
                biz_reg_no: d.biz_reg_no,
                cert_date: d.cert_date,
                cert_round: d.cert_round,
                representative: d.representative,
                service_field: d.service_field,
                social_purpose: d.social_purpose,
                business: d.business,
            },
            Details::Outlet(d, op) => DetailsView::Outlet {
                channel: d.channel,
                operator: r(op),
                url: d.url,
            },
            Details::Program(d, sponsor) => DetailsView::Program {
                sponsor: r(sponsor),
                period: d.period,
                starts_on: d.starts_on,
                ends_on: d.ends_on,
            },
            Details::None => return None,
        })
    }
}

/// One entry with everything the entry page shows except reports and history. Contact fields
/// are omitted for anonymous callers.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryDetail {
    pub id: i64,
    pub kind: String,
    pub slug: String,
    pub name: String,
    pub name_en: Option<String>,
    pub description: Option<String>,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub district: Option<EntryRef>,
    /// The district's code (11200), which is what `district` takes when writing.
    pub district_code: Option<String>,
    pub website: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `active`, `closed` or `unknown`.
    pub status: String,
    pub founded_on: Option<NaiveDate>,
    pub last_verified_on: Option<NaiveDate>,
    pub source: Option<String>,
    pub details: Option<DetailsView>,
    pub aliases: Vec<AliasView>,
    pub links: Vec<LinkView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Send this back as `version` with `PUT`; a newer stored version is a 409.
    pub version: i32,
}

impl EntryDetail {
    /// The view of a loaded entry page.
    pub fn new(page: EntryPage, district_code: Option<String>, contacts: bool) -> Self {
        let e = page.entry;
        EntryDetail {
            id: e.id,
            kind: e.kind,
            slug: e.slug,
            name: e.name,
            name_en: e.name_en,
            description: e.description,
            address: e.address,
            lat: e.lat,
            lng: e.lng,
            district: page.district.as_ref().map(EntryRef::from),
            district_code,
            website: e.website,
            phone: e.phone.filter(|_| contacts),
            email: e.email.filter(|_| contacts),
            status: e.status,
            founded_on: e.founded_on,
            last_verified_on: e.last_verified_on,
            source: e.source,
            details: DetailsView::from_details(page.details),
            aliases: page.aliases.into_iter().map(AliasView::from).collect(),
            links: page.links.iter().map(LinkView::from).collect(),
            created_at: e.created_at,
            updated_at: e.updated_at,
            version: e.version,
        }
    }
}

/// A likely duplicate of what was sent, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicateView {
    pub entry: EntryRef,
    pub reason: String,
}

impl From<&DuplicateWarning> for DuplicateView {
    fn from(w: &DuplicateWarning) -> Self {
        DuplicateView {
            entry: EntryRef::from(&w.entry),
            reason: w.reason.clone(),
        }
    }
}
