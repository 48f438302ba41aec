//! Step 7, *apply*: runs the pure steps over a file and writes the outcome in one
//! transaction — audited entry writes, the `imports` record with its counts, mapping and
//! every row error, and one `import_entries` row per accepted row (the snapshot a later
//! edition of the same source is compared with). Rows stream from the decoded text; only
//! errors and the first rows' preview are kept.

use std::collections::{HashSet, VecDeque};

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::audit::{self, Actor};
use crate::domain::EntryStatus;
use crate::entities::{entry, import, import_entry, import_row_error};
use crate::error::{AppError, AppResult};
use crate::import::ImportOptions;
use crate::import::decode::decode_with;
use crate::import::fulltext::Suspended;
use crate::import::map::Mapping;
use crate::import::parse::{ParsedRow, RowError, parse_row, raw_text};
use crate::import::place::{CoordinateCheck, check_coordinates};
use crate::import::resolve::{Index, Outcome};
use crate::import::sniff::{LineCounter, classify, reader, sniff};
use crate::import::write::{Batch, EntryIds, Writer};

/// How many rows the preview shows.
pub const PREVIEW_ROWS: usize = 20;

/// Records read and parsed in one go.
const PREPARED_ROWS: usize = 500;

/// A record of the file, read and checked by the pure steps (nothing here needs the database).
struct Prepared {
    line: u64,
    /// Byte offset in the decoded text, for progress.
    at: u64,
    rec: csv::StringRecord,
    parsed: Result<ParsedRow, Vec<RowError>>,
    /// The coordinates against the district outlines (Nothing for rejected rows).
    place: CoordinateCheck,
}

/// The data records of a decoded file, read, parsed and placed a turn at a time.
struct Source<'a> {
    rdr: csv::Reader<&'a [u8]>,
    text: &'a str,
    /// Records read so far, title and header rows included.
    records: usize,
    header_records: usize,
    lines: LineCounter,
    mapping: &'a Mapping,
    delimiter: u8,
    default_cert_type: crate::domain::CertType,
    boundaries: &'a crate::boundary::Boundaries,
    /// Blank, total and repeated header rows passed over.
    skipped: usize,
    /// True once the reader reached the end.
    done: bool,
}

impl Source<'_> {
    /// Up to `max` more data records (rows to pass over are counted, not returned).
    fn prepare(&mut self, max: usize) -> AppResult<VecDeque<Prepared>> {
        let mut out = VecDeque::with_capacity(max);
        while out.len() < max && !self.done {
            let mut rec = csv::StringRecord::new();
            if !self.rdr.read_record(&mut rec).map_err(AppError::internal)? {
                self.done = true;
                break;
            }
            self.records += 1;
            if self.records <= self.header_records {
                continue;
            }
            if classify(&rec).is_some() {
                self.skipped += 1;
                continue;
            }
            let at = rec.position().map_or(0, |p| p.byte());
            let line = self.lines.line_at(self.text, at);
            let parsed = parse_row(
                line,
                &rec,
                self.mapping,
                self.delimiter,
                self.default_cert_type,
            );
            let place = match &parsed {
                Ok(row) => check_coordinates(
                    row.draft.district.as_ref().map(|c| c.as_str()),
                    row.draft.location.map(|l| (l.lat(), l.lng())),
                    self.boundaries,
                ),
                Err(_) => CoordinateCheck::Nothing,
            };
            out.push_back(Prepared {
                line,
                at,
                rec,
                parsed,
                place,
            });
        }
        Ok(out)
    }
}

/// One row of the preview.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PreviewRow {
    pub line: u64,
    pub name: String,
    /// new, update, unchanged, conflict or rejected.
    pub outcome: &'static str,
    pub detail: String,
    /// A place warning (address and coordinates disagree).
    pub warning: Option<String>,
}

/// A row that was accepted with something to look at.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RowWarning {
    pub line: u64,
    pub name: String,
    pub message: String,
}

/// Warnings kept in the report (all are counted).
pub const WARNINGS_KEPT: usize = 1_000;

/// Everything an import found and did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportReport {
    pub import_id: Option<i64>,
    pub encoding: &'static str,
    /// The sheet read, for a workbook.
    pub sheet: Option<String>,
    pub delimiter: &'static str,
    pub header_line: u64,
    #[serde(skip)]
    pub mapping: Option<Mapping>,
    pub total: usize,
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflict: usize,
    pub rejected: usize,
    pub skipped: usize,
    /// Rejected rows' errors and conflicts, by line.
    pub errors: Vec<RowError>,
    pub preview: Vec<PreviewRow>,
    /// Accepted rows whose address and coordinates disagree (the first `WARNINGS_KEPT`).
    pub warnings: Vec<RowWarning>,
    pub warnings_total: usize,
    /// Entries the previous import of the same source had and this one does not.
    pub missing: Vec<(i64, String)>,
    pub closed: usize,
    /// True when the writes were committed.
    pub applied: bool,
}

