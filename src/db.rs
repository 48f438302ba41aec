//! Connecting to the database and keeping the schema current.
//!
//! SQLite gets WAL, foreign keys and a busy timeout on every pooled connection (pragmas are
//! per connection, so they are set through the connect options, not once after connecting).
//! Connection failures become one readable sentence naming the database, not a pool timeout.

use std::path::Path;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};

use crate::error::AppError;

/// Begins a transaction that will write. On SQLite it takes the write lock up front
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes cannot wait for
/// another writer (SQLite answers "database is locked" at once rather than deadlock), whereas
/// an immediate one waits through the busy timeout. PostgreSQL ignores the mode. Every write
/// transaction in the app starts here (the concurrency drill in `tests/app/drill.rs` pins it).
pub async fn begin_write<C>(db: &C) -> Result<DatabaseTransaction, DbErr>
where
    C: TransactionTrait<Transaction = DatabaseTransaction>,
{
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// SQLite's page cache of one connection, widened for a long write transaction (see
/// `import::apply`) and put back with [`WideCache::restore`]. Elsewhere it does nothing:
/// PostgreSQL's buffers are the server's.
#[derive(Debug)]
#[must_use = "the cache must be put back before the connection returns to the pool"]
pub struct WideCache {
    previous: Option<i64>,
}

impl WideCache {
    /// Sets the cache to `kib` KiB unless it is that large already.
    pub async fn widen(db: &impl ConnectionTrait, kib: i64) -> Result<Self, DbErr> {
        if db.get_database_backend() != DbBackend::Sqlite {
            return Ok(Self { previous: None });
        }
        let row = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA cache_size",
            ))
            .await?;
        let previous = row
            .and_then(|r| r.try_get_by_index::<i64>(0).ok())
            .unwrap_or(-2000);
        // Negative sizes are KiB, positive ones pages (of 4 KiB by default).
        let current_kib = if previous < 0 {
            -previous
        } else {
            previous * 4
        };
        if current_kib >= kib {
            return Ok(Self { previous: None });
        }
        db.execute_unprepared(&format!("PRAGMA cache_size = -{kib}"))
            .await?;
        Ok(Self {
            previous: Some(previous),
        })
    }

    /// Puts the cache size back (the pages beyond it are freed).
    pub async fn restore(self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        if let Some(previous) = self.previous {
            db.execute_unprepared(&format!("PRAGMA cache_size = {previous}"))
                .await?;
        }
        Ok(())
    }
}

/// Opens a pool for `url` (sqlite:// or postgres://).
pub async fn connect(url: &str) -> Result<DatabaseConnection, AppError> {
    let backend = backend_of(url)?;
    if backend == DbBackend::Sqlite {
        ensure_sqlite_dir(url)?;
    }
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10));
    if backend == DbBackend::Sqlite {
        // Four: SQLite's work is CPU-bound and the machine has two cores, WAL lets readers run
        // beside the writer, and each connection keeps a page cache (2 MB) and its prepared
        // statements. Under the benchmark's HTTP load at 100,000 entries, 8 connections peaked
        // at 147–152 MiB and 4 at 141 MiB, with the same or higher requests per second.
        opts.max_connections(4)
            .min_connections(1)
            .map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    // Statement journals (and temporary tables) in memory: each multi-row
                    // INSERT of a long transaction keeps the pages it changes there until it
                    // ends, and an import of 100,000 rows wrote 1.6 GB of them to files in
                    // /var/tmp, 785,000 write calls, for a database of 240 MB.
                    .pragma("temp_store", "memory")
            });
    } else {
        // No JIT: the search's trigram queries carry cost estimates far above `jit_above_cost`
        // (millions, from the GIN index's pessimistic estimate), so PostgreSQL compiled each
        // of them with LLVM first — 75 ms of a query that then ran in 40.
        opts.max_connections(16)
            .map_sqlx_postgres_opts(|o| o.options([("jit", "off")]));
    }
    Database::connect(opts)
        .await
        .map_err(|e| AppError::Config(format!("cannot reach the database at {}: {e}", redact(url))))
}

/// Connects and applies every pending migration.
///
/// On SQLite a pool that migrated is closed and opened again. The pool opens connections while
/// the migrations run, and each keeps the schema it read when it opened: a connection that
/// read it before `entries` existed fails to prepare a statement on `entries` with "no such
/// table" whenever SQLite cannot re-check the schema at that moment. Under load that was one
/// `DELETE FROM entries` in ~300 right after migrating (a flaky test on CI); with every
/// connection opened after the last migration, none holds an older schema.
pub async fn connect_and_migrate(url: &str) -> Result<DatabaseConnection, AppError> {
    let failed = |e: DbErr| AppError::Config(format!("migrating the database failed: {e}"));
    let db = connect(url).await?;
    let reopen = db.get_database_backend() == DbBackend::Sqlite
        && !Migrator::get_pending_migrations(&db)
            .await
            .map_err(failed)?
            .is_empty();
    Migrator::up(&db, None).await.map_err(failed)?;
    // Data fix-ups whose rules live in Rust, not SQL.
    crate::directory::write::backfill_name_keys(&db).await?;
    if !reopen {
        return Ok(db);
    }
    db.close().await?;
    connect(url).await
}

fn backend_of(url: &str) -> Result<DbBackend, AppError> {
    if url.starts_with("sqlite:") {
        Ok(DbBackend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(DbBackend::Postgres)
    } else {
        Err(AppError::Config(format!(
            "unsupported DATABASE_URL {:?}: use sqlite://FILE or postgres://USER@HOST/DB",
            redact(url)
        )))
    }
}

/// Checks that the SQLite file's folder exists (creating it) and is writable, so the user gets
/// "cannot write to …" instead of an opaque driver error.
fn ensure_sqlite_dir(url: &str) -> Result<(), AppError> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    let dir = Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| {
        AppError::Config(format!(
            "cannot create data directory {}: {e}",
            dir.display()
        ))
    })?;
    let probe = dir.join(format!(".tambang-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| {
            AppError::Config(format!(
                "data directory {} is not writable: {e}",
                dir.display()
            ))
        })
}

/// Hides a password in a URL before it is printed.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_password_only() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://x.db"), "sqlite://x.db");
    }

    #[test]
    fn unknown_scheme_is_a_config_error() {
        assert!(matches!(backend_of("mysql://x"), Err(AppError::Config(_))));
        assert!(backend_of("sqlite://a.db").is_ok());
        assert!(backend_of("postgresql://a/b").is_ok());
    }

    #[tokio::test]
    async fn every_pooled_sqlite_connection_journals_statements_in_memory() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = connect(&url).await.expect("connect");
        // Four transactions at once hold four distinct connections, the pool's maximum.
        let mut open = Vec::new();
        for _ in 0..4 {
            open.push(db.begin().await.expect("begin"));
        }
        for txn in &open {
            let row = txn
                .query_one_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    "PRAGMA temp_store",
                ))
                .await
                .expect("pragma")
                .expect("a row");
            // 2 is MEMORY (0 DEFAULT would be files, as this SQLite is built).
            assert_eq!(row.try_get_by_index::<i32>(0).expect("int"), 2);
        }
    }
}
