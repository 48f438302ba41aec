//! The API's lists, exports and OpenAPI document: filters and page metadata, GeoJSON and CSV
//! (BOM, headers, formula safety, routing beside `/entries/{slug}`), and every route
//! documented and served.

use axum::http::{Method, StatusCode};
use serde_json::json;
use tambang::domain::Role;

use crate::api::{call, entry_path, json_of, token};
use crate::both_backends;
use crate::helpers::{Backend, encode, spawn_app};

both_backends!(lists_filter_and_page);

async fn lists_filter_and_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let all = json_of(
        &call(
            &app,
            Method::GET,
            "/api/v1/entries?kind=outlet&per_page=2",
            None,
            None,
        )
        .await,
    );
    assert_eq!(all["page"], 1);
    assert_eq!(all["per_page"], 2);
    let total = all["total"].as_u64().unwrap();
    assert!(total >= 5, "{all}");
    assert_eq!(all["pages"].as_u64().unwrap(), total.div_ceil(2));
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    let last = json_of(
        &call(
            &app,
            Method::GET,
            &format!(
                "/api/v1/entries?kind=outlet&per_page=2&page={}",
                total.div_ceil(2)
            ),
            None,
            None,
        )
        .await,
    );
    assert_eq!(
        last["items"].as_array().unwrap().len() as u64,
        total - 2 * (total.div_ceil(2) - 1)
    );

    let crowd = json_of(
        &call(
            &app,
            Method::GET,
            "/api/v1/entries?kind=outlet&channel=crowdfunding",
            None,
            None,
        )
        .await,
    );
    let items = crowd["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.iter().all(|i| i["kind"] == "outlet"));
    assert!(items.iter().any(|i| i["slug"] == "와디즈-크라우드펀딩"));
    assert_eq!(crowd["total"].as_u64().unwrap(), items.len() as u64);
    assert!((crowd["total"].as_u64().unwrap()) < total);

    let clamped = json_of(
        &call(
            &app,
            Method::GET,
            "/api/v1/entries?kind=place&per_page=100000",
            None,
            None,
        )
        .await,
    );
    assert_eq!(clamped["per_page"], 200);
    let missing = call(&app, Method::GET, "/api/v1/entries", None, None).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json_of(&missing)["error"]["fields"]["kind"].is_string());
}

both_backends!(exports_are_well_formed_and_formula_safe);

async fn exports_are_well_formed_and_formula_safe(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = token(&app, "editor@example.org", Role::Editor).await;
    let hostile = call(
        &app,
        Method::POST,
        "/api/v1/entries",
        Some(&editor),
        Some(json!({
        "kind": "place", "name": "=HYPERLINK(\"http://x\")", "lat": 37.56, "lng": 126.97,
        "address": "+82 서울", "slug": "hostile"})),
    )
    .await;
    assert_eq!(hostile.status, StatusCode::CREATED, "{}", hostile.body);

    let geo = call(&app, Method::GET, "/api/v1/entries.geojson", None, None).await;
    assert_eq!(geo.status, StatusCode::OK);
    assert_eq!(geo.headers["content-type"], "application/geo+json");
    let geo = json_of(&geo);
    assert_eq!(geo["type"], "FeatureCollection");
    let features = geo["features"].as_array().unwrap();
    assert!(features.len() > 3, "{geo}");
    for f in features {
        assert_eq!(f["type"], "Feature");
        assert_eq!(f["geometry"]["type"], "Point");
        let c = f["geometry"]["coordinates"].as_array().unwrap();
        assert!(
            c[0].as_f64().unwrap() > 120.0 && c[1].as_f64().unwrap() < 40.0,
            "lng, lat order"
        );
        for p in ["slug", "name", "kind", "status", "district"] {
            assert!(f["properties"].get(p).is_some(), "{p} in {f}");
        }
    }
    let places = json_of(
        &call(
            &app,
            Method::GET,
            "/api/v1/entries.geojson?kind=place",
            None,
            None,
        )
        .await,
    );
    assert!(
        places["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["properties"]["kind"] == "place")
    );

    let csv = call(&app, Method::GET, "/api/v1/entries.csv", None, None).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(csv.body.starts_with('\u{FEFF}'), "UTF-8 BOM first");
    let header = csv
        .body
        .trim_start_matches('\u{FEFF}')
        .lines()
        .next()
        .unwrap();
    assert!(
        header.contains("이름 (name)") && header.contains("슬러그 (slug)"),
        "{header}"
    );
    assert!(
        !header.contains("phone"),
        "no contact columns for anonymous callers"
    );
    assert!(
        csv.body.contains("\"'=HYPERLINK(\"\"http://x\"\")\""),
        "{}",
        csv.body
    );
    assert!(csv.body.contains("'+82 서울"));
    assert!(!csv.body.contains(",=HYPERLINK"));
    assert!(csv.body.contains("소영씨스토어"));
    let signed = call(
        &app,
        Method::GET,
        "/api/v1/entries.csv?kind=place",
        Some(&editor),
        None,
    )
    .await;
    let header = signed.body.lines().next().unwrap().to_string();
    assert!(header.contains("전화 (phone)"));
    assert!(!signed.body.contains("소영씨스토어"), "kind filter applies");

    // The export paths and an entry slug that looks like them route apart.
    let lookalike = call(&app, Method::GET, "/api/v1/entries/entries.csv", None, None).await;
    assert_eq!(lookalike.status, StatusCode::NOT_FOUND);
    assert_eq!(json_of(&lookalike)["error"]["code"], "not_found");
    let by_slug = call(&app, Method::GET, &entry_path("hostile"), None, None).await;
    assert_eq!(by_slug.status, StatusCode::OK);
}

both_backends!(openapi_documents_every_route);

async fn openapi_documents_every_route(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = call(&app, Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = json_of(&r);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    for (method, path) in tambang::api::ROUTES {
        let op = &doc["paths"][*path][method.as_str().to_ascii_lowercase()];
        assert!(op.is_object(), "{method} {path} is not in openapi.json");
        // ... and really served with that method: no API 404 or 405 (writes, anonymous, 401).
        let slug = if path.starts_with("/reports/") {
            "seongdong-visit-2023-12"
        } else {
            "소영씨스토어"
        };
        let concrete = path.replace("{slug}", slug).replace("{id}", "1");
        let served = call(
            &app,
            method.clone(),
            &format!("/api/v1{}", encode_path(&concrete)),
            None,
            None,
        )
        .await;
        assert!(
            ![StatusCode::NOT_FOUND, StatusCode::METHOD_NOT_ALLOWED].contains(&served.status),
            "{method} {path}: {} {}",
            served.status,
            served.body
        );
        if !method.eq(&Method::GET) {
            assert_eq!(served.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        }
    }
    for schema in [
        "ErrorEnvelope",
        "EntryDetail",
        "EntryList",
        "EntryInput",
        "LinkView",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

/// Percent-encodes every segment of a path.
fn encode_path(path: &str) -> String {
    path.split('/').map(encode).collect::<Vec<_>>().join("/")
}
