//! One error type for the whole app. Internals are logged, never shown: a user sees a styled
//! page (or a JSON envelope under `/api`) with a short Korean message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sea_orm::DbErr;

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
    /// The request body is larger than the route accepts.
    #[error("요청이 너무 큽니다")]
    TooLarge,
    /// The request itself is wrong; the message is safe to show.
    #[error("{0}")]
    BadRequest(String),
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

impl AppError {
    /// The HTTP status this error maps to.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
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
            AppError::TooLarge => "too_large",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::BadRequest(_) => "bad_request",
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

    /// The JSON error envelope used under `/api`:
    /// `{"error": {"code": "...", "message": "..."}}`.
    pub fn into_json_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "API request failed");
        }
        json_error(status, self.code(), &self.public_message())
    }
}

/// A JSON error envelope with any status, code and message.
pub fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "error": { "code": code, "message": message } });
    (status, axum::Json(body)).into_response()
}

/// Result alias used by handlers and queries.
pub type AppResult<T> = Result<T, AppError>;