/// How far an import has got, reported every `PROGRESS_EVERY` rows and at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Data rows read.
    pub rows: usize,
    /// Bytes of the decoded text read, of `total`.
    pub done: u64,
    pub total: u64,
    /// True on the last call.
    pub finished: bool,
}

/// The page cache of an import's SQLite connection while it writes, in KiB (the default is
/// 2,000 KiB): 64 MiB hold the inner pages of every index an import of 100,000 rows updates.
pub const IMPORT_CACHE_KIB: i64 = 64 * 1024;

/// Rows between two progress reports.
pub const PROGRESS_EVERY: usize = 1_000;

/// The SHA-256 of a file, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Imports `bytes` as an enterprise list. File-level problems (not a text file, no header,
/// no name column) are `BadRequest` with a message for the user; row problems are reported.
pub async fn run(
    db: &DatabaseConnection,
    actor: &Actor,
    bytes: &[u8],
    opts: &ImportOptions,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> AppResult<ImportReport> {
    let bad = |e: &dyn std::fmt::Display| AppError::BadRequest(e.to_string());
    let decoded = decode_with(bytes, opts.sheet.as_deref()).map_err(|e| bad(&e))?;
    let sniffed = sniff(&decoded.text).map_err(|e| bad(&e))?;
    let mapping = Mapping::suggested(&sniffed.headers, &opts.overrides);
    if mapping.column_of("name").is_none() {
        return Err(AppError::BadRequest(format!(
            "기업명 열을 찾을 수 없습니다 (no name column). {}행의 머리글: {}",
            sniffed.header_line,
            sniffed.headers.join(", ")
        )));
    }
    let mut report = ImportReport {
        encoding: decoded.encoding.as_str(),
        sheet: decoded.sheet.clone(),
        delimiter: sniffed.delimiter_name(),
        header_line: sniffed.header_line,
        mapping: Some(mapping.clone()),
        ..Default::default()
    };
    let sha = sha256_hex(bytes);
    // The record is committed before the directory changes begin, so that an import killed
    // mid-way (power cut, kill -9) leaves a record saying "running" with no finish time while
    // its changes roll back with the transaction. A dry run keeps no record at all.
    let committed = match opts.dry_run {
        true => None,
        false => Some(import_record(db, actor, opts, &sha, &report).await?),
    };
    let txn = crate::db::begin_write(db).await?;
    let mut index = Index::load(&txn).await?;
    let (_, boundaries) = crate::boundary::load(&txn).await?;
    let record = match committed {
        Some(record) => record,
        None => import_record(&txn, actor, opts, &sha, &report).await?,
    };
    let mut seen: HashSet<i64> = HashSet::new();
    let mut batch = Batch::default();
    let fulltext = Suspended::begin(&txn).await?;
    let mut source = Source {
        rdr: reader(&decoded.text, sniffed.delimiter),
        text: &decoded.text,
        records: 0,
        header_records: sniffed.header_record + 1,
        lines: LineCounter::default(),
        mapping: &mapping,
        delimiter: sniffed.delimiter,
        default_cert_type: opts.default_cert_type,
        boundaries: &boundaries,
        skipped: 0,
        done: false,
    };
    // A large import touches every index of the directory's tables: with SQLite's default
    // 2 MB page cache it spills half-written pages to the WAL and reads them back many times.
    // The import's connection gets a larger cache for its transaction, given back after it
    // whether the rows went in or not (the connection returns to the pool).
    let cache = crate::db::WideCache::widen(&txn, IMPORT_CACHE_KIB).await?;
    let mut ids = EntryIds::new(db, &txn).await?;
    let backend = txn.get_database_backend();
    // From here the transaction is the writer's until every row is read.
    let writer = Writer::start(txn, actor.clone());
    let read: AppResult<()> = async {
        let mut queue = VecDeque::new();
        loop {
            let Some(prepared) = queue.pop_front() else {
                if source.done {
                    break;
                }
                queue = source.prepare(PREPARED_ROWS)?;
                continue;
            };
            let Prepared {
                line,
                at,
                rec,
                parsed,
                place,
            } = prepared;
            report.total += 1;
            if report.total.is_multiple_of(PROGRESS_EVERY) {
                progress(Progress {
                    rows: report.total,
                    done: at,
                    total: decoded.text.len() as u64,
                    finished: false,
                });
            }
            let row = match parsed {
                Ok(row) => row,
                Err(errs) => {
                    reject(&mut report, line, &rec, errs);
                    continue;
                }
            };
            let mut warning = None;
            let from_coordinates = match place {
                CoordinateCheck::Fill(code) => index.districts.get(code.as_str()).copied(),
                CoordinateCheck::Conflict(message) => {
                    warning = Some(message);
                    None
                }
                CoordinateCheck::Nothing => None,
            };
            let district_id = match &row.draft.district {
                None => from_coordinates,
                Some(code) => match index.districts.get(code.as_str()) {
                    Some(id) => Some(*id),
                    None => {
                        let err = RowError {
                            line,
                            column: mapping
                                .column_of("district")
                                .and_then(|i| mapping.headers.get(i).cloned()),
                            value: Some(code.as_str().to_string()),
                            reason: format!("등록되지 않은 자치구 코드입니다: {code}"),
                            raw: raw_text(&rec, sniffed.delimiter),
                        };
                        reject(&mut report, line, &rec, vec![err]);
                        continue;
                    }
                },
            };
            let outcome = index.resolve(line, &row.draft, district_id);
            let (label, detail, entry_id, changes) = match outcome {
                Outcome::New => {
                    report.new += 1;
                    ("new", String::new(), None, Vec::new())
                }
                Outcome::Update { entry_id, changes } => {
                    let Some(existing) = index.entries.get(&entry_id).cloned() else {
                        return Err(AppError::internal("resolved entry vanished"));
                    };
                    let stored = writer.update(existing, &row, district_id, &changes).await?;
                    index.add(stored);
                    report.updated += 1;
                    let fields: Vec<&str> = changes.iter().map(|c| c.field).collect();
                    ("update", fields.join(", "), Some(entry_id), changes)
                }
                Outcome::Unchanged { entry_id } => {
                    report.unchanged += 1;
                    ("unchanged", String::new(), Some(entry_id), Vec::new())
                }
                Outcome::Conflict { reason } => {
                    report.conflict += 1;
                    report.errors.push(RowError {
                        line,
                        column: None,
                        value: Some(row.draft.name.clone()),
                        reason: format!("충돌 (conflict): {reason}"),
                        raw: raw_text(&rec, sniffed.delimiter),
                    });
                    push_preview(&mut report, line, &row.draft.name, "conflict", reason);
                    continue;
                }
            };
            push_preview(&mut report, line, &row.draft.name, label, detail);
            if let Some(message) = warning {
                if let Some(p) = report.preview.last_mut().filter(|p| p.line == line) {
                    p.warning = Some(message.clone());
                }
                report.warnings_total += 1;
                if report.warnings.len() < WARNINGS_KEPT {
                    report.warnings.push(RowWarning {
                        line,
                        name: row.draft.name.clone(),
                        message,
                    });
                }
            }
            let snapshot = import_entry::ActiveModel {
                import_id: Set(record.id),
                line: Set(i32::try_from(line).unwrap_or(i32::MAX)),
                outcome: Set(label.to_string()),
                changes: Set((!changes.is_empty()).then(|| json!(changes))),
                extra: Set(
                    (!row.extra.is_empty()).then(|| serde_json::Value::Object(row.extra.clone()))
                ),
                ..Default::default()
            };
            match entry_id {
                Some(id) => {
                    seen.insert(id);
                    batch.snapshot(id, snapshot);
                }
                None => {
                    batch.create(&mut index, &row, district_id, opts, snapshot)?;
                }
            }
            if batch.is_full() {
                let statements = batch
                    .statements(backend, actor, &fulltext, &mut ids)
                    .await?;
                writer.run(statements).await?;
            }
        }
        let statements = batch
            .statements(backend, actor, &fulltext, &mut ids)
            .await?;
        writer.run(statements).await
    }
    .await;
    let (txn, written) = writer.finish().await?;
    // When the writer failed, the reading side stopped for it: the writer's error is the one.
    let rows: AppResult<bool> = async {
        written?;
        read?;
        report.skipped = source.skipped;
        progress(Progress {
            rows: report.total,
            done: decoded.text.len() as u64,
            total: decoded.text.len() as u64,
            finished: true,
        });
        report.missing = missing_since_last(&txn, opts, record.id, &seen).await?;
        let abort = opts.dry_run || (opts.strict && report.rejected > 0);
        if opts.close_missing && !abort {
            for (id, _) in &report.missing {
                if let Some(current) = index.entries.get(id).map(|e| e.entry.clone())
                    && current.status == EntryStatus::Active.as_str()
                {
                    let mut m = current.clone().into_active_model();
                    m.status = Set(EntryStatus::Closed.as_str().to_string());
                    m.version = Set(current.version + 1);
                    m.updated_at = Set(Utc::now());
                    audit::update(&txn, actor, &current, m).await?;
                    report.closed += 1;
                }
            }
        }
        Ok(abort)
    }
    .await;
    cache.restore(&txn).await?;
    let abort = rows?;
    if abort {
        txn.rollback().await?;
        if !opts.dry_run {
            // Strict mode keeps the attempt and its errors on record, with nothing applied.
            report.import_id = Some(record.id);
            finish(db, actor, record, &report, "rejected").await?;
        }
        return Ok(report);
    }
    report.import_id = Some(record.id);
    finish(&txn, actor, record, &report, "applied").await?;
    fulltext.restore(&txn).await?;
    txn.commit().await?;
    report.applied = true;
    Ok(report)
}

fn reject(report: &mut ImportReport, line: u64, rec: &csv::StringRecord, errs: Vec<RowError>) {
    report.rejected += 1;
    let name = rec.get(0).unwrap_or_default().to_string();
    let reasons: Vec<String> = errs.iter().map(|e| e.reason.clone()).collect();
    push_preview(report, line, &name, "rejected", reasons.join(" / "));
    report.errors.extend(errs);
}

fn push_preview(
    report: &mut ImportReport,
    line: u64,
    name: &str,
    outcome: &'static str,
    detail: String,
) {
    if report.preview.len() < PREVIEW_ROWS {
        report.preview.push(PreviewRow {
            line,
            name: name.to_string(),
            outcome,
            detail,
            warning: None,
        });
    }
}

/// The staged record of the web wizard, or a new one.
async fn import_record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    opts: &ImportOptions,
    sha: &str,
    report: &ImportReport,
) -> AppResult<import::Model> {
    if let Some(id) = opts.staged_id.filter(|_| !opts.dry_run)
        && let Some(staged) = import::Entity::find_by_id(id).one(db).await?
    {
        return Ok(staged);
    }
    let model = import::ActiveModel {
        kind: Set("enterprises".into()),
        source: Set(opts.source.clone()),
        file_name: Set(opts.file_name.clone()),
        sha256: Set(sha.to_string()),
        encoding: Set(Some(report.encoding.to_string())),
        mapping: Set(report.mapping.as_ref().map(Mapping::to_json)),
        status: Set("running".into()),
        created_by: Set(actor.user_id),
        started_at: Set(Utc::now()),
        ..Default::default()
    };
    audit::insert(db, actor, model).await
}

