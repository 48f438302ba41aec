//! Directory routes: a list page per kind and the entry page.

use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use maud::Markup;

use crate::app::AppState;
use crate::auth::extract::Ctx;
use crate::directory::filters::{self, ListQuery};
use crate::directory::list_index::ListIndex;
use crate::directory::list_views::{self, ListPage};
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
                move |state: State<AppState>, ctx: Ctx, query: Query<ListQuery>| {
                    list_entries(state, ctx, kind, query)
                },
            ),
        );
    }
    router
}

/// What a list page shows besides the request itself.
pub struct ListData {
    rows: Vec<crate::directory::queries::ListedEntry>,
    pager: crate::web::pagination::Pager,
    facets: filters::Facets,
    districts: std::collections::HashMap<i64, crate::entities::entry::Model>,
}

/// Lists entries of one kind, filtered and sorted, 50 a page, with facet counts: from this
/// instance's page cache while nothing has changed, else counted and paged in the kind's
/// [`ListIndex`] (loaded again after a write), with only the page's rows read from the database.
async fn list_entries(
    State(state): State<AppState>,
    ctx: Ctx,
    kind: EntryKind,
    Query(query): Query<ListQuery>,
) -> AppResult<Markup> {
    let filter = query.filter();
    let page = PageQuery {
        page: query.page.clone(),
    }
    .number();
    let key = format!("{kind:?}|{filter:?}|{page}");
    let data = state
        .lists
        .get_or_load(&state.stamps, &key, || async {
            let index = state
                .list_indexes
                .get_or_load(&state.stamps, kind.as_str(), || {
                    ListIndex::load(&state.db, kind)
                })
                .await?;
            let (rows, pager) = index.listed(&state.db, &filter, page, PER_PAGE).await?;
            let facets = index.facets(&filter);
            let districts =
                queries::entries_by_id(&state.db, facets.district.iter().map(|(id, _)| *id))
                    .await?;
            Ok(ListData {
                rows,
                pager,
                facets,
                districts,
            })
        })
        .await?;
    let list = ListPage {
        kind,
        rows: &data.rows,
        pager: data.pager,
        query: &query,
        filter: &filter,
        facets: &data.facets,
        districts: &data.districts,
    };
    Ok(list_views::list_page(&ctx, &list))
}

/// Shows one entry.
async fn show_entry(
    State(state): State<AppState>,
    ctx: Ctx,
    SlugPath(slug): SlugPath,
) -> AppResult<Markup> {
    let page = state
        .entry_pages
        .get_or_load(&state.stamps, &slug, || async {
            queries::entry_page(&state.db, &slug).await
        })
        .await?;
    let page = page.as_ref().as_ref().ok_or(AppError::NotFound)?;
    Ok(views::entry_page(&ctx, page))
}
