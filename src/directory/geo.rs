//! Geographic queries: entries within r of a point (or of an entry), and inside a bounding
//! box. A bounding box narrows the rows in SQL (indexed `lat, lng`); the exact great-circle
//! distance decides.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect,
};

use crate::directory::duplicates::distance_m;
use crate::domain::LatLng;
use crate::entities::entry;
use crate::error::AppResult;

/// Metres per degree of latitude on the sphere [`distance_m`] measures on.
const M_PER_DEG: f64 = 6_371_000.0 * std::f64::consts::PI / 180.0;
/// How much wider than the circle a search box is drawn: on the sphere a point just outside
/// a box of exactly the radius can still lie (by well under a metre per kilometre) inside the
/// circle; with this margin nothing within the radius falls outside the box.
const BOX_MARGIN: f64 = 1.01;
/// The radius tried first, as a part of the one asked for. Where entries cluster — a
/// district's centre can hold thousands within a kilometre — the nearest few lie well inside
/// it, and a box a quarter as wide reads a quarter of SQLite's index (the box's whole band of
/// latitude) and a sixteenth of PostgreSQL's rows. When it holds fewer than asked for, the
/// whole radius is searched.
const FIRST_REACH: f64 = 0.25;

/// Entries within `radius_m` of `center` (except `exclude`), nearest first, with distances.
pub async fn within(
    db: &impl ConnectionTrait,
    center: LatLng,
    radius_m: f64,
    exclude: Option<i64>,
    limit: usize,
) -> AppResult<Vec<(entry::Model, f64)>> {
    // Everything outside a box lies beyond its radius, so when the nearer box alone holds
    // `limit` entries within its radius, they are the nearest of the whole circle.
    let mut near = nearest_points(db, center, radius_m * FIRST_REACH, exclude, limit).await?;
    if near.len() < limit {
        near = nearest_points(db, center, radius_m, exclude, limit).await?;
    }
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

/// Ids and distances of the (at most `limit`) entries nearest to `center` within `radius_m`
/// (except `exclude`), nearest first.
async fn nearest_points(
    db: &impl ConnectionTrait,
    center: LatLng,
    radius_m: f64,
    exclude: Option<i64>,
    limit: usize,
) -> AppResult<Vec<(i64, f64)>> {
    let kx = M_PER_DEG * center.lat().to_radians().cos().max(0.01);
    let dlat = radius_m * BOX_MARGIN / M_PER_DEG;
    let dlng = radius_m * BOX_MARGIN / kx;
    // The nearest few are chosen in SQL from the covering `(lat, lng)` index with a flat-earth
    // distance (within 1 km it differs from the great circle by far less than a metre), so
    // only a handful of rows leave the database; the exact distance then decides, over a few
    // spares. The distance is built from typed parts, not custom SQL: sea-query binds a
    // custom expression's `$1` placeholders on PostgreSQL only (on SQLite they read the
    // query's first values, the box's bounds, and the "nearest" were another point's).
    let dy = Expr::col(entry::Column::Lat)
        .sub(center.lat())
        .mul(M_PER_DEG);
    let dx = Expr::col(entry::Column::Lng).sub(center.lng()).mul(kx);
    let d2 = dy.clone().mul(dy).add(dx.clone().mul(dx));
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
    Ok(near)
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
