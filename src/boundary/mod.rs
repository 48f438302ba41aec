//! District boundaries: loading them from a GeoJSON file (`import`), the district a point lies
//! in (`Boundaries::district_at`, even-odd ray casting over the stored rings with a bounding
//! box first), an in-memory cache per app instance that notices a boundary import made by
//! another process, and the admin page of address/coordinate conflicts (`routes`).

pub mod import;
pub mod routes;

use std::sync::{Arc, RwLock};

use sea_orm::{ConnectionTrait, EntityTrait};

use crate::compare::svg::rings_of;
use crate::entities::{district_detail, entry};
use crate::error::AppResult;

/// One district's outline.
#[derive(Debug, Clone)]
pub struct Area {
    pub entry_id: i64,
    pub code: String,
    pub name: String,
    /// Outer rings and holes alike, (lng, lat); the even-odd rule sorts them out.
    pub rings: Vec<Vec<(f64, f64)>>,
    /// (min lng, min lat, max lng, max lat).
    pub bbox: (f64, f64, f64, f64),
}

impl AsRef<[Vec<(f64, f64)>]> for Area {
    fn as_ref(&self) -> &[Vec<(f64, f64)>] {
        &self.rings
    }
}

/// Every loaded district outline.
#[derive(Debug, Clone, Default)]
pub struct Boundaries {
    pub areas: Vec<Area>,
}

impl Boundaries {
    /// Outlines from (entry id, code, name, stored GeoJSON geometry); unreadable or empty
    /// geometries are left out.
    pub fn from_rows(rows: impl IntoIterator<Item = (i64, String, String, String)>) -> Self {
        let areas = rows
            .into_iter()
            .filter_map(|(entry_id, code, name, geojson)| {
                let rings: Vec<Vec<(f64, f64)>> = rings_of(&geojson)
                    .into_iter()
                    .filter(|r| r.len() >= 3)
                    .collect();
                let bbox = rings.iter().flatten().fold(
                    (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
                    |(a, b, c, d), &(x, y)| (a.min(x), b.min(y), c.max(x), d.max(y)),
                );
                (!rings.is_empty()).then_some(Area {
                    entry_id,
                    code,
                    name,
                    rings,
                    bbox,
                })
            })
            .collect();
        Boundaries { areas }
    }

    /// True when no boundary is loaded.
    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    /// The district whose outline contains the point, if any. Districts do not overlap, so
    /// the first hit is the answer; a point exactly on a shared border goes to one of them.
    pub fn district_at(&self, lat: f64, lng: f64) -> Option<&Area> {
        self.areas.iter().find(|a| {
            let (x0, y0, x1, y1) = a.bbox;
            (x0..=x1).contains(&lng) && (y0..=y1).contains(&lat) && inside(&a.rings, lng, lat)
        })
    }
}

/// Even-odd ray casting over every ring: a point inside an outer ring and inside one of its
/// holes crosses an even number of edges in total, so holes need no special case.
pub fn inside(rings: &[Vec<(f64, f64)>], x: f64, y: f64) -> bool {
    let mut odd = false;
    for ring in rings {
        let n = ring.len();
        if n < 3 {
            continue;
        }
        let mut j = n - 1;
        for i in 0..n {
            let (xi, yi) = ring[i];
            let (xj, yj) = ring[j];
            if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
                odd = !odd;
            }
            j = i;
        }
    }
    odd
}

/// What identifies the stored boundaries: how many, and their total size in bytes. A boundary
/// import in another process changes it, so a cached copy is reloaded.
type Fingerprint = (usize, usize);

