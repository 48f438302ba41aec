//! The list page of a kind: filters with facet counts (a plain GET form, no JavaScript), the
//! sorted table, and pagination that keeps the filters.

use std::collections::HashMap;

use maud::{Markup, html};

use crate::auth::extract::Ctx;
use crate::directory::filters::{Facets, ListFilter, ListQuery, Sort};
use crate::directory::queries::ListedEntry;
use crate::directory::views::entry_link;
use crate::domain::{
    CenterMode, CertType, EntryKind, EntryStatus, OutletChannel, Role, SocialPurpose,
};
use crate::entities::entry;
use crate::web::layout::page;
use crate::web::pagination::Pager;

/// Everything the list page shows.
pub struct ListPage<'a> {
    pub kind: EntryKind,
    pub rows: &'a [ListedEntry],
    pub pager: Pager,
    pub query: &'a ListQuery,
    pub filter: &'a ListFilter,
    pub facets: &'a Facets,
    /// District entries by id, for the district facet's labels.
    pub districts: &'a HashMap<i64, entry::Model>,
}

fn facet_select<T: Copy>(
    label: &str,
    name: &str,
    all: &[T],
    value: fn(T) -> &'static str,
    text: fn(T) -> &'static str,
    counts: &HashMap<String, i64>,
    current: Option<T>,
) -> Markup {
    let current = current.map(value);
    html! {
        label {
            (label)
            select name=(name) {
                option value="" { "전체" }
                @for v in all {
                    @let key = value(*v);
                    option value=(key) selected[current == Some(key)] {
                        (text(*v)) " (" (counts.get(key).copied().unwrap_or(0)) ")"
                    }
                }
            }
        }
    }
}

fn filter_form(p: &ListPage<'_>) -> Markup {
    let f = p.filter;
    let mut districts: Vec<(&entry::Model, i64)> = p
        .facets
        .district
        .iter()
        .filter_map(|(id, n)| p.districts.get(id).map(|d| (d, *n)))
        .collect();
    districts.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    html! {
        form.filters method="get" action={ "/" (p.kind.plural()) } {
            @if p.kind != EntryKind::District {
                label {
                    "자치구"
                    select name="district" {
                        option value="" { "전체" }
                        @for (d, n) in &districts {
                            option value=(d.id) selected[f.district == Some(d.id)] { (d.name) " (" (n) ")" }
                        }
                    }
                }
            }
            (facet_select("상태", "status", EntryStatus::ALL, EntryStatus::as_str, EntryStatus::label_ko, &p.facets.status, f.status))
            @match p.kind {
                EntryKind::Enterprise => {
                    (facet_select("기업 유형", "cert_type", CertType::ALL, CertType::as_str, CertType::label_ko, &p.facets.cert_type, f.cert_type))
                    (facet_select("사회적 목적", "social_purpose", SocialPurpose::ALL, SocialPurpose::as_str, SocialPurpose::label_ko, &p.facets.social_purpose, f.social_purpose))
                    label {
                        "사회서비스 분야"
                        select name="service_field" {
                            option value="" { "전체" }
                            @for (v, n) in &p.facets.service_field {
                                option value=(v) selected[f.service_field.as_deref() == Some(v.as_str())] { (v) " (" (n) ")" }
                            }
                        }
                    }
                }
                EntryKind::Outlet => {
                    (facet_select("판로 유형", "channel", OutletChannel::ALL, OutletChannel::as_str, OutletChannel::label_ko, &p.facets.channel, f.channel))
                }
                EntryKind::Center => {
                    (facet_select("운영 방식", "operating_mode", CenterMode::ALL, CenterMode::as_str, CenterMode::label_ko, &p.facets.operating_mode, f.operating_mode))
                }
                _ => {}
            }
            label {
                "이 날짜 이후 확인 안 됨"
                input type="date" name="not_verified_since" value=(f.not_verified_since.map(|d| d.to_string()).unwrap_or_default());
            }
            label {
                "정렬"
                select name="sort" {
                    @for (s, v, text) in Sort::ALL { option value=(v) selected[f.sort == s] { (text) } }
                }
            }
            button type="submit" { "적용" }
            " " a href={ "/" (p.kind.plural()) } { "초기화" }
        }
    }
}

/// The query string for another page of the same filtered list.
fn page_href(p: &ListPage<'_>, page: u64) -> String {
    let q = p.query;
    let pairs = [
        ("district", &q.district),
        ("status", &q.status),
        ("cert_type", &q.cert_type),
        ("social_purpose", &q.social_purpose),
        ("service_field", &q.service_field),
        ("channel", &q.channel),
        ("operating_mode", &q.operating_mode),
        ("not_verified_since", &q.not_verified_since),
        ("sort", &q.sort),
    ];
    let mut kept: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    let page = page.to_string();
    kept.push(("page", &page));
    format!(
        "/{}?{}",
        p.kind.plural(),
        serde_urlencoded::to_string(&kept).unwrap_or_default()
    )
}

/// `GET /{kind plural}`
pub fn list_page(ctx: &Ctx, p: &ListPage<'_>) -> Markup {
    let kind = p.kind;
    let can_edit = ctx
        .user
        .as_ref()
        .is_some_and(|u| u.role.rank() >= Role::Editor.rank());
    page(
        ctx,
        &format!("{} 목록", kind.label_ko()),
        html! {
            h1 { (kind.label_ko()) " " span.en { (kind.label_en()) } }
            (filter_form(p))
            p.muted {
                "조건에 맞는 항목 " (p.pager.total) "곳"
                @if can_edit { " · " a href={ "/entries/new?kind=" (kind.as_str()) } { "새 " (kind.label_ko()) " 등록" } }
            }
            @if p.rows.is_empty() {
                p { "조건에 맞는 항목이 없습니다." }
            } @else {
                table {
                    thead { tr { th { "이름" } th { "자치구" } th { "상태" } th { "최근 확인" } } }
                    tbody {
                        @for row in p.rows {
                            tr {
                                td {
                                    (entry_link(&row.entry))
                                    @if let Some(en) = &row.entry.name_en { br; span.en { (en) } }
                                }
                                td { @if let Some(d) = &row.district { (entry_link(d)) } }
                                td { (row.entry.status.parse::<EntryStatus>().map(|s| s.label_ko()).unwrap_or(&row.entry.status)) }
                                td { @if let Some(d) = row.entry.last_verified_on { (d) } @else { "—" } }
                            }
                        }
                    }
                }
            }
            @if p.pager.pages() > 1 {
                nav.pager aria-label="쪽 이동" {
                    @if p.pager.has_prev() { a href=(page_href(p, p.pager.page - 1)) rel="prev" { "← 이전" } }
                    span { (p.pager.page) " / " (p.pager.pages()) }
                    @if p.pager.has_next() { a href=(page_href(p, p.pager.page + 1)) rel="next" { "다음 →" } }
                }
            }
        },
    )
}
