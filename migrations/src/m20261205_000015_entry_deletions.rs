//! A counter of deleted entries, kept by a trigger, for the mention dictionary's change stamp
//! (`crate::linking::index`). The stamp used to be the newest `updated_at` and the number of
//! entries: counting 100,000 entries took PostgreSQL 15–30 ms before every report save, most
//! of a save's relink, and a deletion followed by an insertion between two checks left the
//! count unchanged, so the deleted entry's names stayed linkable. Now a deletion moves the
//! counter, read by its key.
//!
//! The trigger inserts the row when it is missing, so a database emptied by other means
//! still counts.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "CREATE TABLE entry_deletions \
     (id INTEGER PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL)";
const SEED: &str = "INSERT INTO entry_deletions (id, n) VALUES (1, 0)";
const BUMP: &str = "INSERT INTO entry_deletions (id, n) VALUES (1, 1) \
     ON CONFLICT (id) DO UPDATE SET n = entry_deletions.n + 1";

fn up_statements(backend: DatabaseBackend) -> Result<Vec<String>, DbErr> {
    Ok(match backend {
        DatabaseBackend::Sqlite => vec![
            TABLE.into(),
            SEED.into(),
            format!(
                "CREATE TRIGGER entries_count_deletions AFTER DELETE ON entries \
                 BEGIN {BUMP}; END"
            ),
        ],
        DatabaseBackend::Postgres => vec![
            TABLE.into(),
            SEED.into(),
            format!(
                "CREATE OR REPLACE FUNCTION tambang_count_entry_deletion() RETURNS trigger \
                 LANGUAGE plpgsql AS $$ BEGIN {BUMP}; RETURN NULL; END $$"
            ),
            "CREATE TRIGGER entries_count_deletions AFTER DELETE ON entries \
             FOR EACH ROW EXECUTE FUNCTION tambang_count_entry_deletion()"
                .into(),
        ],
        other => {
            return Err(DbErr::Migration(format!(
                "entry deletions are not counted on {other:?}"
            )));
        }
    })
}

fn down_statements(backend: DatabaseBackend) -> Vec<&'static str> {
    match backend {
        DatabaseBackend::Postgres => vec![
            "DROP TRIGGER IF EXISTS entries_count_deletions ON entries",
            "DROP FUNCTION IF EXISTS tambang_count_entry_deletion()",
            "DROP TABLE IF EXISTS entry_deletions",
        ],
        _ => vec![
            "DROP TRIGGER IF EXISTS entries_count_deletions",
            "DROP TABLE IF EXISTS entry_deletions",
        ],
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for sql in up_statements(manager.get_database_backend())? {
            manager.get_connection().execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for sql in down_statements(manager.get_database_backend()) {
            manager.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
