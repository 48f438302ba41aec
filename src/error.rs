//! One error type for the whole app. Internals are logged, never shown: a user sees a styled
//! page (or a JSON envelope under `/api`) with a short Korean message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sea_orm::DbErr;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

use crate::web::form::FieldErrors;

/// Everything that can go wrong while serving a request or running a command.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist.
    #[error("찾을 수 없습니다")]
    NotFound,
    /// Signed in, but not allowed to do this.
    #[error("권한이 없습니다")]
    Forbidden,
    /// The form's CSRF token is missing or wrong (an old page, or a forged request).
    #[error("보안 토큰이 없거나 맞지 않습니다")]
    Csrf,
    /// No write is allowed on this route with this method.
    #[error("허용되지 않는 요청입니다")]
    MethodNotAllowed,
    /// The request body is larger than the route accepts (the limit in bytes).
    #[error("요청이 너무 큽니다: 최대 {} (request too large: at most {})", mib(*.0), mib(*.0))]
    TooLarge(usize),
    /// The request itself is wrong; the message is safe to show.
    #[error("{0}")]
    BadRequest(String),
    /// Input that does not parse, by field (422; `fields` in the JSON envelope).
    #[error("입력값을 확인해 주세요")]
    Invalid(FieldErrors),
    /// Likely duplicates of what is being saved; saving again with confirmation goes ahead
    /// (409; the duplicates go into the JSON envelope as `duplicates`).
    #[error("비슷한 항목이 이미 있습니다. 확인 후 다시 저장해 주세요")]
    Duplicates(serde_json::Value),
    /// Someone saved a newer version meanwhile (409; the stored version goes into the JSON
    /// envelope as `current`).
    #[error("다른 사람이 먼저 고쳤습니다. 최신 내용을 확인해 주세요")]
    Conflict(serde_json::Value),
    /// Configuration or environment problem, reported to the operator in one line.
    #[error("{0}")]
    Config(String),
    /// A database error; its details go to the log only.
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    /// Anything else unexpected; its details go to the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

/// A byte limit as people say it: `10MB`, `1MB`, `512KB`.
pub fn mib(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{}MB", bytes / (1024 * 1024))
    } else if bytes >= 1024 * 1024 {
        format!("{:.1}MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{}KB", bytes.div_ceil(1024))
    }
}

impl AppError {
    /// The HTTP status this error maps to.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Duplicates(_) | AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Config(_) | AppError::Db(_) | AppError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// Wraps any displayable internal failure.
    pub fn internal(err: impl std::fmt::Display) -> Self {
        AppError::Internal(err.to_string())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let markup = crate::web::layout::error_page(status, &self);
        (status, markup).into_response()
    }
}

impl AppError {
    /// A stable machine-readable code for the JSON envelope.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf",
            AppError::TooLarge(_) => "too_large",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::BadRequest(_) => "bad_request",
            AppError::Invalid(_) => "invalid",
            AppError::Duplicates(_) => "duplicates",
            AppError::Conflict(_) => "conflict",
            AppError::Config(_) | AppError::Db(_) | AppError::Internal(_) => "internal",
        }
    }

    /// The message a user may see (internals are replaced by a generic sentence).
    pub fn public_message(&self) -> String {
        if self.status().is_server_error() {
            "일시적인 오류가 발생했습니다 (internal error)".to_string()
        } else {
            self.to_string()
        }
    }

    /// The JSON error envelope used under `/api` (see `ErrorEnvelope`).
    pub fn into_json_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "API request failed");
        }
        let mut body = ErrorBody::new(self.code(), &self.public_message());
        match self {
            AppError::Invalid(fields) => body.fields = Some(fields.into_map()),
            AppError::Duplicates(list) => body.duplicates = Some(list),
            AppError::Conflict(current) => body.current = Some(current),
            _ => {}
        }
        (status, axum::Json(ErrorEnvelope { error: body })).into_response()
    }
}

/// The one JSON error envelope of the API: `{"error": {"code": "...", "message": "..."}}`,
/// plus `fields`, `duplicates` or `current` for the errors that carry them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

/// The inside of the error envelope.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code: `not_found`, `unauthorized`, `invalid_token`,
    /// `forbidden`, `csrf`, `too_large`, `method_not_allowed`, `bad_request`, `invalid`,
    /// `duplicates`, `conflict`, `internal`.
    pub code: String,
    /// A short Korean message that may be shown to a person.
    pub message: String,
    /// `invalid` only: field name → message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, String>>,
    /// `duplicates` only: the likely duplicates (`DuplicateView`s) and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub duplicates: Option<serde_json::Value>,
    /// `conflict` only: the entry as stored now (an `EntryDetail`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub current: Option<serde_json::Value>,
}

impl ErrorBody {
    fn new(code: &str, message: &str) -> Self {
        ErrorBody {
            code: code.to_string(),
            message: message.to_string(),
            fields: None,
            duplicates: None,
            current: None,
        }
    }
}

/// A JSON error envelope with any status, code and message.
pub fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = ErrorEnvelope {
        error: ErrorBody::new(code, message),
    };
    (status, axum::Json(body)).into_response()
}

/// Result alias used by handlers and queries.
pub type AppResult<T> = Result<T, AppError>;
