//! The change stamp: a cheap reading of the database that moves whenever something a reader
//! could see has changed, shared by every cache of computed pages and figures.
//!
//! Every write path records its change through the audit trail in the same transaction
//! (`crate::audit`), so the newest audit row id moves with every committed write — entries,
//! their details, reports, mention decisions, photos, district populations. Two transactions
//! may commit out of id order on PostgreSQL; the number of audit rows among the newest 1,000
//! ids catches a late commit of a lower id. The newest entry, report and mention ids catch bulk
//! loads that bypass the trail (the benchmark's generator) and the mention suggestions written
//! when a report is saved or relinked. The day is part of the stamp, because "visits by today"
//! and "verified in the last 12 months" move at midnight. Reading it is five index lookups in
//! one statement. Because it lives in the database, every app instance on one database sees the
//! same writes.

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

use crate::compare::figures::today_kst;
use crate::error::{AppError, AppResult};

/// See the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    audit_max: Option<i64>,
    audit_recent: i64,
    entries_max: Option<i64>,
    reports_max: Option<i64>,
    mentions_max: Option<i64>,
    day: NaiveDate,
}

/// Reads the stamp now.
pub async fn stamp(db: &impl ConnectionTrait) -> AppResult<Stamp> {
    let stmt = sea_orm::Statement::from_string(
        db.get_database_backend(),
        "SELECT (SELECT MAX(id) FROM audit_log), \
         (SELECT COUNT(*) FROM audit_log WHERE id > (SELECT COALESCE(MAX(id), 0) - 1000 FROM audit_log)), \
         (SELECT MAX(id) FROM entries), (SELECT MAX(id) FROM reports), \
         (SELECT MAX(id) FROM mentions)",
    );
    let row = db
        .query_one_raw(stmt)
        .await?
        .ok_or_else(|| AppError::internal("change stamp query returned no row"))?;
    Ok(Stamp {
        audit_max: row.try_get_by_index(0)?,
        audit_recent: row.try_get_by_index(1)?,
        entries_max: row.try_get_by_index(2)?,
        reports_max: row.try_get_by_index(3)?,
        mentions_max: row.try_get_by_index(4)?,
        day: today_kst(),
    })
}
