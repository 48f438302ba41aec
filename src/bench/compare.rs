//! The benchmark's compare phase: the compare page for three random districts and a random
//! figure, its CSV, and the map of a random figure — each through the same function the route
//! calls (cached figures, rendering included), in-process, one request at a time after a
//! warm-up. It also times what a cache miss costs (today's figures computed afresh) and a
//! past day's figures, which are always computed on demand.

use std::future::Future;
use std::time::Instant;

use chrono::{Duration, NaiveDate};
use sea_orm::DatabaseConnection;

use crate::app::AppState;
use crate::auth::extract::Ctx;
use crate::bench::measure::Stats;
use crate::bench::words::Rng;
use crate::compare::figures::{Moment, all_districts, figures_at, today_kst};
use crate::compare::routes::{compare_csv, compare_response, map_response};
use crate::compare::rows::all_figures;
use crate::error::{AppError, AppResult};

/// Requests run before timing starts.
const WARM_UP: usize = 20;

/// Latencies of the compare phase.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct CompareTimes {
    pub page: Stats,
    pub csv: Stats,
    pub map: Stats,
    /// Today's figures computed without the cache (what a request after a write pays).
    pub uncached: Stats,
    /// A random past day's figures (never cached).
    pub as_of: Stats,
}

async fn timed<F, Fut>(n: usize, warm_up: usize, mut f: F) -> AppResult<Stats>
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = AppResult<()>>,
{
    for i in 0..warm_up {
        f(i).await?;
    }
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        f(warm_up + i).await?;
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(Stats::of(samples))
}

fn ok_status(r: axum::response::Response) -> AppResult<()> {
    if r.status().is_success() {
        Ok(())
    } else {
        Err(AppError::internal(format!(
            "compare bench got {}",
            r.status()
        )))
    }
}

/// Times the compare phase with `n` requests per operation (`n / 100`, at least 5, for the
/// uncached and past-day computations).
pub async fn time_compare(
    db: &DatabaseConnection,
    rng: &mut Rng,
    n: usize,
) -> AppResult<CompareTimes> {
    let state = AppState::new(db.clone());
    let ctx = Ctx::anonymous();
    let codes: Vec<String> = all_districts(db)
        .await?
        .into_iter()
        .map(|f| f.code)
        .collect();
    if codes.len() < 3 {
        return Ok(CompareTimes::default());
    }
    let keys: Vec<String> = all_figures().into_iter().map(|f| f.key).collect();
    let total = n + WARM_UP;
    let pages: Vec<String> = (0..total)
        .map(|_| {
            let mut picked: Vec<&String> = Vec::new();
            while picked.len() < 3 {
                let c = rng.pick(&codes);
                if !picked.contains(&c) {
                    picked.push(c);
                }
            }
            let d: Vec<String> = picked.iter().map(|c| format!("d={c}")).collect();
            format!("{}&figure={}", d.join("&"), rng.pick(&keys))
        })
        .collect();
    let maps: Vec<String> = (0..total)
        .map(|_| format!("figure={}", rng.pick(&keys)))
        .collect();
    let today = today_kst();
    let days: Vec<NaiveDate> = (0..total)
        .map(|_| today - Duration::days(rng.range(1, 4 * 365)))
        .collect();

    let page = timed(n, WARM_UP, |i| {
        let (state, ctx, q) = (&state, &ctx, &pages[i]);
        async move { ok_status(compare_response(state, ctx, Some(q)).await?) }
    })
    .await?;
    let csv = timed(n, WARM_UP, |i| {
        let (state, q) = (&state, &pages[i]);
        async move { ok_status(compare_csv(state, Some(q)).await?) }
    })
    .await?;
    let map = timed(n, WARM_UP, |i| {
        let (state, ctx, q) = (&state, &ctx, &maps[i]);
        async move { ok_status(map_response(state, ctx, Some(q)).await?) }
    })
    .await?;
    let slow = (n / 100).max(5);
    let uncached = timed(
        slow,
        2,
        |_| async move { all_districts(db).await.map(drop) },
    )
    .await?;
    let as_of = timed(slow, 2, |i| {
        let day = days[i % days.len()];
        async move { figures_at(db, Moment::end_of(day)).await.map(drop) }
    })
    .await?;
    Ok(CompareTimes {
        page,
        csv,
        map,
        uncached,
        as_of,
    })
}
