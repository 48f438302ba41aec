//! Reading the audit trail: an entity's history and the admin's recent-changes list. Both show
//! changes as lines, so they read each change's summary where it has one (the changes with
//! long values cut, `migration::audit_summary`) and never a report's whole body.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

use crate::audit::labels;
use crate::entities::{audit_log, entry};
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

/// Changes as history lines show them, with the entries they refer to by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// Newest first.
    pub rows: Vec<Change>,
    /// The entries the rows name by id (운영 기관: 36), as they are called now.
    pub referred: Referred,
}

/// Entries by id: slug and name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Referred(HashMap<i64, (String, String)>);

impl Referred {
    /// Slug and name of entry `id`, when it still exists.
    pub fn get(&self, id: i64) -> Option<(&str, &str)> {
        self.0.get(&id).map(|(s, n)| (s.as_str(), n.as_str()))
    }
}

/// The ids of entries that `rows` hold in fields that refer to an entry.
fn referred_ids(rows: &[Change]) -> Vec<i64> {
    let mut ids: Vec<i64> = rows
        .iter()
        .filter_map(|r| r.changes.as_ref()?.as_object())
        .flatten()
        .filter(|(field, _)| labels::refers_to_entry(field))
        .filter_map(|(_, pair)| pair.as_array())
        .flatten()
        .filter_map(serde_json::Value::as_i64)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// `rows` with the entries they refer to, read in one statement.
async fn with_referred(db: &impl ConnectionTrait, rows: Vec<Change>) -> AppResult<History> {
    let ids = referred_ids(&rows);
    let named: Vec<(i64, String, String)> = if ids.is_empty() {
        Vec::new()
    } else {
        entry::Entity::find()
            .select_only()
            .columns([entry::Column::Id, entry::Column::Slug, entry::Column::Name])
            .filter(entry::Column::Id.is_in(ids))
            .into_tuple()
            .all(db)
            .await?
    };
    Ok(History {
        rows,
        referred: Referred(
            named
                .into_iter()
                .map(|(id, slug, name)| (id, (slug, name)))
                .collect(),
        ),
    })
}

/// The rows of `query` as lines, newest first.
async fn lines(
    db: &impl ConnectionTrait,
    query: Select<audit_log::Entity>,
    limit: u64,
) -> AppResult<History> {
    use audit_log::Column as C;
    let rows = query
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
        .await?;
    with_referred(db, rows).await
}

/// The newest changes to the given rows (`(table, row id)` pairs), newest first.
pub async fn history(
    db: &impl ConnectionTrait,
    tables: &[&str],
    row_id: i64,
    limit: u64,
) -> AppResult<History> {
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
) -> AppResult<History> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referred_ids_are_the_entry_references_old_and_new_once_each() {
        let row = |table: &str, changes: serde_json::Value| Change {
            id: 1,
            at: Utc::now(),
            actor: "t".into(),
            table_name: table.into(),
            row_id: 1,
            action: "update".into(),
            changes: Some(changes),
        };
        let rows = [
            row(
                "outlet_details",
                serde_json::json!({"operator_id": [36, 40], "channel": [null, "popup"]}),
            ),
            row(
                "links",
                serde_json::json!({"from_id": [null, 40], "to_id": [null, 7]}),
            ),
            // Not references: a count, a report, a position.
            row(
                "reports",
                serde_json::json!({"participant_count": [3, 9], "id": [null, 5]}),
            ),
            row(
                "report_stops",
                serde_json::json!({"report_id": [null, 5], "position": [null, 2]}),
            ),
        ];
        assert_eq!(referred_ids(&rows), [7, 36, 40]);
    }
}
