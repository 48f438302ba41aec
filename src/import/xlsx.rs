//! Step 1 for spreadsheets: one sheet of an `.xlsx` workbook → the same CSV text the other
//! steps read, so title rows, header detection and synonyms apply unchanged. Each sheet row
//! becomes one line (line N of the text is row N of the sheet; line breaks inside a cell
//! become spaces), whole numbers lose Excel's ".0" (사업자등록번호 stored as a number), and
//! date-formatted cells become `YYYY-MM-DD`.
//!
//! A workbook is a zip archive, so a small file can unpack to gigabytes. Before calamine
//! opens it, every member is inflated once into a counter (declared sizes can lie) and the
//! workbook is refused past `MAX_UNPACKED`; the sheet is then read cell by cell (never as a
//! dense range, which a sheet with one cell at A1 and one at XFD1048576 would blow up), with
//! caps on rows and columns.

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, SheetType, Xlsx};

/// Largest total unpacked size of a workbook's members.
pub const MAX_UNPACKED: u64 = 256 * 1024 * 1024;
/// Most sheet rows read.
pub const MAX_ROWS: u32 = 1_048_576;
/// Most columns read (public lists have a dozen or two).
pub const MAX_COLS: u32 = 256;

/// Why a workbook cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XlsxError {
    #[error("엑셀 파일을 열 수 없습니다 (cannot read the .xlsx workbook): {0}")]
    Unreadable(String),
    #[error(
        "엑셀 파일의 압축을 풀면 {limit_mb} MB를 넘습니다: 받지 않습니다 (the workbook unpacks to more than {limit_mb} MB; refused)"
    )]
    TooLarge { limit_mb: u64 },
    #[error("시트 '{0}'이(가) 없습니다 (no such sheet). 있는 시트 (sheets): {1}")]
    NoSuchSheet(String, String),
    #[error("워크시트가 없습니다 (the workbook has no worksheet)")]
    NoWorksheet,
    #[error(
        "시트가 너무 큽니다: {what} (the sheet is too large: at most {MAX_ROWS} rows and {MAX_COLS} columns)"
    )]
    SheetTooLarge { what: String },
}

/// A sheet as CSV text.
#[derive(Debug)]
pub struct SheetText {
    pub sheet: String,
    pub text: String,
}

/// True when `bytes` is a zip archive holding an Excel workbook.
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
        && zip::ZipArchive::new(Cursor::new(bytes)).is_ok_and(|mut z| {
            z.by_name("[Content_Types].xml").is_ok() && z.by_name("xl/workbook.xml").is_ok()
        })
}

/// Inflates every member into a counter; refuses the archive past `limit` bytes in total.
pub fn check_unpacked_size(bytes: &[u8], limit: u64) -> Result<u64, XlsxError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| XlsxError::Unreadable(e.to_string()))?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let member = zip
            .by_index(i)
            .map_err(|e| XlsxError::Unreadable(e.to_string()))?;
        let room = limit.saturating_sub(total);
        let read = std::io::copy(
            &mut member.take(room.saturating_add(1)),
            &mut std::io::sink(),
        )
        .map_err(|e| XlsxError::Unreadable(e.to_string()))?;
        total += read;
        if total > limit {
            return Err(XlsxError::TooLarge {
                limit_mb: limit / (1024 * 1024),
            });
        }
    }
    Ok(total)
}

