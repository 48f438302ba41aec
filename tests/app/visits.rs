//! The itinerary drawn as a route on the report page, and the visit network at `/visits`.

use axum::http::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::json;
use tambang::domain::Role;
use tambang::entities::entry;

use crate::api::{call, token};
use crate::both_backends;
use crate::helpers::{Backend, TestApp, spawn_app};

/// The `<svg>` elements of a page whose opening tag contains `marker`.
fn svg_with(html: &str, marker: &str) -> Option<String> {
    html.split("<svg").skip(1).find_map(|rest| {
        let end = rest.find("</svg>")? + 6;
        let svg = format!("<svg{}", &rest[..end]);
        svg[..svg.find('>')?].contains(marker).then_some(svg)
    })
}

fn count_class(doc: &roxmltree::Document, tag: &str, class: &str) -> usize {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag) && n.attribute("class") == Some(class))
        .count()
}

async fn place(app: &TestApp, slug: &str, lat: f64, lng: f64) {
    let e = entry::Entity::find()
        .filter(entry::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    // Through the audit trail, as every write of the app: the page caches see it.
    let mut m = e.clone().into_active_model();
    m.lat = Set(Some(lat));
    m.lng = Set(Some(lng));
    tambang::audit::update(&app.db, &tambang::audit::Actor::system("test"), &e, m)
        .await
        .unwrap();
}

both_backends!(report_page_draws_the_itinerary_as_a_route);

/// No coordinates, no map; with two located stops, two numbered markers joined by a line,
/// the total length, and the legs in a table (unlocated stops listed, not drawn).
async fn report_page_draws_the_itinerary_as_a_route(backend: Backend) {
    let app = spawn_app(backend).await;
    let path = "/reports/seongdong-visit-2023-12";
    let before = app.get_html(path).await;
    assert!(
        svg_with(&before, "route-map").is_none(),
        "no stop has coordinates in the demo"
    );
    assert!(!before.contains("총 이동 거리"));

    // 바른참 (stop 2) at 성수역, 소영씨스토어 (stop 6) at 서울숲: about 1.6 km apart.
    place(&app, "바른참", 37.5446, 127.0557).await;
    place(&app, "소영씨스토어", 37.5444, 127.0374).await;
    let html = app.get_html(path).await;
    let svg = svg_with(&html, "route-map").expect("route map");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert_eq!(
        count_class(&doc, "g", "stop-marker"),
        2,
        "one marker per located stop"
    );
    assert_eq!(count_class(&doc, "polyline", "route"), 1);
    let numbers: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(numbers, ["2", "6"], "markers carry their itinerary number");
    assert!(
        doc.descendants().any(|n| n.has_tag_name("desc")),
        "text alternative"
    );
    assert!(html.contains("총 이동 거리 약 1.6 km"), "total");
    assert!(html.contains("(좌표 없음)"), "unlocated stops are listed");
    assert!(html.contains("<td>1.6 km</td>"), "the leg to stop 6");

    // With boundaries loaded, the districts the route crosses are outlined faintly.
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/seoul_sigungu_juso2015_simple.geojson");
    let Ok(text) = std::fs::read_to_string(&file) else {
        eprintln!("{} missing: outline half skipped", file.display());
        return;
    };
    let geo: serde_json::Value = serde_json::from_str(&text).unwrap();
    for feature in geo["features"].as_array().unwrap() {
        let code = feature["properties"]["SIG_CD"].as_str().unwrap();
        let d = tambang::entities::district_detail::Entity::find()
            .filter(tambang::entities::district_detail::Column::Code.eq(code))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let mut m = d.clone().into_active_model();
        m.boundary_geojson = Set(Some(feature["geometry"].to_string()));
        tambang::audit::update(&app.db, &tambang::audit::Actor::system("test"), &d, m)
            .await
            .unwrap();
    }
    let html = app.get_html(path).await;
    let svg = svg_with(&html, "route-map").expect("route map");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let outlines = count_class(&doc, "path", "outline");
    assert!(
        (1..25).contains(&outlines),
        "nearby districts only: {outlines}"
    );
    assert_eq!(count_class(&doc, "g", "stop-marker"), 2);
}

both_backends!(visits_show_who_visited_whom_and_returns);

async fn visits_show_who_visited_whom_and_returns(backend: Backend) {
    let app = spawn_app(backend).await;
    let html = app.get_html("/visits").await;
    assert!(html.contains("href=\"/visits\""), "in the navigation");
    let rows: Vec<&str> = html.split("<tr class=\"visit-pair\">").skip(1).collect();
    assert_eq!(rows.len(), 1, "anonymous: the published demo visit only");
    let row = rows[0].split("</tr>").next().unwrap();
    let yongsan = row.find("용산구사회적경제지원센터").expect("visitor");
    let seongdong = row.find("성동구사회적경제지원센터").expect("host");
    assert!(yongsan < seongdong, "visitor first: {row}");
    assert!(
        row.contains("seongdong-visit-2023-12") && row.contains("2023년 12월 11일"),
        "{row}"
    );
    assert!(
        row.contains("<td class=\"reciprocated\">아니요</td>"),
        "{row}"
    );
    let svg = svg_with(&html, "network").expect("network graph");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert_eq!(count_class(&doc, "path", "edge"), 1);
    assert_eq!(count_class(&doc, "g", "node"), 2);
    assert!(
        html.contains("대기업 CSR 사업에 용산 사회적경제 기업들이"),
        "takeaways of the visit"
    );

    // 성동 returns the visit: both rows say so, two edges.
    let editor = token(&app, "editor@example.org", Role::Editor).await;
    let body = json!({
        "title": "성동구센터의 용산 답방", "state": "published",
        "visit_date": "2024-03-05", "hosts": ["용산사경센터"], "visitors": ["성동사경센터"]
    });
    let r = call(
        &app,
        Method::POST,
        "/api/v1/reports",
        Some(&editor),
        Some(body),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let html = app.get_html("/visits").await;
    let rows: Vec<&str> = html.split("<tr class=\"visit-pair\">").skip(1).collect();
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .all(|r| r.contains("<td class=\"reciprocated\">예</td>"))
    );
    let svg = svg_with(&html, "network").unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert_eq!(count_class(&doc, "path", "edge"), 2);

    // Editors also see planned visits (용산 → 광진).
    let mut c = app.signed_in("ed2@example.org", Role::Editor).await;
    let page = c.get("/visits").await.body;
    assert_eq!(page.matches("<tr class=\"visit-pair\">").count(), 3);
    assert!(page.contains("광진구사회적경제지원센터"));
}

both_backends!(many_visits_are_paged_and_the_graph_keeps_the_most_frequent);

/// At national scale there are thousands of pairs: the table is paged, the graph draws the
/// most frequent ones and says so, and the takeaways list the latest visits' with a count.
async fn many_visits_are_paged_and_the_graph_keeps_the_most_frequent(backend: Backend) {
    use tambang::entities::{report_entry, takeaway};
    use tambang::reports::visits::{GRAPH_PAIRS, PAIRS_PER_PAGE, TAKEAWAYS_SHOWN};
    let app = spawn_app(backend).await;
    let host = crate::helpers::insert_entry(&app, "center", "host-center", "방문받는센터").await;
    let visits = PAIRS_PER_PAGE as usize + 10;
    for i in 0..visits {
        let visitor = crate::helpers::insert_entry(
            &app,
            "center",
            &format!("v-{i}"),
            &format!("방문기관{i:03}"),
        )
        .await;
        let visited = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .map(|t| t + chrono::Duration::days(i as i64));
        let (slug, title) = (format!("visit-{i}"), format!("방문 {i}"));
        let r = crate::helpers::insert_visited_report(
            &app,
            &slug,
            &title,
            "published",
            "본문",
            visited,
        )
        .await;
        for (entry_id, role) in [(visitor.id, "visitor"), (host.id, "host")] {
            report_entry::ActiveModel {
                report_id: Set(r.id),
                entry_id: Set(entry_id),
                role: Set(role.into()),
            }
            .insert(&app.db)
            .await
            .unwrap();
        }
        for position in 0..3 {
            takeaway::ActiveModel {
                report_id: Set(r.id),
                position: Set(position),
                lesson: Set(format!("배운 점 {i}-{position}")),
                done: Set(false),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap();
        }
    }
    let total = visits + 1; // and the demo's published visit
    let html = app.get_html("/visits").await;
    assert_eq!(
        html.matches("<tr class=\"visit-pair\">").count(),
        PAIRS_PER_PAGE as usize
    );
    assert!(html.contains(&format!("({total}쌍)")), "the total is given");
    assert!(html.contains("href=\"/visits?page=2\""), "a next page");
    let svg = svg_with(&html, "network").expect("network graph");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert_eq!(count_class(&doc, "path", "edge"), GRAPH_PAIRS);
    assert!(html.contains(&format!("전체 {total}개는 아래 표에 있습니다")));
    let taken = html.matches("배운 점 ").count();
    assert_eq!(taken, TAKEAWAYS_SHOWN.min(3 * visits), "takeaways capped");
    assert!(
        html.contains(&format!("배운 점 {}-0", visits - 1)),
        "latest visit first"
    );
    assert!(
        !html.contains("배운 점 0-0"),
        "the oldest left for /takeaways"
    );

    let page2 = app.get_html("/visits?page=2").await;
    assert_eq!(
        page2.matches("<tr class=\"visit-pair\">").count(),
        total - PAIRS_PER_PAGE as usize
    );
    assert!(page2.contains("href=\"/visits?page=1\""));
}
