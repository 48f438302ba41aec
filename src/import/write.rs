//! The directory writes of an import, each through the audit trail on the import's
//! transaction: new enterprises (entry and details) and the snapshot rows in batches, updates
//! one enterprise at a time — all on a task of their own ([`Writer`]), so that the rows after
//! a batch are read, checked and resolved while the batch is written.

use chrono::{SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend,
    EntityTrait, IntoActiveModel, QueryTrait, Set, Statement, TryIntoModel,
};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::audit::{self, Actor};
use crate::directory::input::DraftDetails;
use crate::domain::{EntryKind, EntryStatus, Slug, name_key};
use crate::entities::{enterprise_detail, entry, import_entry};
use crate::error::{AppError, AppResult};
use crate::import::ImportOptions;
use crate::import::fulltext::Suspended;
use crate::import::parse::ParsedRow;
use crate::import::resolve::{Change, Existing, Index};

fn free_slug(index: &mut Index, name: &str) -> String {
    let base = Slug::from_name(name).as_str().to_string();
    let mut slug = base.clone();
    let mut n = 2;
    while index.slugs.contains(&slug) {
        slug = format!("{}-{n}", base.chars().take(74).collect::<String>());
        n += 1;
    }
    index.slugs.insert(slug.clone());
    slug
}

/// Rows a [`Batch`] holds before it writes them.
pub const BATCH_ROWS: usize = audit::BATCH_ROWS;

/// A new enterprise waiting in a [`Batch`]: the rows as they will be stored, ids 0 until the
/// batch's statements are built ([`EntryIds`]).
struct NewRow {
    entry: entry::Model,
    detail: enterprise_detail::Model,
}

/// New enterprises and `import_entries` snapshot rows, written [`BATCH_ROWS`] at a time in
/// multi-row statements (entries, their details, the audit rows of both, the snapshot): an
/// import of 100,000 new rows makes about a thousand statements instead of half a million.
/// Rows are written in file order within the import's transaction (by the [`Writer`]), so
/// what the directory ends up with is the same as row-by-row writes.
#[derive(Default)]
pub struct Batch {
    new: Vec<NewRow>,
    /// Snapshot rows; those of new enterprises with the index of theirs in `new`.
    snapshot: Vec<(Option<usize>, import_entry::ActiveModel)>,
}

impl Batch {
    /// Queues the enterprise of a new row, with its snapshot row.
    pub fn create(
        &mut self,
        index: &mut Index,
        row: &ParsedRow,
        district_id: Option<i64>,
        opts: &ImportOptions,
        snapshot: import_entry::ActiveModel,
    ) -> AppResult<()> {
        let d = &row.draft;
        // Microseconds: what PostgreSQL keeps, so the model held here is the stored row.
        let now = Utc::now().trunc_subsecs(6);
        let slug = free_slug(index, &d.name);
        let entry = entry::Model {
            id: 0,
            kind: EntryKind::Enterprise.as_str().to_string(),
            slug,
            name: d.name.clone(),
            name_en: None,
            description: None,
            address: d.address.clone(),
            lat: d.location.map(|l| l.lat()),
            lng: d.location.map(|l| l.lng()),
            district_id,
            website: d.website.clone(),
            phone: d.phone.clone(),
            email: d.email.as_ref().map(|e| e.as_str().to_string()),
            status: EntryStatus::Active.as_str().to_string(),
            founded_on: None,
            last_verified_on: None,
            source: Some(
                opts.source
                    .clone()
                    .unwrap_or_else(|| opts.file_name.clone()),
            ),
            created_at: now,
            updated_at: now,
            version: 1,
            name_key: name_key(&d.name),
        };
        let mut detail = enterprise_detail::ActiveModel {
            entry_id: Set(0),
            ..Default::default()
        };
        fill_detail(&mut detail, row, None);
        let detail = detail.try_into_model().map_err(AppError::internal)?;
        self.snapshot.push((Some(self.new.len()), snapshot));
        self.new.push(NewRow { entry, detail });
        Ok(())
    }