/// The sheet named `sheet` (default: the first worksheet) as comma-separated text.
pub fn sheet_text(bytes: &[u8], sheet: Option<&str>) -> Result<SheetText, XlsxError> {
    check_unpacked_size(bytes, MAX_UNPACKED)?;
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| XlsxError::Unreadable(e.to_string()))?;
    let worksheets: Vec<String> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    let name = match sheet {
        Some(want) => worksheets
            .iter()
            .find(|n| n.as_str() == want || n.trim() == want.trim())
            .cloned()
            .ok_or_else(|| XlsxError::NoSuchSheet(want.to_string(), worksheets.join(", ")))?,
        None => worksheets.first().cloned().ok_or(XlsxError::NoWorksheet)?,
    };
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|e| XlsxError::Unreadable(e.to_string()))?;
    let mut out = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut row: Vec<String> = Vec::new();
    // Rows written so far; the next row written is sheet row `written` (0-based).
    let mut written: u32 = 0;
    let mut current: Option<u32> = None;
    let unreadable = |e: &dyn std::fmt::Display| XlsxError::Unreadable(e.to_string());
    while let Some(cell) = cells.next_cell().map_err(|e| unreadable(&e))? {
        let (r, c) = cell.get_position();
        if r >= MAX_ROWS || c >= MAX_COLS {
            return Err(XlsxError::SheetTooLarge {
                what: format!(
                    "행 {} 열 {} (row {}, column {})",
                    r + 1,
                    c + 1,
                    r + 1,
                    c + 1
                ),
            });
        }
        let value = cell_text(cell.get_value());
        if value.is_empty() {
            continue;
        }
        if current != Some(r) {
            if let Some(prev) = current {
                if r < prev {
                    return Err(unreadable(&"rows out of order"));
                }
                out.write_record(&row).map_err(|e| unreadable(&e))?;
                row.clear();
                written = prev + 1;
            }
            // Blank rows keep line numbers equal to sheet rows.
            for _ in written..r {
                out.write_record([""]).map_err(|e| unreadable(&e))?;
            }
            current = Some(r);
        }
        let c = c as usize;
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = value;
    }
    if current.is_some() {
        out.write_record(&row).map_err(|e| unreadable(&e))?;
    }
    let bytes = out.into_inner().map_err(|e| unreadable(&e))?;
    let text = String::from_utf8(bytes).map_err(|e| unreadable(&e))?;
    Ok(SheetText { sheet: name, text })
}

/// A cell as the text a CSV export of the sheet would hold.
fn cell_text(value: &DataRef<'_>) -> String {
    let text = match value {
        DataRef::Empty => return String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
            if (hh, mm, ss) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}")
            }
        }
        DataRef::DateTime(dt) => number_text(dt.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    };
    // One sheet row is one line of text.
    if text.contains(['\r', '\n']) {
        text.split(['\r', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        text
    }
}

/// Whole numbers without ".0" (codes stored as numbers), others as Rust prints them.
pub fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// A cell of a workbook written by `write_workbook`.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteCell {
    Text(String),
    Number(f64),
    /// An Excel serial day number shown with the built-in date format.
    Date(f64),
}

