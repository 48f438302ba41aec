//! `tambang bench`: guard the target database, generate data, time the read paths, print a
//! table and one `BENCH_JSON {…}` line.
//!
//! The guards exist because the generator writes hundreds of thousands of rows: it refuses a
//! database that holds anything but districts and demo data (unless `--fresh`, which empties
//! it first), and on PostgreSQL any database whose name does not end in `_bench` (unless
//! `--force`).

use std::time::Instant;

use clap::ValueEnum;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, Statement,
};

use crate::bench::generate::{Generated, generate_with};
use crate::bench::measure::{self, Stats};
use crate::bench::report::{Figure, Target};
use crate::bench::words::Rng;
use crate::domain::EntryKind;
use crate::entities::{entry, report, user};
use crate::error::{AppError, AppResult};

/// Data sizes, in entries (reports are 1% of that).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchSize {
    #[value(name = "1k")]
    K1,
    #[value(name = "10k")]
    K10,
    #[value(name = "100k")]
    K100,
}

impl BenchSize {
    /// Number of entries.
    pub fn entries(self) -> usize {
        match self {
            BenchSize::K1 => 1_000,
            BenchSize::K10 => 10_000,
            BenchSize::K100 => 100_000,
        }
    }
}

/// Options of `tambang bench`.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub size: BenchSize,
    pub queries: usize,
    pub seed: u64,
    pub fresh: bool,
    pub force: bool,
    /// Visit reports to generate (`None`: 1% of the entries).
    pub reports: Option<usize>,
    /// A GeoJSON FeatureCollection of district boundaries (SIG_CD), so `/map` is timed as a
    /// choropleth; without it the map draws centroid bubbles.
    pub boundaries: Option<std::path::PathBuf>,
    /// Keep the data a previous run generated (same size) instead of refusing the database.
    pub reuse: bool,
    /// Seconds of `wrk` load per route (0: no HTTP phase).
    pub http_secs: u64,
    /// Open connections during the HTTP phase.
    pub connections: u32,
}

/// The targets at 100k entries on a 2-core machine (ms, p99).
const SEARCH_P99_TARGET: f64 = 25.0;
const LIST_P99_TARGET: f64 = 10.0;
/// Compare page and choropleth, with 100,000 entries and 10,000 reports.
const COMPARE_P99_TARGET: f64 = 50.0;

/// Connects to `url` for a benchmark and migrates it: refuses a PostgreSQL database whose
/// name does not end in `_bench` (unless `force`) and one holding more than districts and
/// demo data (unless `fresh`, which empties it first).
pub async fn open_empty(
    url: &str,
    fresh: bool,
    force: bool,
) -> AppResult<(DatabaseConnection, DatabaseBackend)> {
    open_bench(url, fresh, force, false).await
}

/// [`open_empty`], or with `reuse` a database that already holds generated data.
async fn open_bench(
    url: &str,
    fresh: bool,
    force: bool,
    reuse: bool,
) -> AppResult<(DatabaseConnection, DatabaseBackend)> {
    let backend = if url.starts_with("sqlite:") {
        DatabaseBackend::Sqlite
    } else {
        DatabaseBackend::Postgres
    };
    if backend == DatabaseBackend::Postgres {
        let name = pg_database_name(url);
        if !name.ends_with("_bench") && !force {
            return Err(AppError::Config(format!(
                "refusing to fill PostgreSQL database {name:?}: its name does not end in \
                 _bench (create e.g. tambang_bench, or pass --force)"
            )));
        }
    }
    if fresh {
        if backend == DatabaseBackend::Sqlite {
            remove_sqlite_files(url)?;
        } else {
            let db = crate::db::connect(url).await?;
            Migrator::fresh(&db)
                .await
                .map_err(|e| AppError::Config(format!("emptying the database failed: {e}")))?;
        }
    }
    let db = crate::db::connect_and_migrate(url).await?;
    if !fresh && !reuse && holds_real_data(&db).await? {
        return Err(AppError::Config(
            "the database already holds data that is not demo data; bench would mix its rows \
             in. Use a fresh --data-dir or DATABASE_URL, or --fresh (deletes everything)"
                .into(),
        ));
    }
    Ok((db, backend))
}

/// Times the linking phase alone over a database an earlier `bench` run generated.
pub async fn run_linking(url: &str, scans: usize) -> AppResult<()> {
    let (db, _) = open_bench(url, false, true, true).await?;
    if generated_entries(&db).await? == 0 {
        return Err(AppError::Config(
            "bench-linking times a database that `tambang bench` generated; this one holds no \
             generated entries"
                .into(),
        ));
    }
    let material = measure::material(&db).await?;
    let linking =
        crate::bench::linking::time_linking(&db, &material.bodies, 3, scans.max(1)).await?;
    print_linking(&linking);
    Ok(())
}

