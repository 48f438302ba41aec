//! Directory routes: a list page per kind and the entry page.

use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use maud::Markup;

use crate::app::AppState;
use crate::auth::extract::Ctx;
use crate::directory::{queries, views};
use crate::domain::EntryKind;
use crate::error::{AppError, AppResult};
use crate::web::pagination::{PER_PAGE, PageQuery};
use crate::web::slug_path::SlugPath;

/// `/{kind plural}` for every kind, and `/e/{slug}`.
pub fn routes() -> Router<AppState> {
    let mut router = Router::new().route("/e/{slug}", get(show_entry));
    for kind in EntryKind::ALL {
        let kind = *kind;
        router = router.route(
            &format!("/{}", kind.plural()),
            get(
                move |state: State<AppState>, ctx: Ctx, query: Query<PageQuery>| {
                    list_entries(state, ctx, kind, query)
                },
            ),
        );
    }
    router
}

/// Lists entries of one kind, 50 a page.
async fn list_entries(
    State(state): State<AppState>,
    ctx: Ctx,
    kind: EntryKind,
    Query(query): Query<PageQuery>,
) -> AppResult<Markup> {
    let (rows, pager) = queries::list_entries(&state.db, kind, query.number(), PER_PAGE).await?;
    Ok(views::list_page(&ctx, kind, &rows, pager))
}

/// Shows one entry.
async fn show_entry(
    State(state): State<AppState>,
    ctx: Ctx,
    SlugPath(slug): SlugPath,
) -> AppResult<Markup> {
    let page = queries::entry_page(&state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(views::entry_page(&ctx, &page))
}
