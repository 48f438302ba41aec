//! `GET /api/v1/nearby`: entries near a point or an entry, or inside a bounding box.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::ApiResult;
use crate::app::AppState;
use crate::directory::{geo, queries};
use crate::domain::LatLng;
use crate::error::AppError;

/// Where to look: `lat`+`lng` or `entry` (a slug) with `km`, or `bbox`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NearbyQuery {
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub entry: Option<String>,
    /// Radius in kilometres (default 1, at most 50).
    pub km: Option<f64>,
    /// `west,south,east,north` in degrees.
    pub bbox: Option<String>,
}

/// One entry with its distance from the point (absent for box queries).
#[derive(Debug, Serialize, ToSchema)]
pub struct NearbyItem {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub distance_m: Option<f64>,
}

fn bad(msg: &str) -> AppError {
    AppError::BadRequest(msg.to_string())
}

/// `GET /api/v1/nearby`
#[utoipa::path(
    get, path = "/nearby", tag = "entries",
    params(
        ("lat" = Option<f64>, Query, description = "Latitude of the point"),
        ("lng" = Option<f64>, Query, description = "Longitude of the point"),
        ("entry" = Option<String>, Query, description = "Or: the slug of an entry with coordinates"),
        ("km" = Option<f64>, Query, description = "Radius in km (default 1, at most 50)"),
        ("bbox" = Option<String>, Query, description = "Or: west,south,east,north"),
    ),
    responses((status = 200, body = [NearbyItem]), (status = 400, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope))
)]
pub async fn list_nearby(
    State(state): State<AppState>,
    Query(q): Query<NearbyQuery>,
) -> ApiResult<Vec<NearbyItem>> {
    let item = |e: crate::entities::entry::Model, d: Option<f64>| NearbyItem {
        slug: e.slug,
        name: e.name,
        kind: e.kind,
        lat: e.lat,
        lng: e.lng,
        distance_m: d.map(|d| d.round()),
    };
    if let Some(b) = &q.bbox {
        let v: Vec<f64> = b.split(',').filter_map(|x| x.trim().parse().ok()).collect();
        let [w, s, e, n] = v.as_slice() else {
            return Err(bad("bbox는 west,south,east,north 네 숫자입니다.").into());
        };
        let sw = LatLng::new(*s, *w).map_err(|e| bad(&e.to_string()))?;
        let ne = LatLng::new(*n, *e).map_err(|e| bad(&e.to_string()))?;
        let rows = geo::in_box(&state.db, sw, ne, 1000).await?;
        return Ok(Json(rows.into_iter().map(|e| item(e, None)).collect()));
    }
    let km = q.km.unwrap_or(1.0);
    if !(km > 0.0 && km <= 50.0) {
        return Err(bad("km는 0보다 크고 50 이하여야 합니다.").into());
    }
    let (center, exclude) = match (&q.entry, q.lat, q.lng) {
        (Some(slug), _, _) => {
            let e = queries::find_by_slug(&state.db, &crate::domain::text::nfc(slug))
                .await?
                .ok_or(AppError::NotFound)?;
            let (Some(lat), Some(lng)) = (e.lat, e.lng) else {
                return Err(bad("이 항목에는 좌표가 없습니다.").into());
            };
            (
                LatLng::new(lat, lng).map_err(|e| bad(&e.to_string()))?,
                Some(e.id),
            )
        }
        (None, Some(lat), Some(lng)) => (
            LatLng::new(lat, lng).map_err(|e| bad(&e.to_string()))?,
            None,
        ),
        _ => return Err(bad("lat와 lng, 또는 entry, 또는 bbox를 주세요.").into()),
    };
    let rows = geo::within(&state.db, center, km * 1000.0, exclude, 200).await?;
    Ok(Json(
        rows.into_iter().map(|(e, d)| item(e, Some(d))).collect(),
    ))
}
