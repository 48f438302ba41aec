//! The report form (new and edit) and the pages for upcoming visits and open takeaways.

use maud::{Markup, html};

use crate::auth::extract::Ctx;
use crate::directory::views::entry_link;
use crate::domain::ReportState;
use crate::entities::{entry, report};
use crate::reports::input::ReportInput;
use crate::reports::queries::{OpenTakeaway, PlannedVisit};
use crate::web::form::{FieldErrors, confirm_controls, enum_options, input, select, textarea};
use crate::web::layout::{csrf_field, page};
use crate::web::pagination::Pager;

/// Everything the report form shows.
pub struct ReportForm<'a> {
    pub input: &'a ReportInput,
    pub errors: &'a FieldErrors,
    /// `None` for a new report.
    pub editing: Option<&'a report::Model>,
    /// On a conflict: the newer stored version's title and version.
    pub conflict: Option<&'a report::Model>,
    /// Suggestions inferred from a pasted post, shown above the form.
    pub notes: &'a [String],
}

/// `GET /reports/new`, `GET /reports/{slug}/edit`.
pub fn report_form_page(ctx: &Ctx, f: &ReportForm<'_>) -> Markup {
    let i = f.input;
    let e = f.errors;
    let (title, action) = match f.editing {
        None => ("새 탐방 보고서".to_string(), "/reports".to_string()),
        Some(r) => (
            format!("{} 수정", r.title),
            format!("/reports/{}/edit", r.slug),
        ),
    };
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            @if let Some(theirs) = f.conflict {
                div.notice.warn role="alert" {
                    p { strong { "다른 사람이 먼저 이 보고서를 고쳤습니다 (버전 " (theirs.version) ")." }
                        " 입력한 내용은 아래에 그대로 있습니다. 새 버전을 확인한 뒤 다시 저장하세요." }
                    p { a href={ "/reports/" (theirs.slug) } target="_blank" { "저장된 보고서 보기" } }
                }
            }
            @if !f.notes.is_empty() {
                div.notice role="status" {
                    p { strong { "붙여 넣은 글에서 찾은 내용입니다. 확인하고 고쳐 주세요." } }
                    ul.plain { @for n in f.notes { li { (n) } } }
                }
            }
            @if f.editing.is_none() {
                p { a href="/reports/import" { "블로그 글 붙여 넣기로 시작하기" } }
            }
            @if let Some(r) = f.editing {
                p { a.button href=(crate::reports::photo_views::photos_path(&r.slug)) { (ctx.t("사진 올리기·관리", "Upload and manage photos")) } }
            }
            form.stacked method="post" action=(action) {
                (csrf_field(ctx))
                input type="hidden" name="version" value=(i.version);
                (input("제목", "title", "text", &i.title, e))
                (input("주소(slug, 비우면 제목으로 만듭니다)", "slug", "text", &i.slug, e))
                (select("상태", "state", &enum_options(ReportState::ALL, ReportState::as_str, ReportState::label_ko, None), &i.state, e))
                (input("작성자", "author", "text", &i.author, e))
                (input("작성일", "published_on", "text", &i.published_on, e))
                (input("탐방 날짜 (예: 2023-12-11)", "visit_date", "text", &i.visit_date, e))
                (input("탐방 시각 (예: 10:00)", "visit_time", "text", &i.visit_time, e))
                (textarea("방문한 곳 (이름·별칭·주소, 쉼표로 구분)", "hosts", &i.hosts, e))
                (textarea("방문한 기관 (쉼표로 구분)", "visitors", &i.visitors, e))
                (input("참가자 수", "participant_count", "text", &i.participant_count, e))
                (textarea("참가자 명단 (한 줄에 한 명: 이름 (소속)) — 로그인한 사람에게만 보입니다", "participants", &i.participants, e))
                (textarea("탐방 일정 (한 줄에 한 곳: 10:00 방문한 곳 | 메모 — 줄 순서가 일정 순서입니다)", "stops", &i.stops, e))
                (textarea("본문", "body", &i.body, e))
                (textarea("배운 점과 할 일 (한 줄에 하나: 내용 | 관련 항목 | 담당 | 기한)", "takeaways", &i.takeaways, e))
                (textarea("파일 없는 사진 설명 (한 줄에 하나: 설명 | 사진출처) — 사진 파일은 저장 뒤 ‘사진 올리기·관리’에서 올립니다", "photos", &i.photos, e))
                (input("태그 (쉼표로 구분)", "tags", "text", &i.tags, e))
                (input("원문 주소", "source_url", "text", &i.source_url, e))
                div { button type="submit" { "저장" } }
            }
        },
    )
}

