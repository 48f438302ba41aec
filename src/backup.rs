//! `tambang backup FILE` and `tambang restore FILE`. SQLite is copied online with
//! `VACUUM INTO` (a consistent snapshot while the app keeps writing); PostgreSQL has
//! `pg_dump`, whose command line is printed instead.

use std::path::Path;

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::error::AppError;

/// SQLite's file header.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

fn sqlite_literal(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "''"))
}

/// Writes a consistent copy of the database to `target` (which must not exist yet).
pub async fn backup(url: &str, target: &Path) -> Result<String, AppError> {
    if target.exists() {
        return Err(AppError::Config(format!(
            "{} already exists: choose a new file name",
            target.display()
        )));
    }
    let db = crate::db::connect(url).await?;
    if db.get_database_backend() == DbBackend::Postgres {
        return Ok(format!(
            "PostgreSQL databases are backed up with pg_dump, for example:\n  pg_dump --format=custom --file={} '{}'\nand restored with pg_restore.",
            target.display(),
            crate::db::redact(url)
        ));
    }
    let stmt = Statement::from_string(
        DbBackend::Sqlite,
        format!("VACUUM INTO {}", sqlite_literal(target)),
    );
    db.execute_raw(stmt)
        .await
        .map_err(|e| AppError::Config(format!("backup to {} failed: {e}", target.display())))?;
    let size = std::fs::metadata(target).map(|m| m.len()).unwrap_or(0);
    Ok(format!("backed up to {} ({size} bytes)", target.display()))
}

/// Restores `source` (a backup) as the SQLite database of `data_dir`, which must not hold one.
pub async fn restore(source: &Path, data_dir: &Path) -> Result<String, AppError> {
    let mut head = [0u8; 16];
    let readable =
        std::fs::File::open(source).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head));
    if readable.is_err() || &head != SQLITE_MAGIC {
        return Err(AppError::Config(format!(
            "{} is not a Tambang (SQLite) backup",
            source.display()
        )));
    }
    let target = data_dir.join("tambang.db");
    if target.exists() {
        return Err(AppError::Config(format!(
            "{} already exists: restore into an empty data directory",
            target.display()
        )));
    }
    std::fs::create_dir_all(data_dir).map_err(|e| {
        AppError::Config(format!(
            "cannot create data directory {}: {e}",
            data_dir.display()
        ))
    })?;
    std::fs::copy(source, &target).map_err(|e| {
        AppError::Config(format!(
            "cannot copy {} to {}: {e}",
            source.display(),
            target.display()
        ))
    })?;
    let url = crate::config::sqlite_url(&target);
    let db = crate::db::connect(&url).await?;
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await?
        .ok_or_else(|| AppError::internal("integrity_check returned nothing"))?;
    let verdict: String = row.try_get_by_index(0).map_err(AppError::from)?;
    if verdict != "ok" {
        drop(db);
        let _ = std::fs::remove_file(&target);
        return Err(AppError::Config(format!(
            "the backup is damaged ({verdict}); nothing restored"
        )));
    }
    db.close().await.ok();
    // Bring an older backup up to the current schema.
    crate::db::connect_and_migrate(&url).await?;
    Ok(format!(
        "restored {} into {}",
        source.display(),
        target.display()
    ))
}
