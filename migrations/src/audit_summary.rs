//! What a history line shows of a change, shared by the migration that adds
//! `audit_log.summary` (it fills the column for rows written before it) and by the app, which
//! writes the column with every audit row (`tambang::audit`). One definition, so that a row
//! written before the migration and one written after read the same.
//!
//! A change is `{field: [old, new]}`. A history line shows each value cut after
//! [`SHOWN_CHARS`] characters; a report's edit carries the whole body twice, so reading the
//! changes to show a page's history read megabytes to show a few lines. The summary is the
//! changes with every long value already cut, written only when some value is long: otherwise
//! the history reads the changes themselves (`COALESCE(summary, changes)`).

use std::borrow::Cow;

use serde_json::{Map, Value};

/// The most characters of one value a history line shows.
pub const SHOWN_CHARS: usize = 120;

/// A value as a history line shows it: `∅` for none, text as it is, anything else as JSON,
/// cut after [`SHOWN_CHARS`] characters with `…`. Cuts where the text is, without copying or
/// counting the rest.
pub fn shown(value: Option<&Value>) -> Cow<'_, str> {
    let text: Cow<'_, str> = match value {
        None | Some(Value::Null) => return Cow::Borrowed("∅"),
        Some(Value::String(s)) => Cow::Borrowed(s),
        Some(other) => Cow::Owned(other.to_string()),
    };
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((at, _)) => Cow::Owned(format!("{}…", &text[..at])),
        None => text,
    }
}

/// Whether a history line shows less than the whole value.
fn is_cut(value: &Value) -> bool {
    match value {
        // A text of at most SHOWN_CHARS bytes has at most as many characters.
        Value::String(s) => s.len() > SHOWN_CHARS && s.chars().nth(SHOWN_CHARS).is_some(),
        Value::Array(_) | Value::Object(_) => value.to_string().chars().nth(SHOWN_CHARS).is_some(),
        _ => false,
    }
}

/// `value` as the summary keeps it: cut to a text when a line shows less than all of it.
fn summarised(value: &Value) -> Value {
    if is_cut(value) {
        Value::String(shown(Some(value)).into_owned())
    } else {
        value.clone()
    }
}

/// The changes as history lines show them — `{field: [old, new]}` with every long value cut —
/// or `None` when no value is long and the lines can be read from the changes themselves.
pub fn summary(changes: &Map<String, Value>) -> Option<Map<String, Value>> {
    let long = |pair: &Value| match pair {
        Value::Array(values) => values.iter().any(is_cut),
        other => is_cut(other),
    };
    if !changes.values().any(long) {
        return None;
    }
    Some(
        changes
            .iter()
            .map(|(field, pair)| {
                let cut = match pair {
                    Value::Array(values) => Value::Array(values.iter().map(summarised).collect()),
                    other => summarised(other),
                };
                (field.clone(), cut)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_shown_cut_at_120_characters() {
        let exact = "가".repeat(120);
        assert_eq!(shown(Some(&json!(exact))), exact);
        let long = format!("{exact}나다");
        assert_eq!(shown(Some(&json!(long))), format!("{exact}…"));
        assert_eq!(shown(None), "∅");
        assert_eq!(shown(Some(&json!(null))), "∅");
        assert_eq!(shown(Some(&json!(5))), "5");
        assert_eq!(shown(Some(&json!([1, 2]))), "[1,2]");
    }

    #[test]
    fn short_changes_have_no_summary() {
        let changes = json!({"name": ["가", "나"], "tags": [null, ["a", "b"]], "n": [1, 2]});
        assert_eq!(summary(changes.as_object().unwrap()), None);
        // 120 three-byte characters: longer than 120 bytes, not than 120 characters.
        let exact = json!({"body": [null, "가".repeat(120)]});
        assert_eq!(summary(exact.as_object().unwrap()), None);
    }

    #[test]
    fn a_summary_shows_what_the_changes_show() {
        let body = "방문 보고서 본문. ".repeat(40);
        let list: Vec<String> = (0..40).map(|i| format!("별칭{i}")).collect();
        let changes = json!({
            "body": [body, format!("{body}추가")],
            "aliases": [null, list],
            "title": ["성동구 탐방", "성동구 탐방기"],
            "version": [1, 2],
        });
        let changes = changes.as_object().unwrap();
        let cut = summary(changes).expect("long values are cut");
        assert_eq!(cut.len(), changes.len());
        for (field, pair) in changes {
            for i in 0..2 {
                assert_eq!(
                    shown(cut[field].get(i)),
                    shown(pair.get(i)),
                    "{field}[{i}] reads the same from the summary"
                );
            }
        }
        assert_eq!(cut["title"], changes["title"]);
        assert!(cut["body"][0].as_str().unwrap().chars().count() == SHOWN_CHARS + 1);
        let longest = cut
            .values()
            .flat_map(|p| p.as_array().unwrap())
            .map(|v| shown(Some(v)).chars().count())
            .max();
        assert_eq!(longest, Some(SHOWN_CHARS + 1), "120 characters and …");
    }
}
