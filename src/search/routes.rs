//! Search routes: the page and its JSON twin under `/api/v1`.

use axum::Json;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use maud::Markup;
use serde::Deserialize;

use crate::api::{ApiError, ApiResult};
use crate::app::AppState;
use crate::auth::extract::Ctx;
use crate::error::{AppError, AppResult};
use crate::search::terms::SearchQuery;
use crate::search::{queries, views};
use crate::web::lang::Lang;

/// `GET /search`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/search", get(show_search))
}

/// The query string of both search routes.
#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    /// What the user typed; absent means an empty search.
    #[serde(default)]
    pub q: Option<String>,
}

/// The parsed query; a malformed query string is the client's error, said in Korean.
fn parse_params(params: Result<Query<SearchParams>, QueryRejection>) -> AppResult<SearchQuery> {
    let Query(params) = params
        .map_err(|_| AppError::BadRequest("검색어를 읽을 수 없습니다. (Bad query)".into()))?;
    Ok(SearchQuery::parse(params.q.as_deref().unwrap_or("")))
}

/// Shows the search page: the box, and results grouped by kind when a query was given.
async fn show_search(
    State(state): State<AppState>,
    ctx: Ctx,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> AppResult<Markup> {
    let query = parse_params(params)?;
    if query.is_empty() {
        return Ok(views::search_page(&ctx, &query, ""));
    }
    let cached = cached_search(&state, &query).await?;
    let html = cached.html[usize::from(ctx.lang == Lang::En)].get_or_init(|| {
        crate::web::cache::kept(views::results_section(ctx.lang, &query, &cached.results))
    });
    Ok(views::search_page(&ctx, &query, html))
}

/// One search in the page cache: its results and, once a page has shown them, their HTML in
/// Korean and in English (the same for every reader of a language; marking the terms and
/// cutting snippets cost more than the rest of a cached page).
pub struct CachedSearch {
    pub results: queries::SearchResults,
    html: [std::sync::OnceLock<String>; 2],
}

/// `GET /api/v1/search?q=…`: the same search as JSON.
pub async fn api_search(
    State(state): State<AppState>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> ApiResult<views::SearchJson> {
    let query = parse_params(params).map_err(ApiError)?;
    // Scripts read the database directly (no page cache): a bulk load through raw SQL, which
    // the change stamp does not see, is searchable at once.
    let results = queries::search(&state.db, &query).await?;
    Ok(Json(views::search_json(&query, results)))
}

/// The results of `query` for the page, from this instance's cache while nothing has changed
/// (`crate::web::cache`; results are the same for every reader: drafts are never searched).
async fn cached_search(
    state: &AppState,
    query: &SearchQuery,
) -> AppResult<std::sync::Arc<CachedSearch>> {
    let key = query.terms.join("\u{1f}");
    state
        .searches
        .get_or_load(&state.stamps, &key, || async {
            Ok(CachedSearch {
                results: queries::search(&state.db, query).await?,
                html: Default::default(),
            })
        })
        .await
}
