//! Today's district figures and the parsed district boundaries, computed once and shared until
//! something changes; and the last few past days asked for, kept the same way.
//!
//! The stamp that says "something changed" is `crate::audit::stamp`: it lives in the
//! database, so every app instance on one database sees the same writes.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, EntityTrait, QuerySelect, StreamTrait};

use crate::audit::stamp::{Stamp, Stamps};
use crate::compare::figures::{DistrictFigures, Moment, all_districts, figures_at};
use crate::compare::svg::rings_of;
use crate::entities::district_detail;
use crate::error::AppResult;
use crate::web::cache::PageCache;

/// A district's boundary as rings of (lng, lat).
pub type Rings = Vec<Vec<(f64, f64)>>;

/// What the cache holds: today's figures and every district's parsed boundary (by entry id).
#[derive(Debug, Default)]
pub struct Today {
    pub figures: Vec<DistrictFigures>,
    pub rings: HashMap<i64, Rings>,
}

async fn boundaries(db: &impl ConnectionTrait) -> AppResult<HashMap<i64, Rings>> {
    let rows: Vec<(i64, Option<String>)> = district_detail::Entity::find()
        .select_only()
        .columns([
            district_detail::Column::EntryId,
            district_detail::Column::BoundaryGeojson,
        ])
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, g)| Some((id, rings_of(&g?))))
        .filter(|(_, r)| !r.is_empty())
        .collect())
}

type Slot = Option<(Stamp, Arc<Today>)>;

/// Past days kept. A researcher going through one day's figures (another figure, another
/// district) asks for the same day again and again, and each costs the figures afresh (~0.2 s
/// at 100,000 entries); a day's figures are small (25 districts' counts and their centers).
pub const PAST_DAYS_KEPT: usize = 4;

/// The shared cache of today's figures (one per app instance).
pub struct FiguresCache {
    slot: RwLock<Slot>,
    /// One computation at a time; the others wait for it and reuse its result.
    computing: tokio::sync::Mutex<()>,
    /// The last past days computed, by date, under the current stamp.
    past: PageCache<Vec<DistrictFigures>>,
}

impl Default for FiguresCache {
    fn default() -> Self {
        FiguresCache {
            slot: RwLock::default(),
            computing: tokio::sync::Mutex::default(),
            past: PageCache::new(PAST_DAYS_KEPT),
        }
    }
}

impl FiguresCache {
    fn cached(&self, now: &Stamp) -> Option<Arc<Today>> {
        let slot = self.slot.read().ok()?;
        slot.as_ref()
            .filter(|(s, _)| s == now)
            .map(|(_, f)| Arc::clone(f))
    }

    /// Today's figures and boundaries: from the cache when nothing changed since they were
    /// computed.
    pub async fn today(
        &self,
        stamps: &Stamps,
        db: &(impl ConnectionTrait + StreamTrait),
    ) -> AppResult<Arc<Today>> {
        let now = stamps.now().await?;
        if let Some(f) = self.cached(&now) {
            return Ok(f);
        }
        let _turn = self.computing.lock().await;
        // Read the stamp again: another request may have computed while this one waited, and
        // the stamp must be taken before the figures so a write in between is not missed.
        let now = stamps.now().await?;
        if let Some(f) = self.cached(&now) {
            return Ok(f);
        }
        let today = Arc::new(Today {
            figures: all_districts(db).await?,
            rings: boundaries(db).await?,
        });
        if let Ok(mut slot) = self.slot.write() {
            *slot = Some((now, Arc::clone(&today)));
        }
        Ok(today)
    }

    /// The figures at the end of `date`: from the cache when nothing changed since they were
    /// computed, else afresh.
    pub async fn past(
        &self,
        stamps: &Stamps,
        db: &(impl ConnectionTrait + StreamTrait),
        date: NaiveDate,
    ) -> AppResult<Arc<Vec<DistrictFigures>>> {
        self.past
            .get_or_load(stamps, &date.to_string(), || {
                figures_at(db, Moment::end_of(date))
            })
            .await
    }
}
