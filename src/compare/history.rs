//! Rows as they stood at a past instant, replayed backwards from today through the audit
//! trail: every audited change made at or after the instant is undone, newest first (an
//! update puts the old values back, a deletion brings the deleted row back, a creation
//! removes the row). Rows no change touched since then are as they are today.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Map, Value};

use crate::domain::AuditAction;
use crate::entities::audit_log;
use crate::error::AppResult;

/// A row as JSON fields (the audit trail's own form).
pub type RowState = Map<String, Value>;

/// One row changed since the instant: as it is now and as it was then (`None`: absent).
#[derive(Debug, Clone, Default)]
pub struct Replayed {
    pub now: Option<RowState>,
    pub then: Option<RowState>,
}

/// Undoes one audited change.
pub fn undo(state: Option<RowState>, change: &audit_log::Model) -> Option<RowState> {
    let fields = change.changes.as_ref().and_then(Value::as_object);
    let olds = || {
        fields
            .into_iter()
            .flatten()
            .filter_map(|(k, pair)| Some((k.clone(), pair.as_array()?.first()?.clone())))
    };
    match change.action.parse::<AuditAction>() {
        Ok(AuditAction::Create) => None,
        Ok(AuditAction::Delete) => Some(olds().collect()),
        _ => state.map(|mut s| {
            s.extend(olds());
            s
        }),
    }
}

/// The audit rows of `table` at or after `since`, grouped by row, newest first.
pub async fn changes_since(
    db: &impl ConnectionTrait,
    table: &str,
    since: Option<DateTime<Utc>>,
) -> AppResult<HashMap<i64, Vec<audit_log::Model>>> {
    let mut q = audit_log::Entity::find().filter(audit_log::Column::TableName.eq(table));
    if let Some(t) = since {
        q = q.filter(audit_log::Column::At.gte(t));
    }
    let rows = q
        .order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<audit_log::Model>> = HashMap::new();
    for r in rows {
        out.entry(r.row_id).or_default().push(r);
    }
    Ok(out)
}

/// Replays `changes` (per row, newest first) backwards from the current rows `now`.
pub fn replay(
    changes: &HashMap<i64, Vec<audit_log::Model>>,
    now: &HashMap<i64, RowState>,
) -> HashMap<i64, Replayed> {
    changes
        .iter()
        .map(|(id, list)| {
            let current = now.get(id).cloned();
            let then = list.iter().fold(current.clone(), undo);
            (*id, Replayed { now: current, then })
        })
        .collect()
}

/// Serialises models to their JSON fields, keyed by `id`.
pub fn states<M: serde::Serialize>(
    rows: impl IntoIterator<Item = M>,
    id: impl Fn(&M) -> i64,
) -> HashMap<i64, RowState> {
    rows.into_iter()
        .filter_map(|m| match serde_json::to_value(&m) {
            Ok(Value::Object(map)) => Some((id(&m), map)),
            _ => None,
        })
        .collect()
}

/// A field of a replayed row as a string (`None` when absent or null).
pub fn text(state: &RowState, field: &str) -> Option<String> {
    state.get(field)?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(action: &str, changes: Value) -> audit_log::Model {
        audit_log::Model {
            id: 1,
            at: Utc::now(),
            user_id: None,
            actor: "test".into(),
            table_name: "entries".into(),
            row_id: 7,
            action: action.into(),
            changes: Some(changes),
            summary: None,
        }
    }

    #[test]
    fn updates_are_undone_newest_first_and_deletions_bring_rows_back() {
        let now: RowState = json!({"id": 7, "status": "closed", "district_id": 2})
            .as_object()
            .cloned()
            .unwrap();
        // Oldest to newest: created in district 1, moved to 2, closed.
        let history = [
            change(
                "create",
                json!({"id": [null, 7], "status": [null, "active"], "district_id": [null, 1]}),
            ),
            change("update", json!({"district_id": [1, 2]})),
            change("update", json!({"status": ["active", "closed"]})),
        ];
        let mut state = Some(now.clone());
        let mut seen = Vec::new();
        for c in history.iter().rev() {
            state = undo(state, c);
            seen.push(state.clone());
        }
        let at = |i: usize, f: &str| seen[i].as_ref().map(|s| s[f].clone());
        assert_eq!(at(0, "status"), Some(json!("active")), "before closing");
        assert_eq!(at(0, "district_id"), Some(json!(2)));
        assert_eq!(at(1, "district_id"), Some(json!(1)), "before the move");
        assert_eq!(seen[2], None, "before it was created");

        let deleted = change(
            "delete",
            json!({"id": [7, null], "status": ["active", null]}),
        );
        let back = undo(None, &deleted).unwrap();
        assert_eq!(back["status"], json!("active"));
        assert_eq!(back["id"], json!(7));
    }
}
