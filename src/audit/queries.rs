//! Reading the audit trail: an entity's history and the admin's recent-changes list. Both show
//! changes as lines, so they read each change's summary where it has one (the changes with
//! long values cut, `migration::audit_summary`) and never a report's whole body.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

use crate::entities::audit_log;
use crate::error::AppResult;

/// One change as a history line shows it.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct Change {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub table_name: String,
    pub row_id: i64,
    pub action: String,
    /// `{field: [old, new]}`, every value at most as long as a line shows it.
    pub changes: Option<serde_json::Value>,
}

/// The rows of `query` as lines, newest first.
async fn lines(
    db: &impl ConnectionTrait,
    query: Select<audit_log::Entity>,
    limit: u64,
) -> AppResult<Vec<Change>> {
    use audit_log::Column as C;
    Ok(query
        .select_only()
        .columns([C::Id, C::At, C::Actor, C::TableName, C::RowId, C::Action])
        .column_as(
            Expr::expr(Func::coalesce([
                Expr::col(C::Summary),
                Expr::col(C::Changes),
            ])),
            "changes",
        )
        .order_by_desc(C::At)
        .order_by_desc(C::Id)
        .limit(limit)
        .into_model::<Change>()
        .all(db)
        .await?)
}

/// The newest changes to the given rows (`(table, row id)` pairs), newest first.
pub async fn history(
    db: &impl ConnectionTrait,
    tables: &[&str],
    row_id: i64,
    limit: u64,
) -> AppResult<Vec<Change>> {
    let query = audit_log::Entity::find()
        .filter(audit_log::Column::TableName.is_in(tables.iter().copied()))
        .filter(audit_log::Column::RowId.eq(row_id));
    lines(db, query, limit).await
}

/// Filters of the admin's recent-changes page.
#[derive(Debug, Default, Clone)]
pub struct RecentFilter {
    pub user_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Recent changes across the app, newest first.
pub async fn recent(
    db: &impl ConnectionTrait,
    filter: &RecentFilter,
    limit: u64,
) -> AppResult<Vec<Change>> {
    let mut query = audit_log::Entity::find();
    if let Some(uid) = filter.user_id {
        query = query.filter(audit_log::Column::UserId.eq(uid));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::Column::At.gte(start_of(from)));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
        query = query.filter(audit_log::Column::At.lt(start_of(to)));
    }
    lines(db, query, limit).await
}

fn start_of(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}
