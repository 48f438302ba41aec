//! Search indexes: SQLite FTS5 trigram tables kept in sync by triggers, PostgreSQL pg_trgm
//! GIN indexes.
//!
//! SQLite: `entries_fts` (rowid = entry id; name, name_en, the entry's aliases joined by
//! spaces, address, description) and `reports_fts` (rowid = report id; title, body). Triggers
//! on `entries`, `aliases` and `reports` rebuild the affected row, so every write path — the
//! web forms, imports, merges, raw SQL — keeps the index in sync without application code.
//! A trigger rebuilds "the row for entry X" from the base tables rather than patching it, so
//! cascades (deleting an entry deletes its aliases) end in the right state whatever order the
//! triggers fire in.
//!
//! PostgreSQL: trigram GIN indexes on the columns search reads with `ILIKE '%term%'`; the
//! planner uses them for terms of three or more characters. `down` drops the indexes but keeps
//! the `pg_trgm` extension: it is database-wide, other objects (or other apps sharing the
//! database) may use it, and dropping it may need rights the app does not have.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `(index name, table, column)` of every trigram index on PostgreSQL.
const PG_TRGM_INDEXES: &[(&str, &str, &str)] = &[
    ("ix_entries_name_trgm", "entries", "name"),
    ("ix_entries_name_en_trgm", "entries", "name_en"),
    ("ix_entries_address_trgm", "entries", "address"),
    ("ix_entries_description_trgm", "entries", "description"),
    ("ix_aliases_name_trgm", "aliases", "name"),
    ("ix_reports_title_trgm", "reports", "title"),
    ("ix_reports_body_trgm", "reports", "body"),
];

/// Triggers created on SQLite, dropped by `down`.
const SQLITE_TRIGGERS: &[&str] = &[
    "entries_fts_ai",
    "entries_fts_au",
    "entries_fts_ad",
    "aliases_fts_ai",
    "aliases_fts_au",
    "aliases_fts_ad",
    "reports_fts_ai",
    "reports_fts_au",
    "reports_fts_ad",
];

/// SQL that replaces the `entries_fts` row of the entry whose id is `id` (an expression such
/// as `new.id`) with one built from the base tables; no row when the entry no longer exists.
fn rebuild_entry(id: &str) -> String {
    format!(
        "DELETE FROM entries_fts WHERE rowid = {id};
         INSERT INTO entries_fts (rowid, name, name_en, aliases, address, description)
           SELECT e.id, e.name, e.name_en,
                  (SELECT group_concat(a.name, ' ') FROM aliases a WHERE a.entry_id = e.id),
                  e.address, e.description
           FROM entries e WHERE e.id = {id};"
    )
}

fn sqlite_up() -> Vec<String> {
    vec![
        "CREATE VIRTUAL TABLE entries_fts USING fts5(
           name, name_en, aliases, address, description, tokenize = 'trigram')"
            .into(),
        "CREATE VIRTUAL TABLE reports_fts USING fts5(title, body, tokenize = 'trigram')".into(),
        format!(
            "CREATE TRIGGER entries_fts_ai AFTER INSERT ON entries BEGIN {} END",
            rebuild_entry("new.id")
        ),
        // Only the indexed columns (and the id) matter; version bumps and other edits do not
        // touch the index.
        format!(
            "CREATE TRIGGER entries_fts_au
               AFTER UPDATE OF id, name, name_en, address, description ON entries
             BEGIN DELETE FROM entries_fts WHERE rowid = old.id; {} END",
            rebuild_entry("new.id")
        ),
        "CREATE TRIGGER entries_fts_ad AFTER DELETE ON entries
         BEGIN DELETE FROM entries_fts WHERE rowid = old.id; END"
            .into(),
        format!(
            "CREATE TRIGGER aliases_fts_ai AFTER INSERT ON aliases BEGIN {} END",
            rebuild_entry("new.entry_id")
        ),
        format!(
            "CREATE TRIGGER aliases_fts_au AFTER UPDATE OF name, entry_id ON aliases
             BEGIN {} {} END",
            rebuild_entry("old.entry_id"),
            rebuild_entry("new.entry_id")
        ),
        format!(
            "CREATE TRIGGER aliases_fts_ad AFTER DELETE ON aliases BEGIN {} END",
            rebuild_entry("old.entry_id")
        ),
        "CREATE TRIGGER reports_fts_ai AFTER INSERT ON reports
         BEGIN INSERT INTO reports_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
         END"
        .into(),
        "CREATE TRIGGER reports_fts_au AFTER UPDATE OF id, title, body ON reports
         BEGIN
           DELETE FROM reports_fts WHERE rowid = old.id;
           INSERT INTO reports_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
         END"
        .into(),
        "CREATE TRIGGER reports_fts_ad AFTER DELETE ON reports
         BEGIN DELETE FROM reports_fts WHERE rowid = old.id; END"
            .into(),
        // Rows written before this migration.
        "INSERT INTO entries_fts (rowid, name, name_en, aliases, address, description)
           SELECT e.id, e.name, e.name_en,
                  (SELECT group_concat(a.name, ' ') FROM aliases a WHERE a.entry_id = e.id),
                  e.address, e.description
           FROM entries e"
            .into(),
        "INSERT INTO reports_fts (rowid, title, body) SELECT id, title, body FROM reports".into(),
    ]
}

fn sqlite_down() -> Vec<String> {
    SQLITE_TRIGGERS
        .iter()
        .map(|t| format!("DROP TRIGGER IF EXISTS {t}"))
        .chain([
            "DROP TABLE IF EXISTS entries_fts".to_string(),
            "DROP TABLE IF EXISTS reports_fts".to_string(),
        ])
        .collect()
}

fn postgres_up() -> Vec<String> {
    std::iter::once("CREATE EXTENSION IF NOT EXISTS pg_trgm".to_string())
        .chain(PG_TRGM_INDEXES.iter().map(|(name, table, col)| {
            format!("CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({col} gin_trgm_ops)")
        }))
        .collect()
}

fn postgres_down() -> Vec<String> {
    PG_TRGM_INDEXES
        .iter()
        .map(|(name, _, _)| format!("DROP INDEX IF EXISTS {name}"))
        .collect()
}

async fn run(manager: &SchemaManager<'_>, statements: Vec<String>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for sql in statements {
        db.execute_unprepared(&sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DatabaseBackend::Sqlite => run(manager, sqlite_up()).await,
            DatabaseBackend::Postgres => run(manager, postgres_up()).await,
            other => Err(DbErr::Migration(format!(
                "search is not implemented for {other:?}"
            ))),
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DatabaseBackend::Sqlite => run(manager, sqlite_down()).await,
            DatabaseBackend::Postgres => run(manager, postgres_down()).await,
            other => Err(DbErr::Migration(format!(
                "search is not implemented for {other:?}"
            ))),
        }
    }
}
