//! Report routes: the list, the report page and the visit network.

use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use maud::Markup;

use crate::app::AppState;
use crate::auth::extract::Ctx;
use crate::domain::ReportState;
use crate::error::{AppError, AppResult};
use crate::linking::store::Shown;
use crate::linking::views::LinkAttempt;
use crate::reports::route::Route;
use crate::reports::{queries, views, visits, visits_views};
use crate::web::pagination::{PER_PAGE, PageQuery};
use crate::web::slug_path::SlugPath;

/// `/reports`, `/reports/{slug}` and `/visits`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", get(list_reports))
        .route("/reports/{slug}", get(show_report))
        .route("/visits", get(show_visits))
}

/// Lists public reports, newest visit first. A page is kept until a write: counting the
/// reports a reader may see read 9,000 index entries for every request at 10,000 reports.
async fn list_reports(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<PageQuery>,
) -> AppResult<Markup> {
    let (drafts, page) = (ctx.can_edit(), query.number());
    let lines = state
        .report_lists
        .get_or_load(&state.stamps, &format!("{drafts}:{page}"), || {
            queries::list_reports(&state.db, drafts, page, PER_PAGE)
        })
        .await?;
    Ok(views::list_page(&ctx, &lines.0, lines.1))
}

/// Shows one report. A reader who cannot edit gets the page's content as it was rendered for
/// their language and sign-in, while it is kept (until a write, within the cache's 500 pages
/// and 8 MiB): reading a report with its stops, photos, takeaways, participants, mentions and
/// entries took nine statements and ~1.5 ms at 10,000 reports, and rendering its ~70 mention
/// links more.
async fn show_report(
    State(state): State<AppState>,
    ctx: Ctx,
    SlugPath(slug): SlugPath,
) -> AppResult<Markup> {
    if ctx.can_edit() {
        return report_markup(&state, &ctx, &slug, None).await;
    }
    let key = format!("{}:{}:{slug}", ctx.lang.tag(), ctx.can_see_contacts());
    let shown = state
        .report_pages
        .get_or_load(&state.stamps, &key, || async {
            let (page, route, boundaries) = load_report(&state, &ctx, &slug).await?;
            Ok(RenderedReport {
                main: crate::web::cache::kept(views::report_main(
                    &ctx,
                    &page,
                    &route,
                    &boundaries.areas,
                    None,
                )),
                title: page.report.title,
            })
        })
        .await?;
    Ok(crate::web::layout::page(
        &ctx,
        &shown.title,
        maud::PreEscaped(shown.main.as_str()),
    ))
}

/// A report page's title and content, rendered for readers who cannot edit.
pub struct RenderedReport {
    title: String,
    main: String,
}

impl RenderedReport {
    /// What it weighs in the cache: its text (the strings are shrunk to their length).
    pub fn weight(&self) -> usize {
        self.title.len() + self.main.len()
    }
}

/// The report page as `ctx` sees it, with a failed "link to another entry" shown at its
/// suggestion (the review routes come back here with one).
pub(crate) async fn report_markup(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    attempt: Option<&LinkAttempt>,
) -> AppResult<Markup> {
    let (page, route, boundaries) = load_report(state, ctx, slug).await?;
    Ok(views::report_page(
        ctx,
        &page,
        &route,
        &boundaries.areas,
        attempt,
    ))
}

/// The report as `ctx` may see it, its itinerary, and the district outlines its map draws
/// (none when no stop is located).
async fn load_report(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
) -> AppResult<(
    queries::ReportPage,
    Route,
    std::sync::Arc<crate::boundary::Boundaries>,
)> {
    let shown = if ctx.can_edit() {
        Shown::All
    } else {
        Shown::Confirmed
    };
    let page = queries::report_page(
        &state.db,
        slug,
        ctx.can_edit(),
        Some(shown),
        ctx.can_see_contacts(),
    )
    .await?
    .ok_or(AppError::NotFound)?;
    let route = Route::of_page(&page);
    let boundaries = if route.located().next().is_some() {
        state.boundaries.get(&state.db).await?
    } else {
        Default::default()
    };
    Ok((page, route, boundaries))
}

/// The visit network: published reports, and planned visits for editors.
async fn show_visits(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<PageQuery>,
) -> AppResult<Markup> {
    let states: &[ReportState] = if ctx.can_edit() {
        &[ReportState::Published, ReportState::Planned]
    } else {
        &[ReportState::Published]
    };
    let data = state
        .visits
        .get_or_load(&state.stamps, &visits::key(states), || {
            visits::compute(&state.db, states)
        })
        .await?;
    let net = visits::network(&state.db, &data, query.number()).await?;
    Ok(visits_views::visits_page(&ctx, &net))
}