/// Stores counts, summary and every row error, and sets the final status.
async fn finish(
    db: &impl ConnectionTrait,
    actor: &Actor,
    record: import::Model,
    report: &ImportReport,
    status: &str,
) -> AppResult<()> {
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    // Row errors are the import's own record, not directory changes: written directly.
    for chunk in report.errors.chunks(500) {
        let rows = chunk.iter().map(|e| import_row_error::ActiveModel {
            import_id: Set(record.id),
            line: Set(i32::try_from(e.line).unwrap_or(i32::MAX)),
            column_name: Set(e.column.clone()),
            value: Set(e.value.clone()),
            reason: Set(e.reason.clone()),
            raw: Set(Some(e.raw.clone())),
            ..Default::default()
        });
        import_row_error::Entity::insert_many(rows).exec(db).await?;
    }
    let mut m = record.clone().into_active_model();
    m.source = Set(record.source.clone());
    m.status = Set(status.to_string());
    m.encoding = Set(Some(report.encoding.to_string()));
    m.mapping = Set(report.mapping.as_ref().map(Mapping::to_json));
    m.rows_total = Set(count(report.total));
    m.rows_new = Set(count(report.new));
    m.rows_updated = Set(count(report.updated));
    m.rows_unchanged = Set(count(report.unchanged));
    m.rows_conflict = Set(count(report.conflict));
    m.rows_rejected = Set(count(report.rejected));
    m.finished_at = Set(Some(Utc::now()));
    m.payload = Set(None);
    m.summary = Set(Some(json!({
        "delimiter": report.delimiter,
        "header_line": report.header_line,
        "skipped": report.skipped,
        "warnings": report.warnings_total,
        "missing": report.missing.len(),
        "closed": report.closed,
    })));
    audit::update(db, actor, &record, m).await?;
    Ok(())
}

/// Entries the last applied import of the same source saw and this one did not.
async fn missing_since_last(
    db: &impl ConnectionTrait,
    opts: &ImportOptions,
    this_id: i64,
    seen: &HashSet<i64>,
) -> AppResult<Vec<(i64, String)>> {
    let Some(source) = &opts.source else {
        return Ok(Vec::new());
    };
    let Some(prev) = import::Entity::find()
        .filter(import::Column::Source.eq(source.as_str()))
        .filter(import::Column::Status.eq("applied"))
        .filter(import::Column::Id.ne(this_id))
        .order_by_desc(import::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(Vec::new());
    };
    let before: Vec<i64> = import_entry::Entity::find()
        .filter(import_entry::Column::ImportId.eq(prev.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.entry_id)
        .filter(|id| !seen.contains(id))
        .collect();
    let mut out: Vec<(i64, String)> = entry::Entity::find()
        .filter(entry::Column::Id.is_in(before))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}
