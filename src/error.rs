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
        let markup = crate::web::layout::error_page(status);
        (status, markup).into_response()
    }
}

/// Result alias used by handlers and queries.
pub type AppResult<T> = Result<T, AppError>;
