//! Two-letter search terms on PostgreSQL. The pg_trgm indexes of migration 5 cannot serve a
//! term shorter than three characters (`LIKE '%마을%'` has no trigram), so such a term —
//! common in Korean: 마을, 두레, 서초 — read every entry, alias and report: 75–90 ms over
//! 100,000 entries and 0.1–0.8 s over the bodies of 10,000 reports. SQLite has bigram tables
//! for this (migration 12); PostgreSQL gets the same from GIN indexes over each row's set of
//! two-character substrings, case-folded, whitespace left out: a term occurs in a row only if
//! all of its pairs are in that set, and `LIKE` then checks only the rows the index hands over.
//!
//! The set is computed by `tambang_bigrams(VARIADIC text[])` (several columns at once, joined
//! by a space, so no pair spans two of them): one index per table over the columns search
//! reads. Pairs are taken at even and at odd offsets with two `regexp_matches` passes: linear
//! in the text, where `substr` at every offset would be quadratic in a multibyte body.
//! The indexes' statistics are turned off: `ANALYZE` would otherwise compute the set for every
//! sampled row (42 s for 10,000 reports) and the planner does not use them.
//!
//! SQLite: nothing (its bigram tables are migration 12).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const FUNCTION: &str = r"CREATE OR REPLACE FUNCTION tambang_bigrams(VARIADIC parts text[])
RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  WITH t AS (SELECT lower(array_to_string(parts, ' ')) AS s)
  SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
    SELECT m[1] AS g FROM t, regexp_matches(t.s, '(..)', 'g') AS m
    UNION ALL
    SELECT m[1] FROM t, regexp_matches(substr(t.s, 2), '(..)', 'g') AS m
  ) pairs WHERE g !~ '\s'
$$";

/// (index, table, the columns search reads, in the order the queries name them).
const INDEXES: &[(&str, &str, &str)] = &[
    (
        "ix_entries_bigrams",
        "entries",
        "name, name_en, address, description",
    ),
    ("ix_aliases_bigrams", "aliases", "name"),
    ("ix_reports_bigrams", "reports", "title, body"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(FUNCTION).await?;
        for (name, table, columns) in INDEXES {
            db.execute_unprepared(&format!(
                "CREATE INDEX IF NOT EXISTS {name} ON {table} \
                 USING gin (tambang_bigrams({columns}))"
            ))
            .await?;
            db.execute_unprepared(&format!(
                "ALTER INDEX {name} ALTER COLUMN 1 SET STATISTICS 0"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        for (name, _, _) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        db.execute_unprepared("DROP FUNCTION IF EXISTS tambang_bigrams(VARIADIC text[])")
            .await?;
        Ok(())
    }
}
