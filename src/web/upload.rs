//! Reading an uploaded file from a multipart form in pieces: the routes whose body the guard
//! streams (`auth::policy::WriteRoute::streamed`) keep a file only up to their limit and count
//! the rest, so that a file over it is refused beside its field with the form's other values
//! kept, instead of the whole request failing.

use axum::extract::multipart::{Field, MultipartError};
use axum::http::StatusCode;

use crate::error::AppError;

/// A file field as read: its name, its size, and its bytes when it is within the limit it was
/// read with (a larger one is counted, not kept).
pub struct Received {
    pub name: String,
    pub size: usize,
    pub bytes: Vec<u8>,
}

impl Received {
    /// True when nothing was chosen: an empty file input sends a part with no name and no bytes.
    pub fn is_empty(&self) -> bool {
        self.name.is_empty() && self.size == 0
    }
}

/// Reads `field` to its end, keeping its bytes only while they are within `keep`.
pub async fn read_file(field: &mut Field<'_>, keep: usize) -> Result<Received, MultipartError> {
    let name = field.file_name().unwrap_or_default().to_string();
    let (mut size, mut bytes) = (0usize, Vec::new());
    while let Some(chunk) = field.chunk().await? {
        size += chunk.len();
        if size <= keep {
            bytes.extend_from_slice(&chunk);
        } else if !bytes.is_empty() {
            // Over the limit: read on (other fields may follow) without keeping it.
            bytes = Vec::new();
        }
    }
    Ok(Received { name, size, bytes })
}

/// What a multipart body that could not be read answers: the 413 page with `limit` when it ran
/// past its route's limit (axum's own limit error, or the guard's for a streamed route, found
/// down the error's sources), else a malformed form.
pub fn unreadable(limit: usize) -> impl Fn(MultipartError) -> AppError + Copy {
    move |e| {
        let mut source = std::error::Error::source(&e);
        let mut over = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
        while let Some(s) = source.filter(|_| !over) {
            over = s.is::<http_body_util::LengthLimitError>();
            source = s.source();
        }
        if over {
            AppError::TooLarge(limit)
        } else {
            AppError::BadRequest(
                "업로드 양식을 읽을 수 없습니다 (the upload form could not be read)".into(),
            )
        }
    }
}

/// `12.3MB`: a size as the limits on the forms are written.
pub fn megabytes(bytes: usize) -> String {
    format!("{:.1}MB", bytes as f64 / (1024.0 * 1024.0))
}
