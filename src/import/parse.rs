//! Step 4, *parse*: one record → an enterprise draft through the same domain types the forms
//! use (`directory::input::parse_entry`), or the list of what is wrong with it, each error
//! with the row's line, the column, the value and the reason. Bad rows never stop the others.

use crate::directory::input::{EntryDraft, EntryInput, parse_entry};
use crate::domain::{CertType, EntryKind};
use crate::import::map::Mapping;
use crate::import::place::{district_from_text, strip_postcode};

/// One problem with one row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowError {
    pub line: u64,
    pub column: Option<String>,
    pub value: Option<String>,
    pub reason: String,
    /// The row as it was in the file (re-joined with the file's delimiter).
    pub raw: String,
}

/// A row that parsed.
#[derive(Debug, Clone)]
pub struct ParsedRow {
    pub line: u64,
    pub draft: EntryDraft,
    /// Unmapped columns: {header: value} for non-empty cells.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The record's text re-joined with `delimiter` (quoted where needed), for reports.
pub fn raw_text(rec: &csv::StringRecord, delimiter: u8) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = w.write_record(rec);
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes)
        .trim_end_matches('\n')
        .to_string()
}

/// Cells that a spreadsheet would run as a formula.
pub fn looks_like_formula(s: &str) -> bool {
    s.trim_start().starts_with(['=', '+', '@'])
}

/// Parses one data record. `default_cert_type` applies when no column says the type and the
/// row has no 인증번호 (which implies a certified social enterprise).
pub fn parse_row(
    line: u64,
    rec: &csv::StringRecord,
    mapping: &Mapping,
    delimiter: u8,
    default_cert_type: CertType,
) -> Result<ParsedRow, Vec<RowError>> {
    let raw = || raw_text(rec, delimiter);
    let mut errors = Vec::new();
    let mut input = EntryInput::default();
    let mut extra = serde_json::Map::new();
    let mut region = String::new();
    let mut cert_type_cell = String::new();
    for (i, cell) in rec.iter().enumerate() {
        let header = mapping
            .headers
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("열{}", i + 1));
        let value = cell.trim();
        if value.contains('\u{FFFD}') {
            errors.push(RowError {
                line,
                column: Some(header.clone()),
                value: Some(value.to_string()),
                reason: "읽을 수 없는 글자가 있습니다 (invalid bytes in the file)".into(),
                raw: raw(),
            });
            continue;
        }
        let slot = match mapping.fields.get(i).copied().flatten() {
            Some("name") => &mut input.name,
            Some("cert_no") => &mut input.cert_no,
            Some("biz_reg_no") => &mut input.biz_reg_no,
            Some("cert_type") => &mut cert_type_cell,
            Some("representative") => &mut input.representative,
            Some("address") => &mut input.address,
            Some("region") => &mut region,
            Some("district") => &mut input.district,
            Some("cert_date") => &mut input.cert_date,
            Some("cert_round") => &mut input.cert_round,
            Some("social_purpose") => &mut input.social_purpose,
            Some("service_field") => &mut input.service_field,
            Some("business") => &mut input.business,
            Some("website") => &mut input.website,
            Some("phone") => &mut input.phone,
            Some("email") => &mut input.email,
            Some("lat") => &mut input.lat,
            Some("lng") => &mut input.lng,
            _ => {
                if !value.is_empty() {
                    extra.insert(header, value.into());
                }
                continue;
            }
        };
        *slot = value.to_string();
    }
    if looks_like_formula(&input.name) {
        errors.push(RowError {
            line,
            column: column_name(mapping, "name"),
            value: Some(input.name.clone()),
            reason: "이름이 수식처럼 시작합니다 (=, +, @): 받지 않습니다 (looks like a spreadsheet formula)".into(),
            raw: raw(),
        });
    }
    input.address = strip_postcode(&input.address).to_string();
    // 인증회차 is often written "3차".
    input.cert_round = input.cert_round.trim_end_matches('차').trim().to_string();
    if input.district.is_empty() {
        input.district = district_from_text(&input.address)
            .or_else(|| district_from_text(&region))
            .unwrap_or_default()
            .to_string();
    }
    input.cert_type = match CertType::from_label(&cert_type_cell) {
        Some(t) => t.as_str().to_string(),
        None => {
            if !cert_type_cell.is_empty() {
                let h = column_name(mapping, "cert_type").unwrap_or_default();
                extra.insert(h, cert_type_cell.clone().into());
            }
            if input.cert_no.is_empty() {
                default_cert_type.as_str().to_string()
            } else {
                CertType::Certified.as_str().to_string()
            }
        }
    };
    let parsed = parse_entry(EntryKind::Enterprise, &input);
    if let Err(field_errors) = &parsed {
        for (field, message) in field_errors.iter() {
            errors.push(RowError {
                line,
                column: column_name(mapping, field).or_else(|| Some(field.to_string())),
                value: Some(input_value(&input, field)).filter(|v| !v.is_empty()),
                reason: message.to_string(),
                raw: raw(),
            });
        }
    }
    match parsed {
        Ok(draft) if errors.is_empty() => Ok(ParsedRow { line, draft, extra }),
        _ => Err(errors),
    }
}