/// Runs the benchmark against `url`.
pub async fn run(url: &str, opts: &BenchOptions) -> AppResult<()> {
    let (db, backend) = open_bench(url, opts.fresh, opts.force, opts.reuse).await?;

    let n = opts.size.entries();
    let reports = opts.reports.unwrap_or((n / 100).max(1));
    let boundaries = match &opts.boundaries {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| AppError::Config(format!("cannot read {}: {e}", path.display())))?,
        ),
        None => None,
    };
    let generated = generated_entries(&db).await?;
    let g = if opts.reuse && generated > 0 {
        if generated != n as u64 {
            return Err(AppError::Config(format!(
                "--reuse: the database holds {generated} generated entries, not {n}; \
                 use another --data-dir / DATABASE_URL or --fresh"
            )));
        }
        println!("reusing the {generated} generated entries already in the database");
        Generated {
            entries: generated,
            reports: report::Entity::find().count(&db).await?,
            ..Default::default()
        }
    } else {
        if opts.reuse && holds_real_data(&db).await? {
            return Err(AppError::Config(
                "--reuse: the database holds data that bench did not generate".into(),
            ));
        }
        println!(
            "generating {n} entries and {reports} reports on {} (seed {}) …",
            crate::db::redact(url),
            opts.seed
        );
        generate_with(&db, n, reports, opts.seed).await?
    };
    if let Some(text) = boundaries {
        let actor = crate::audit::Actor::system("bench");
        let stored = crate::boundary::import::import(&db, &actor, text.as_bytes())
            .await?
            .updated
            .len();
        println!("district boundaries loaded: {stored}");
    }
    check_search_index(&db).await?;
    // Generated reports carry no mentions yet; `serve` would suggest them in the background
    // and keep changing the data under the HTTP phase. Do it now (once: a reused database
    // keeps them), so every run times a settled database.
    let started = Instant::now();
    let relinked = crate::linking::relink_unlinked(&crate::app::AppState::new(db.clone())).await?;
    if relinked > 0 {
        println!(
            "mentions suggested for {relinked} reports in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    // What the app does after an import and at start (`search::compact`).
    let done = crate::search::compact::compact(&db).await?;
    println!("{}", crate::search::compact::summary(&done));
    if backend == DatabaseBackend::Postgres {
        // What autovacuum does soon after a bulk load: the statistics, and the dead row
        // versions that generating leaves (every entry is written again when its aliases are
        // added: 100,000 at 100k, which a search's bitmap then carried through every index
        // lookup — a common word's entries 51 → 27–32 ms once vacuumed). A server whose
        // autovacuum is off, as on the machines of the kind, would otherwise be timed in a
        // state production does not stay in. Quick when there is nothing to do (`--reuse`).
        db.execute_unprepared("VACUUM (ANALYZE)").await?;
    }
    let size_bytes = database_size(&db, url).await?;

    let mut rng = Rng::new(opts.seed ^ 0x5EED);
    let material = measure::material(&db).await?;
    let queries = measure::search_queries(&mut rng, &material, opts.queries);
    let (search, found, slowest) = measure::time_search(&db, &queries).await?;
    let (lists, list_only, facets, list_index) =
        measure::time_lists(&db, &mut rng, &material, opts.queries).await?;
    let entry_pages = measure::time_entry_pages(&db, &mut rng, &material, opts.queries).await?;
    let report_pages = measure::time_report_pages(&db, &mut rng, &material, opts.queries).await?;
    let compare = crate::bench::compare::time_compare(&db, &mut rng, opts.queries).await?;
    println!(
        "linking a {}-character report …",
        crate::bench::linking::REPORT_CHARS
    );
    let linking = crate::bench::linking::time_linking(
        &db,
        &material.bodies,
        3,
        (opts.queries / 10).clamp(10, 100),
    )
    .await?;
    let http = if opts.http_secs > 0 {
        println!(
            "HTTP: serve in a second process, wrk with {} connections for {} s per route …",
            opts.connections, opts.http_secs
        );
        let codes: Vec<String> = crate::compare::figures::all_districts(&db)
            .await?
            .into_iter()
            .map(|f| f.code)
            .collect();
        let scratch = std::env::temp_dir().join(format!("tambang-bench-{}", std::process::id()));
        std::fs::create_dir_all(&scratch).map_err(AppError::internal)?;
        let options = crate::bench::http::HttpOptions {
            secs: opts.http_secs,
            connections: opts.connections,
        };
        let result = crate::bench::http::run(url, &material, &codes, &mut rng, options, &scratch);
        let _ = std::fs::remove_dir_all(&scratch);
        Some(result?)
    } else {
        None
    };

    let rows = [
        ("search", search, Some(SEARCH_P99_TARGET)),
        ("list+facets", lists, Some(LIST_P99_TARGET)),
        ("  list only", list_only, None),
        ("  facets only", facets, None),
        ("  index load", list_index, None),
        ("entry page", entry_pages, None),
        ("report page", report_pages, None),
        ("compare page", compare.page, Some(COMPARE_P99_TARGET)),
        ("compare CSV", compare.csv, None),
        ("map", compare.map, Some(COMPARE_P99_TARGET)),
        ("  uncached", compare.uncached, None),
        ("  as-of day", compare.as_of, None),
    ];
    print_table(backend, n, &g, size_bytes, &rows, found, queries.len());
    let slowest: Vec<String> = slowest
        .iter()
        .map(|(ms, q)| format!("{q:?} {ms:.1} ms"))
        .collect();
    println!("slowest searches: {}", slowest.join(", "));
    print_linking(&linking);
    if let Some(h) = &http {
        print_http(h);
    }
    let backend_name = format!("{backend:?}").to_lowercase();
    for f in figures(&backend_name, n as u64, &rows, &linking, http.as_ref()) {
        println!(
            "FIGURE {}",
            serde_json::to_string(&f).map_err(AppError::internal)?
        );
    }
    let json = serde_json::json!({
        "backend": format!("{backend:?}").to_lowercase(),
        "entries": n,
        "seed": opts.seed,
        "cores": cores(),
        "rows": g.rows,
        "reports": g.reports,
        "generation_s": g.elapsed.as_secs_f64(),
        "rows_per_s": g.rows as f64 / g.elapsed.as_secs_f64().max(1e-9),
        "phases": g.phases.iter().map(|p| serde_json::json!({
            "name": p.name, "rows": p.rows, "s": p.elapsed.as_secs_f64()
        })).collect::<Vec<_>>(),
        "db_bytes": size_bytes,
        "search_found": found,
        "search": search,
        "list_facets": lists,
        "list": list_only,
        "facets": facets,
        "list_index_load": list_index,
        "entry_page": entry_pages,
        "report_page": report_pages,
        "compare": compare,
        "linking": linking,
        "http": http,
    });
    println!("BENCH_JSON {json}");
    Ok(())
}

/// Entries the generator wrote.
async fn generated_entries(db: &DatabaseConnection) -> AppResult<u64> {
    Ok(entry::Entity::find()
        .filter(entry::Column::Source.eq(crate::bench::generate::SOURCE))
        .count(db)
        .await?)
}

/// The HTTP targets on a 2-core machine.
const HTTP_SEARCH_RPS_TARGET: f64 = 2_000.0;
const HTTP_SEARCH_P99_TARGET: f64 = 25.0;
const HTTP_ENTRY_P99_TARGET: f64 = 10.0;
const PEAK_RSS_TARGET_MIB: f64 = 150.0;
const START_TARGET_MS: f64 = 1_000.0;
const REBUILD_TARGET_MS: f64 = 1_000.0;

/// The run's figures for `tambang bench-report` (one `FIGURE {…}` line each).
fn figures(
    backend: &str,
    entries: u64,
    rows: &[(&str, Stats, Option<f64>)],
    linking: &crate::bench::linking::LinkingTimes,
    http: Option<&crate::bench::http::HttpFigures>,
) -> Vec<Figure> {
    let fig = |name: String, unit: &str, value: f64| Figure {
        backend: backend.to_string(),
        entries,
        name,
        unit: unit.to_string(),
        value,
        floor: None,
        target: None,
    };
    let at_most = |limit: f64| {
        Some(Target {
            limit,
            higher_is_better: false,
        })
    };
    let mut out = Vec::new();
    for (name, s, _) in rows.iter().filter(|(name, ..)| !name.starts_with(' ')) {
        out.push(fig(format!("{name} median"), "ms", s.median));
        out.push(fig(format!("{name} p99"), "ms", s.p99));
    }
    out.push(Figure {
        target: at_most(REBUILD_TARGET_MS),
        floor: Some(linking.bare_build.median),
        ..fig("dictionary rebuild".into(), "ms", linking.rebuild.median)
    });
    out.push(Figure {
        floor: Some(linking.bare_scan.median),
        ..fig(
            "linking 10k chars, exact".into(),
            "ms",
            linking.link_exact.median,
        )
    });
    out.push(Figure {
        floor: Some(linking.bare_scan.median),
        ..fig(
            "linking 10k chars, full".into(),
            "ms",
            linking.link_full.median,
        )
    });
    if let Some(h) = http {
        out.push(Figure {
            target: at_most(START_TARGET_MS),
            ..fig(
                "start to first response".into(),
                "ms",
                h.start_to_first_response_ms,
            )
        });
        if let Some(cold) = h.cold_start_to_first_response_ms {
            out.push(Figure {
                target: at_most(START_TARGET_MS),
                ..fig("start to first response, cold".into(), "ms", cold)
            });
        }
        out.push(Figure {
            target: at_most(PEAK_RSS_TARGET_MIB),
            ..fig("server peak RSS".into(), "MiB", h.peak_rss_mib)
        });
        for r in &h.routes {
            let (rps_target, p99_target) = match r.route.as_str() {
                "search" => (
                    Some(Target {
                        limit: HTTP_SEARCH_RPS_TARGET,
                        higher_is_better: true,
                    }),
                    at_most(HTTP_SEARCH_P99_TARGET),
                ),
                "entry page" => (None, at_most(HTTP_ENTRY_P99_TARGET)),
                _ => (None, None),
            };
            out.push(Figure {
                target: rps_target,
                ..fig(format!("HTTP {} req/s", r.route), "req/s", r.requests_per_s)
            });
            out.push(Figure {
                target: p99_target,
                ..fig(format!("HTTP {} p99", r.route), "ms", r.p99_ms)
            });
        }
    }
    out
}

fn print_linking(l: &crate::bench::linking::LinkingTimes) {
    println!(
        "\nlinking — {} entries, {} names and aliases; {} mentions on {} spans in the report",
        l.entries, l.patterns, l.mentions_found, l.spans_found
    );
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    println!(
        "  dictionary rebuild {:>9.1} ms (bare automaton build {:.1} ms, {:.2}×)   target ≤ 1000 ms {}",
        l.rebuild.median,
        l.bare_build.median,
        ratio(l.rebuild.median, l.bare_build.median),
        if l.rebuild.median <= REBUILD_TARGET_MS {
            "✓"
        } else {
            "✗"
        }
    );
    println!(
        "    read names {:.1} ms, build {:.1} ms ({} trie nodes)",
        l.read.median, l.build.median, l.trie_nodes
    );
    for (name, s) in [("exact", &l.link_exact), ("full", &l.link_full)] {
        println!(
            "  linking, {name:<5} {:>10.3} ms (bare scan {:.3} ms, {:.2}×)",
            s.median,
            l.bare_scan.median,
            ratio(s.median, l.bare_scan.median)
        );
    }
    if !l.stages.is_empty() {
        let stages: Vec<String> = l
            .stages
            .iter()
            .map(|(name, s)| format!("{name} {:.3}", s.median))
            .collect();
        println!("    full, by stage (median ms): {}", stages.join(", "));
    }
}

fn print_http(h: &crate::bench::http::HttpFigures) {
    let mark = |ok: bool| if ok { "✓" } else { "✗" };
    println!(
        "\nserver — start to first response {:.0} ms {}; RSS after start {:.1} MiB, peak {:.1} MiB {}",
        h.start_to_first_response_ms,
        mark(h.start_to_first_response_ms <= START_TARGET_MS),
        h.rss_after_start_mib,
        h.peak_rss_mib,
        mark(h.peak_rss_mib <= PEAK_RSS_TARGET_MIB)
    );
    if let Some(cold) = h.cold_start_to_first_response_ms {
        println!(
            "  from a cold page cache (the database file dropped from it first) {cold:.0} ms {}",
            mark(cold <= START_TARGET_MS)
        );
    }
    println!(
        "{:<14}{:>10}{:>10}{:>10}{:>10}{:>9}",
        "HTTP (wrk)", "requests", "req/s", "p50 ms", "p99 ms", "failed"
    );
    for r in &h.routes {
        println!(
            "{:<14}{:>10}{:>10.0}{:>10.2}{:>10.2}{:>9}",
            r.route, r.requests, r.requests_per_s, r.p50_ms, r.p99_ms, r.failures
        );
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

fn print_table(
    backend: DatabaseBackend,
    n: usize,
    g: &Generated,
    size_bytes: u64,
    rows: &[(&str, Stats, Option<f64>)],
    found: usize,
    queries: usize,
) {
    let secs = g.elapsed.as_secs_f64().max(1e-9);
    println!(
        "\nTambang bench — {backend:?}, {n} entries, {} reports, {} cores",
        g.reports,
        cores()
    );
    println!(
        "generation: {} rows in {secs:.1} s ({:.0} rows/s); database {:.1} MiB",
        g.rows,
        g.rows as f64 / secs,
        size_bytes as f64 / 1_048_576.0
    );
    for p in &g.phases {
        let s = p.elapsed.as_secs_f64();
        println!(
            "  {:<20}{:>9} rows {:>7.2} s {:>9.0} rows/s",
            p.name,
            p.rows,
            s,
            p.rows as f64 / s.max(1e-9)
        );
    }
    println!("search queries that found something: {found} of {queries}");
    println!(
        "\n{:<14}{:>6}{:>9}{:>9}{:>9}{:>9}   target (at 100k)",
        "ms", "n", "median", "p95", "p99", "max"
    );
    for (name, s, target) in rows {
        let target = target.map_or(String::new(), |t| {
            format!("p99 ≤ {t} ms {}", if s.p99 <= t { "✓" } else { "✗" })
        });
        println!(
            "{name:<14}{:>6}{:>9.2}{:>9.2}{:>9.2}{:>9.2}   {target}",
            s.n, s.median, s.p95, s.p99, s.max
        );
    }
}

/// The database name in a PostgreSQL URL.
fn pg_database_name(url: &str) -> String {
    let base = url.split('?').next().unwrap_or_default();
    let after_scheme = base.split_once("://").map_or(base, |(_, rest)| rest);
    after_scheme
        .split_once('/')
        .map_or("", |(_, db)| db)
        .to_string()
}

/// The file of an SQLite URL (`None` for in-memory databases and other backends).
pub(crate) fn sqlite_path(url: &str) -> Option<String> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?
        .split('?')
        .next()
        .unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

fn remove_sqlite_files(url: &str) -> AppResult<()> {
    let Some(path) = sqlite_path(url) else {
        return Ok(());
    };
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{path}{suffix}");
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(AppError::Config(format!("cannot remove {file}: {e}"))),
        }
    }
    Ok(())
}

/// True when the database holds users, or entries or reports that are neither districts nor
/// demo data.
pub async fn holds_real_data(db: &DatabaseConnection) -> AppResult<bool> {
    let (demo_entries, demo_reports) = crate::demo::demo_slugs()?;
    let entries = entry::Entity::find()
        .filter(entry::Column::Kind.ne(EntryKind::District.as_str()))
        .filter(entry::Column::Slug.is_not_in(demo_entries))
        .count(db)
        .await?;
    let reports = report::Entity::find()
        .filter(report::Column::Slug.is_not_in(demo_reports))
        .count(db)
        .await?;
    let users = user::Entity::find().count(db).await?;
    Ok(entries + reports + users > 0)
}

/// On SQLite, every entry and report must have its row in the search index.
async fn check_search_index(db: &DatabaseConnection) -> AppResult<()> {
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return Ok(());
    }
    let sql = "SELECT (SELECT COUNT(*) FROM entries) - (SELECT COUNT(*) FROM entries_fts) \
               + (SELECT COUNT(*) FROM reports) - (SELECT COUNT(*) FROM reports_fts) AS d";
    let row = db
        .query_one_raw(Statement::from_string(DatabaseBackend::Sqlite, sql))
        .await?;
    let diff: i64 = match row {
        Some(r) => r.try_get("", "d")?,
        None => 0,
    };
    if diff != 0 {
        return Err(AppError::Internal(format!(
            "search index out of sync after generation ({diff} rows differ)"
        )));
    }
    Ok(())
}

/// Bytes on disk: the SQLite file and its WAL after a checkpoint, or PostgreSQL's figure.
async fn database_size(db: &DatabaseConnection, url: &str) -> AppResult<u64> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        let row = db
            .query_one_raw(Statement::from_string(
                DatabaseBackend::Postgres,
                "SELECT pg_database_size(current_database()) AS s",
            ))
            .await?;
        return Ok(match row {
            Some(r) => u64::try_from(r.try_get::<i64>("", "s")?).unwrap_or(0),
            None => 0,
        });
    }
    let started = Instant::now();
    db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
        .await?;
    tracing::debug!(elapsed = ?started.elapsed(), "checkpointed");
    let Some(path) = sqlite_path(url) else {
        return Ok(0);
    };
    Ok(["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{path}{s}")).ok())
        .map(|m| m.len())
        .sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_from_url() {
        assert_eq!(
            pg_database_name("postgres://u@h:5432/tambang_bench"),
            "tambang_bench"
        );
        assert_eq!(pg_database_name("postgres://u@h/x?sslmode=off"), "x");
        assert_eq!(pg_database_name("postgres://u@h"), "");
    }
}
