//! The mention dictionary kept in memory and current: built once at start-up in the background
//! (the server answers meanwhile; only a request that needs mentions waits for the build), then
//! kept up to date from a cheap change stamp — the newest `updated_at` and the
//! number of entries ever deleted (a counter a trigger keeps, migration 15) — checked before
//! each use. Changed entries go into the small delta
//! dictionary; a deletion or a large delta schedules a full rebuild in the background. Because
//! the stamp lives in the database, a change saved through one app instance reaches every
//! instance's dictionary.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::{alias, entry};
use crate::error::{AppError, AppResult};
use crate::mentions::{DictEntry, Dictionary, DictionaryBuilder, LiveDictionary, Mention};

/// Above this many changed entries the delta is folded into a fresh base.
const MAX_DELTA: usize = 2_000;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    newest: Option<DateTime<Utc>>,
    deleted: i64,
}

/// The shared, self-refreshing dictionary.
#[derive(Default)]
pub struct MentionIndex {
    live: RwLock<Option<LiveDictionary>>,
    seen: tokio::sync::Mutex<Stamp>,
    rebuilding: AtomicBool,
    /// Held while a full build runs, so a request that finds no dictionary yet waits for the
    /// start-up build instead of starting a second one.
    building: tokio::sync::Mutex<()>,
}

/// The newest entry change and the deletions counter, in one statement. The counter is one row
/// read by its key: counting the entries instead cost PostgreSQL 15–30 ms at 100,000, and
/// missed a deletion followed by an insertion.
async fn stamp(db: &impl ConnectionTrait) -> AppResult<Stamp> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT (SELECT MAX(updated_at) FROM entries) AS newest, \
             COALESCE((SELECT n FROM entry_deletions WHERE id = 1), 0) AS n",
        ))
        .await?
        .ok_or_else(|| AppError::internal("dictionary stamp query returned no row"))?;
    Ok(Stamp {
        newest: row.try_get::<Option<DateTime<Utc>>>("", "newest")?,
        deleted: row.try_get::<i64>("", "n")?,
    })
}

/// Dictionary entries changed after `since` (all when `None`), with their aliases.
pub(crate) async fn dict_entries(
    db: &impl ConnectionTrait,
    since: Option<DateTime<Utc>>,
) -> AppResult<Vec<DictEntry>> {
    if since.is_none() {
        return all_dict_entries(db).await;
    }
    let mut q = entry::Entity::find()
        .select_only()
        .columns([entry::Column::Id, entry::Column::Kind, entry::Column::Name])
        .order_by_asc(entry::Column::Id);
    if let Some(t) = since {
        q = q.filter(entry::Column::UpdatedAt.gt(t));
    }
    let rows: Vec<(i64, String, String)> = q.into_tuple().all(db).await?;
    let mut aliases: HashMap<i64, Vec<String>> = HashMap::new();
    let mut aq = alias::Entity::find()
        .select_only()
        .columns([alias::Column::EntryId, alias::Column::Name]);
    if since.is_some() {
        aq = aq.filter(alias::Column::EntryId.is_in(rows.iter().map(|r| r.0).collect::<Vec<_>>()));
    }
    for (id, name) in aq.into_tuple::<(i64, String)>().all(db).await? {
        aliases.entry(id).or_default().push(name);
    }
    Ok(rows
        .into_iter()
        .map(|(id, kind, name)| DictEntry {
            entry_id: id,
            kind,
            name,
            aliases: aliases.remove(&id).unwrap_or_default(),
        })
        .collect())
}

/// Every entry with its aliases, in chunks of 1,000 entries, each chunk one row holding a JSON
/// array of `[id, kind, name, [aliases…]]` (the database escapes the names, so any name
/// survives). The driver's cost is per row — a hand-off between threads each — and at 100,000
/// entries and 200,000 aliases it was most of the rebuild; a hundred rows cost next to nothing.
fn chunked_entries(backend: sea_orm::DatabaseBackend) -> sea_orm::Statement {
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => {
            "SELECT json_agg(json_build_array(e.id, e.kind, e.name, \
             (SELECT coalesce(json_agg(a.name), '[]'::json) FROM aliases a \
             WHERE a.entry_id = e.id)) ORDER BY e.id)::text \
             FROM entries e GROUP BY e.id / 1000 ORDER BY e.id / 1000"
        }
        _ => {
            "SELECT json_group_array(json_array(e.id, e.kind, e.name, \
             json((SELECT json_group_array(a.name) FROM aliases a WHERE a.entry_id = e.id)))) \
             FROM entries e GROUP BY e.id / 1000 ORDER BY e.id / 1000"
        }
    };
    sea_orm::Statement::from_string(backend, sql)
}

