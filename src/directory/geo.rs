//! Geographic queries: entries within r of a point (or of an entry), and inside a bounding
//! box. A bounding box narrows the rows in SQL (indexed `lat, lng`); the exact great-circle
//! distance decides.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect,
};

use crate::directory::duplicates::distance_m;
use crate::domain::LatLng;
use crate::entities::entry;
use crate::error::AppResult;

/// Metres per degree of latitude.
const M_PER_DEG: f64 = 111_320.0;

/// Entries within `radius_m` of `center` (except `exclude`), nearest first, with distances.
pub async fn within(
    db: &impl ConnectionTrait,
    center: LatLng,
    radius_m: f64,
    exclude: Option<i64>,
    limit: usize,
) -> AppResult<Vec<(entry::Model, f64)>> {
    let dlat = radius_m / M_PER_DEG;
    let dlng = radius_m / (M_PER_DEG * center.lat().to_radians().cos().max(0.01));
    // The nearest few are chosen in SQL from the covering `(lat, lng)` index with a flat-earth
    // distance (within 1 km it differs from the great circle by far less than a metre), so
    // where entries cluster — a district's centre can have thousands within the box — only a
    // handful of rows leave the database. The exact distance then decides, over a few spares.
    let kx = M_PER_DEG * center.lat().to_radians().cos().max(0.01);
    let d2 = Expr::cust_with_values(
        "((lat - $1) * $2) * ((lat - $1) * $2) + ((lng - $3) * $4) * ((lng - $3) * $4)",
        [center.lat(), M_PER_DEG, center.lng(), kx],
    );
    let points: Vec<(i64, Option<f64>, Option<f64>)> = entry::Entity::find()
        .select_only()
        .columns([entry::Column::Id, entry::Column::Lat, entry::Column::Lng])
        .filter(entry::Column::Lat.between(center.lat() - dlat, center.lat() + dlat))
        .filter(entry::Column::Lng.between(center.lng() - dlng, center.lng() + dlng))
        .order_by(d2, Order::Asc)
        .limit((limit + 8) as u64)
        .into_tuple()
        .all(db)
        .await?;
    let mut near: Vec<(i64, f64)> = points
        .into_iter()
        .filter(|(id, ..)| Some(*id) != exclude)
        .filter_map(|(id, lat, lng)| {
            let d = distance_m(center.lat(), center.lng(), lat?, lng?);
            (d <= radius_m).then_some((id, d))
        })
        .collect();
    near.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    near.truncate(limit);
    let mut rows: std::collections::HashMap<i64, entry::Model> = entry::Entity::find()
        .filter(entry::Column::Id.is_in(near.iter().map(|(id, _)| *id)))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    Ok(near
        .into_iter()
        .filter_map(|(id, d)| Some((rows.remove(&id)?, d)))
        .collect())
}

/// Entries inside the box from `south_west` to `north_east`, by name.
pub async fn in_box(
    db: &impl ConnectionTrait,
    south_west: LatLng,
    north_east: LatLng,
    limit: u64,
) -> AppResult<Vec<entry::Model>> {
    Ok(entry::Entity::find()
        .filter(entry::Column::Lat.between(south_west.lat(), north_east.lat()))
        .filter(entry::Column::Lng.between(south_west.lng(), north_east.lng()))
        .limit(limit)
        .all(db)
        .await?)
}
