//! Hostile and large inputs through the import library: 50 MB of random bytes (refused from
//! its first bytes), and a generated list in the public layout — 5,000 rows by default;
//! 20,000 and the 200,000 under `--ignored` (a debug build on a loaded 2-core machine
//! imported 20,000 rows in 270 s; `tambang bench-import` times the release build).

use std::time::Instant;

use tambang::audit::Actor;
use tambang::bench::import_list::{TITLE_LINES, public_list};
use tambang::error::AppError;
use tambang::import::ImportOptions;
use tambang::import::apply::run;

use crate::both_backends;
use crate::helpers::{Backend, spawn_app};

both_backends!(
    fifty_megabytes_of_random_bytes_are_refused_fast,
    a_generated_list_of_5k_rows_imports_completely,
);

async fn fifty_megabytes_of_random_bytes_are_refused_fast(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut rng = tambang::bench::words::Rng::new(0xBAD_F11E);
    let noise: Vec<u8> = (0..50 * 1024 * 1024 / 8)
        .flat_map(|_| rng.next_u64().to_le_bytes())
        .collect();
    let started = Instant::now();
    let err = run(
        &app.db,
        &Actor::system("test"),
        &noise,
        &ImportOptions::new("noise.bin"),
        &mut |_| {},
    )
    .await
    .unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(&err, AppError::BadRequest(m) if m.contains("텍스트 파일이 아닙니다")),
        "{err}"
    );
    assert!(took.as_secs_f64() < 5.0, "refused in {took:?}");
}

async fn a_generated_list_of_5k_rows_imports_completely(backend: Backend) {
    generated_list(backend, 5_000).await;
}

#[tokio::test]
#[ignore = "20,000 rows: minutes in a debug build; run with --ignored"]
async fn a_generated_list_of_20k_rows_imports_completely_sqlite() {
    generated_list(Backend::Sqlite, 20_000).await;
}

#[tokio::test]
#[ignore = "200,000 rows: minutes in a debug build; run with --ignored (or use tambang bench-import)"]
async fn a_generated_list_of_200k_rows_imports_completely_sqlite() {
    generated_list(Backend::Sqlite, 200_000).await;
}

async fn generated_list(backend: Backend, rows: usize) {
    let app = spawn_app(backend).await;
    let districts = tambang::bench::generate::load_districts(&app.db)
        .await
        .unwrap();
    let text = public_list(rows, 42, &districts);
    let (bytes, _, _) = encoding_rs::EUC_KR.encode(&text);
    let mut opts = ImportOptions::new("generated.csv");
    opts.source = Some("generated".into());
    let started = Instant::now();
    let mut reports = Vec::new();
    let r = run(&app.db, &Actor::system("test"), &bytes, &opts, &mut |p| {
        reports.push(p)
    })
    .await
    .unwrap();
    eprintln!("{rows} rows imported in {:?}", started.elapsed());
    assert_eq!(
        (r.encoding, r.header_line),
        ("CP949", TITLE_LINES as u64 + 1)
    );
    assert_eq!(
        (r.total, r.new, r.rejected, r.conflict),
        (rows, rows, 0, 0),
        "{:?}",
        r.errors.first()
    );
    assert!(r.applied);
    let last = reports.last().unwrap();
    assert!(last.finished && last.rows == rows && last.done == last.total);
    assert_eq!(
        reports.len(),
        rows / tambang::import::apply::PROGRESS_EVERY + 1
    );
}
