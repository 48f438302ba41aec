//! Reading the audit trail: an entity's history and the admin's recent-changes list.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entities::audit_log;
use crate::error::AppResult;

/// The newest changes to the given rows (`(table, row id)` pairs), newest first.
pub async fn history(
    db: &impl ConnectionTrait,
    tables: &[&str],
    row_id: i64,
    limit: u64,
) -> AppResult<Vec<audit_log::Model>> {
    Ok(audit_log::Entity::find()
        .filter(audit_log::Column::TableName.is_in(tables.iter().copied()))
        .filter(audit_log::Column::RowId.eq(row_id))
        .order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
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
) -> AppResult<Vec<audit_log::Model>> {
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
    Ok(query
        .order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

fn start_of(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}
