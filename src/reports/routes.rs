//! Report routes: the list and the report page.

use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use maud::Markup;

use crate::app::AppState;
use crate::auth::extract::Ctx;
use crate::error::{AppError, AppResult};
use crate::reports::{queries, views};
use crate::web::pagination::{PER_PAGE, PageQuery};
use crate::web::slug_path::SlugPath;

/// `/reports` and `/reports/{slug}`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", get(list_reports))
        .route("/reports/{slug}", get(show_report))
}

/// Lists public reports, newest visit first.
async fn list_reports(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<PageQuery>,
) -> AppResult<Markup> {
    let (rows, pager) =
        queries::list_reports(&state.db, ctx.can_edit(), query.number(), PER_PAGE).await?;
    Ok(views::list_page(&ctx, &rows, pager))
}

/// Shows one report.
async fn show_report(
    State(state): State<AppState>,
    ctx: Ctx,
    SlugPath(slug): SlugPath,
) -> AppResult<Markup> {
    let page = queries::report_page(&state.db, &slug, ctx.can_edit())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(views::report_page(&ctx, &page))
}
