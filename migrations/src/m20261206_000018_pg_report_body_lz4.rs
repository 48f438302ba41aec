//! Report bodies on PostgreSQL are compressed with lz4 instead of pglz. A search term found
//! in many reports is confirmed in each candidate's body (`strpos`, behind the pair index of
//! migration 14), and a body of 2,000–10,000 characters lives out of line, compressed: reading
//! it was mostly decompressing it. Over the 10,000 generated reports, confirming a common
//! six-letter word in the first 1,001 of them took 27–36 ms with pglz and 21–28 ms with lz4
//! (no compression at all: 21–24 ms, for six times the space here). Real prose compresses
//! less than generated text but still does: the founding visit report's 6,203 bytes are 3,250
//! with pglz and 3,935 with lz4.
//!
//! Only bodies written from now on are lz4; those already stored stay pglz (both read the
//! same) until their report is next saved. Rewriting them here would recompute every
//! report's pair set and trigram entries — a minute for 10,000 reports, at server start.
//! A server built without lz4 keeps pglz: the setting is only taken when PostgreSQL offers it.
//!
//! SQLite: nothing (it does not compress).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        let lz4 = db
            .query_one_raw(Statement::from_string(
                DatabaseBackend::Postgres,
                "SELECT 1 AS ok FROM pg_settings \
                 WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)",
            ))
            .await?
            .is_some();
        if lz4 {
            db.execute_unprepared("ALTER TABLE reports ALTER COLUMN body SET COMPRESSION lz4")
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE reports ALTER COLUMN body SET COMPRESSION default")
            .await?;
        Ok(())
    }
}
