//! Search at 100,000 entries, again: a query of a common word (나눔, 마을, 누리) ranked every
//! entry whose name starts with it — over a thousand — on top of the thousand candidates read
//! from the full-text index, although at most twenty of each kind are shown. The search now
//! takes, per kind, only the first names of that range (see `search::queries::entry_best`),
//! which needs each name's kind beside it in the index: the case-folded name index gains the
//! kind as its second column, so the range is read from the index alone.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn statements(backend: DatabaseBackend, up: bool) -> Result<[&'static str; 2], DbErr> {
    Ok(match (backend, up) {
        (DatabaseBackend::Sqlite, true) => [
            "CREATE INDEX ix_entries_name_nocase_kind ON entries (name COLLATE NOCASE, kind)",
            "DROP INDEX IF EXISTS ix_entries_name_nocase",
        ],
        (DatabaseBackend::Sqlite, false) => [
            "CREATE INDEX ix_entries_name_nocase ON entries (name COLLATE NOCASE)",
            "DROP INDEX IF EXISTS ix_entries_name_nocase_kind",
        ],
        (DatabaseBackend::Postgres, true) => [
            "CREATE INDEX IF NOT EXISTS ix_entries_name_lower_kind \
             ON entries ((lower(name) COLLATE \"C\"), kind)",
            "DROP INDEX IF EXISTS ix_entries_name_lower",
        ],
        (DatabaseBackend::Postgres, false) => [
            "CREATE INDEX IF NOT EXISTS ix_entries_name_lower \
             ON entries ((lower(name) COLLATE \"C\"))",
            "DROP INDEX IF EXISTS ix_entries_name_lower_kind",
        ],
        (other, _) => {
            return Err(DbErr::Migration(format!(
                "search is not implemented for {other:?}"
            )));
        }
    })
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for sql in statements(manager.get_database_backend(), true)? {
            manager.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for sql in statements(manager.get_database_backend(), false)? {
            manager.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
