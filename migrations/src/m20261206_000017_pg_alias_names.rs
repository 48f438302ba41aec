//! Search on PostgreSQL reads an entry's aliases with its own columns. A term matches an
//! entry when it is in the entry's name, English name, address, description *or one of its
//! aliases*; with the aliases in a table apart, a search of several terms had to take each
//! term's entries and aliases whole and intersect them — a common word (회적경제) is in all
//! 100,000 entries, so one two-term search read every entry: 150–220 ms. Here each entry also
//! holds its aliases' names, space-separated (`entries.alias_names`, kept by triggers on
//! `aliases`), and the pair index of migration 14 covers them, so every term of a search is
//! answered by one read of one index, cut after the first thousand matches. The aliases' own
//! pair index (migration 14) then serves no query, so it goes: every alias write kept it up.
//!
//! The space between two aliases keeps a match from spanning them: search terms hold no
//! whitespace, and `tambang_bigrams` takes no pair across a space. The column is not part of
//! the application's entity: only search's SQL reads it, and only the triggers write it
//! (a statement's aliases at once, through its transition tables, so a bulk insert of
//! 200,000 aliases is one update of their entries).
//!
//! SQLite: nothing (its full-text tables already hold the aliases, migration 12).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Recomputes `alias_names` of the entries a statement's aliases belong (or belonged) to.
const SYNC: &str = r"CREATE OR REPLACE FUNCTION tambang_alias_names_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE entries e SET alias_names = (
      SELECT string_agg(a.name, ' ' ORDER BY a.id) FROM aliases a WHERE a.entry_id = e.id)
    WHERE e.id IN (SELECT entry_id FROM new_aliases);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE entries e SET alias_names = (
      SELECT string_agg(a.name, ' ' ORDER BY a.id) FROM aliases a WHERE a.entry_id = e.id)
    WHERE e.id IN (SELECT entry_id FROM old_aliases);
  ELSE
    UPDATE entries e SET alias_names = (
      SELECT string_agg(a.name, ' ' ORDER BY a.id) FROM aliases a WHERE a.entry_id = e.id)
    WHERE e.id IN (SELECT entry_id FROM new_aliases UNION SELECT entry_id FROM old_aliases);
  END IF;
  RETURN NULL;
END
$$";

/// (trigger, event, transition tables).
const TRIGGERS: &[(&str, &str, &str)] = &[
    (
        "tambang_aliases_ins",
        "INSERT",
        "REFERENCING NEW TABLE AS new_aliases",
    ),
    (
        "tambang_aliases_upd",
        "UPDATE",
        "REFERENCING OLD TABLE AS old_aliases NEW TABLE AS new_aliases",
    ),
    (
        "tambang_aliases_del",
        "DELETE",
        "REFERENCING OLD TABLE AS old_aliases",
    ),
];

/// The entries' pair index (migration 14) and the aliases' one.
const ENTRIES: &str = "ix_entries_bigrams";
const ALIASES: &str = "ix_aliases_bigrams";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE entries ADD COLUMN IF NOT EXISTS alias_names text")
            .await?;
        db.execute_unprepared(SYNC).await?;
        for (name, event, tables) in TRIGGERS {
            db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name} ON aliases"))
                .await?;
            db.execute_unprepared(&format!(
                "CREATE TRIGGER {name} AFTER {event} ON aliases {tables} \
                 FOR EACH STATEMENT EXECUTE FUNCTION tambang_alias_names_sync()"
            ))
            .await?;
        }
        db.execute_unprepared(
            "UPDATE entries e SET alias_names = a.names FROM (SELECT entry_id, \
             string_agg(name, ' ' ORDER BY id) AS names FROM aliases GROUP BY entry_id) a \
             WHERE e.id = a.entry_id",
        )
        .await?;
        db.execute_unprepared(&format!("DROP INDEX IF EXISTS {ALIASES}"))
            .await?;
        pair_index(
            db,
            ENTRIES,
            "entries",
            "name, name_en, address, description, alias_names",
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        for (name, _, _) in TRIGGERS {
            db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name} ON aliases"))
                .await?;
        }
        db.execute_unprepared("DROP FUNCTION IF EXISTS tambang_alias_names_sync()")
            .await?;
        pair_index(
            db,
            ENTRIES,
            "entries",
            "name, name_en, address, description",
        )
        .await?;
        pair_index(db, ALIASES, "aliases", "name").await?;
        db.execute_unprepared("ALTER TABLE entries DROP COLUMN IF EXISTS alias_names")
            .await?;
        Ok(())
    }
}

/// The pair index `name` of `table` over `columns` (as migration 14 made them: statistics
/// off), made anew.
async fn pair_index(
    db: &SchemaManagerConnection<'_>,
    name: &str,
    table: &str,
    columns: &str,
) -> Result<(), DbErr> {
    db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
        .await?;
    db.execute_unprepared(&format!(
        "CREATE INDEX {name} ON {table} USING gin (tambang_bigrams({columns}))"
    ))
    .await?;
    db.execute_unprepared(&format!(
        "ALTER INDEX {name} ALTER COLUMN 1 SET STATISTICS 0"
    ))
    .await?;
    Ok(())
}
