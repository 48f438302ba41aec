//! `SlugPath`: the `{slug}` in a URL, NFC-normalised. A segment that is not even valid UTF-8
//! cannot name anything, so it is a styled 404 rather than axum's plain-text rejection.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

use crate::error::AppError;

/// The slug segment of the path.
pub struct SlugPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for SlugPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        Ok(SlugPath(crate::domain::text::nfc(&raw)))
    }
}

/// A numeric `{id}` segment; anything that is not a positive integer is a styled 404.
pub struct IdPath(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        raw.parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(IdPath)
            .ok_or(AppError::NotFound)
    }
}

/// A `{slug}/…/{id}` pair (a report's photo): the slug NFC-normalised, the id a positive
/// integer; anything else is a styled 404.
pub struct SlugIdPath(pub String, pub i64);

impl<S: Send + Sync> FromRequestParts<S> for SlugIdPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path((slug, raw)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let id = raw
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or(AppError::NotFound)?;
        Ok(SlugIdPath(crate::domain::text::nfc(&slug), id))
    }
}