/// Writes a minimal `.xlsx` workbook (inline strings, one date style) with the given sheets;
/// rows are written from row 1. For tests and generated fixtures: calamine only reads.
pub fn write_workbook(sheets: &[(&str, Vec<Vec<WriteCell>>)]) -> Vec<u8> {
    use std::fmt::Write as _;
    use std::io::Write as _;
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut put = |name: &str, body: &str| {
        // Writing into a Vec cannot fail.
        let _ = zip.start_file(name, opts);
        let _ = zip.write_all(body.as_bytes());
    };
    let mut types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#,
    );
    let mut book = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
    );
    for (i, (name, rows)) in sheets.iter().enumerate() {
        let n = i + 1;
        let _ = write!(
            types,
            r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        );
        let _ = write!(
            book,
            r#"<sheet name="{}" sheetId="{n}" r:id="rId{n}"/>"#,
            esc(name)
        );
        let _ = write!(
            rels,
            r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#
        );
        let mut sheet = String::from(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
        );
        for (r, row) in rows.iter().enumerate() {
            let _ = write!(sheet, r#"<row r="{}">"#, r + 1);
            for (c, cell) in row.iter().enumerate() {
                let at = format!("{}{}", column_letters(c), r + 1);
                let _ = match cell {
                    WriteCell::Text(t) if t.is_empty() => Ok(()),
                    WriteCell::Text(t) => write!(
                        sheet,
                        r#"<c r="{at}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                        esc(t)
                    ),
                    WriteCell::Number(v) => write!(sheet, r#"<c r="{at}"><v>{v}</v></c>"#),
                    WriteCell::Date(v) => write!(sheet, r#"<c r="{at}" s="1"><v>{v}</v></c>"#),
                };
            }
            sheet.push_str("</row>");
        }
        sheet.push_str("</sheetData></worksheet>");
        put(&format!("xl/worksheets/sheet{n}.xml"), &sheet);
    }
    types.push_str("</Types>");
    book.push_str("</sheets></workbook>");
    rels.push_str("</Relationships>");
    put("[Content_Types].xml", &types);
    put(
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    put("xl/workbook.xml", &book);
    put("xl/_rels/workbook.xml.rels", &rels);
    put(
        "xl/styles.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#,
    );
    zip.finish().map(Cursor::into_inner).unwrap_or_default()
}

/// A, B, …, Z, AA, … for a 0-based column.
fn column_letters(mut c: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> WriteCell {
        WriteCell::Text(s.to_string())
    }

    fn ministry_book() -> Vec<u8> {
        write_workbook(&[
            ("안내", vec![vec![t("이 파일은 안내문입니다")]]),
            (
                "인증현황",
                vec![
                    vec![t("사회적기업 인증현황 (2024.12.31. 기준)")],
                    vec![],
                    vec![
                        t("지역"),
                        t("인증번호"),
                        t("기관명"),
                        t("사업자등록번호"),
                        t("소재지"),
                        t("인증일자"),
                        t("인증회차"),
                    ],
                    vec![
                        t("서울"),
                        t("2007-001"),
                        t("(재)다솜이재단"),
                        WriteCell::Number(1_248_100_998.0),
                        t("03993 서울특별시 마포구\n동교로27길 3-10"),
                        WriteCell::Date(39386.0),
                        WriteCell::Number(1.0),
                    ],
                ],
            ),
        ])
    }

    #[test]
    fn a_sheet_becomes_csv_rows_with_codes_and_dates_as_text() {
        let book = ministry_book();
        assert!(is_xlsx(&book));
        let s = sheet_text(&book, Some("인증현황")).unwrap();
        assert_eq!(s.sheet, "인증현황");
        let lines: Vec<&str> = s.text.lines().collect();
        assert_eq!(lines[0], "사회적기업 인증현황 (2024.12.31. 기준)");
        assert_eq!(lines[1], "\"\"", "row 2 is blank and keeps its line");
        assert_eq!(
            lines[2],
            "지역,인증번호,기관명,사업자등록번호,소재지,인증일자,인증회차"
        );
        assert_eq!(
            lines[3],
            "서울,2007-001,(재)다솜이재단,1248100998,03993 서울특별시 마포구 동교로27길 3-10,2007-10-31,1"
        );
    }

    #[test]
    fn the_first_worksheet_by_default_and_unknown_sheets_are_named() {
        let book = ministry_book();
        assert_eq!(sheet_text(&book, None).unwrap().sheet, "안내");
        let err = sheet_text(&book, Some("없는시트")).unwrap_err();
        assert_eq!(
            err,
            XlsxError::NoSuchSheet("없는시트".into(), "안내, 인증현황".into())
        );
        assert!(err.to_string().contains("인증현황"));
    }

    #[test]
    fn a_cell_far_away_is_refused_rather_than_filling_memory() {
        // One cell at column 300: a dense range would be rows × 300 cells.
        let mut row = vec![WriteCell::Text(String::new()); 300];
        row.push(t("x"));
        let book = write_workbook(&[("s", vec![vec![t("a")], row])]);
        assert!(matches!(
            sheet_text(&book, None),
            Err(XlsxError::SheetTooLarge { .. })
        ));
    }

    #[test]
    fn a_zip_bomb_is_refused_by_what_it_unpacks_to() {
        // 20 MB of one repeated row deflates to a few tens of kilobytes.
        let row = vec![t("가나다라마바사"), t("아자차카타파하")];
        let rows = vec![row; 200_000];
        let book = write_workbook(&[("s", rows)]);
        assert!(book.len() < 2_000_000, "{}", book.len());
        let total = check_unpacked_size(&book, u64::MAX).unwrap();
        assert!(total > 20_000_000, "{total}");
        assert_eq!(
            check_unpacked_size(&book, 10 * 1024 * 1024).unwrap_err(),
            XlsxError::TooLarge { limit_mb: 10 }
        );
    }

    #[test]
    fn numbers_that_are_codes_lose_the_fraction() {
        assert_eq!(number_text(1_248_100_998.0), "1248100998");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(37.5663), "37.5663");
        assert_eq!(number_text(1e20), "100000000000000000000");
    }

    #[test]
    fn non_workbooks_are_not_xlsx() {
        assert!(!is_xlsx(b"PK\x03\x04garbage"));
        assert!(!is_xlsx("기관명,대표자\n".as_bytes()));
    }
}