/// Reads every stored boundary.
pub async fn load(db: &impl ConnectionTrait) -> AppResult<(Fingerprint, Boundaries)> {
    let fingerprint = stored_sizes(db).await?;
    let details = district_detail::Entity::find().all(db).await?;
    let with: Vec<district_detail::Model> = details
        .into_iter()
        .filter(|d| d.boundary_geojson.is_some())
        .collect();
    let names: std::collections::HashMap<i64, String> = if with.is_empty() {
        Default::default()
    } else {
        use sea_orm::{ColumnTrait, QueryFilter};
        entry::Entity::find()
            .filter(entry::Column::Id.is_in(with.iter().map(|d| d.entry_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|e| (e.id, e.name))
            .collect()
    };
    let rows = with.into_iter().filter_map(|d| {
        let name = names.get(&d.entry_id).cloned().unwrap_or_default();
        Some((d.entry_id, d.code, name, d.boundary_geojson?))
    });
    Ok((fingerprint, Boundaries::from_rows(rows)))
}

/// The boundaries of one app instance, parsed once and reloaded when they change.
#[derive(Debug, Default)]
pub struct BoundaryCache {
    inner: RwLock<Option<(Fingerprint, Arc<Boundaries>)>>,
}

impl BoundaryCache {
    /// The current boundaries. Costs one small query (the fingerprint) when nothing changed.
    pub async fn get(&self, db: &impl ConnectionTrait) -> AppResult<Arc<Boundaries>> {
        let details = stored_sizes(db).await?;
        if let Ok(guard) = self.inner.read()
            && let Some((fp, b)) = guard.as_ref()
            && *fp == details
        {
            return Ok(b.clone());
        }
        let (fp, b) = load(db).await?;
        let b = Arc::new(b);
        if let Ok(mut guard) = self.inner.write() {
            *guard = Some((fp, b.clone()));
        }
        Ok(b)
    }

    /// Forgets the cached copy (after a boundary import in this process).
    pub fn invalidate(&self) {
        if let Ok(mut guard) = self.inner.write() {
            *guard = None;
        }
    }
}

/// The fingerprint, read without the geometries themselves: `octet_length` takes a value's
/// size from the record (SQLite) or its header (PostgreSQL), where `LENGTH` counted the
/// characters of all 190 KB of GeoJSON — on every report page with a route map.
async fn stored_sizes(db: &impl ConnectionTrait) -> AppResult<Fingerprint> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(boundary_geojson) AS n, \
             COALESCE(SUM(octet_length(boundary_geojson)), 0) AS total FROM district_details",
        ))
        .await?;
    let get = |col: &str| -> usize {
        row.as_ref()
            .and_then(|r| r.try_get::<i64>("", col).ok())
            .and_then(|v| usize::try_from(v).ok())
            .unwrap_or(0)
    };
    Ok((get("n"), get("total")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<(f64, f64)> {
        vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
    }

    #[test]
    fn holes_and_outside_points() {
        let rings = vec![square(0.0, 0.0, 10.0, 10.0), square(4.0, 4.0, 6.0, 6.0)];
        assert!(inside(&rings, 1.0, 1.0));
        assert!(!inside(&rings, 5.0, 5.0), "in the hole");
        assert!(!inside(&rings, 11.0, 5.0));
        assert!(!inside(&rings, -0.5, 5.0));
    }

    #[test]
    fn the_first_containing_district_and_none_outside() {
        let geo = |x0: f64| {
            format!(
                r#"{{"type":"Polygon","coordinates":[[[{x0},37.0],[{},37.0],[{},38.0],[{x0},38.0],[{x0},37.0]]]}}"#,
                x0 + 1.0,
                x0 + 1.0
            )
        };
        let b = Boundaries::from_rows([
            (1, "11110".into(), "종로구".into(), geo(126.0)),
            (2, "11140".into(), "중구".into(), geo(127.0)),
            (3, "11170".into(), "용산구".into(), "not json".into()),
        ]);
        assert_eq!(b.areas.len(), 2);
        assert_eq!(b.district_at(37.5, 127.5).map(|a| a.entry_id), Some(2));
        assert_eq!(
            b.district_at(37.5, 126.5).map(|a| a.name.as_str()),
            Some("종로구")
        );
        assert!(b.district_at(36.5, 126.5).is_none());
    }
}
