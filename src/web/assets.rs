//! Static assets served by the app itself (no CDN, works offline).

use axum::http::header;
use axum::response::IntoResponse;

const STYLESHEET: &str = include_str!("style.css");

/// FNV-1a over the stylesheet, computed by the compiler.
const STYLESHEET_HASH: u64 = {
    let bytes = STYLESHEET.as_bytes();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    h
};

/// Where the stylesheet is served: the file name carries a hash of its contents, so a browser
/// may keep it for a year and still never shows a page with the styles of an older build.
pub fn stylesheet_path() -> &'static str {
    static PATH: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| format!("/static/style-{STYLESHEET_HASH:016x}.css"));
    &PATH
}

/// `GET /static/style-{hash}.css`
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        STYLESHEET,
    )
}
