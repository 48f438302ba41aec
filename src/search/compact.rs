//! Keeping the search indexes compact after bulk writes.
//!
//! SQLite's FTS5 tables grow by segments: every flush of written rows adds one, and automatic
//! merging keeps several per level. After an import or a bulk load a common pair's list is
//! spread over dozens of segments, and reading it is that many list walks: the 22,751
//! entries holding 에서 took 7 ms to list at 100,000 entries, 0.9 ms once merged — the
//! search `셀러레이 에서` 11 → 4.4 ms for its candidates alone. [`compact`] merges each table
//! in small incremental steps (FTS5's `'merge'` command, each step its own short write
//! transaction, so a save elsewhere waits for one step, never for the whole merge) until a
//! step finds nothing left to merge. On PostgreSQL the pair indexes' GIN pending lists
//! (rows written since the last `VACUUM`, read one by one at every lookup) are moved into
//! the index (`gin_clean_pending_list`), which is what autovacuum would do later.
//!
//! Run after every applied import (CLI and web), at server start (in the background: a
//! no-op when there is nothing to merge) and by the benchmark after it generates data.

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

use crate::error::AppResult;

/// The FTS5 tables of search (migrations 5 and 12).
pub const SQLITE_TABLES: [&str; 4] = [
    "entries_fts",
    "entries_bigrams",
    "reports_fts",
    "reports_bigrams",
];

/// The GIN pair indexes of PostgreSQL search (migration 14; the aliases' went in migration 17,
/// their names being read on the entry's row).
pub const POSTGRES_INDEXES: [&str; 2] = ["ix_entries_bigrams", "ix_reports_bigrams"];

/// Leaf pages one merge step writes at most (a step takes up to ~0.1 s at 100,000 entries).
const STEP_PAGES: i64 = 500;

/// Steps after which a table is left for the next run (a bound, never reached in practice:
/// merging the trigrams of 10,000 reports after a bulk load takes about 70).
const MAX_STEPS: u32 = 10_000;

/// What was done to one table or index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compacted {
    pub name: &'static str,
    /// Merge steps that found work (SQLite) or pending-list pages moved (PostgreSQL).
    pub work: u64,
    pub elapsed: Duration,
}

/// Merges the search indexes of `db` (see the module documentation).
pub async fn compact(db: &DatabaseConnection) -> AppResult<Vec<Compacted>> {
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            let mut out = Vec::new();
            for table in SQLITE_TABLES {
                out.push(merge_fts(db, table).await?);
            }
            Ok(out)
        }
        DatabaseBackend::Postgres => {
            let mut out = Vec::new();
            for index in POSTGRES_INDEXES {
                let started = Instant::now();
                let row = db
                    .query_one_raw(Statement::from_string(
                        DatabaseBackend::Postgres,
                        format!("SELECT gin_clean_pending_list('{index}'::regclass) AS pages"),
                    ))
                    .await?;
                let pages: i64 = match row {
                    Some(r) => r.try_get("", "pages")?,
                    None => 0,
                };
                out.push(Compacted {
                    name: index,
                    work: u64::try_from(pages).unwrap_or(0),
                    elapsed: started.elapsed(),
                });
            }
            Ok(out)
        }
        _ => Ok(Vec::new()),
    }
}

/// One table, step by step: a step that changed fewer than two rows found nothing to merge
/// (how FTS5 documents telling a merge from a no-op).
async fn merge_fts(db: &DatabaseConnection, table: &'static str) -> AppResult<Compacted> {
    let started = Instant::now();
    let mut work = 0;
    for _ in 0..MAX_STEPS {
        let txn = crate::db::begin_write(db).await?;
        let before = total_changes(&txn).await?;
        txn.execute_unprepared(&format!(
            "INSERT INTO {table} ({table}, rank) VALUES ('merge', -{STEP_PAGES})"
        ))
        .await?;
        let after = total_changes(&txn).await?;
        txn.commit().await?;
        if after - before < 2 {
            break;
        }
        work += 1;
        // Let a waiting writer have the database between two steps.
        tokio::task::yield_now().await;
    }
    Ok(Compacted {
        name: table,
        work,
        elapsed: started.elapsed(),
    })
}

async fn total_changes(db: &impl ConnectionTrait) -> AppResult<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            DatabaseBackend::Sqlite,
            "SELECT total_changes() AS n",
        ))
        .await?;
    Ok(match row {
        Some(r) => r.try_get("", "n")?,
        None => 0,
    })
}

/// [`compact`] with its outcome logged: for the server, where nobody waits for it.
pub async fn compact_logged(db: &DatabaseConnection) {
    match compact(db).await {
        Ok(done) => tracing::info!("{}", summary(&done)),
        Err(e) => tracing::error!(error = %e, "compacting the search indexes failed"),
    }
}

/// One line for logs and the CLI: what was merged and how long it took.
pub fn summary(done: &[Compacted]) -> String {
    let total: Duration = done.iter().map(|c| c.elapsed).sum();
    let parts: Vec<String> = done
        .iter()
        .filter(|c| c.work > 0)
        .map(|c| format!("{} {}", c.name, c.work))
        .collect();
    if parts.is_empty() {
        format!(
            "search indexes already compact ({:.2} s)",
            total.as_secs_f64()
        )
    } else {
        format!(
            "search indexes compacted in {:.1} s ({})",
            total.as_secs_f64(),
            parts.join(", ")
        )
    }
}
