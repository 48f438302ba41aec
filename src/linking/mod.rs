//! Linking reports to the entries they mention: the live dictionary (`index`), storing and
//! re-anchoring mentions (`store`), and the review routes and views. The matching itself is
//! the pure `crate::mentions` engine.

pub mod index;
pub mod review;
pub mod routes;
pub mod store;
pub mod views;

use crate::app::AppState;
use crate::entities::report;
use crate::error::AppResult;

/// Suggests (and, where sure, confirms) the mentions in a report's current text.
pub async fn relink_report(state: &AppState, r: &report::Model) -> AppResult<()> {
    state.mentions.refresh(&state.db).await?;
    let found = state.mentions.find(&r.body);
    store::relink(&state.db, r, found, state.settings.auto_confirm_mentions).await
}

/// Suggests mentions for every report that has none yet (demo data, imports); returns how many.
/// Reports are read one at a time: at national scale their bodies are hundreds of megabytes.
pub async fn relink_unlinked(state: &AppState) -> AppResult<usize> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    let with: std::collections::HashSet<i64> = crate::entities::mention::Entity::find()
        .select_only()
        .column(crate::entities::mention::Column::ReportId)
        .distinct()
        .into_tuple::<i64>()
        .all(&state.db)
        .await?
        .into_iter()
        .collect();
    let ids: Vec<i64> = report::Entity::find()
        .select_only()
        .column(report::Column::Id)
        .order_by_asc(report::Column::Id)
        .into_tuple::<i64>()
        .all(&state.db)
        .await?;
    let mut n = 0;
    for id in ids.into_iter().filter(|id| !with.contains(id)) {
        if let Some(r) = report::Entity::find()
            .filter(report::Column::Id.eq(id))
            .one(&state.db)
            .await?
        {
            relink_report(state, &r).await?;
            n += 1;
        }
    }
    Ok(n)
}
