//! The JSON API under `/api/v1`. Errors use one envelope (`crate::error::ErrorEnvelope`):
//! `{"error": {"code": "...", "message": "..."}}`. Scripts authenticate with
//! `Authorization: Bearer <token>` (see `auth::tokens`); anonymous callers read the public
//! directory without contact details. The routes are declared once, in `api_routes!` below:
//! the router is built from that list, and a test checks every entry of it against the
//! OpenAPI document (`openapi.rs`).

pub mod entries;
pub mod export;
pub mod links;
pub mod mentions;
pub mod nearby;
pub mod openapi;
pub mod report_input;
pub mod report_views;
pub mod reports;
pub mod views;

use axum::Json;
use axum::Router;
use axum::extract::{FromRequest, Request};
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, on};
use serde::de::DeserializeOwned;

use crate::app::AppState;
use crate::auth::extract::RequireUser;
use crate::error::AppError;
use views::MeView;

/// An `AppError` rendered as the JSON envelope.
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_json_response()
    }
}

/// Result type of API handlers.
pub type ApiResult<T> = Result<Json<T>, ApiError>;

/// `axum::Json` whose rejection (wrong content type, malformed JSON) is the JSON envelope
/// rather than axum's plain text.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let unreadable = |why: String| {
            ApiError(AppError::BadRequest(format!(
                "JSON 본문을 읽을 수 없습니다 (send Content-Type: application/json): {why}"
            )))
        };
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json") || v.contains("+json"));
        if !is_json {
            return Err(unreadable(
                "Content-Type 이 application/json 이 아닙니다".into(),
            ));
        }
        let body = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| unreadable(e.body_text()))?;
        // A NUL is never text, and PostgreSQL cannot store one: refuse `\u0000` up front.
        if body.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
            return Err(unreadable("NUL 문자(\\u0000)는 쓸 수 없습니다".into()));
        }
        Json::<T>::from_bytes(&body)
            .map(|Json(v)| ApiJson(v))
            .map_err(|e| unreadable(e.body_text()))
    }
}

/// Declares `ROUTES` (method and path of every API route) and `routes()` (the router) from
/// one list, so the two cannot drift apart.
macro_rules! api_routes {
    ($($method:ident $path:literal => $handler:path;)*) => {
        /// Every route under `/api/v1`: method and axum path pattern (without the prefix).
        pub const ROUTES: &[(Method, &str)] = &[$((Method::$method, $path)),*];

        /// Routes mounted at `/api/v1`, built from the same list as `ROUTES`.
        pub fn routes() -> Router<AppState> {
            Router::new()
                $(.route($path, on(MethodFilter::$method, $handler)))*
                .fallback(|| async { ApiError(AppError::NotFound) })
        }
    };
}

api_routes! {
    GET "/me" => show_me;
    GET "/openapi.json" => openapi::show_openapi;
    GET "/search" => crate::search::routes::api_search;
    GET "/entries" => entries::list_entries;
    POST "/entries" => entries::create_entry;
    GET "/entries.geojson" => export::export_geojson;
    GET "/entries.csv" => export::export_csv;
    GET "/entries/id/{id}" => entries::show_entry_by_id;
    GET "/entries/{slug}" => entries::show_entry;
    PUT "/entries/{slug}" => entries::update_entry;
    DELETE "/entries/{slug}" => entries::delete_entry;
    POST "/entries/{slug}/archive" => entries::archive_entry;
    POST "/entries/{slug}/aliases" => links::add_alias;
    DELETE "/entries/{slug}/aliases/{id}" => links::remove_alias;
    POST "/entries/{slug}/links" => links::add_link;
    DELETE "/entries/{slug}/links/{id}" => links::remove_link;
    GET "/nearby" => nearby::list_nearby;
    POST "/mentions/detect" => mentions::detect_mentions;
    GET "/reports" => reports::list_reports;
    POST "/reports" => reports::create_report;
    GET "/reports/{slug}" => reports::show_report;
    PUT "/reports/{slug}" => reports::update_report;
    DELETE "/reports/{slug}" => reports::delete_report;
    GET "/reports/{slug}/mentions" => mentions::list_report_mentions;
    POST "/reports/{slug}/mentions/{id}/confirm" => reports::confirm_mention;
    POST "/reports/{slug}/mentions/{id}/reject" => reports::reject_mention;
}

/// `GET /api/v1/me`: the caller.
#[utoipa::path(
    get, path = "/me", tag = "account",
    responses(
        (status = 200, body = MeView),
        (status = 401, body = crate::error::ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn show_me(RequireUser(user): RequireUser) -> ApiResult<MeView> {
    Ok(Json(MeView {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        role: user.role.as_str().to_string(),
    }))
}
