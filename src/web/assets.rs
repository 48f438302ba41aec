//! Static assets served by the app itself (no CDN, works offline).

use axum::http::header;
use axum::response::IntoResponse;

/// Where the stylesheet is served; the file name carries a version so browsers may cache it.
pub const STYLESHEET_PATH: &str = "/static/style-v1.css";

const STYLESHEET: &str = include_str!("style.css");

/// `GET /static/style-v1.css`
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        STYLESHEET,
    )
}
