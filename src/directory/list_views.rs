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

/// `labels`: the field's label and the "all" choice's text.
fn facet_select<T: Copy>(
    labels: (&str, &str),
    name: &str,
    all: &[T],
    value: fn(T) -> &'static str,
    text: fn(T) -> &'static str,
    counts: &HashMap<String, i64>,
    current: Option<T>,
) -> Markup {
    let (label, all_text) = labels;
    let current = current.map(value);
    html! {
        label {
            (label)
            select name=(name) {
                option value="" { (all_text) }
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

fn filter_form(ctx: &Ctx, p: &ListPage<'_>) -> Markup {
    let f = p.filter;
    let en = ctx.lang == crate::web::lang::Lang::En;
    let t = |ko: &'static str, e: &'static str| if en { e } else { ko };
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
                    (t("자치구", "District"))
                    select name="district" {
                        option value="" { (t("전체", "All")) }
                        @for (d, n) in &districts {
                            option value=(d.id) selected[f.district == Some(d.id)] { (d.name) " (" (n) ")" }
                        }
                    }
                }
            }
            (facet_select(
                (t("상태", "Status"), t("전체", "All")), "status", EntryStatus::ALL, EntryStatus::as_str, if en { EntryStatus::label_en } else { EntryStatus::label_ko }, &p.facets.status, f.status))
            @match p.kind {
                EntryKind::Enterprise => {
                    (facet_select(
                (t("기업 유형", "Type"), t("전체", "All")), "cert_type", CertType::ALL, CertType::as_str, if en { CertType::label_en } else { CertType::label_ko }, &p.facets.cert_type, f.cert_type))
                    (facet_select(
                (t("사회적 목적", "Social purpose"), t("전체", "All")), "social_purpose", SocialPurpose::ALL, SocialPurpose::as_str, if en { SocialPurpose::label_en } else { SocialPurpose::label_ko }, &p.facets.social_purpose, f.social_purpose))
                    label {
                        (t("사회서비스 분야", "Service field"))
                        select name="service_field" {
                            option value="" { (t("전체", "All")) }
                            @for (v, n) in &p.facets.service_field {
                                option value=(v) selected[f.service_field.as_deref() == Some(v.as_str())] { (v) " (" (n) ")" }
                            }
                        }
                    }
                }
                EntryKind::Outlet => {
                    (facet_select(
                (t("판로 유형", "Channel"), t("전체", "All")), "channel", OutletChannel::ALL, OutletChannel::as_str, if en { OutletChannel::label_en } else { OutletChannel::label_ko }, &p.facets.channel, f.channel))
                }
                EntryKind::Center => {
                    (facet_select(
                (t("운영 방식", "Operating mode"), t("전체", "All")), "operating_mode", CenterMode::ALL, CenterMode::as_str, if en { CenterMode::label_en } else { CenterMode::label_ko }, &p.facets.operating_mode, f.operating_mode))
                }
                _ => {}
            }
            label {
                (t("이 날짜 이후 확인 안 됨", "Not verified since"))
                input type="date" name="not_verified_since" value=(f.not_verified_since.map(|d| d.to_string()).unwrap_or_default());
            }
            label {
                (t("정렬", "Sort"))
                select name="sort" {
                    @for (s, v, text) in Sort::ALL { option value=(v) selected[f.sort == s] { (if en { Sort::label_en(s) } else { text }) } }
                }
            }
            button type="submit" { (t("적용", "Apply")) }
            " " a href={ "/" (p.kind.plural()) } { (t("초기화", "Reset")) }
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
            h1 { (ctx.t(kind.label_ko(), kind.label_en())) @if ctx.lang == crate::web::lang::Lang::Ko { " " span.en { (kind.label_en()) } } }
            (filter_form(ctx, p))
            p.muted {
                (ctx.t("조건에 맞는 항목 ", "Matching entries: ")) (p.pager.total) (ctx.t("곳", ""))
                @if can_edit { " · " a href={ "/entries/new?kind=" (kind.as_str()) } { "새 " (kind.label_ko()) " 등록" } }
            }
            @if p.rows.is_empty() {
                p { (ctx.t("조건에 맞는 항목이 없습니다.", "No entries match.")) }
            } @else {
                table {
                    thead { tr { th { (ctx.t("이름", "Name")) } th { (ctx.t("자치구", "District")) } th { (ctx.t("상태", "Status")) } th { (ctx.t("최근 확인", "Last verified")) } } }
                    tbody {
                        @for row in p.rows {
                            tr {
                                td {
                                    (entry_link(&row.entry))
                                    @if let Some(en) = &row.entry.name_en { br; span.en { (en) } }
                                }
                                td { @if let Some(d) = &row.district { (entry_link(d)) } }
                                td { (row.entry.status.parse::<EntryStatus>().map(|s| ctx.t(s.label_ko(), s.label_en())).unwrap_or(&row.entry.status)) }
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
