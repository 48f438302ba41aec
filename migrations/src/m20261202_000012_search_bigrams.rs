//! Search at 100,000 entries (found with `tambang bench`): terms of two characters (성수, 와디,
//! 카페 — a fifth of what people type) could not use the trigram index and scanned every name,
//! address, description and report body with `LIKE`; and a query whose words are common had
//! no cheap way to find the entries named exactly or starting with it.
//!
//! SQLite: `entries_bigrams` and `reports_bigrams` are FTS5 tables whose one column holds the
//! two-character substrings of the searchable text (name, English name, aliases,
//! address, description; a report's title and body), comma-separated, so the `unicode61`
//! tokenizer turns each into one token and a two-character term is one index lookup. Pairs that
//! span a space or punctuation fall apart into single characters, which no query asks for.
//! (The separator and the chunked cutting are explained at [`pairs`].)
//! The tables are contentless (`contentless_delete=1`, so rows can still be replaced) with
//! `detail=none`: a one-token query needs neither the text nor positions. Triggers on
//! `entries`, `aliases` and `reports` rebuild the affected row from the base tables, as the
//! trigram triggers do, so every write path keeps them in sync; the pairs are cut in SQL with a
//! recursive CTE.
//!
//! Both backends: an index on the case-folded name of entries and aliases, so the entries named
//! exactly as the query, or starting with it, are found by a range scan however common the query
//! is (SQLite `COLLATE NOCASE`; PostgreSQL `lower(name) COLLATE "C"`, code-point order, which is
//! what a prefix range needs).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Triggers created on SQLite, dropped by `down`.
const SQLITE_TRIGGERS: &[&str] = &[
    "entries_bigrams_ai",
    "entries_bigrams_au",
    "entries_bigrams_ad",
    "aliases_bigrams_ai",
    "aliases_bigrams_au",
    "aliases_bigrams_ad",
    "reports_bigrams_ai",
    "reports_bigrams_au",
    "reports_bigrams_ad",
];

/// The two-character substrings of `d.t` (whose length in characters is `d.len`),
/// comma-separated (repeats are harmless: a `detail=none` index keeps one row per token).
///
/// SQLite's `substr` and `length` walk UTF-8 text from its start, so cutting a 10,000-character
/// report pair by pair is quadratic (0.7 s a report). Instead the text is cut once into
/// 65-character chunks that overlap by one (materialised, so each is cut once) and the pairs
/// are taken inside the chunks: about 20 ms for 10,000 characters.
fn pairs() -> String {
    "(WITH RECURSIVE \
       k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE (j + 1) * 64 < d.len - 1), \
       i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < 64), \
       c(s) AS MATERIALIZED (SELECT substr(d.t, k.j * 64 + 1, 65) FROM k) \
     SELECT group_concat(substr(c.s, i.n, 2)) FROM c JOIN i ON i.n < length(c.s))"
        .to_string()
}

/// `SELECT id, t, len` of the searchable text of the entries matching `filter`.
fn entry_text(filter: &str) -> String {
    format!(
        "SELECT x.id, x.t, length(x.t) AS len FROM (
           SELECT e.id, e.name || char(10) || coalesce(e.name_en, '') || char(10)
                  || coalesce((SELECT group_concat(a.name, char(10)) FROM aliases a
                               WHERE a.entry_id = e.id), '')
                  || char(10) || coalesce(e.address, '') || char(10)
                  || coalesce(e.description, '') AS t
           FROM entries e {filter}) x"
    )
}

/// `SELECT id, t, len` of the searchable text of the reports matching `filter`.
fn report_text(filter: &str) -> String {
    format!(
        "SELECT x.id, x.t, length(x.t) AS len FROM (
           SELECT r.id, r.title || char(10) || r.body AS t FROM reports r {filter}) x"
    )
}

/// SQL that replaces the `entries_bigrams` row of the entry whose id is `id` (an expression such
/// as `new.id`); no row when the entry no longer exists.
fn rebuild_entry(id: &str) -> String {
    format!(
        "DELETE FROM entries_bigrams WHERE rowid = {id};
         INSERT INTO entries_bigrams (rowid, g) SELECT d.id, {} FROM ({}) d;",
        pairs(),
        entry_text(&format!("WHERE e.id = {id}"))
    )
}