fn column_name(mapping: &Mapping, field: &str) -> Option<String> {
    mapping
        .column_of(field)
        .and_then(|i| mapping.headers.get(i).cloned())
}

fn input_value(input: &EntryInput, field: &str) -> String {
    serde_json::to_value(input)
        .ok()
        .and_then(|v| v.get(field).and_then(|s| s.as_str().map(str::to_string)))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::input::DraftDetails;
    use std::collections::BTreeMap;

    fn mapping(h: &str) -> Mapping {
        let headers: Vec<String> = h.split(',').map(str::to_string).collect();
        Mapping::suggested(&headers, &BTreeMap::new())
    }

    fn rec(s: &str) -> csv::StringRecord {
        csv::StringRecord::from(s.split(',').collect::<Vec<_>>())
    }

    #[test]
    fn a_ministry_row_parses_and_is_placed_from_its_address() {
        let m = mapping("인증번호,기관명,사업자등록번호,소재지,인증일자,인증회차,비고");
        let row = parse_row(
            5,
            &rec("2007-1,(재)다솜이재단,124-81-00998,03993 서울특별시 마포구 동교로27길 3-10,2007.10.31,1차,메모"),
            &m,
            b',',
            CertType::General,
        )
        .unwrap();
        assert_eq!(
            row.draft.address.as_deref(),
            Some("서울특별시 마포구 동교로27길 3-10")
        );
        assert_eq!(
            row.draft.district.as_ref().map(|d| d.as_str()),
            Some("11440")
        );
        assert_eq!(row.extra.get("비고").and_then(|v| v.as_str()), Some("메모"));
        let DraftDetails::Enterprise {
            cert_type,
            cert_no,
            cert_round,
            ..
        } = &row.draft.details
        else {
            panic!("not an enterprise");
        };
        assert_eq!(*cert_type, CertType::Certified);
        assert_eq!(cert_no.as_ref().map(|c| c.as_str()), Some("제2007-001호"));
        assert_eq!(*cert_round, Some(1));
    }

    #[test]
    fn errors_name_line_column_value_and_reason() {
        let m = mapping("기관명,사업자등록번호,인증일자");
        let errs = parse_row(
            9,
            &rec("=HYPERLINK(1),123-45-67890,2007-13-01"),
            &m,
            b',',
            CertType::General,
        )
        .unwrap_err();
        assert_eq!(errs.len(), 3);
        assert!(
            errs.iter()
                .all(|e| e.line == 9 && e.raw.starts_with("=HYPERLINK"))
        );
        let biz = errs
            .iter()
            .find(|e| e.column.as_deref() == Some("사업자등록번호"))
            .unwrap();
        assert_eq!(biz.value.as_deref(), Some("123-45-67890"));
    }

    #[test]
    fn ragged_rows_and_broken_bytes() {
        let m = mapping("기관명,대표자");
        let short = parse_row(2, &rec("가나다"), &m, b',', CertType::General).unwrap();
        assert_eq!(short.draft.name, "가나다");
        let long = parse_row(3, &rec("가나다,홍길동,x,y"), &m, b',', CertType::General).unwrap();
        assert_eq!(long.extra.len(), 2);
        let broken =
            parse_row(4, &rec("가\u{FFFD}다,홍"), &m, b',', CertType::General).unwrap_err();
        assert_eq!(broken[0].column.as_deref(), Some("기관명"));
    }
}
