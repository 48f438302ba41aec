//! ISO 8601 serialisation of the chrono values in a parsed post.
//!
//! Written by hand so the module does not depend on chrono's `serde` feature being on.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Serialize, Serializer};

use super::Inferred;

/// `Some(2024-01-11)` → `"2024-01-11"`, `None` → `null`.
pub fn opt_date<S: Serializer>(value: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    value.map(|d| d.format("%Y-%m-%d").to_string()).serialize(s)
}

/// An inferred date-time with its value as `"2023-12-11T10:00:00"`.
pub fn opt_inferred_datetime<S: Serializer>(
    value: &Option<Inferred<NaiveDateTime>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    value
        .as_ref()
        .map(|v| Inferred {
            value: v.value.format("%Y-%m-%dT%H:%M:%S").to_string(),
            evidence: v.evidence.clone(),
            confidence: v.confidence,
            note: v.note.clone(),
        })
        .serialize(s)
}
