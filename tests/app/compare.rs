//! The researchers' view: compare page, CSV, charts and the map as well-formed SVG.

use axum::http::StatusCode;
use sea_orm::Set;

use crate::both_backends;
use crate::helpers::{Backend, spawn_app};

fn svg_blocks(html: &str) -> Vec<String> {
    html.split("<svg")
        .skip(1)
        .map(|rest| format!("<svg{}", &rest[..rest.find("</svg>").unwrap() + 6]))
        .collect()
}

both_backends!(compare_seongdong_yongsan_gwangjin);

async fn compare_seongdong_yongsan_gwangjin(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut c = app.client();
    let page = c
        .get("/compare?d=11200&d=11170&d=11215&figure=kind-enterprise")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body;
    for text in [
        "성동구사회적경제지원센터",
        "용산구사회적경제지원센터",
        "광진구사회적경제지원센터",
        "차문희",
        "받은 탐방",
        "다녀온 탐방",
    ] {
        assert!(html.contains(text), "{text}");
    }
    // 성동구 hosted the demo visit, 용산구 made it: each wins its row.
    assert!(html.contains("class=\"best\""), "best values marked");
    assert!(html.contains("눈에 띄는 점"));
    assert!(
        html.contains("/enterprises?district="),
        "figures link to their entries"
    );
    for svg in svg_blocks(&html) {
        roxmltree::Document::parse(&svg).expect("well-formed SVG");
    }
    let csv = c.get("/compare.csv?d=11200&d=11170&d=11215").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}'), "BOM for Excel");
    assert!(csv.body.contains("\"성동구\",\"용산구\",\"광진구\""));
    assert!(csv.body.contains("받은 탐방"));
}

both_backends!(map_is_a_bubble_map_without_boundaries_and_a_choropleth_with_them);

async fn map_is_a_bubble_map_without_boundaries_and_a_choropleth_with_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut c = app.client();
    let bubbles = c.get("/map?figure=kind-enterprise").await.body;
    let svg = svg_blocks(&bubbles).into_iter().next().expect("map svg");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed");
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("circle"))
            .count(),
        26,
        "25 districts + legend"
    );

    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/seoul_sigungu_juso2015_simple.geojson");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("{} missing: choropleth half skipped", path.display());
        return;
    };
    // Through the audited loader, so the cached figures and boundaries see the change.
    let stored = tambang::boundary::import::import(
        &app.db,
        &tambang::audit::Actor::system("test"),
        text.as_bytes(),
    )
    .await
    .unwrap()
    .updated
    .len();
    assert_eq!(stored, 25);
    let choropleth = c.get("/map?figure=kind-enterprise").await.body;
    let svg = svg_blocks(&choropleth).into_iter().next().unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed");
    let districts = doc
        .descendants()
        .filter(|n| n.has_tag_name("path") && n.attribute("class") == Some("district"))
        .count();
    assert_eq!(districts, 25, "one path per district");
    assert!(
        choropleth.contains("표로 보기"),
        "data table beside the chart"
    );
}

both_backends!(coverage_lists_districts_with_and_without_a_center);

async fn coverage_lists_districts_with_and_without_a_center(backend: Backend) {
    let app = spawn_app(backend).await;
    let html = app.get_html("/coverage").await;
    assert!(
        html.contains("25개 자치구 중 3곳"),
        "the demo records three centers"
    );
    assert!(
        html.contains("성동구사회적경제지원센터") && html.contains("센터가 등록되지 않은 자치구")
    );
    assert!(html.contains("(22)"));
}

both_backends!(near_and_bbox_queries_use_real_distances);

async fn near_and_bbox_queries_use_real_distances(backend: Backend) {
    use sea_orm::ActiveModelTrait;
    let app = spawn_app(backend).await;
    let now = chrono::Utc::now();
    tambang::entities::entry::ActiveModel {
        kind: Set("place".into()),
        slug: Set("seongsu-station".into()),
        name: Set("성수역".into()),
        lat: Set(Some(37.5446)),
        lng: Set(Some(127.0557)),
        status: Set("active".into()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let mut c = app.client();
    let near = c
        .get(&format!(
            "/api/v1/nearby?entry={}&km=2",
            crate::helpers::encode("서울숲")
        ))
        .await;
    assert_eq!(near.status, StatusCode::OK, "{}", near.body);
    let items: serde_json::Value = serde_json::from_str(&near.body).unwrap();
    let station = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == "seongsu-station")
        .expect("성수역 within 2 km");
    let d = station["distance_m"].as_f64().unwrap();
    assert!(
        (1590.0..1640.0).contains(&d),
        "성수역 ↔ 서울숲 ≈ 1.6 km, got {d}"
    );
    let close = c
        .get(&format!(
            "/api/v1/nearby?entry={}&km=1",
            crate::helpers::encode("서울숲")
        ))
        .await
        .body;
    assert!(!close.contains("seongsu-station"), "not within 1 km");
    let boxed = c
        .get("/api/v1/nearby?bbox=127.05,37.54,127.06,37.55")
        .await
        .body;
    assert!(boxed.contains("seongsu-station") && !boxed.contains("\"서울숲\""));
    assert_eq!(
        c.get("/api/v1/nearby?bbox=1,2,3").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        c.get("/api/v1/nearby?lat=37.5&lng=127&km=500").await.status,
        StatusCode::BAD_REQUEST
    );
    let page = c
        .get(&format!("/e/{}", crate::helpers::encode("서울숲")))
        .await
        .body;
    assert!(
        !page.contains("1km 안의 다른 곳") || !page.contains("성수역"),
        "성수역 is 1.6 km away"
    );
}

both_backends!(per_resident_figures_use_imported_population);

async fn per_resident_figures_use_imported_population(backend: Backend) {
    let app = spawn_app(backend).await;
    let csv = "자치구,인구\n성동구,\"100,000\"\n용산구,200000\n";
    let s = tambang::compare::district_figures::import(
        &app.db,
        &tambang::audit::Actor::system("test"),
        csv.as_bytes(),
        Some(2023),
    )
    .await
    .unwrap();
    assert_eq!((s.updated, s.rejected.len()), (2, 0));
    let figures = tambang::compare::figures::all_districts(&app.db)
        .await
        .unwrap();
    let seongdong = figures.iter().find(|f| f.code == "11200").unwrap();
    let enterprises = *seongdong
        .by_kind
        .get(&tambang::domain::EntryKind::Enterprise)
        .unwrap_or(&0) as f64;
    assert_eq!(
        seongdong.enterprises_per_10k(),
        Some(enterprises * 10_000.0 / 100_000.0),
        "hand-computed"
    );
    let html = app.get_html("/compare?d=11200&d=11170").await;
    assert!(
        html.contains("100000") && html.contains("200000"),
        "population row"
    );
}