/// SQL that replaces the `reports_bigrams` row of the report `id`.
fn rebuild_report(id: &str) -> String {
    format!(
        "DELETE FROM reports_bigrams WHERE rowid = {id};
         INSERT INTO reports_bigrams (rowid, g) SELECT d.id, {} FROM ({}) d;",
        pairs(),
        report_text(&format!("WHERE r.id = {id}"))
    )
}

const FTS_OPTIONS: &str = "tokenize = 'unicode61 remove_diacritics 0', content = '', contentless_delete = 1, \
     detail = none";

fn sqlite_up() -> Vec<String> {
    vec![
        format!("CREATE VIRTUAL TABLE entries_bigrams USING fts5(g, {FTS_OPTIONS})"),
        format!("CREATE VIRTUAL TABLE reports_bigrams USING fts5(g, {FTS_OPTIONS})"),
        format!(
            "CREATE TRIGGER entries_bigrams_ai AFTER INSERT ON entries BEGIN {} END",
            rebuild_entry("new.id")
        ),
        format!(
            "CREATE TRIGGER entries_bigrams_au
               AFTER UPDATE OF id, name, name_en, address, description ON entries
             BEGIN DELETE FROM entries_bigrams WHERE rowid = old.id; {} END",
            rebuild_entry("new.id")
        ),
        "CREATE TRIGGER entries_bigrams_ad AFTER DELETE ON entries
         BEGIN DELETE FROM entries_bigrams WHERE rowid = old.id; END"
            .into(),
        format!(
            "CREATE TRIGGER aliases_bigrams_ai AFTER INSERT ON aliases BEGIN {} END",
            rebuild_entry("new.entry_id")
        ),
        format!(
            "CREATE TRIGGER aliases_bigrams_au AFTER UPDATE OF name, entry_id ON aliases
             BEGIN {} {} END",
            rebuild_entry("old.entry_id"),
            rebuild_entry("new.entry_id")
        ),
        format!(
            "CREATE TRIGGER aliases_bigrams_ad AFTER DELETE ON aliases BEGIN {} END",
            rebuild_entry("old.entry_id")
        ),
        format!(
            "CREATE TRIGGER reports_bigrams_ai AFTER INSERT ON reports BEGIN {} END",
            rebuild_report("new.id")
        ),
        format!(
            "CREATE TRIGGER reports_bigrams_au AFTER UPDATE OF id, title, body ON reports
             BEGIN DELETE FROM reports_bigrams WHERE rowid = old.id; {} END",
            rebuild_report("new.id")
        ),
        "CREATE TRIGGER reports_bigrams_ad AFTER DELETE ON reports
         BEGIN DELETE FROM reports_bigrams WHERE rowid = old.id; END"
            .into(),
        // Rows written before this migration.
        format!(
            "INSERT INTO entries_bigrams (rowid, g) SELECT d.id, {} FROM ({}) d",
            pairs(),
            entry_text("")
        ),
        format!(
            "INSERT INTO reports_bigrams (rowid, g) SELECT d.id, {} FROM ({}) d",
            pairs(),
            report_text("")
        ),
        "CREATE INDEX ix_entries_name_nocase ON entries (name COLLATE NOCASE)".into(),
        "CREATE INDEX ix_aliases_name_nocase ON aliases (name COLLATE NOCASE)".into(),
    ]
}

fn sqlite_down() -> Vec<String> {
    SQLITE_TRIGGERS
        .iter()
        .map(|t| format!("DROP TRIGGER IF EXISTS {t}"))
        .chain(
            [
                "DROP TABLE IF EXISTS entries_bigrams",
                "DROP TABLE IF EXISTS reports_bigrams",
                "DROP INDEX IF EXISTS ix_entries_name_nocase",
                "DROP INDEX IF EXISTS ix_aliases_name_nocase",
            ]
            .map(String::from),
        )
        .collect()
}

fn postgres_up() -> Vec<String> {
    vec![
        "CREATE INDEX IF NOT EXISTS ix_entries_name_lower ON entries ((lower(name) COLLATE \"C\"))"
            .into(),
        "CREATE INDEX IF NOT EXISTS ix_aliases_name_lower ON aliases ((lower(name) COLLATE \"C\"))"
            .into(),
    ]
}

fn postgres_down() -> Vec<String> {
    vec![
        "DROP INDEX IF EXISTS ix_entries_name_lower".into(),
        "DROP INDEX IF EXISTS ix_aliases_name_lower".into(),
    ]
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
