//! Exports of the directory: GeoJSON for maps and CSV for spreadsheets, with the list's
//! filters. Both are streamed: rows are read `EXPORT_BATCH` at a time through
//! `filters::list_filtered` and written out batch by batch, so a directory of 100,000 entries
//! never sits in memory at once. The first batch is read before the response starts, so a
//! database that does not answer is still a proper error rather than a truncated file.

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use sea_orm::DatabaseConnection;

use crate::api::ApiError;
use crate::api::entries::{ListParams, parse_params};
use crate::app::AppState;
use crate::auth::extract::Ctx;
use crate::directory::filters::{ListFilter, list_filtered};
use crate::directory::queries::ListedEntry;
use crate::domain::EntryKind;
use crate::error::{AppError, AppResult};

/// Rows read per query while exporting.
pub const EXPORT_BATCH: u64 = 500;

/// Walks the matching entries kind by kind, a batch at a time.
struct Cursor {
    db: DatabaseConnection,
    filter: ListFilter,
    kinds: Vec<EntryKind>,
    kind_at: usize,
    page: u64,
    pending: Option<Vec<ListedEntry>>,
}

impl Cursor {
    /// A cursor over `kind` (or every kind) with its first batch already read.
    async fn open(db: DatabaseConnection, params: &ListParams) -> AppResult<Self> {
        let kinds = match params.kind()? {
            Some(k) => vec![k],
            None => EntryKind::ALL.to_vec(),
        };
        let mut cursor = Cursor {
            db,
            filter: params.list_query().filter(),
            kinds,
            kind_at: 0,
            page: 1,
            pending: None,
        };
        cursor.pending = cursor.fetch().await?;
        Ok(cursor)
    }

    async fn fetch(&mut self) -> AppResult<Option<Vec<ListedEntry>>> {
        while let Some(kind) = self.kinds.get(self.kind_at).copied() {
            let (rows, _) =
                list_filtered(&self.db, kind, &self.filter, self.page, EXPORT_BATCH).await?;
            if (rows.len() as u64) < EXPORT_BATCH {
                self.kind_at += 1;
                self.page = 1;
            } else {
                self.page += 1;
            }
            if !rows.is_empty() {
                return Ok(Some(rows));
            }
        }
        Ok(None)
    }

    async fn next_batch(&mut self) -> AppResult<Option<Vec<ListedEntry>>> {
        match self.pending.take() {
            Some(rows) => Ok(Some(rows)),
            None => self.fetch().await,
        }
    }
}

/// One output format: what comes before, between and after the rows.
trait Format: Send + 'static {
    fn head(&mut self) -> Bytes;
    fn rows(&mut self, rows: Vec<ListedEntry>) -> AppResult<Bytes>;
    fn tail(&mut self) -> Bytes;
}

/// The response body: head, every batch, tail. A failure mid-way is logged and ends the body
/// early (the status line is long gone by then).
fn stream_body<F: Format>(cursor: Cursor, format: F) -> Body {
    let chunks = stream::unfold(Some((cursor, format, false)), |state| async move {
        let (mut cursor, mut format, started) = state?;
        if !started {
            let head = format.head();
            return Some((Ok(head), Some((cursor, format, true))));
        }
        let batch = match cursor.next_batch().await {
            Ok(Some(rows)) => format.rows(rows),
            Ok(None) => return Some((Ok(format.tail()), None)),
            Err(e) => Err(e),
        };
        match batch {
            Ok(bytes) => Some((Ok(bytes), Some((cursor, format, true)))),
            Err(e) => {
                tracing::error!(error = %e, "export stopped");
                Some((Err::<Bytes, AppError>(e), None))
            }
        }
    });
    Body::from_stream(chunks)
}

/// GeoJSON features for entries with coordinates.
struct GeoJson {
    first: bool,
}

