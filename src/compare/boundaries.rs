//! District boundaries for the choropleth: a GeoJSON FeatureCollection whose features carry
//! the district's SIG_CD code (`SIG_CD`, `sig_cd` or `code` property), stored as each
//! district's `boundary_geojson` through the audit trail.

use sea_orm::{ConnectionTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::Value;

use crate::audit::{self, Actor};
use crate::entities::district_detail;
use crate::error::{AppError, AppResult};

/// Stores the boundary of every district the collection names; returns how many were stored.
pub async fn load(db: &impl ConnectionTrait, actor: &Actor, geojson: &str) -> AppResult<usize> {
    let doc: Value = serde_json::from_str(geojson).map_err(|e| {
        AppError::BadRequest(format!("경계 파일이 GeoJSON이 아닙니다 (not GeoJSON): {e}"))
    })?;
    let features = doc
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            AppError::BadRequest("경계 파일에 features가 없습니다 (not a FeatureCollection)".into())
        })?;
    let details = district_detail::Entity::find().all(db).await?;
    let mut stored = 0;
    for feature in features {
        let props = feature.get("properties");
        let code = ["SIG_CD", "sig_cd", "code"]
            .iter()
            .find_map(|k| props?.get(*k)?.as_str());
        let (Some(code), Some(geometry)) = (code, feature.get("geometry")) else {
            continue;
        };
        let Some(detail) = details.iter().find(|d| d.code == code) else {
            continue;
        };
        let text = geometry.to_string();
        if detail.boundary_geojson.as_deref() == Some(text.as_str()) {
            continue;
        }
        let mut m = detail.clone().into_active_model();
        m.boundary_geojson = Set(Some(text));
        audit::update(db, actor, detail, m).await?;
        stored += 1;
    }
    Ok(stored)
}
