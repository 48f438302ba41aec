//! Timing the read paths in-process: search, filtered list pages with facets, entry pages and
//! report pages. Inputs are drawn from the generated data with a seeded PRNG, one request at
//! a time, after a short warm-up that is not counted.

use std::collections::HashMap;
use std::future::Future;
use std::time::Instant;

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::bench::words::{Rng, SYLLABLES};
use crate::directory::filters::{ListFilter, Sort};
use crate::directory::list_index::ListIndex;
use crate::directory::queries::{count_by_kind, entry_page};
use crate::domain::{CertType, EntryKind, EntryStatus, OutletChannel, ReportState};
use crate::entities::{alias, entry, report};
use crate::error::AppResult;
use crate::linking::store::Shown;
use crate::reports::queries::report_page;
use crate::search::queries::search;
use crate::search::terms::SearchQuery;

/// Requests run before timing starts.
const WARM_UP: usize = 20;

/// Latency distribution of one operation, in milliseconds.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Stats {
    pub n: usize,
    pub median: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

impl Stats {
    /// The distribution of `samples` (milliseconds).
    pub fn of(mut samples: Vec<f64>) -> Self {
        if samples.is_empty() {
            return Self::default();
        }
        samples.sort_by(f64::total_cmp);
        let at = |q: f64| {
            samples[((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1]
        };
        Self {
            n: samples.len(),
            median: at(0.5),
            p95: at(0.95),
            p99: at(0.99),
            max: samples[samples.len() - 1],
        }
    }
}

/// Text drawn from the database to build requests from.
#[derive(Debug, Default)]
pub struct Material {
    pub(crate) names: Vec<String>,
    pub(crate) aliases: Vec<String>,
    pub(crate) bodies: Vec<String>,
    pub(crate) entry_slugs: Vec<String>,
    pub(crate) report_slugs: Vec<String>,
    pub(crate) districts: Vec<i64>,
}

/// Reads names, aliases, some report bodies and slugs.
pub async fn material(db: &DatabaseConnection) -> AppResult<Material> {
    // In id order: PostgreSQL returns an unordered scan of a large table from wherever the
    // last scan of it stopped (synchronised scans), so the drawn requests changed from run
    // to run over the same data.
    let entries: Vec<(i64, String, String, String)> = entry::Entity::find()
        .select_only()
        .columns([
            entry::Column::Id,
            entry::Column::Kind,
            entry::Column::Slug,
            entry::Column::Name,
        ])
        .order_by_asc(entry::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut m = Material::default();
    for (id, kind, slug, name) in entries {
        if kind == EntryKind::District.as_str() {
            m.districts.push(id);
        } else {
            m.names.push(name);
        }
        m.entry_slugs.push(slug);
    }
    m.aliases = alias::Entity::find()
        .select_only()
        .column(alias::Column::Name)
        .order_by_asc(alias::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    m.report_slugs = report::Entity::find()
        .select_only()
        .column(report::Column::Slug)
        .filter(report::Column::State.ne(ReportState::Draft.as_str()))
        .order_by_asc(report::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    m.bodies = report::Entity::find()
        .select_only()
        .column(report::Column::Body)
        .filter(report::Column::State.ne(ReportState::Draft.as_str()))
        .order_by_asc(report::Column::Id)
        .limit(50)
        .into_tuple()
        .all(db)
        .await?;
    Ok(m)
}

fn is_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// A run of 2–6 Hangul syllables from `text`, if one is found quickly.
fn syllables_from(rng: &mut Rng, text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let len = rng.range(2, 6) as usize;
    for _ in 0..20 {
        if chars.len() < len {
            return None;
        }
        let start = rng.below(chars.len() - len + 1);
        let window = &chars[start..start + len];
        if window.iter().all(|c| is_syllable(*c)) {
            return Some(window.iter().collect());
        }
    }
    None
}

/// `n` mixed queries: substrings of names (35%), aliases (20%), report text (25%), two-term
/// queries (10%) and strings that match nothing (10%).
pub fn search_queries(rng: &mut Rng, m: &Material, n: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let pick = |rng: &mut Rng, v: &[String]| -> Option<String> {
            (!v.is_empty()).then(|| v[rng.below(v.len())].clone())
        };
        let q = match rng.below(100) {
            0..35 => pick(rng, &m.names).and_then(|s| syllables_from(rng, &s)),
            35..55 => pick(rng, &m.aliases).and_then(|s| syllables_from(rng, &s)),
            55..80 => pick(rng, &m.bodies).and_then(|s| syllables_from(rng, &s)),
            80..90 => {
                let a = pick(rng, &m.names).and_then(|s| syllables_from(rng, &s));
                let b = pick(rng, &m.bodies).and_then(|s| syllables_from(rng, &s));
                a.zip(b).map(|(a, b)| format!("{a} {b}"))
            }
            _ => {
                let rare = ["퀭", "뷁", "똠", "햏", "쀍", "횗"];
                Some(
                    (0..rng.range(2, 4))
                        .map(|i| {
                            if i == 0 {
                                *rng.pick(&rare)
                            } else {
                                *rng.pick(SYLLABLES)
                            }
                        })
                        .collect(),
                )
            }
        };
        out.extend(q);
    }
    out
}

async fn timed<F, Fut>(n: usize, mut f: F) -> AppResult<Vec<f64>>
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = AppResult<()>>,
{
    for i in 0..WARM_UP.min(n) {
        f(i).await?;
    }
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        f(i).await?;
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(samples)
}

/// Search latency over `queries`; also how many found something, and the slowest queries
/// (milliseconds, query), slowest first — what to look at next.
pub async fn time_search(
    db: &DatabaseConnection,
    queries: &[String],
) -> AppResult<(Stats, usize, Vec<(f64, String)>)> {
    let mut found = 0;
    let mut samples = Vec::with_capacity(queries.len());
    let mut slowest: Vec<(f64, String)> = Vec::new();
    for (i, q) in queries.iter().enumerate() {
        let t = Instant::now();
        let results = search(db, &SearchQuery::parse(q)).await?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if i >= WARM_UP.min(queries.len() / 10) {
            samples.push(ms);
            slowest.push((ms, q.clone()));
        }
        found += usize::from(!results.is_empty());
    }
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    slowest.truncate(5);
    Ok((Stats::of(samples), found, slowest))
}

/// A random list request: kind, filters, sort and page.
fn list_request(
    rng: &mut Rng,
    m: &Material,
    counts: &[(EntryKind, i64)],
) -> (EntryKind, ListFilter, u64) {
    let kinds = [
        EntryKind::Enterprise,
        EntryKind::Enterprise,
        EntryKind::Enterprise,
        EntryKind::Outlet,
        EntryKind::Center,
        EntryKind::Partner,
        EntryKind::Program,
        EntryKind::Place,
    ];
    let kind = *rng.pick(&kinds);
    let mut f = ListFilter::default();
    if rng.chance(50) && !m.districts.is_empty() {
        f.district = Some(*rng.pick(&m.districts));
    }
    if rng.chance(30) {
        f.status = Some(*rng.pick(EntryStatus::ALL));
    }
    if kind == EntryKind::Enterprise && rng.chance(40) {
        f.cert_type = Some(*rng.pick(CertType::ALL));
    }
    if kind == EntryKind::Outlet && rng.chance(40) {
        f.channel = Some(*rng.pick(OutletChannel::ALL));
    }
    f.sort = *rng.pick(&[
        Sort::Name,
        Sort::Name,
        Sort::RecentlyUpdated,
        Sort::LeastRecentlyVerified,
    ]);
    let unfiltered = f.district.is_none() && f.status.is_none() && f.cert_type.is_none();
    let total = counts
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(0, |(_, n)| *n);
    let page = if unfiltered && rng.chance(25) {
        rng.range(1, (total / 50).max(1)) as u64
    } else {
        rng.range(1, 3) as u64
    };
    (kind, f, page)
}

/// Filtered list pages as the list route computes them: (list + facets, list only, facets
/// only, loading a kind's [`ListIndex`]). The index of each kind is loaded first (what the
/// first list page after a write pays, timed three times a kind); then every request pages
/// and counts in it and reads its rows from the database.
pub async fn time_lists(
    db: &DatabaseConnection,
    rng: &mut Rng,
    m: &Material,
    n: usize,
) -> AppResult<(Stats, Stats, Stats, Stats)> {
    let counts = count_by_kind(db).await?;
    let mut loads = Vec::new();
    let mut indexes = HashMap::new();
    for (kind, _) in &counts {
        for _ in 0..3 {
            let t = Instant::now();
            let index = ListIndex::load(db, *kind).await?;
            loads.push(t.elapsed().as_secs_f64() * 1000.0);
            indexes.insert(*kind, index);
        }
    }
    let requests: Vec<_> = (0..n + WARM_UP)
        .map(|_| list_request(rng, m, &counts))
        .collect();
    let (mut both, mut list, mut facet) = (Vec::new(), Vec::new(), Vec::new());
    for (i, (kind, f, page)) in requests.iter().enumerate() {
        let Some(index) = indexes.get(kind) else {
            continue;
        };
        let t = Instant::now();
        index.listed(db, f, *page, 50).await?;
        let l = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        std::hint::black_box(index.facets(f));
        let fc = t.elapsed().as_secs_f64() * 1000.0;
        if i >= WARM_UP {
            both.push(l + fc);
            list.push(l);
            facet.push(fc);
        }
    }
    Ok((
        Stats::of(both),
        Stats::of(list),
        Stats::of(facet),
        Stats::of(loads),
    ))
}

/// Entry pages of random entries.
pub async fn time_entry_pages(
    db: &DatabaseConnection,
    rng: &mut Rng,
    m: &Material,
    n: usize,
) -> AppResult<Stats> {
    let slugs: Vec<&String> = (0..n + WARM_UP).map(|_| rng.pick(&m.entry_slugs)).collect();
    let samples = timed(n, |i| {
        let slug = slugs[i % slugs.len()].clone();
        async move { entry_page(db, &slug).await.map(drop) }
    })
    .await?;
    Ok(Stats::of(samples))
}

/// Report pages of random public reports.
pub async fn time_report_pages(
    db: &DatabaseConnection,
    rng: &mut Rng,
    m: &Material,
    n: usize,
) -> AppResult<Stats> {
    if m.report_slugs.is_empty() {
        return Ok(Stats::default());
    }
    let slugs: Vec<&String> = (0..n).map(|_| rng.pick(&m.report_slugs)).collect();
    let samples = timed(n, |i| {
        let slug = slugs[i].clone();
        async move {
            report_page(db, &slug, false, Some(Shown::Confirmed), false)
                .await
                .map(drop)
        }
    })
    .await?;
    Ok(Stats::of(samples))
}
