//! The researchers' view: compare page, CSV, charts and the map as well-formed SVG.

use axum::http::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use tambang::entities::district_detail;

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
    let geo: serde_json::Value = serde_json::from_str(&text).unwrap();
    for feature in geo["features"].as_array().unwrap() {
        let code = feature["properties"]["SIG_CD"].as_str().unwrap();
        let d = district_detail::Entity::find()
            .filter(district_detail::Column::Code.eq(code))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let mut m = d.into_active_model();
        m.boundary_geojson = Set(Some(feature["geometry"].to_string()));
        m.update(&app.db).await.unwrap();
    }
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
