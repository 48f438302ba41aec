//! Pure view functions for report pages.

use maud::{Markup, html};

use crate::auth::extract::Ctx;
use crate::directory::views::{entry_link, history};
use crate::domain::ReportState;
use crate::reports::queries::{ReportLine, ReportPage};
use crate::reports::route::Route;
use crate::reports::route_views::route_section;
use crate::web::layout::page;
use crate::web::pagination::Pager;

fn state_badge(ctx: &Ctx, raw: &str) -> Markup {
    let label = raw
        .parse::<ReportState>()
        .map(|s| ctx.t(s.label_ko(), s.label_en()))
        .unwrap_or(raw);
    html! { span.badge { (label) } }
}

/// One line describing a report in a list.
pub fn report_line(ctx: &Ctx, r: &ReportLine) -> Markup {
    html! {
        a href={ "/reports/" (r.slug) } { (r.title) } " " (state_badge(ctx, &r.state))
        @if let Some(v) = r.visited_at { " " span.muted { (ctx.date(v.date())) } }
    }
}

/// `GET /reports`
pub fn list_page(ctx: &Ctx, rows: &[ReportLine], pager: Pager) -> Markup {
    page(
        ctx,
        "탐방 보고서",
        html! {
            h1 { (ctx.t("탐방 보고서", "Visit reports")) }
            p {
                a href="/visits/upcoming" { (ctx.t("예정된 탐방", "Upcoming visits")) } " · "
                a href="/takeaways" { (ctx.t("할 일", "Open actions")) }
                @if ctx.can_edit() {
                    " · " a href="/reports/new" { (ctx.t("새 보고서 쓰기", "Write a report")) }
                    " · " a href="/reports/import" { (ctx.t("블로그 글 가져오기", "Import a blog post")) }
                }
            }
            @if rows.is_empty() { p { (ctx.t("아직 보고서가 없습니다.", "No reports yet.")) } }
            @else { ul.plain { @for r in rows { li { (report_line(ctx, r)) } } } }
            (crate::web::pagination::nav(ctx, "/reports", pager))
        },
    )
}

/// `GET /reports/{slug}`
pub fn report_page(
    ctx: &Ctx,
    p: &ReportPage,
    route: &Route,
    outlines: &[crate::boundary::Area],
    attempt: Option<&crate::linking::views::LinkAttempt>,
) -> Markup {
    page(
        ctx,
        &p.report.title,
        report_main(ctx, p, route, outlines, attempt),
    )
}

/// What the report page shows inside the site's frame. For a reader who cannot edit it
/// depends only on the language and on whether they are signed in (no form, no token), so
/// the route keeps it rendered.
pub fn report_main(
    ctx: &Ctx,
    p: &ReportPage,
    route: &Route,
    outlines: &[crate::boundary::Area],
    attempt: Option<&crate::linking::views::LinkAttempt>,
) -> Markup {
    let r = &p.report;
    let tags: Vec<String> = r
        .tags
        .as_ref()
        .and_then(|t| serde_json::from_value(t.clone()).ok())
        .unwrap_or_default();
    html! {
        p.muted { a href="/reports" { (ctx.t("탐방 보고서", "Visit reports")) } " · " (state_badge(ctx, &r.state)) }
        h1 { (r.title) }
        @if ctx.can_edit() {
            div.inline-actions {
                a.button href={ "/reports/" (r.slug) "/edit" } { (ctx.t("보고서 수정", "Edit report")) }
                @if ctx.is_admin() { a.danger href={ "/reports/" (r.slug) "/delete" } { (ctx.t("삭제…", "Delete…")) } }
            }
        }
        dl.facts {
            @if let Some(a) = &r.author { dt { (ctx.t("작성", "Author")) } dd { (a) } }
            @if let Some(d) = r.published_on { dt { (ctx.t("작성일", "Published")) } dd { (ctx.date(d)) } }
            @if let Some(v) = r.visited_at { dt { (ctx.t("탐방 일시", "Visit")) } dd { (ctx.datetime(v)) } }
            @if !p.hosts.is_empty() {
                dt { (ctx.t("방문한 곳", "Visited")) } dd { @for (i, e) in p.hosts.iter().enumerate() { @if i > 0 { ", " } (entry_link(e)) } }
            }
            @if !p.visitors.is_empty() {
                dt { (ctx.t("방문한 기관", "Visitors")) } dd { @for (i, e) in p.visitors.iter().enumerate() { @if i > 0 { ", " } (entry_link(e)) } }
            }
            @if let Some(n) = r.participant_count { dt { (ctx.t("참가자", "Participants")) } dd { (ctx.people(n)) } }
            @if ctx.can_see_contacts() && !p.participants.is_empty() {
                dt { (ctx.t("참가자 명단", "Participants (names)")) }
                dd { @for (i, pt) in p.participants.iter().enumerate() {
                    @if i > 0 { ", " } (pt.name) @if let Some(a) = &pt.affiliation { " (" (a) ")" }
                } }
            }
            @if !tags.is_empty() { dt { (ctx.t("태그", "Tags")) } dd { @for t in &tags { span.chip { (t) } } } }
        }
        @if !p.stops.is_empty() {
            h2 { (ctx.t("탐방 일정", "Itinerary")) }
            ol.itinerary {
                @for (stop, e) in &p.stops {
                    li {
                        @if let Some(t) = stop.at_time { strong { (t.format("%H:%M")) } " " }
                        @if let Some(e) = e { (entry_link(e)) } @else if let Some(l) = &stop.label { (l) }
                        @if let Some(n) = &stop.note { br; span.muted { (n) } }
                    }
                }
            }
            (route_section(ctx, route, outlines))
        }
        h2 { (ctx.t("본문", "Report")) }
        (crate::linking::views::body_with_mentions(ctx, &r.body, &p.mentions))
        @if ctx.can_edit() {
            (crate::linking::views::review_list(ctx, &r.slug, &p.mentions, attempt))
        }
        (crate::reports::photo_views::photo_grid(ctx, &r.slug, &p.photos))
        @if !p.takeaways.is_empty() {
            h2 { (ctx.t("배운 점과 할 일", "Takeaways")) }
            table {
                thead { tr {
                    th { (ctx.t("내용", "Lesson")) } th { (ctx.t("관련 항목", "Entry")) } @if ctx.can_see_contacts() { th { (ctx.t("담당", "Owner")) } }
                    th.nowrap { (ctx.t("기한", "Due")) } th.nowrap { (ctx.t("상태", "State")) }
                } }
                tbody {
                    @for (t, e) in &p.takeaways {
                        tr {
                            td { (t.lesson) }
                            td { @if let Some(e) = e { (entry_link(e)) } }
                            @if ctx.can_see_contacts() { td { @if let Some(o) = &t.owner { (o) } } }
                            td.nowrap { @if let Some(d) = t.due_on { (ctx.date(d)) } }
                            td.nowrap {
                                @if t.done { (ctx.t("완료", "Done")) } @else { (ctx.t("진행 중", "Open")) }
                                @if ctx.can_edit() { " " (crate::reports::edit_views::toggle_form(ctx, t.id, t.done)) }
                            }
                        }
                    }
                }
            }
        }
        (history(ctx, &p.history))
    }
}
