//! `tambang bench-import`: a generated enterprise list in the public 인증현황 layout, written as
//! CP949 with the ministry's title rows, imported through the whole pipeline (decode, sniff,
//! map, parse, place, resolve, apply in one transaction), timed next to the floor — the
//! `sqlite3` shell's `.import` of the same rows converted to UTF-8 into a bare table — with
//! the process's peak memory (VmHWM).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::audit::Actor;
use crate::bench::names::{District, biz_reg_no, plan_entry};
use crate::bench::report::{Figure, Target};
use crate::bench::words::{self, Rng};
use crate::domain::{EntryKind, SocialPurpose};
use crate::error::{AppError, AppResult};
use crate::import::ImportOptions;
use crate::import::apply::run;

/// The header of the ministry's download.
pub const HEADER: &str = "지역,인증번호,기관명,사업내용,사회적목적실현유형,사회서비스분야,사업자등록번호,대표자,소재지,홈페이지,인증일자,인증회차";
/// Lines above the header (two title rows and a blank line).
pub const TITLE_LINES: usize = 3;

/// `rows` enterprises in the public layout (UTF-8 text, CRLF like the download): unique
/// 인증번호, names and 사업자등록번호 (valid check digits), addresses in `districts`.
pub fn public_list(rows: usize, seed: u64, districts: &[District]) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(rows * 230);
    out.push_str("사회적기업 인증현황\r\n(생성된 시험 자료 · generated test data)\r\n\r\n");
    out.push_str(HEADER);
    out.push_str("\r\n");
    let mut slugs = HashSet::new();
    let mut names = HashSet::new();
    let mut biz = HashSet::new();
    let purposes: Vec<&str> = SocialPurpose::ALL.iter().map(|p| p.label_ko()).collect();
    for i in 0..rows {
        let d = &districts[i % districts.len().max(1)];
        let p = plan_entry(
            &mut rng,
            EntryKind::Enterprise,
            i as i64 + 1,
            i,
            d,
            &mut slugs,
        );
        let mut name = p.entry.name.clone().unwrap();
        if !names.insert(crate::domain::name_key(&name)) {
            name = format!("{name} {}", i + 1);
            names.insert(crate::domain::name_key(&name));
        }
        let address = p.entry.address.clone().unwrap().unwrap_or_default();
        let website = p.entry.website.clone().unwrap().unwrap_or_default();
        let year = 2007 + (i % 18) as i32;
        let cert_no = format!("{year}-{:03}", i / 18 + 1);
        let mut reg = biz_reg_no(&mut rng);
        while !biz.insert(reg.clone()) {
            reg = biz_reg_no(&mut rng);
        }
        let field = rng.pick(words::SERVICE_FIELDS).to_string();
        let purpose = rng.pick(&purposes).to_string();
        let cells = [
            "서울".to_string(),
            cert_no,
            name,
            format!("{field} 관련 제품 생산과 서비스 제공"),
            purpose,
            field,
            reg,
            words::person(&mut rng),
            format!("0{} {address}", rng.range(1000, 9999)),
            website,
            format!("{year}.{:02}.{:02}", rng.range(1, 12), rng.range(1, 28)),
            format!("{}", (year - 2006) * 2),
        ];
        let quoted: Vec<String> = cells
            .iter()
            .map(|c| {
                if c.contains([',', '"']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Peak resident memory of this process in KiB (`VmHWM`), where /proc has it.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The floor: `sqlite3 :memory:` importing the UTF-8 file (title rows skipped, header row
/// naming the columns of a new bare table). None when no `sqlite3` is on PATH.
pub fn sqlite3_floor(utf8_file: &std::path::Path) -> AppResult<Option<Duration>> {
    let started = Instant::now();
    let out = std::process::Command::new("sqlite3")
        .arg(":memory:")
        .arg(format!(
            ".import --csv --skip {TITLE_LINES} '{}' t",
            utf8_file.display()
        ))
        .arg("SELECT count(*) FROM t;")
        .output();
    let elapsed = started.elapsed();
    match out {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(AppError::Config(format!("cannot run sqlite3: {e}"))),
        Ok(o) if !o.status.success() => Err(AppError::Config(format!(
            "sqlite3 .import failed: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        ))),
        Ok(_) => Ok(Some(elapsed)),
    }
}

/// The floor of Tambang's own schema (SQLite only): the engine copying the rows the import
/// wrote — entries, details, audit rows, snapshot rows — into an empty database of the same
/// schema in one transaction (`INSERT … SELECT` with every index, the trigram rows in bulk, the
/// import's 64 MiB page cache), with no parsing, checking or resolving. What an import with no
/// overhead of its own would cost; the `sqlite3 .import` floor has none of these tables.
pub async fn schema_floor(url: &str, dir: &std::path::Path) -> AppResult<Option<Duration>> {
    use sea_orm::{ConnectOptions, ConnectionTrait, Database};
    if !url.starts_with("sqlite:") {
        return Ok(None);
    }
    let path = dir.join("schema-floor.db");
    let empty =
        crate::db::connect_and_migrate(&format!("sqlite://{}?mode=rwc", path.display())).await?;
    empty.close().await?;
    // ATTACH is per connection: a pool of one.
    let mut opts = ConnectOptions::new(url.to_string());
    opts.max_connections(1)
        .min_connections(1)
        .sqlx_logging(false);
    let db = Database::connect(opts).await?;
    let run = |sql: String| {
        let db = &db;
        async move { db.execute_unprepared(&sql).await.map(|_| ()) }
    };
    run(format!("ATTACH DATABASE '{}' AS floor", path.display())).await?;
    run(format!(
        "PRAGMA floor.cache_size = -{}",
        crate::import::apply::IMPORT_CACHE_KIB
    ))
    .await?;
    // What existed before the import (districts, the import's record) goes first, untimed.
    for sql in [
        "INSERT INTO floor.entries SELECT * FROM main.entries WHERE kind = 'district' \
         AND id NOT IN (SELECT id FROM floor.entries)",
        "INSERT INTO floor.district_details SELECT * FROM main.district_details \
         WHERE entry_id NOT IN (SELECT entry_id FROM floor.district_details)",
        "INSERT INTO floor.imports SELECT * FROM main.imports \
         WHERE id NOT IN (SELECT id FROM floor.imports)",
    ] {
        run(sql.into()).await?;
    }
    // As the import does, the entries' full-text insert triggers are off and the trigram rows
    // are written in bulk; the bigram rows are left out (SQL would cut the pairs no faster
    // than the trigger), so this floor is lower than a perfect import could reach.
    run("DROP TRIGGER IF EXISTS floor.entries_fts_ai".into()).await?;
    run("DROP TRIGGER IF EXISTS floor.entries_bigrams_ai".into()).await?;
    let started = Instant::now();
    run("BEGIN IMMEDIATE".into()).await?;
    for table in [
        "entries",
        "enterprise_details",
        "audit_log",
        "import_entries",
    ] {
        let key = if table == "enterprise_details" {
            "entry_id"
        } else {
            "id"
        };
        run(format!(
            "INSERT INTO floor.{table} SELECT * FROM main.{table} \
             WHERE {key} NOT IN (SELECT {key} FROM floor.{table})"
        ))
        .await?;
    }
    run(
        "INSERT INTO floor.entries_fts (rowid, name, name_en, aliases, address, description) \
         SELECT id, name, name_en, NULL, address, description FROM main.entries \
         WHERE kind <> 'district'"
            .into(),
    )
    .await?;
    run("COMMIT".into()).await?;
    let elapsed = started.elapsed();
    run("DETACH DATABASE floor".into()).await?;
    db.close().await?;
    Ok(Some(elapsed))
}

/// Generates `rows`, imports them into `url` (an empty database: see `bench::run`'s guards)
/// and prints the timings and one `BENCH_IMPORT_JSON {…}` line.
pub async fn run_import_bench(
    url: &str,
    rows: usize,
    seed: u64,
    fresh: bool,
    force: bool,
) -> AppResult<()> {
    let (db, _) = crate::bench::run::open_empty(url, fresh, force).await?;
    crate::demo::ensure_districts(&db).await?;
    let districts = crate::bench::generate::load_districts(&db).await?;
    let started = Instant::now();
    let text = public_list(rows, seed, &districts);
    let (cp949, _, unmappable) = encoding_rs::EUC_KR.encode(&text);
    let cp949 = cp949.into_owned();
    if unmappable {
        return Err(AppError::internal("generated text is not all CP949"));
    }
    let dir = std::env::temp_dir().join(format!("tambang-bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| AppError::Config(format!("cannot create {}: {e}", dir.display())))?;
    let cp949_file = dir.join("list-cp949.csv");
    let utf8_file = dir.join("list-utf8.csv");
    let write = |p: &std::path::Path, b: &[u8]| {
        std::fs::write(p, b)
            .map_err(|e| AppError::Config(format!("cannot write {}: {e}", p.display())))
    };
    write(&cp949_file, &cp949)?;
    write(&utf8_file, text.as_bytes())?;
    let generation = started.elapsed();
    drop(text);
    println!(
        "generated {rows} rows ({:.1} MB CP949, {:.1} MB UTF-8) in {:.1} s",
        cp949.len() as f64 / 1e6,
        std::fs::metadata(&utf8_file).map_or(0, |m| m.len()) as f64 / 1e6,
        generation.as_secs_f64()
    );
    drop(cp949);
    let rss_before = peak_rss_kib();

    let started = Instant::now();
    let bytes = std::fs::read(&cp949_file)
        .map_err(|e| AppError::Config(format!("cannot read {}: {e}", cp949_file.display())))?;
    let mut opts = ImportOptions::new("list-cp949.csv");
    opts.source = Some("bench".into());
    let report = run(&db, &Actor::system("bench"), &bytes, &opts, &mut |_| {}).await?;
    let import = started.elapsed();
    drop(bytes);
    let rss_after = peak_rss_kib();
    let floor = sqlite3_floor(&utf8_file)?;
    let schema = schema_floor(url, &dir).await?;
    let _ = std::fs::remove_dir_all(&dir);

    println!(
        "import: {:.2} s, {:.0} rows/s ({} new, {} updated, {} unchanged, {} conflict, {} rejected)",
        import.as_secs_f64(),
        report.total as f64 / import.as_secs_f64().max(1e-9),
        report.new,
        report.updated,
        report.unchanged,
        report.conflict,
        report.rejected
    );
    match floor {
        Some(f) => println!(
            "floor (sqlite3 :memory: .import of the UTF-8 file): {:.2} s — import is {:.1}× the floor",
            f.as_secs_f64(),
            import.as_secs_f64() / f.as_secs_f64().max(1e-9)
        ),
        None => println!("floor: no sqlite3 on PATH (apt-get install sqlite3), not measured"),
    }
    if let Some(f) = schema {
        println!(
            "floor of Tambang's schema (the same rows copied by INSERT … SELECT into an empty \
             database with every index, trigram rows in bulk, no bigram rows): {:.2} s — import is {:.1}× it",
            f.as_secs_f64(),
            import.as_secs_f64() / f.as_secs_f64().max(1e-9)
        );
    }
    if let (Some(before), Some(after)) = (rss_before, rss_after) {
        println!(
            "peak RSS: {:.0} MiB after generating, {:.0} MiB after importing",
            before as f64 / 1024.0,
            after as f64 / 1024.0
        );
    }
    let json = serde_json::json!({
        "rows": rows,
        "seed": seed,
        "backend": if url.starts_with("sqlite:") { "sqlite" } else { "postgres" },
        "import_s": import.as_secs_f64(),
        "floor_s": floor.map(|f| f.as_secs_f64()),
        "schema_floor_s": schema.map(|f| f.as_secs_f64()),
        "new": report.new,
        "rejected": report.rejected,
        "peak_rss_kib": rss_after,
    });
    println!("BENCH_IMPORT_JSON {json}");
    let backend = if url.starts_with("sqlite:") {
        "sqlite"
    } else {
        "postgres"
    };
    let figure = Figure {
        backend: backend.into(),
        entries: rows as u64,
        name: "import CP949 list".into(),
        unit: "s".into(),
        value: import.as_secs_f64(),
        floor: floor.map(|f| f.as_secs_f64()),
        // ≤ 2× the floor, where the floor was measured.
        target: floor.map(|f| Target {
            limit: 2.0 * f.as_secs_f64(),
            higher_is_better: false,
        }),
    };
    println!(
        "FIGURE {}",
        serde_json::to_string(&figure).map_err(AppError::internal)?
    );
    if let Some(f) = schema {
        let figure = Figure {
            name: "import schema floor".into(),
            value: f.as_secs_f64(),
            floor: None,
            target: None,
            ..figure.clone()
        };
        println!(
            "FIGURE {}",
            serde_json::to_string(&figure).map_err(AppError::internal)?
        );
    }
    if let Some(after) = rss_after {
        let figure = Figure {
            name: "import peak RSS".into(),
            unit: "MiB".into(),
            value: after as f64 / 1024.0,
            floor: None,
            target: None,
            ..figure
        };
        println!(
            "FIGURE {}",
            serde_json::to_string(&figure).map_err(AppError::internal)?
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_deterministic_cp949_and_in_the_public_layout() {
        let districts = vec![District {
            id: 1,
            name: "성동구".into(),
            lat: 37.55,
            lng: 127.04,
        }];
        let a = public_list(50, 7, &districts);
        assert_eq!(a, public_list(50, 7, &districts));
        assert_eq!(a.lines().nth(TITLE_LINES), Some(HEADER));
        assert_eq!(a.lines().count(), TITLE_LINES + 1 + 50);
        assert!(!encoding_rs::EUC_KR.encode(&a).2, "all CP949");
    }
}
