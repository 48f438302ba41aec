//! Form helpers: a labelled input that shows its error next to it and keeps what was typed.

use std::collections::BTreeMap;

use maud::{Markup, html};

/// Field name → message, for re-rendering a form after a failed submit.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(BTreeMap<&'static str, String>);

impl FieldErrors {
    /// Adds an error for `field`.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.insert(field, message.into());
    }
    /// The error for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }
    /// Every (field, message), by field name.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(k, v)| (*k, v.as_str()))
    }
    /// True when there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Field name → message, owned (the JSON error envelope's `fields`).
    pub fn into_map(self) -> BTreeMap<String, String> {
        self.0
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
    }
}

/// The one field of a form that deletes something: a box that must be ticked. Browsers
/// enforce it (`required`); the server checks it again and answers an unticked box with
/// the confirmation page and [`Confirm::unticked`] beside the box.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Confirm {
    confirm: String,
}

impl Confirm {
    /// True when the box was ticked.
    pub fn ticked(&self) -> bool {
        self.confirm == "yes"
    }

    /// The error beside an unticked box.
    pub fn unticked(ctx: &crate::auth::extract::Ctx) -> FieldErrors {
        let mut errors = FieldErrors::default();
        errors.add(
            "confirm",
            ctx.t(
                "삭제하려면 확인란에 표시하세요 (tick the box to delete)",
                "Tick the box to delete",
            ),
        );
        errors
    }
}

/// The end of a delete confirmation form: the box to tick (`label` beside it, the error under
/// it), the red button and a way back to `cancel`.
pub fn confirm_controls(
    ctx: &crate::auth::extract::Ctx,
    label: Markup,
    errors: &FieldErrors,
    cancel: &str,
) -> Markup {
    let error = errors.get("confirm");
    html! {
        div class=[error.map(|_| "field-error")] {
            label.check {
                input type="checkbox" name="confirm" value="yes" required
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "f-confirm-error")];
                span { (label) }
            }
            @if let Some(msg) = error { span.error-text #f-confirm-error { (msg) } }
        }
        div.inline-actions {
            button.danger type="submit" { (ctx.t("삭제", "Delete")) }
            a href=(cancel) { (ctx.t("취소", "Cancel")) }
        }
    }
}

/// One labelled input. Passwords are never echoed back (`keep` is ignored for them).
pub fn input(label: &str, name: &str, kind: &str, keep: &str, errors: &FieldErrors) -> Markup {
    let error = errors.get(name);
    let value = if kind == "password" { "" } else { keep };
    let id = format!("f-{name}");
    let err_id = format!("{id}-error");
    html! {
        div class=[error.map(|_| "field-error")] {
            label for=(id) {
                (label)
                input id=(id) name=(name) type=(kind) value=(value)
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| err_id.as_str())];
                @if let Some(e) = error { span.error-text id=(err_id) { (e) } }
            }
        }
    }
}

/// `axum::Form` whose rejection (wrong content type, invalid UTF-8, a field that does not
/// parse) is a styled 400 page instead of plain text.
pub struct HtmlForm<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for HtmlForm<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = crate::error::AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let unreadable = |why: String| {
            crate::error::AppError::BadRequest(format!(
                "양식을 읽을 수 없습니다 (form could not be read): {why}"
            ))
        };
        let is_form = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(unreadable(
                "Content-Type 이 application/x-www-form-urlencoded 가 아닙니다".into(),
            ));
        }
        let body = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| unreadable(e.body_text()))?;
        // Browsers send UTF-8; anything else would be stored as U+FFFD replacement characters.
        // A NUL is never text (and PostgreSQL cannot store one).
        if !decodes_as_utf8(&body) {
            return Err(unreadable(
                "UTF-8 이 아니거나 쓸 수 없는 문자(NUL)가 들어 있습니다 (the form is not UTF-8 text)".into(),
            ));
        }
        serde_urlencoded::from_bytes(&body)
            .map(HtmlForm)
            .map_err(|e| unreadable(e.to_string()))
    }
}

/// True when the URL-encoded body, raw bytes and `%XX` escapes alike, is valid UTF-8.
fn decodes_as_utf8(body: &[u8]) -> bool {
    let out = crate::web::url::percent_decode(body);
    std::str::from_utf8(&out).is_ok_and(|s| !s.contains('\0'))
}

/// A labelled `<select>`; `options` are (value, label) pairs, the first may be an empty choice.
pub fn select(
    label: &str,
    name: &str,
    options: &[(String, String)],
    keep: &str,
    errors: &FieldErrors,
) -> Markup {
    let error = errors.get(name);
    let id = format!("f-{name}");
    html! {
        div class=[error.map(|_| "field-error")] {
            label for=(id) {
                (label)
                select id=(id) name=(name) aria-invalid=[error.map(|_| "true")] {
                    @for (value, text) in options {
                        option value=(value) selected[value == keep] { (text) }
                    }
                }
                @if let Some(e) = error { span.error-text { (e) } }
            }
        }
    }
}

/// A labelled `<textarea>`.
pub fn textarea(label: &str, name: &str, keep: &str, errors: &FieldErrors) -> Markup {
    let error = errors.get(name);
    let id = format!("f-{name}");
    html! {
        div class=[error.map(|_| "field-error")] {
            label for=(id) {
                (label)
                textarea id=(id) name=(name) rows="5" aria-invalid=[error.map(|_| "true")] { (keep) }
                @if let Some(e) = error { span.error-text { (e) } }
            }
        }
    }
}

/// Options for a string enum: an optional empty choice, then each value with its Korean label.
pub fn enum_options<T: Copy>(
    all: &[T],
    value: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    empty: Option<&str>,
) -> Vec<(String, String)> {
    empty
        .map(|e| (String::new(), e.to_string()))
        .into_iter()
        .chain(
            all.iter()
                .map(|v| (value(*v).to_string(), label(*v).to_string())),
        )
        .collect()
}

#[cfg(test)]
mod utf8_tests {
    use super::decodes_as_utf8;

    #[test]
    fn forms_must_be_utf8() {
        assert!(decodes_as_utf8(b"name=%EC%84%B1%EC%88%98&x=1+2"));
        assert!(decodes_as_utf8("name=성수".as_bytes()));
        assert!(decodes_as_utf8(b"a=100%"));
        assert!(!decodes_as_utf8(b"name=%FF%FE"));
        assert!(!decodes_as_utf8(b"name=%EC%84"));
        assert!(!decodes_as_utf8(&[b'a', b'=', 0xFF]));
        assert!(!decodes_as_utf8(b"name=a%00b"));
    }
}