impl Format for GeoJson {
    fn head(&mut self) -> Bytes {
        Bytes::from_static(br#"{"type":"FeatureCollection","features":["#)
    }

    fn rows(&mut self, rows: Vec<ListedEntry>) -> AppResult<Bytes> {
        let mut out = Vec::new();
        for row in rows {
            let e = &row.entry;
            let (Some(lat), Some(lng)) = (e.lat, e.lng) else {
                continue;
            };
            let feature = serde_json::json!({
                "type": "Feature",
                "id": e.id,
                "geometry": { "type": "Point", "coordinates": [lng, lat] },
                "properties": {
                    "slug": e.slug,
                    "name": e.name,
                    "kind": e.kind,
                    "status": e.status,
                    "district": row.district.as_ref().map(|d| d.name.as_str()),
                    "district_slug": row.district.as_ref().map(|d| d.slug.as_str()),
                },
            });
            if !std::mem::take(&mut self.first) {
                out.push(b',');
            }
            serde_json::to_writer(&mut out, &feature).map_err(AppError::internal)?;
        }
        Ok(Bytes::from(out))
    }

    fn tail(&mut self) -> Bytes {
        Bytes::from_static(b"]}")
    }
}

/// CSV columns: Korean and English header, and the value of a row. Contact columns follow
/// for signed-in callers.
type Column = (&'static str, fn(&ListedEntry) -> Cell);

/// A cell: text is neutralised against spreadsheet formulas; numbers we format ourselves
/// are left alone, so a negative coordinate stays a number.
enum Cell {
    Text(Option<String>),
    Number(Option<String>),
}

const COLUMNS: &[Column] = &[
    ("번호 (id)", |r| {
        Cell::Number(Some(r.entry.id.to_string()))
    }),
    ("슬러그 (slug)", |r| {
        Cell::Text(Some(r.entry.slug.clone()))
    }),
    ("종류 (kind)", |r| Cell::Text(Some(r.entry.kind.clone()))),
    ("이름 (name)", |r| Cell::Text(Some(r.entry.name.clone()))),
    ("영문 이름 (name_en)", |r| {
        Cell::Text(r.entry.name_en.clone())
    }),
    ("상태 (status)", |r| {
        Cell::Text(Some(r.entry.status.clone()))
    }),
    ("자치구 (district)", |r| {
        Cell::Text(r.district.as_ref().map(|d| d.name.clone()))
    }),
    ("주소 (address)", |r| Cell::Text(r.entry.address.clone())),
    ("위도 (lat)", |r| {
        Cell::Number(r.entry.lat.map(|v| v.to_string()))
    }),
    ("경도 (lng)", |r| {
        Cell::Number(r.entry.lng.map(|v| v.to_string()))
    }),
    ("웹사이트 (website)", |r| {
        Cell::Text(r.entry.website.clone())
    }),
    ("최근 확인 (last_verified_on)", |r| {
        Cell::Text(r.entry.last_verified_on.map(|d| d.to_string()))
    }),
    ("수정 시각 (updated_at)", |r| {
        Cell::Text(Some(r.entry.updated_at.to_rfc3339()))
    }),
];

const CONTACT_COLUMNS: &[Column] = &[
    ("전화 (phone)", |r| Cell::Text(r.entry.phone.clone())),
    ("이메일 (email)", |r| Cell::Text(r.entry.email.clone())),
];

/// A text cell that a spreadsheet would run as a formula gets a leading `'`.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// The text encoding of a CSV export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvEncoding {
    /// UTF-8 with a BOM (so Excel reads Hangul correctly).
    Utf8Bom,
    /// CP949 for older spreadsheet programs. Characters CP949 lacks become `?` and are
    /// listed in `Csv::replaced`.
    Cp949,
}

/// A character CP949 could not hold: the entry's slug and the character.
pub type Replaced = (String, char);

/// CSV with Korean and English headers, formula-safe cells.
struct Csv {
    columns: Vec<Column>,
    encoding: CsvEncoding,
    replaced: Vec<Replaced>,
}

impl Csv {
    fn record(&self, cells: &[String]) -> AppResult<Vec<u8>> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(cells).map_err(AppError::internal)?;
        w.into_inner().map_err(AppError::internal)
    }

