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

/// A past day's figures, as computed under a stamp.
type PastDay = (Stamp, NaiveDate, Arc<Vec<DistrictFigures>>);

/// The shared cache of today's figures (one per app instance).
#[derive(Default)]
pub struct FiguresCache {
    slot: RwLock<Slot>,
    /// One computation at a time; the others wait for it and reuse its result.
    computing: tokio::sync::Mutex<()>,
    /// The last past days asked for, oldest first; only those of the current stamp count.
    past: RwLock<Vec<PastDay>>,
}

/// `kept` with `day` added last: days of another stamp and an older copy of the same day go,
/// and the oldest goes when [`PAST_DAYS_KEPT`] are kept.
fn keep(kept: &mut Vec<PastDay>, day: PastDay) {
    kept.retain(|(stamp, date, _)| *stamp == day.0 && *date != day.1);
    if kept.len() >= PAST_DAYS_KEPT {
        kept.remove(0);
    }
    kept.push(day);
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
    /// computed, else afresh (two requests for one new day may both compute it).
    pub async fn past(
        &self,
        stamps: &Stamps,
        db: &(impl ConnectionTrait + StreamTrait),
        date: NaiveDate,
    ) -> AppResult<Arc<Vec<DistrictFigures>>> {
        // The stamp is taken before the figures, so a write in between is not missed.
        let now = stamps.now().await?;
        let kept = self.past.read().ok().and_then(|kept| {
            kept.iter()
                .find(|(stamp, day, _)| *stamp == now && *day == date)
                .map(|(_, _, f)| Arc::clone(f))
        });
        if let Some(f) = kept {
            return Ok(f);
        }
        let figures = Arc::new(figures_at(db, Moment::end_of(date)).await?);
        if let Ok(mut kept) = self.past.write() {
            keep(&mut kept, (now, date, Arc::clone(&figures)));
        }
        Ok(figures)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(stamp: Stamp, d: u32) -> PastDay {
        let date = NaiveDate::from_ymd_opt(2024, 6, d).unwrap();
        (stamp, date, Arc::new(Vec::new()))
    }

    fn days(kept: &[PastDay]) -> Vec<u32> {
        use chrono::Datelike;
        kept.iter().map(|(_, d, _)| d.day()).collect()
    }

    #[test]
    fn the_last_days_asked_are_kept_under_the_current_stamp_only() {
        let (old, new) = (Stamp::for_tests(1), Stamp::for_tests(2));
        let mut kept = Vec::new();
        for d in 1..=PAST_DAYS_KEPT as u32 + 2 {
            keep(&mut kept, day(old, d));
        }
        assert_eq!(kept.len(), PAST_DAYS_KEPT);
        assert_eq!(days(&kept), vec![3, 4, 5, 6]);
        // The same day again moves to the end instead of being kept twice.
        keep(&mut kept, day(old, 4));
        assert_eq!(days(&kept), vec![3, 5, 6, 4]);
        // After a write, the days computed before it are forgotten.
        keep(&mut kept, day(new, 9));
        assert_eq!(days(&kept), vec![9]);
    }
}
