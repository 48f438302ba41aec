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

/// Suggests (and, where sure, confirms) the mentions in a report's current text, in one write
/// transaction. Nothing is written when the report has been saved again since `r` was read:
/// that newer save relinks its own text, and this older one must not overwrite it.
pub async fn relink_report(state: &AppState, r: &report::Model) -> AppResult<()> {
    use sea_orm::{EntityTrait, QuerySelect};
    state.mentions.refresh(&state.db).await?;
    let found = state.mentions.find(&r.body);
    let txn = crate::db::begin_write(&state.db).await?;
    let version: Option<i32> = report::Entity::find_by_id(r.id)
        .select_only()
        .column(report::Column::Version)
        .into_tuple()
        .one(&txn)
        .await?;
    if version != Some(r.version) {
        return Ok(());
    }
    store::relink(&txn, r, found, state.settings.auto_confirm_mentions).await?;
    txn.commit().await?;
    Ok(())
}

/// Suggests mentions for every report that has none yet (demo data, imports); returns how many.
pub async fn relink_unlinked(state: &AppState) -> AppResult<usize> {
    use sea_orm::{EntityTrait, QuerySelect};
    let with: std::collections::HashSet<i64> = crate::entities::mention::Entity::find()
        .select_only()
        .column(crate::entities::mention::Column::ReportId)
        .distinct()
        .into_tuple::<i64>()
        .all(&state.db)
        .await?
        .into_iter()
        .collect();
    let ids = report_ids(state).await?;
    relink_each(state, ids.into_iter().filter(|id| !with.contains(id))).await
}

/// Re-suggests the mentions of every report (`tambang mentions rebuild`); returns how many.
pub async fn relink_all(state: &AppState) -> AppResult<usize> {
    let ids = report_ids(state).await?;
    relink_each(state, ids).await
}

async fn report_ids(state: &AppState) -> AppResult<Vec<i64>> {
    use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
    Ok(report::Entity::find()
        .select_only()
        .column(report::Column::Id)
        .order_by_asc(report::Column::Id)
        .into_tuple::<i64>()
        .all(&state.db)
        .await?)
}

/// Relinks the reports `ids`, read one at a time: at national scale their bodies are hundreds
/// of megabytes. A report deleted meanwhile is skipped.
async fn relink_each(state: &AppState, ids: impl IntoIterator<Item = i64>) -> AppResult<usize> {
    use sea_orm::EntityTrait;
    let mut n = 0;
    for id in ids {
        if let Some(r) = report::Entity::find_by_id(id).one(&state.db).await? {
            relink_report(state, &r).await?;
            n += 1;
        }
    }
    Ok(n)
}