    /// `utf8` in the export's encoding; for CP949, unmappable characters become `?` and are
    /// noted under `slug`.
    fn encode(&mut self, utf8: Vec<u8>, slug: &str) -> Vec<u8> {
        match self.encoding {
            CsvEncoding::Utf8Bom => utf8,
            CsvEncoding::Cp949 => {
                let text = String::from_utf8_lossy(&utf8);
                let (bytes, missing) = encode_cp949(&text);
                self.replaced
                    .extend(missing.into_iter().map(|c| (slug.to_string(), c)));
                bytes
            }
        }
    }
}

/// `text` in CP949, with `?` for each character CP949 lacks (listed).
pub fn encode_cp949(text: &str) -> (Vec<u8>, Vec<char>) {
    let mut encoder = encoding_rs::EUC_KR.new_encoder();
    let mut out = Vec::with_capacity(text.len());
    let mut missing = Vec::new();
    let mut rest = text;
    let mut buf = [0u8; 4096];
    loop {
        let (result, read, written) =
            encoder.encode_from_utf8_without_replacement(rest, &mut buf, true);
        out.extend_from_slice(&buf[..written]);
        rest = &rest[read..];
        match result {
            encoding_rs::EncoderResult::InputEmpty => break,
            encoding_rs::EncoderResult::OutputFull => {}
            encoding_rs::EncoderResult::Unmappable(c) => {
                out.push(b'?');
                missing.push(c);
            }
        }
    }
    (out, missing)
}

impl Format for Csv {
    fn head(&mut self) -> Bytes {
        let mut out = match self.encoding {
            CsvEncoding::Utf8Bom => "\u{FEFF}".as_bytes().to_vec(),
            CsvEncoding::Cp949 => Vec::new(),
        };
        let header: Vec<String> = self.columns.iter().map(|(h, _)| h.to_string()).collect();
        // Writing fixed ASCII/Hangul headers to a Vec cannot fail; an empty header would
        // only be a cosmetic loss.
        let line = self.record(&header).unwrap_or_default();
        out.extend_from_slice(&self.encode(line, ""));
        Bytes::from(out)
    }

    fn rows(&mut self, rows: Vec<ListedEntry>) -> AppResult<Bytes> {
        let mut out = Vec::new();
        for row in &rows {
            let cells: Vec<String> = self
                .columns
                .iter()
                .map(|(_, value)| match value(row) {
                    Cell::Text(v) => neutralise(v.as_deref().unwrap_or("")),
                    Cell::Number(v) => v.unwrap_or_default(),
                })
                .collect();
            let line = self.record(&cells)?;
            out.extend_from_slice(&self.encode(line, &row.entry.slug));
        }
        Ok(Bytes::from(out))
    }

    fn tail(&mut self) -> Bytes {
        Bytes::new()
    }
}

/// A JSON array of objects keyed by the English column names (`id`, `slug`, `name`, …), the
/// same columns as the CSV; text is not neutralised (JSON is not run by spreadsheets).
struct Json {
    columns: Vec<Column>,
    first: bool,
}

/// `"이름 (name)"` → `"name"`.
fn json_key(header: &str) -> &str {
    header
        .rsplit_once('(')
        .map_or(header, |(_, k)| k.trim_end_matches(')'))
}

impl Format for Json {
    fn head(&mut self) -> Bytes {
        Bytes::from_static(b"[")
    }

    fn rows(&mut self, rows: Vec<ListedEntry>) -> AppResult<Bytes> {
        let mut out = Vec::new();
        for row in &rows {
            let object: serde_json::Map<String, serde_json::Value> = self
                .columns
                .iter()
                .map(|(h, value)| {
                    let v = match value(row) {
                        Cell::Text(v) => v.map_or(serde_json::Value::Null, Into::into),
                        Cell::Number(v) => v
                            .and_then(|n| serde_json::from_str::<serde_json::Number>(&n).ok())
                            .map_or(serde_json::Value::Null, serde_json::Value::Number),
                    };
                    (json_key(h).to_string(), v)
                })
                .collect();
            if !std::mem::take(&mut self.first) {
                out.push(b',');
            }
            serde_json::to_writer(&mut out, &object).map_err(AppError::internal)?;
        }
        Ok(Bytes::from(out))
    }

    fn tail(&mut self) -> Bytes {
        Bytes::from_static(b"]")
    }
}

/// What `tambang export entries` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv(CsvEncoding),
    GeoJson,
    Json,
}

