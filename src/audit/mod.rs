//! The audit trail: one mechanism for every write. `insert`, `update` and `delete` perform the
//! write and record who did it, when, and the changed fields old → new, on the same connection
//! — so inside a transaction the write and its audit row commit or roll back together.

pub mod labels;
pub mod queries;
pub mod stamp;

use chrono::Utc;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, EntityName, EntityTrait,
    IntoActiveModel, ModelTrait, Set,
};
use serde::Serialize;
use serde_json::{Map, Value};

pub use migration::audit_summary::{shown, summary};

use crate::domain::AuditAction;
use crate::entities::audit_log;
use crate::error::{AppError, AppResult};

/// Who is making a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The signed-in user, when there is one.
    pub user_id: Option<i64>,
    /// A readable name: the user's e-mail, or `cli`, `demo`, `system`.
    pub name: String,
}

impl Actor {
    /// A change made by a process rather than a person (`cli`, `demo`, …).
    pub fn system(name: &str) -> Self {
        Actor {
            user_id: None,
            name: name.to_string(),
        }
    }
}

/// Fields whose values never enter the audit trail in clear.
const SECRET_FIELDS: &[&str] = &["password_hash", "token_hash", "id_hash", "csrf_token"];
/// Bookkeeping fields that change on every write and say nothing by themselves.
const NOISE_FIELDS: &[&str] = &["updated_at", "version"];

fn as_object<T: Serialize>(model: &T) -> AppResult<Map<String, Value>> {
    match serde_json::to_value(model).map_err(AppError::internal)? {
        Value::Object(map) => Ok(map),
        other => Err(AppError::internal(format!(
            "audited model is not an object: {other}"
        ))),
    }
}

/// `{field: [old, new]}` for every field that differs (secrets masked, noise skipped).
pub fn diff(old: &Map<String, Value>, new: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, new_value) in new {
        if NOISE_FIELDS.contains(&key.as_str()) {
            continue;
        }
        let old_value = old.get(key).unwrap_or(&Value::Null);
        if old_value != new_value {
            let pair = if SECRET_FIELDS.contains(&key.as_str()) {
                serde_json::json!(["***", "***"])
            } else {
                serde_json::json!([old_value, new_value])
            };
            out.insert(key.clone(), pair);
        }
    }
    out
}

/// The changes of a created row: `{field: [null, value]}` for every field that is set, as
/// [`diff`] from an empty row gives them, but moving the values instead of copying them (an
/// import creates 200,000 audited rows).
pub fn created(new: Map<String, Value>) -> Map<String, Value> {
    new.into_iter()
        .filter(|(key, value)| !value.is_null() && !NOISE_FIELDS.contains(&key.as_str()))
        .map(|(key, value)| {
            let pair = if SECRET_FIELDS.contains(&key.as_str()) {
                serde_json::json!(["***", "***"])
            } else {
                Value::Array(vec![Value::Null, value])
            };
            (key, pair)
        })
        .collect()
}

fn row_id(map: &Map<String, Value>) -> AppResult<i64> {
    ["id", "entry_id", "report_id"]
        .iter()
        .find_map(|k| map.get(*k).and_then(Value::as_i64))
        .ok_or_else(|| AppError::internal("audited row has no integer id"))
}

/// The audit row of one change by `actor` at `at`.
fn audit_row(
    actor: &Actor,
    at: chrono::DateTime<Utc>,
    table: &str,
    row_id: i64,
    action: AuditAction,
    changes: Map<String, Value>,
) -> audit_log::ActiveModel {
    audit_log::ActiveModel {
        at: Set(at),
        user_id: Set(actor.user_id),
        actor: Set(actor.name.clone()),
        table_name: Set(table.to_string()),
        row_id: Set(row_id),
        action: Set(action.as_str().to_string()),
        summary: Set(summary(&changes).map(Value::Object)),
        changes: Set(Some(Value::Object(changes))),
        ..Default::default()
    }
}

/// Writes one audit row.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    table: &str,
    row_id: i64,
    action: AuditAction,
    changes: Map<String, Value>,
) -> AppResult<()> {
    audit_row(actor, Utc::now(), table, row_id, action, changes)
        .insert(db)
        .await?;
    Ok(())
}

/// Inserts a row and records its creation with every field as `[null, value]`.
pub async fn insert<A, C>(
    db: &C,
    actor: &Actor,
    model: A,
) -> AppResult<<A::Entity as EntityTrait>::Model>
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A> + Serialize,
    C: ConnectionTrait,
{
    let row = model.insert(db).await?;
    let new = as_object(&row)?;
    let table = A::Entity::default().table_name().to_string();
    record(
        db,
        actor,
        &table,
        row_id(&new)?,
        AuditAction::Create,
        created(new),
    )
    .await?;
    Ok(row)
}

/// Rows per multi-row statement in [`row_statements`] (and the import's batches): 500 rows of the widest
/// audited table bind about 10,000 parameters, well under SQLite's 32,766 and PostgreSQL's
/// 65,535.
pub const BATCH_ROWS: usize = 500;

/// An audit row built ahead of a bulk write: its changes (and summary) already JSON text, so
/// that writing 500 of them binds strings instead of copying JSON trees into the statement.
#[derive(Debug, Clone)]
pub struct PendingRow {
    at: chrono::DateTime<Utc>,
    table: &'static str,
    row_id: i64,
    action: AuditAction,
    changes: String,
    summary: Option<String>,
}

impl PendingRow {
    fn new(
        at: chrono::DateTime<Utc>,
        table: &'static str,
        row_id: i64,
        action: AuditAction,
        changes: Map<String, Value>,
    ) -> AppResult<Self> {
        let text = |m: &Map<String, Value>| serde_json::to_string(m).map_err(AppError::internal);
        Ok(PendingRow {
            at,
            table,
            row_id,
            action,
            summary: summary(&changes).as_ref().map(text).transpose()?,
            changes: text(&changes)?,
        })
    }
}

