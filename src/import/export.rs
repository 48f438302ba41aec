//! The downloadable CSV of an import's rejected rows: UTF-8 with a BOM (so Excel reads the
//! Korean), one row per error with the original text, and formula-safe cells.

use crate::entities::import_row_error;

/// Cells a spreadsheet would evaluate get a leading apostrophe.
pub fn formula_safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// `line, column, value, reason, original row` as CSV bytes.
pub fn rejected_csv(rows: &[import_row_error::Model]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let _ = w.write_record([
        "행 (line)",
        "열 (column)",
        "값 (value)",
        "사유 (reason)",
        "원래 행 (original row)",
    ]);
    for r in rows {
        let _ = w.write_record([
            r.line.to_string(),
            formula_safe(r.column_name.as_deref().unwrap_or_default()),
            formula_safe(r.value.as_deref().unwrap_or_default()),
            formula_safe(&r.reason),
            formula_safe(r.raw.as_deref().unwrap_or_default()),
        ]);
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_the_bom_leads() {
        assert_eq!(formula_safe("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(formula_safe("다솜이"), "다솜이");
        let row = import_row_error::Model {
            id: 1,
            import_id: 1,
            line: 7,
            column_name: None,
            value: Some("@SUM(A1)".into()),
            reason: "x".into(),
            raw: Some("=1+1,a".into()),
        };
        let bytes = rejected_csv(&[row]);
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("'@SUM(A1)") && text.contains("\"'=1+1,a\""));
    }
}