    /// Queues the snapshot row of an existing entry.
    pub fn snapshot(&mut self, entry_id: i64, mut row: import_entry::ActiveModel) {
        row.entry_id = Set(entry_id);
        self.snapshot.push((None, row));
    }

    /// True when the batch should be written.
    pub fn is_full(&self) -> bool {
        self.new.len() >= BATCH_ROWS || self.snapshot.len() >= BATCH_ROWS
    }

    /// The statements that write what is queued, in order — entries, their full-text rows
    /// where `fulltext` suspended the triggers, details, the audit rows of both, the snapshot
    /// rows — with the new entries' ids taken from `ids`. Nothing in them
    /// waits for the database, so one batch is built while the one before is written.
    pub async fn statements(
        &mut self,
        backend: DbBackend,
        actor: &Actor,
        fulltext: &Suspended,
        ids: &mut EntryIds,
    ) -> AppResult<Vec<Statement>> {
        let mut new = std::mem::take(&mut self.new);
        let mut statements = Vec::new();
        let mut taken = ids.take(new.len()).await?.into_iter();
        for n in new.iter_mut() {
            let id = taken
                .next()
                .ok_or_else(|| AppError::internal("too few entry ids reserved"))?;
            n.entry.id = id;
            n.detail.entry_id = id;
        }
        for chunk in new.chunks(BATCH_ROWS) {
            statements.push(
                entry::Entity::insert_many(
                    chunk
                        .iter()
                        .map(|n| n.entry.clone().into_active_model().reset_all()),
                )
                .build(backend),
            );
        }
        statements.extend(fulltext.statements(new.iter().map(|n| &n.entry)));
        for chunk in new.chunks(BATCH_ROWS) {
            statements.push(
                enterprise_detail::Entity::insert_many(
                    chunk
                        .iter()
                        .map(|n| n.detail.clone().into_active_model().reset_all()),
                )
                .build(backend),
            );
        }
        statements.extend(audit::row_statements(
            backend,
            actor,
            audit::creation_rows("entries", new.iter().map(|n| &n.entry))?,
        ));
        statements.extend(audit::row_statements(
            backend,
            actor,
            audit::creation_rows("enterprise_details", new.iter().map(|n| &n.detail))?,
        ));
        let mut rows = std::mem::take(&mut self.snapshot).into_iter().peekable();
        while rows.peek().is_some() {
            let chunk = rows.by_ref().take(BATCH_ROWS).map(|(new_row, mut row)| {
                if let Some(i) = new_row {
                    row.entry_id = Set(new[i].entry.id);
                }
                row
            });
            statements.push(import_entry::Entity::insert_many(chunk).build(backend));
        }
        Ok(statements)
    }
}

/// Ids for an import's new entries, taken before they are written, so that the statements of
/// a batch (details, audit and snapshot rows name the entry) are built without waiting for
/// the insert before them.
pub enum EntryIds {
    /// SQLite: the import's transaction holds the database's write lock from its first
    /// statement (`BEGIN IMMEDIATE`), so no one else can take an id until it ends; the next
    /// one is past the largest ever given (`AUTOINCREMENT` never reuses a deleted entry's).
    Counter(i64),
    /// PostgreSQL: the entries' sequence, through the pool (a sequence hands out each value
    /// once, whichever transaction asks, and does not wait for the import's).
    Sequence(DatabaseConnection),
}

