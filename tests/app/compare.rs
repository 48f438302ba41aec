//! The researchers' view: compare page, CSV, charts and the map as well-formed SVG.

use axum::http::StatusCode;

use crate::both_backends;
use crate::helpers::{Backend, insert_entry_at, spawn_app};

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

both_backends!(nearest_entries_are_those_a_full_scan_finds);

/// `geo::within` against every entry's exact distance: in a dense cluster (answered from the
/// nearer box), from a sparse point (the whole radius searched), with an entry excluded, and
/// for an entry 0.5 m inside the radius due north, which a box of exactly the radius on a
/// different earth missed.
async fn nearest_entries_are_those_a_full_scan_finds(backend: Backend) {
    use sea_orm::EntityTrait;
    use tambang::directory::duplicates::distance_m;
    use tambang::directory::geo;
    use tambang::domain::LatLng;
    use tambang::entities::entry;

    let app = spawn_app(backend).await;
    // Busan, away from the demo's Seoul entries (which the full scan also sees).
    let (lat0, lng0) = (35.1, 129.0);
    let m_per_deg = 6_371_000.0 * std::f64::consts::PI / 180.0;
    let at = |north_m: f64, east_m: f64| {
        (
            lat0 + north_m / m_per_deg,
            lng0 + east_m / (m_per_deg * lat0.to_radians().cos()),
        )
    };
    // 40 entries within about 100 m, 8 between 300 and 950 m, one just inside 1 km due north
    // and one just outside it due east.
    let mut spots: Vec<(f64, f64)> = (0..40)
        .map(|i| {
            let (r, a) = (5.0 + 2.4 * f64::from(i), f64::from(i) * 2.4);
            at(r * a.sin(), r * a.cos())
        })
        .collect();
    spots.extend((0..8).map(|i| {
        let (r, a) = (300.0 + 90.0 * f64::from(i), f64::from(i) * 0.8);
        at(r * a.sin(), r * a.cos())
    }));
    spots.push(at(999.5, 0.0));
    spots.push(at(0.0, 1000.6));
    let mut ids = Vec::new();
    for (i, &spot) in spots.iter().enumerate() {
        let (slug, name) = (format!("spot-{i}"), format!("지점 {i}"));
        ids.push(
            insert_entry_at(&app, "place", &slug, &name, Some(spot))
                .await
                .id,
        );
    }
    let everyone = entry::Entity::find().all(&app.db).await.unwrap();
    let scan = |lat: f64, lng: f64, radius: f64, exclude: Option<i64>, limit: usize| {
        let mut v: Vec<(i64, f64)> = everyone
            .iter()
            .filter(|e| Some(e.id) != exclude)
            .filter_map(|e| Some((e.id, distance_m(lat, lng, e.lat?, e.lng?))))
            .filter(|&(_, d)| d <= radius)
            .collect();
        v.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        v.truncate(limit);
        v.into_iter().map(|(id, _)| id).collect::<Vec<_>>()
    };
    let cases = [
        (lat0, lng0, 1000.0, None, 10),
        (lat0, lng0, 1000.0, Some(ids[0]), 10),
        (lat0, lng0, 1000.0, None, 200),
        (lat0, lng0, 60.0, None, 200),
        (spots[45].0, spots[45].1, 1000.0, None, 10),
        (spots[45].0, spots[45].1, 1000.0, Some(ids[45]), 3),
    ];
    for (lat, lng, radius, exclude, limit) in cases {
        let found: Vec<i64> = geo::within(
            &app.db,
            LatLng::new(lat, lng).unwrap(),
            radius,
            exclude,
            limit,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|(e, _)| e.id)
        .collect();
        let expected = scan(lat, lng, radius, exclude, limit);
        assert!(!expected.is_empty());
        assert_eq!(
            found, expected,
            "within {radius} m of ({lat}, {lng}), limit {limit}, excluding {exclude:?}"
        );
    }
    let all_in_1km = scan(lat0, lng0, 1000.0, None, 200);
    assert!(all_in_1km.contains(&ids[48]) && !all_in_1km.contains(&ids[49]));
    assert_eq!(all_in_1km.len(), 49);
}

both_backends!(near_and_bbox_queries_use_real_distances);

async fn near_and_bbox_queries_use_real_distances(backend: Backend) {
    let app = spawn_app(backend).await;
    let station = Some((37.5446, 127.0557));
    insert_entry_at(&app, "place", "seongsu-station", "성수역", station).await;
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