/// What an export wrote.
#[derive(Debug, Default)]
pub struct ExportSummary {
    /// Entries read (GeoJSON leaves out those without coordinates).
    pub entries: usize,
    /// Characters CP949 could not hold, written as `?`.
    pub replaced: Vec<Replaced>,
}

/// Writes the export of the entries `params` selects to `out`, batch by batch, with the same
/// row formatting as the API's exports. Contact columns are included (the command line is
/// run by whoever holds the database).
pub async fn write_export(
    db: &DatabaseConnection,
    params: &ListParams,
    format: ExportFormat,
    out: &mut impl std::io::Write,
) -> AppResult<ExportSummary> {
    let mut columns = COLUMNS.to_vec();
    columns.extend_from_slice(CONTACT_COLUMNS);
    let mut cursor = Cursor::open(db.clone(), params).await?;
    let mut summary = ExportSummary::default();
    match format {
        ExportFormat::Csv(encoding) => {
            let mut f = Csv {
                columns,
                encoding,
                replaced: Vec::new(),
            };
            drain(&mut cursor, &mut f, out, &mut summary).await?;
            summary.replaced = f.replaced;
        }
        ExportFormat::GeoJson => {
            drain(&mut cursor, &mut GeoJson { first: true }, out, &mut summary).await?;
        }
        ExportFormat::Json => {
            let mut f = Json {
                columns,
                first: true,
            };
            drain(&mut cursor, &mut f, out, &mut summary).await?;
        }
    }
    Ok(summary)
}

/// Head, every batch, tail into `out`.
async fn drain<F: Format>(
    cursor: &mut Cursor,
    format: &mut F,
    out: &mut impl std::io::Write,
    summary: &mut ExportSummary,
) -> AppResult<()> {
    let io = |e: std::io::Error| AppError::Config(format!("cannot write the export: {e}"));
    out.write_all(&format.head()).map_err(io)?;
    while let Some(rows) = cursor.next_batch().await? {
        summary.entries += rows.len();
        out.write_all(&format.rows(rows)?).map_err(io)?;
    }
    out.write_all(&format.tail()).map_err(io)?;
    out.flush().map_err(io)
}

/// `GET /api/v1/entries.geojson`: a FeatureCollection of the matching entries that have
/// coordinates.
#[utoipa::path(
    get, path = "/entries.geojson", tag = "exports", params(ListParams),
    responses(
        (status = 200, content_type = "application/geo+json", description = "FeatureCollection; each Point feature has properties slug, name, kind, status, district, district_slug", body = Object),
        (status = 422, description = "Unknown kind", body = crate::error::ErrorEnvelope),
    )
)]
pub async fn export_geojson(
    State(state): State<AppState>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let params = parse_params(params)?;
    let cursor = Cursor::open(state.db.clone(), &params).await?;
    let body = stream_body(cursor, GeoJson { first: true });
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], body).into_response())
}

/// `GET /api/v1/entries.csv`: the matching entries as CSV (UTF-8 with BOM, Korean and English
/// headers, formula-safe). Phone and e-mail columns only for signed-in callers.
#[utoipa::path(
    get, path = "/entries.csv", tag = "exports", params(ListParams),
    responses(
        (status = 200, content_type = "text/csv", description = "UTF-8 with BOM; header row like `이름 (name)`; cells starting with = + - @ tab or CR are prefixed with '", body = String),
        (status = 422, description = "Unknown kind", body = crate::error::ErrorEnvelope),
    )
)]
pub async fn export_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let params = parse_params(params)?;
    let cursor = Cursor::open(state.db.clone(), &params).await?;
    let mut columns = COLUMNS.to_vec();
    if ctx.can_see_contacts() {
        columns.extend_from_slice(CONTACT_COLUMNS);
    }
    let body = stream_body(
        cursor,
        Csv {
            columns,
            encoding: CsvEncoding::Utf8Bom,
            replaced: Vec::new(),
        },
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"tambang-entries.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(
            neutralise("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        for bad in ["+1", "-1+2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralise("소영씨스토어"), "소영씨스토어");
        assert_eq!(neutralise(""), "");
    }
}