impl EntryIds {
    /// How ids are taken on `db`; `txn` is the import's transaction.
    pub async fn new(db: &DatabaseConnection, txn: &impl ConnectionTrait) -> AppResult<Self> {
        if db.get_database_backend() != DbBackend::Sqlite {
            return Ok(EntryIds::Sequence(db.clone()));
        }
        let row = txn
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT MAX(n) AS n FROM (SELECT COALESCE(MAX(id), 0) AS n FROM entries \
                 UNION ALL SELECT seq FROM sqlite_sequence WHERE name = 'entries')",
            ))
            .await?;
        let last: i64 = match row {
            Some(row) => row.try_get("", "n")?,
            None => 0,
        };
        Ok(EntryIds::Counter(last + 1))
    }

    /// `n` unused ids.
    async fn take(&mut self, n: usize) -> AppResult<Vec<i64>> {
        if n == 0 {
            return Ok(Vec::new());
        }
        match self {
            EntryIds::Counter(next) => {
                let first = *next;
                *next += n as i64;
                Ok((first..*next).collect())
            }
            EntryIds::Sequence(db) => {
                let rows = db
                    .query_all_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "SELECT nextval(pg_get_serial_sequence('entries', 'id')) AS id \
                         FROM generate_series(1, $1)",
                        [(n as i64).into()],
                    ))
                    .await?;
                rows.iter()
                    .map(|r| r.try_get::<i64>("", "id").map_err(AppError::from))
                    .collect()
            }
        }
    }
}

/// Sets the detail fields the row fills (all of them when `only` is None).
fn fill_detail(m: &mut enterprise_detail::ActiveModel, row: &ParsedRow, only: Option<&[Change]>) {
    let DraftDetails::Enterprise {
        cert_type,
        cert_no,
        biz_reg_no,
        cert_date,
        cert_round,
        representative,
        service_field,
        social_purpose,
        business,
    } = &row.draft.details
    else {
        return;
    };
    let wanted = |f: &str| only.is_none_or(|c| c.iter().any(|c| c.field == f));
    if wanted("cert_type") || m.cert_type.is_not_set() {
        m.cert_type = Set(cert_type.as_str().to_string());
    }
    if wanted("cert_no") {
        m.cert_no = Set(cert_no.as_ref().map(|c| c.as_str().to_string()));
    }
    if wanted("biz_reg_no") {
        m.biz_reg_no = Set(biz_reg_no.as_ref().map(|b| b.to_string()));
    }
    if wanted("cert_date") {
        m.cert_date = Set(*cert_date);
    }
    if wanted("cert_round") {
        m.cert_round = Set(*cert_round);
    }
    if wanted("representative") {
        m.representative = Set(representative.clone());
    }
    if wanted("service_field") {
        m.service_field = Set(service_field.clone());
    }
    if wanted("social_purpose") {
        m.social_purpose = Set(social_purpose.map(|s| s.as_str().to_string()));
    }
    if wanted("business") {
        m.business = Set(business.clone());
    }
}

/// Writes the changed fields of a matched row to `ex`; returns the enterprise as stored.
async fn update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ex: Existing,
    row: &ParsedRow,
    district_id: Option<i64>,
    changes: &[Change],
) -> AppResult<Existing> {
    let entry_id = ex.entry.id;
    let d = &row.draft;
    let has = |f: &str| changes.iter().any(|c| c.field == f);
    let mut entry = ex.entry.clone();
    if [
        "name",
        "address",
        "lat",
        "lng",
        "district_id",
        "website",
        "phone",
        "email",
    ]
    .iter()
    .any(|f| has(f))
    {
        let mut m = ex.entry.clone().into_active_model();
        if has("name") {
            m.name = Set(d.name.clone());
            m.name_key = Set(name_key(&d.name));
        }
        if has("address") {
            m.address = Set(d.address.clone());
        }
        if has("lat") || has("lng") {
            m.lat = Set(d.location.map(|l| l.lat()));
            m.lng = Set(d.location.map(|l| l.lng()));
        }
        if has("district_id") {
            m.district_id = Set(district_id);
        }
        if has("website") {
            m.website = Set(d.website.clone());
        }
        if has("phone") {
            m.phone = Set(d.phone.clone());
        }
        if has("email") {
            m.email = Set(d.email.as_ref().map(|e| e.as_str().to_string()));
        }
        m.version = Set(ex.entry.version + 1);
        m.updated_at = Set(Utc::now());
        entry = audit::update(db, actor, &ex.entry, m).await?;
    }
    let detail = match &ex.detail {
        Some(before) => {
            let mut m = before.clone().into_active_model();
            fill_detail(&mut m, row, Some(changes));
            audit::update(db, actor, before, m).await?
        }
        None => {
            let mut m = enterprise_detail::ActiveModel {
                entry_id: Set(entry_id),
                ..Default::default()
            };
            fill_detail(&mut m, row, None);
            audit::insert(db, actor, m).await?
        }
    };
    Ok(Existing {
        entry,
        detail: Some(detail),
    })
}

