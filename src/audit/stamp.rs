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

use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use tokio::sync::watch;

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

impl Stamp {
    /// A stamp that differs from another made with a different `n`.
    #[cfg(test)]
    pub(crate) fn for_tests(n: i64) -> Stamp {
        Stamp {
            audit_max: Some(n),
            audit_recent: 0,
            entries_max: None,
            reports_max: None,
            mentions_max: None,
            day: NaiveDate::MIN,
        }
    }
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

/// The stamp for every request of one app instance, read once for all who ask at the same
/// moment. A request may only use a reading that began after it asked — that reading sees every
/// write committed before the request, as a reading of its own would — so one reading is under
/// way at a time and those who ask meanwhile share the next. Under 32 connections one
/// statement serves a round of requests instead of one each.
pub struct Stamps {
    db: DatabaseConnection,
    flights: Mutex<Flights>,
    /// The last reading that ended: its number, and the stamp unless it failed or was
    /// abandoned (then whoever waited for it reads again).
    done: watch::Sender<(u64, Option<Stamp>)>,
}

enum Step {
    Ready(Stamp),
    Lead(u64),
    Wait(watch::Receiver<(u64, Option<Stamp>)>),
}

struct Flights {
    /// The number the next reading will get.
    next: u64,
    /// Whether a reading is under way.
    running: bool,
    /// Readings made (for tests and diagnostics).
    made: u64,
}

impl Stamps {
    /// Readings of `db`'s stamp; the database must be the one the cached pages come from.
    pub fn new(db: DatabaseConnection) -> Self {
        Stamps {
            db,
            flights: Mutex::new(Flights {
                next: 1,
                running: false,
                made: 0,
            }),
            done: watch::channel((0, None)).0,
        }
    }

    fn flights(&self) -> MutexGuard<'_, Flights> {
        self.flights.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many statements have read the stamp so far.
    pub fn readings(&self) -> u64 {
        self.flights().made
    }

    /// The stamp as of a moment after this call began.
    pub async fn now(&self) -> AppResult<Stamp> {
        // Readings numbered `after` and up begin after this point.
        let after = self.flights().next;
        loop {
            match self.next_step(after) {
                Step::Ready(stamp) => return Ok(stamp),
                Step::Lead(n) => return self.lead(n).await,
                // The sender lives as long as `self`, so `changed` cannot fail here.
                Step::Wait(mut ending) => _ = ending.changed().await,
            }
        }
    }

    /// What a caller who needs a reading numbered `after` or later does now.
    fn next_step(&self, after: u64) -> Step {
        let mut flights = self.flights();
        if let (n, Some(stamp)) = *self.done.borrow()
            && n >= after
        {
            return Step::Ready(stamp);
        }
        if flights.running {
            // Subscribed under the lock the leader publishes under, so no ending is missed.
            return Step::Wait(self.done.subscribe());
        }
        flights.running = true;
        flights.made += 1;
        flights.next += 1;
        Step::Lead(flights.next - 1)
    }

    /// Makes reading `n` and publishes it, also when this future is dropped half-way.
    async fn lead(&self, n: u64) -> AppResult<Stamp> {
        struct Publish<'a> {
            stamps: &'a Stamps,
            n: u64,
            stamp: Option<Stamp>,
        }
        impl Drop for Publish<'_> {
            fn drop(&mut self) {
                let mut flights = self.stamps.flights();
                flights.running = false;
                self.stamps.done.send_replace((self.n, self.stamp));
            }
        }
        let mut publish = Publish {
            stamps: self,
            n,
            stamp: None,
        };
        let read = stamp(&self.db).await;
        publish.stamp = read.as_ref().ok().copied();
        read
    }
}