/// The entries of one row of [`chunked_entries`].
fn parse_chunk(row: &sea_orm::QueryResult) -> AppResult<Vec<DictEntry>> {
    let chunk: String = row.try_get_by_index(0)?;
    let entries: Vec<(i64, String, String, Vec<String>)> =
        serde_json::from_str(&chunk).map_err(AppError::internal)?;
    Ok(entries
        .into_iter()
        .map(|(entry_id, kind, name, aliases)| DictEntry {
            entry_id,
            kind,
            name,
            aliases,
        })
        .collect())
}

async fn all_dict_entries(db: &impl ConnectionTrait) -> AppResult<Vec<DictEntry>> {
    let rows = db
        .query_all_raw(chunked_entries(db.get_database_backend()))
        .await?;
    let mut out = Vec::new();
    for row in rows {
        out.extend(parse_chunk(&row)?);
    }
    Ok(out)
}

/// The whole dictionary, folding each chunk of entries while the database produces the next
/// (its driver runs the statement on a thread of its own), then merging and indexing on a
/// blocking thread. Returns the dictionary and the number of entries.
pub(crate) async fn build_from_db(db: &DatabaseConnection) -> AppResult<(Dictionary, usize)> {
    use futures_util::StreamExt;
    use sea_orm::StreamTrait;

    let mut builder = DictionaryBuilder::default();
    let mut n = 0;
    {
        let mut rows = db
            .stream_raw(chunked_entries(db.get_database_backend()))
            .await?;
        while let Some(row) = rows.next().await {
            for entry in parse_chunk(&row?)? {
                builder.add(&entry);
                n += 1;
            }
        }
    }
    let dictionary = tokio::task::spawn_blocking(move || builder.finish())
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok((dictionary, n))
}

/// Hands the heap pages freed by a build (every name read from the database, the old
/// dictionary) back to the system where glibc's allocator holds them: without it glibc keeps
/// them, and they count in resident memory for as long as the process runs. The `tambang`
/// binary allocates through mimalloc, which returns freed pages itself (see `main.rs`); there
/// this trims only what SQLite freed, while builds on the system allocator (the tests, other
/// embedders of the library) still depend on it.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only returns free heap pages to the kernel; it takes the
    // allocator's own locks and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

impl MentionIndex {
    /// Builds the whole dictionary now (start-up, `tambang mentions rebuild`).
    pub async fn rebuild(&self, db: &DatabaseConnection) -> AppResult<usize> {
        let _building = self.building.lock().await;
        self.rebuild_locked(db).await
    }

    fn is_built(&self) -> bool {
        self.live.read().map(|l| l.is_some()).unwrap_or(false)
    }

    async fn rebuild_locked(&self, db: &DatabaseConnection) -> AppResult<usize> {
        let before = stamp(db).await?;
        let (dictionary, n) = build_from_db(db).await?;
        let live = LiveDictionary::new(Arc::new(dictionary)).map_err(AppError::internal)?;
        *self
            .live
            .write()
            .map_err(|_| AppError::internal("mention index poisoned"))? = Some(live);
        *self.seen.lock().await = before;
        release_free_memory();
        Ok(n)
    }

    fn schedule_rebuild(self: &Arc<Self>, db: &DatabaseConnection) {
        if self.rebuilding.swap(true, Ordering::SeqCst) {
            return;
        }
        let (me, db) = (Arc::clone(self), db.clone());
        tokio::spawn(async move {
            if let Err(e) = me.rebuild(&db).await {
                tracing::error!(error = %e, "background mention index rebuild failed");
            }
            me.rebuilding.store(false, Ordering::SeqCst);
        });
    }

    /// Brings the dictionary up to date with the database (cheap when nothing changed).
    pub async fn refresh(self: &Arc<Self>, db: &DatabaseConnection) -> AppResult<()> {
        if !self.is_built() {
            let _building = self.building.lock().await;
            // The start-up build may have finished while this request waited for it.
            if !self.is_built() {
                self.rebuild_locked(db).await?;
                return Ok(());
            }
        }
        let now = stamp(db).await?;
        let mut seen = self.seen.lock().await;
        if now == *seen {
            return Ok(());
        }
        if now.deleted != seen.deleted {
            // Something was deleted: its names stay linkable until the background rebuild.
            self.schedule_rebuild(db);
        }
        let changed = dict_entries(db, seen.newest).await?;
        let delta_len = {
            let mut guard = self
                .live
                .write()
                .map_err(|_| AppError::internal("mention index poisoned"))?;
            let Some(live) = guard.as_mut() else {
                return Ok(());
            };
            for e in changed {
                live.upsert(e).map_err(AppError::internal)?;
            }
            live.delta_len()
        };
        *seen = now;
        if delta_len > MAX_DELTA {
            self.schedule_rebuild(db);
        }
        Ok(())
    }

    /// Mentions in `text` (refresh first).
    pub fn find(&self, text: &str) -> Vec<Mention> {
        self.live
            .read()
            .ok()
            .and_then(|l| l.as_ref().map(|l| l.find(text)))
            .unwrap_or_default()
    }
}