/// The audit rows recording the creation of rows already written (every field as
/// `[null, value]`, as [`insert`] records them). Building them is apart from writing them
/// ([`row_statements`]) so that the import builds one batch's while the database writes another's.
pub fn creation_rows<'m, M>(
    table: &'static str,
    rows: impl IntoIterator<Item = &'m M>,
) -> AppResult<Vec<PendingRow>>
where
    M: Serialize + 'm,
{
    let at = Utc::now();
    rows.into_iter()
        .map(|row| {
            let new = as_object(row)?;
            let id = row_id(&new)?;
            PendingRow::new(at, table, id, AuditAction::Create, created(new))
        })
        .collect()
}

/// The multi-row statements of [`BATCH_ROWS`] that write `rows`, the changes of `actor`.
pub fn row_statements(
    backend: sea_orm::DbBackend,
    actor: &Actor,
    rows: Vec<PendingRow>,
) -> Vec<sea_orm::Statement> {
    use sea_orm::{DbBackend, Statement};
    const COLUMNS: usize = 8;
    let mut statements = Vec::with_capacity(rows.len().div_ceil(BATCH_ROWS));
    // SQLite keeps JSON as text; PostgreSQL's `json` columns take text through a cast. SQLite
    // gets anonymous `?` placeholders: binding numbered ones looks each name up in a list,
    // which for 4,000 of them took a third of an import.
    let tuple = match backend {
        DbBackend::Postgres => |n: usize| {
            format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, CAST(${} AS json), CAST(${} AS json))",
                n + 1,
                n + 2,
                n + 3,
                n + 4,
                n + 5,
                n + 6,
                n + 7,
                n + 8
            )
        },
        _ => |_: usize| "(?, ?, ?, ?, ?, ?, ?, ?)".to_string(),
    };
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<PendingRow> = rows.by_ref().take(BATCH_ROWS).collect();
        let mut sql = String::with_capacity(120 + chunk.len() * 64);
        sql.push_str(
            "INSERT INTO audit_log (at, user_id, actor, table_name, row_id, action, changes, \
             summary) VALUES ",
        );
        let mut values: Vec<sea_orm::Value> = Vec::with_capacity(chunk.len() * COLUMNS);
        for (i, row) in chunk.into_iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&tuple(i * COLUMNS));
            values.extend([
                row.at.into(),
                actor.user_id.into(),
                actor.name.clone().into(),
                row.table.into(),
                row.row_id.into(),
                row.action.as_str().into(),
                row.changes.into(),
                row.summary.into(),
            ]);
        }
        statements.push(Statement::from_sql_and_values(backend, sql, values));
    }
    statements
}

/// Updates a row (given as it was before) and records the changed fields.
pub async fn update<A, C>(
    db: &C,
    actor: &Actor,
    before: &<A::Entity as EntityTrait>::Model,
    model: A,
) -> AppResult<<A::Entity as EntityTrait>::Model>
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A> + Serialize,
    C: ConnectionTrait,
{
    let row = model.update(db).await?;
    let (old, new) = (as_object(before)?, as_object(&row)?);
    let changes = diff(&old, &new);
    if !changes.is_empty() {
        let table = A::Entity::default().table_name().to_string();
        record(
            db,
            actor,
            &table,
            row_id(&new)?,
            AuditAction::Update,
            changes,
        )
        .await?;
    }
    Ok(row)
}

/// Deletes a row and records every field as `[value, null]`.
pub async fn delete<M, C>(db: &C, actor: &Actor, row: M) -> AppResult<()>
where
    M: ModelTrait
        + Serialize
        + IntoActiveModel<<<M as ModelTrait>::Entity as EntityTrait>::ActiveModel>
        + Send,
    <<M as ModelTrait>::Entity as EntityTrait>::ActiveModel: ActiveModelBehavior + Send,
    C: ConnectionTrait,
{
    let old = as_object(&row)?;
    let table = <M as ModelTrait>::Entity::default()
        .table_name()
        .to_string();
    let id = row_id(&old)?;
    row.delete(db).await?;
    let gone: Map<String, Value> = old.keys().map(|k| (k.clone(), Value::Null)).collect();
    record(
        db,
        actor,
        &table,
        id,
        AuditAction::Delete,
        diff(&old, &gone),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn diff_lists_changed_fields_only_and_masks_secrets() {
        let old = obj(
            json!({"id": 1, "name": "가", "role": "viewer", "password_hash": "a", "version": 1}),
        );
        let new = obj(
            json!({"id": 1, "name": "가", "role": "editor", "password_hash": "b", "version": 2}),
        );
        let d = diff(&old, &new);
        assert_eq!(d.get("role"), Some(&json!(["viewer", "editor"])));
        assert_eq!(d.get("password_hash"), Some(&json!(["***", "***"])));
        assert!(!d.contains_key("name") && !d.contains_key("version"));
    }

    #[test]
    fn creation_diff_has_every_field_from_null() {
        let new = obj(json!({"id": 7, "name": "바른참"}));
        let d = diff(&Map::new(), &new);
        assert_eq!(d.get("name"), Some(&json!([null, "바른참"])));
        assert_eq!(row_id(&new).unwrap(), 7);
    }

    #[test]
    fn created_is_the_diff_from_an_empty_row() {
        let new = obj(json!({
            "id": 7, "name": "바른참", "note": null, "version": 1, "updated_at": "2026-12-03",
            "password_hash": "$argon2id$…",
        }));
        assert_eq!(created(new.clone()), diff(&Map::new(), &new));
        assert!(!created(new).contains_key("note"));
    }
}
