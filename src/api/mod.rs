//! The JSON API under `/api/v1`. Errors use one envelope:
//! `{"error": {"code": "...", "message": "..."}}`. Scripts authenticate with
//! `Authorization: Bearer <token>` (see `auth::tokens`); anonymous callers read the public
//! directory without contact details.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;

use crate::app::AppState;
use crate::auth::extract::{Ctx, RequireUser};
use crate::directory::queries;
use crate::error::AppError;
use crate::web::slug_path::SlugPath;

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

/// Routes mounted at `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(show_me))
        .route("/entries/{slug}", get(show_entry))
        .route("/search", get(crate::search::routes::api_search))
        .fallback(|| async { ApiError(AppError::NotFound) })
}

/// The caller, as the server sees them.
#[derive(Debug, Serialize)]
pub struct MeView {
    pub id: i64,
    pub email: String,
    pub display_name: Option<String>,
    pub role: String,
}

/// `GET /api/v1/me`
async fn show_me(RequireUser(user): RequireUser) -> ApiResult<MeView> {
    Ok(Json(MeView {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        role: user.role.as_str().to_string(),
    }))
}

/// An entry as the API returns it. Contact fields are omitted for anonymous callers.
#[derive(Debug, Serialize)]
pub struct EntryView {
    pub id: i64,
    pub kind: String,
    pub slug: String,
    pub name: String,
    pub name_en: Option<String>,
    pub description: Option<String>,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub district: Option<String>,
    pub website: Option<String>,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub aliases: Vec<String>,
    pub version: i32,
}

/// `GET /api/v1/entries/{slug}`
async fn show_entry(
    State(state): State<AppState>,
    ctx: Ctx,
    slug: Result<SlugPath, AppError>,
) -> ApiResult<EntryView> {
    let SlugPath(slug) = slug?;
    let page = queries::entry_page(&state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let e = page.entry;
    let contacts = ctx.can_see_contacts();
    Ok(Json(EntryView {
        id: e.id,
        kind: e.kind,
        slug: e.slug,
        name: e.name,
        name_en: e.name_en,
        description: e.description,
        address: e.address,
        lat: e.lat,
        lng: e.lng,
        district: page.district.map(|d| d.slug),
        website: e.website,
        status: e.status,
        phone: e.phone.filter(|_| contacts),
        email: e.email.filter(|_| contacts),
        aliases: page.aliases.into_iter().map(|a| a.name).collect(),
        version: e.version,
    }))
}