/// Jobs queued for the [`Writer`] before the reading side waits for it: one batch being
/// written, one waiting, while the rows of a third are read.
const QUEUED_JOBS: usize = 1;

/// What the import's [`Writer`] is asked to do, in file order.
enum Job {
    /// A batch's statements.
    Run(Vec<Statement>),
    /// The changed fields of a matched row; the enterprise as stored goes back through `done`.
    Update {
        existing: Box<Existing>,
        row: Box<ParsedRow>,
        district_id: Option<i64>,
        changes: Vec<Change>,
        done: oneshot::Sender<Existing>,
    },
}

/// The import's writes on a task of their own, in the order they are sent, on the import's
/// transaction. Reading, checking and resolving rows and building a batch's statements is work
/// for one core, the database engine's for the other: with both on one task each waited for
/// the other, and a 100,000-row import kept the two cores about 60% busy each. A row's outcome
/// never depends on a write (rows this file creates are known to the index by line, and
/// their ids are taken beforehand: [`EntryIds`]), except an update's, whose stored enterprise
/// the index takes back before going on.
pub struct Writer {
    jobs: mpsc::Sender<Job>,
    task: JoinHandle<(DatabaseTransaction, AppResult<()>)>,
}

/// The writer stopped (its error comes from [`Writer::finish`]).
fn stopped() -> AppError {
    AppError::internal("the import's writer stopped")
}

impl Writer {
    /// Starts writing on `txn` as `actor`.
    pub fn start(txn: DatabaseTransaction, actor: Actor) -> Self {
        let (jobs, mut queue) = mpsc::channel::<Job>(QUEUED_JOBS);
        let task = tokio::spawn(async move {
            let result = async {
                while let Some(job) = queue.recv().await {
                    match job {
                        Job::Run(statements) => {
                            for statement in statements {
                                txn.execute_raw(statement).await?;
                            }
                        }
                        Job::Update {
                            existing,
                            row,
                            district_id,
                            changes,
                            done,
                        } => {
                            let stored =
                                update(&txn, &actor, *existing, &row, district_id, &changes)
                                    .await?;
                            // The reading side waits for this; if it has gone, so has the import.
                            let _ = done.send(stored);
                        }
                    }
                }
                AppResult::Ok(())
            }
            .await;
            (txn, result)
        });
        Writer { jobs, task }
    }

    /// Queues statements to run after those sent before.
    pub async fn run(&self, statements: Vec<Statement>) -> AppResult<()> {
        self.jobs
            .send(Job::Run(statements))
            .await
            .map_err(|_| stopped())
    }

    /// Writes the changed fields of `existing`, after every job queued before it, and returns
    /// the enterprise as stored.
    pub async fn update(
        &self,
        existing: Existing,
        row: &ParsedRow,
        district_id: Option<i64>,
        changes: &[Change],
    ) -> AppResult<Existing> {
        let (done, stored) = oneshot::channel();
        self.jobs
            .send(Job::Update {
                existing: Box::new(existing),
                row: Box::new(row.clone()),
                district_id,
                changes: changes.to_vec(),
                done,
            })
            .await
            .map_err(|_| stopped())?;
        stored.await.map_err(|_| stopped())
    }

    /// Waits for every job; returns the transaction and what became of the writes (the
    /// first error, after which nothing more was written).
    pub async fn finish(self) -> AppResult<(DatabaseTransaction, AppResult<()>)> {
        drop(self.jobs);
        self.task.await.map_err(AppError::internal)
    }
}
