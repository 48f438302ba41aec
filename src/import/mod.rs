//! Importing the enterprise lists public bodies publish, as pure steps — `decode`, `sniff`,
//! `map`, `parse`, `place`, `resolve` — and one effectful one, `apply`, which writes
//! everything in a single transaction. The CLI and the web wizard both call `apply::run`.

pub mod apply;
pub mod decode;
pub mod export;
pub mod fulltext;
pub mod map;
pub mod parse;
pub mod place;
pub mod resolve;
pub mod routes;
pub mod sniff;
pub mod views;
pub mod write;
pub mod xlsx;

use std::collections::BTreeMap;

use crate::domain::CertType;

/// How to run an import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub file_name: String,
    /// The list's name (e.g. "고용노동부 인증현황"); imports with the same source are compared.
    pub source: Option<String>,
    /// Header text → field name ("" keeps the column as extra), over the suggestions.
    pub overrides: BTreeMap<String, String>,
    /// Work everything out, write nothing.
    pub dry_run: bool,
    /// Apply nothing when any row is rejected.
    pub strict: bool,
    /// The type of rows that neither say it nor carry a 인증번호.
    pub default_cert_type: CertType,
    /// A staged import (web wizard) to complete instead of recording a new one.
    pub staged_id: Option<i64>,
    /// Mark entries missing from this edition of `source` as closed.
    pub close_missing: bool,
    /// The sheet of an `.xlsx` workbook to read (default: the first worksheet).
    pub sheet: Option<String>,
}

impl ImportOptions {
    /// Defaults for a file.
    pub fn new(file_name: &str) -> Self {
        ImportOptions {
            file_name: file_name.to_string(),
            source: None,
            overrides: BTreeMap::new(),
            dry_run: false,
            strict: false,
            default_cert_type: CertType::General,
            staged_id: None,
            close_missing: false,
            sheet: None,
        }
    }
}
