//! The benchmark's generator at a tiny size, through the same code path `tambang bench` uses:
//! rows exist, numbers are valid, search finds generated names, and the guards hold. No
//! timing is asserted anywhere.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use tambang::bench::run::{BenchOptions, BenchSize, holds_real_data};
use tambang::domain::{BizRegNo, CertNo};
use tambang::entities::{alias, enterprise_detail, entry, link, report, report_entry};
use tambang::search::{queries::search, terms::SearchQuery};

use crate::both_backends;
use crate::helpers::{Backend, fresh_db};

/// Names of the generated entries (districts and demo entries excluded), in id order.
async fn generated_names(db: &sea_orm::DatabaseConnection) -> Vec<String> {
    entry::Entity::find()
        .select_only()
        .column(entry::Column::Name)
        .filter(entry::Column::Source.eq("bench generator"))
        .order_by_asc(entry::Column::Id)
        .into_tuple()
        .all(db)
        .await
        .unwrap()
}

both_backends!(generator_fills_a_small_database);

async fn generator_fills_a_small_database(backend: Backend) {
    let (db, _url, _guard) = fresh_db(backend).await;
    // On top of the demo data, so generated slugs and 인증번호 must avoid the demo's.
    tambang::demo::load(&db).await.unwrap();
    assert!(
        !holds_real_data(&db).await.unwrap(),
        "demo data is not real data"
    );
    let before = entry::Entity::find().count(&db).await.unwrap();

    let g = tambang::bench::generate(&db, 200, 7).await.unwrap();
    assert_eq!(g.entries, 200);
    assert_eq!(g.reports, 2);
    assert!(g.aliases >= 200, "{g:?}");
    assert!(g.links > 0, "{g:?}");
    assert_eq!(
        entry::Entity::find().count(&db).await.unwrap(),
        before + 200
    );
    assert!(alias::Entity::find().count(&db).await.unwrap() >= g.aliases);
    assert!(link::Entity::find().count(&db).await.unwrap() >= g.links);
    assert!(report_entry::Entity::find().count(&db).await.unwrap() >= 4);
    assert!(holds_real_data(&db).await.unwrap());

    let details = enterprise_detail::Entity::find().all(&db).await.unwrap();
    let numbers: Vec<&String> = details
        .iter()
        .filter_map(|d| d.biz_reg_no.as_ref())
        .collect();
    assert!(numbers.len() > 50, "{}", numbers.len());
    for n in numbers {
        BizRegNo::parse(n).unwrap_or_else(|e| panic!("{n}: {e}"));
    }
    for no in details.iter().filter_map(|d| d.cert_no.as_ref()) {
        assert_eq!(
            CertNo::parse(no).unwrap().as_str(),
            no,
            "canonical 인증번호"
        );
    }

    let reports = report::Entity::find().all(&db).await.unwrap();
    let body = &reports.last().unwrap().body;
    assert!(
        (2_000..=10_200).contains(&body.chars().count()),
        "{}",
        body.len()
    );

    // A generated name is found by search.
    let names = generated_names(&db).await;
    let name = &names[3];
    let results = search(&db, &SearchQuery::parse(name)).await.unwrap();
    assert!(
        results
            .groups
            .iter()
            .flat_map(|g| &g.items)
            .any(|hit| &hit.name == name),
        "{name} not found"
    );

    // Same seed, same data.
    let (other, _url, _guard2) = fresh_db(backend).await;
    tambang::bench::generate(&other, 200, 7).await.unwrap();
    // The other database has no demo data: names must not depend on what is stored.
    assert_eq!(generated_names(&other).await, names);
}

#[tokio::test]
async fn bench_refuses_a_postgres_database_not_named_bench() {
    let opts = BenchOptions {
        size: BenchSize::K1,
        queries: 10,
        seed: 1,
        fresh: true,
        force: false,
        reports: None,
        boundaries: None,
        reuse: false,
        http_secs: 0,
        connections: 1,
    };
    // Refused before connecting, so no server is needed.
    let err = tambang::bench::run::run("postgres://postgres@127.0.0.1:1/tambang", &opts)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("_bench"), "{err}");
}

#[tokio::test]
async fn bench_refuses_a_database_with_real_data() {
    let dir = tempfile::tempdir().unwrap();
    let url = tambang::config::sqlite_url(&dir.path().join("tambang.db"));
    let db = tambang::db::connect_and_migrate(&url).await.unwrap();
    tambang::demo::ensure_districts(&db).await.unwrap();
    tambang::bench::generate(&db, 20, 1).await.unwrap();
    db.close().await.unwrap();
    let opts = BenchOptions {
        size: BenchSize::K1,
        queries: 10,
        seed: 1,
        fresh: false,
        force: false,
        reports: None,
        boundaries: None,
        reuse: false,
        http_secs: 0,
        connections: 1,
    };
    let err = tambang::bench::run::run(&url, &opts).await.unwrap_err();
    assert!(err.to_string().contains("--fresh"), "{err}");
}

#[tokio::test]
async fn bench_reuse_refuses_data_of_another_size() {
    let dir = tempfile::tempdir().unwrap();
    let url = tambang::config::sqlite_url(&dir.path().join("tambang.db"));
    let db = tambang::db::connect_and_migrate(&url).await.unwrap();
    tambang::demo::ensure_districts(&db).await.unwrap();
    tambang::bench::generate(&db, 20, 1).await.unwrap();
    db.close().await.unwrap();
    let opts = BenchOptions {
        size: BenchSize::K1,
        queries: 10,
        seed: 1,
        fresh: false,
        force: false,
        reports: None,
        boundaries: None,
        reuse: true,
        http_secs: 0,
        connections: 1,
    };
    let err = tambang::bench::run::run(&url, &opts).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("holds 20 generated entries, not 1000"),
        "{err}"
    );
}
