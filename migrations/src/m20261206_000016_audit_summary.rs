//! `audit_log.summary`: each change as the history lines show it, so that an entry's or a
//! report's page reads a few hundred bytes per change instead of the whole change (a report's
//! edit holds its body twice; 50 of them on a 4,700-character report cut that report's page
//! from ~960 to ~335 requests a second). See `crate::audit_summary` for the rule; rows written
//! before this migration get their summary here, in batches of 1,000 read by id.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::json_null;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

use crate::audit_summary::summary;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Rows read per batch while filling the column.
const BATCH: i64 = 1000;

async fn fill(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    let set = match backend {
        DatabaseBackend::Postgres => {
            "UPDATE audit_log SET summary = CAST($1 AS json) WHERE id = $2"
        }
        _ => "UPDATE audit_log SET summary = $1 WHERE id = $2",
    };
    let mut after = 0i64;
    loop {
        // A change shorter than a line as JSON has no value to cut.
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                "SELECT id, CAST(changes AS TEXT) AS changes FROM audit_log \
                 WHERE id > $1 AND length(CAST(changes AS TEXT)) > $2 ORDER BY id LIMIT $3",
                [
                    after.into(),
                    (crate::audit_summary::SHOWN_CHARS as i64).into(),
                    BATCH.into(),
                ],
            ))
            .await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.try_get_by_index(0)?;
        for row in &rows {
            let id: i64 = row.try_get_by_index(0)?;
            let text: String = row.try_get_by_index(1)?;
            let changes: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text)
                .map_err(|e| {
                DbErr::Migration(format!(
                    "audit row {id}: changes are not a JSON object: {e}"
                ))
            })?;
            if let Some(cut) = summary(&changes) {
                let cut = serde_json::Value::Object(cut).to_string();
                db.execute_raw(Statement::from_sql_and_values(
                    backend,
                    set,
                    [cut.into(), id.into()],
                ))
                .await?;
            }
        }
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("audit_log")
                    .add_column(json_null("summary"))
                    .to_owned(),
            )
            .await?;
        fill(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("audit_log")
                    .drop_column("summary")
                    .to_owned(),
            )
            .await
    }
}
