//! The home page: what the directory holds and the latest visits.

use axum::extract::State;
use maud::{Markup, html};

use crate::app::AppState;
use crate::auth::extract::Ctx;
use crate::directory::queries::count_by_kind;
use crate::domain::{EntryKind, ReportState};
use crate::entities::report;
use crate::error::AppResult;
use crate::reports::queries::latest;
use crate::reports::views::report_line;
use crate::web::layout::page;

/// `GET /`
pub async fn show_home(State(state): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let counts = count_by_kind(&state.db).await?;
    let recent = latest(&state.db, ReportState::Published, 5).await?;
    let upcoming = latest(&state.db, ReportState::Planned, 5).await?;
    Ok(home_page(&ctx, &counts, &recent, &upcoming))
}

fn home_page(
    ctx: &Ctx,
    counts: &[(EntryKind, i64)],
    recent: &[report::Model],
    upcoming: &[report::Model],
) -> Markup {
    page(
        ctx,
        "첫 화면",
        html! {
            h1 { (ctx.t("사회적경제 디렉터리와 현장 탐방 기록", "Directory and field-visit log of the social economy")) }
            ul.kind-grid {
                @for (kind, n) in counts {
                    li {
                        a href={ "/" (kind.plural()) } {
                            span.count { (n) }
                            (ctx.t(kind.label_ko(), kind.label_en())) @if ctx.lang == crate::web::lang::Lang::Ko { " " span.en { (kind.label_en()) } }
                        }
                    }
                }
            }
            h2 { (ctx.t("최근 탐방 보고서", "Recent reports")) }
            @if recent.is_empty() { p.muted { (ctx.t("아직 공개된 보고서가 없습니다.", "No published reports yet.")) } }
            @else { ul.plain { @for r in recent { li { (report_line(r)) } } } }
            @if !upcoming.is_empty() {
                h2 { (ctx.t("예정된 탐방", "Upcoming visits")) }
                ul.plain { @for r in upcoming { li { (report_line(r)) } } }
            }
        },
    )
}