/// `GET /visits/upcoming`
pub fn upcoming_page(ctx: &Ctx, rows: &[(PlannedVisit, Vec<entry::Model>)]) -> Markup {
    page(
        ctx,
        ctx.t("예정된 탐방", "Upcoming visits"),
        html! {
            h1 { (ctx.t("예정된 탐방", "Upcoming visits")) }
            p { a href="/visits.ics" { (ctx.t("달력 앱에서 구독하기 (iCalendar)", "Subscribe in a calendar app (iCalendar)")) } }
            @if rows.is_empty() { p.muted { (ctx.t("예정된 탐방이 없습니다.", "No visits planned.")) } }
            @else {
                table {
                    thead { tr { th { (ctx.t("일시", "When")) } th { (ctx.t("탐방", "Visit")) } th { (ctx.t("방문할 곳", "Host")) } } }
                    tbody {
                        @for (r, hosts) in rows {
                            tr {
                                td { @if let Some(v) = r.visited_at { (ctx.datetime(v)) } }
                                td { a href={ "/reports/" (r.slug) } { (r.title) } }
                                td { @for (n, h) in hosts.iter().enumerate() { @if n > 0 { ", " } (entry_link(h)) } }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// `GET /reports/{slug}/delete` (admins): what deleting the report takes with it, unpublishing
/// as the gentler way, and a form that deletes only with its box ticked.
pub fn delete_report_page(
    ctx: &Ctx,
    r: &report::Model,
    impact: &crate::reports::write::ReportDeletionImpact,
    errors: &FieldErrors,
) -> Markup {
    let href = format!("/reports/{}", crate::web::url::encode_component(&r.slug));
    let lines: [(u64, &str); 6] = [
        (impact.stops, "탐방 일정"),
        (impact.takeaways, "배운 점과 할 일"),
        (impact.participants, "참가자 명단"),
        (
            impact.photo_files,
            "올린 사진 파일 (변경 기록에 남지 않습니다)",
        ),
        (impact.photo_captions, "파일 없는 사진 설명"),
        (
            impact.mentions,
            "본문 속 항목 연결 (항목 페이지의 ‘언급된 보고서’에서 빠집니다)",
        ),
    ];
    page(
        ctx,
        "보고서 삭제",
        html! {
            h1 { "‘" (r.title) "’ 삭제 " span.en { "Delete" } }
            p { "삭제는 되돌릴 수 없습니다. 본문과 함께 아래가 모두 지워집니다:" }
            ul {
                @for (n, what) in lines {
                    @if n > 0 { li { (what) " " strong { (crate::web::format::thousands(n)) "개" } } }
                }
            }
            p {
                "공개 페이지에서 내리기만 하려면 "
                a href={ (href) "/edit" } { "보고서를 고쳐" }
                " 상태를 ‘초안’으로 바꾸세요. 편집자만 볼 수 있게 남습니다."
            }
            form.stacked method="post" action={ (href) "/delete" } {
                (csrf_field(ctx))
                (confirm_controls(ctx, html! { "위 내용을 확인했습니다. 이 보고서를 삭제합니다." }, errors, &href))
            }
        },
    )
}

/// `GET /takeaways`: a page of the open takeaways; those due before `today` are marked.
pub fn takeaways_page(
    ctx: &Ctx,
    rows: &[OpenTakeaway],
    pager: Pager,
    today: chrono::NaiveDate,
) -> Markup {
    page(
        ctx,
        ctx.t("할 일", "Open actions"),
        html! {
            h1 { (ctx.t("탐방에서 나온 할 일", "Open actions from visits")) }
            @if pager.total == 0 { p.muted { (ctx.t("남은 할 일이 없습니다.", "Nothing open.")) } }
            @else {
                p.muted {
                    (crate::web::format::thousands(pager.total)) (ctx.t("건, 기한이 이른 것부터 (기한 없는 것은 끝에)", " open, earliest due first (undated last)"))
                }
            }
            @if !rows.is_empty() {
                table {
                    thead { tr {
                        th { (ctx.t("내용", "Lesson")) } th { (ctx.t("보고서", "Report")) } th { (ctx.t("관련 항목", "Entry")) }
                        @if ctx.can_see_contacts() { th { (ctx.t("담당", "Owner")) } }
                        th.nowrap { (ctx.t("기한", "Due")) }
                        @if ctx.can_edit() { th {} }
                    } }
                    tbody {
                        @for o in rows {
                            tr {
                                td { (o.takeaway.lesson) }
                                td { a href={ "/reports/" (o.report.slug) } { (o.report.title) } }
                                td { @if let Some(e) = &o.entry { (entry_link(e)) } }
                                @if ctx.can_see_contacts() { td { @if let Some(w) = &o.takeaway.owner { (w) } } }
                                td.nowrap {
                                    @if let Some(d) = o.takeaway.due_on {
                                        (ctx.date(d))
                                        @if d < today { br; span.badge.overdue { (ctx.t("기한 지남", "overdue")) } }
                                    }
                                }
                                @if ctx.can_edit() {
                                    td.nowrap { (toggle_form(ctx, o.takeaway.id, false)) }
                                }
                            }
                        }
                    }
                }
            }
            (crate::web::pagination::nav(ctx, "/takeaways", pager))
        },
    )
}

/// The button that marks a takeaway done (or open again).
pub fn toggle_form(ctx: &Ctx, id: i64, done: bool) -> Markup {
    html! {
        form.inline method="post" action={ "/takeaways/" (id) "/toggle" } {
            (csrf_field(ctx))
            button type="submit" { @if done { (ctx.t("다시 열기", "Reopen")) } @else { (ctx.t("완료로 표시", "Mark done")) } }
        }
    }
}
