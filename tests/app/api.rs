//! The JSON API as a script uses it: bearer tokens, CRUD of entries, aliases and links,
//! field errors, duplicates and stale versions (lists, exports and OpenAPI: `api_lists`).

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use tambang::audit::Actor;
use tambang::domain::Role;

use crate::both_backends;
use crate::helpers::{Backend, Reply, TestApp, encode, spawn_app};

/// A new user with `role` and an API token of theirs.
pub(crate) async fn token(app: &TestApp, email: &str, role: Role) -> String {
    let user = app.add_user(email, role).await;
    tambang::auth::tokens::create(&app.db, &Actor::system("test"), &user, "test")
        .await
        .unwrap()
        .1
}

/// Sends `method path` with an optional bearer token and JSON body.
pub(crate) async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    let request = match body {
        Some(b) => request
            .header("content-type", "application/json")
            .body(Body::from(b.to_string())),
        None => request.body(Body::empty()),
    };
    app.client().send(request.unwrap()).await
}

pub(crate) fn json_of(r: &Reply) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.body))
}

pub(crate) fn entry_path(slug: &str) -> String {
    format!("/api/v1/entries/{}", encode(slug))
}

both_backends!(entries_round_trip_through_the_api);

/// Three kinds: create, read by slug and id, update with the version read, a stale version,
/// archive, and delete; roles checked on the way.
async fn entries_round_trip_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = token(&app, "editor@example.org", Role::Editor).await;
    let admin = token(&app, "admin@example.org", Role::Admin).await;
    let viewer = token(&app, "viewer@example.org", Role::Viewer).await;
    let cases = [
        json!({"kind": "enterprise", "name": "API 테스트 협동조합", "cert_type": "cooperative",
               "district": "11200", "lat": 37.5446, "lng": 127.0557, "phone": "02-111-2222",
               "service_field": "교육"}),
        json!({"kind": "outlet", "name": "API 테스트 판매장", "channel": "joint_shop",
               "operator": "오엠인터렉트", "url": "shop.example.org"}),
        json!({"kind": "place", "name": "API 테스트 공원", "lat": "37.55", "lng": "127.04"}),
    ];
    for body in cases {
        let kind = body["kind"].as_str().unwrap().to_string();
        let anon = call(
            &app,
            Method::POST,
            "/api/v1/entries",
            None,
            Some(body.clone()),
        )
        .await;
        assert_eq!(anon.status, StatusCode::UNAUTHORIZED, "{}", anon.body);
        assert_eq!(json_of(&anon)["error"]["code"], "unauthorized");
        let as_viewer = call(
            &app,
            Method::POST,
            "/api/v1/entries",
            Some(&viewer),
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            as_viewer.status,
            StatusCode::FORBIDDEN,
            "{}",
            as_viewer.body
        );
        assert_eq!(json_of(&as_viewer)["error"]["code"], "forbidden");

        let created = call(
            &app,
            Method::POST,
            "/api/v1/entries",
            Some(&editor),
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "{kind}: {}",
            created.body
        );
        let e = json_of(&created);
        let slug = e["slug"].as_str().unwrap().to_string();
        assert_eq!(created.location(), Some(entry_path(&slug).as_str()));
        assert_eq!(e["kind"], kind);
        assert_eq!(e["version"], 1);
        assert_eq!(e["name"], body["name"]);

        let by_slug = json_of(&call(&app, Method::GET, &entry_path(&slug), None, None).await);
        let id = by_slug["id"].as_i64().unwrap();
        let by_id = call(
            &app,
            Method::GET,
            &format!("/api/v1/entries/id/{id}"),
            None,
            None,
        )
        .await;
        assert_eq!(by_id.status, StatusCode::OK);
        assert_eq!(json_of(&by_id)["slug"], slug.as_str());
        match kind.as_str() {
            "enterprise" => {
                assert_eq!(by_slug["details"]["kind"], "enterprise");
                assert_eq!(by_slug["details"]["cert_type"], "cooperative");
                assert_eq!(by_slug["district_code"], "11200");
                assert!(
                    by_slug.get("phone").is_none(),
                    "contacts hidden from anonymous"
                );
                let signed = call(&app, Method::GET, &entry_path(&slug), Some(&viewer), None).await;
                assert_eq!(json_of(&signed)["phone"], "02-111-2222");
            }
            "outlet" => {
                assert_eq!(by_slug["details"]["channel"], "joint_shop");
                assert_eq!(by_slug["details"]["operator"]["slug"], "오엠인터렉트");
            }
            _ => assert!(by_slug["details"].is_null()),
        }

        let mut edit = body.clone();
        edit["name"] = json!(format!("{} (고침)", body["name"].as_str().unwrap()));
        let no_version = call(
            &app,
            Method::PUT,
            &entry_path(&slug),
            Some(&editor),
            Some(edit.clone()),
        )
        .await;
        assert_eq!(no_version.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(json_of(&no_version)["error"]["fields"]["version"].is_string());
        edit["version"] = json!(1);
        let updated = call(
            &app,
            Method::PUT,
            &entry_path(&slug),
            Some(&editor),
            Some(edit.clone()),
        )
        .await;
        assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
        assert_eq!(json_of(&updated)["version"], 2);
        let stale = call(
            &app,
            Method::PUT,
            &entry_path(&slug),
            Some(&editor),
            Some(edit),
        )
        .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
        let stale = json_of(&stale);
        assert_eq!(stale["error"]["code"], "conflict");
        assert_eq!(stale["error"]["current"]["version"], 2);

        let archived = call(
            &app,
            Method::POST,
            &format!("{}/archive", entry_path(&slug)),
            Some(&editor),
            None,
        )
        .await;
        assert_eq!(archived.status, StatusCode::OK, "{}", archived.body);
        assert_eq!(json_of(&archived)["status"], "closed");

        let editor_delete = call(
            &app,
            Method::DELETE,
            &entry_path(&slug),
            Some(&editor),
            None,
        )
        .await;
        assert_eq!(editor_delete.status, StatusCode::FORBIDDEN);
        let deleted = call(&app, Method::DELETE, &entry_path(&slug), Some(&admin), None).await;
        assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.body);
        let gone = call(&app, Method::GET, &entry_path(&slug), None, None).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND);
        assert_eq!(json_of(&gone)["error"]["code"], "not_found");
    }
}

both_backends!(aliases_and_links_show_on_both_sides);

async fn aliases_and_links_show_on_both_sides(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = token(&app, "editor@example.org", Role::Editor).await;
    let path = entry_path("데모마을부엌");

    let bad = call(
        &app,
        Method::POST,
        &format!("{path}/aliases"),
        Some(&editor),
        Some(json!({"alias_name": "", "alias_type": "nonsense"})),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = &json_of(&bad)["error"]["fields"];
    assert!(
        fields["alias_name"].is_string() && fields["alias_type"].is_string(),
        "{fields}"
    );

    let alias = call(
        &app,
        Method::POST,
        &format!("{path}/aliases"),
        Some(&editor),
        Some(json!({"alias_name": "마을부엌", "alias_type": "abbreviation"})),
    )
    .await;
    assert_eq!(alias.status, StatusCode::CREATED, "{}", alias.body);
    let alias_id = json_of(&alias)["id"].as_i64().unwrap();

    let link = call(
        &app,
        Method::POST,
        &format!("{path}/links"),
        Some(&editor),
        Some(json!({"link_type": "sells_at", "other": "소영씨스토어", "since": "2024-03-01"})),
    )
    .await;
    assert_eq!(link.status, StatusCode::CREATED, "{}", link.body);
    let link = json_of(&link);
    assert_eq!(link["direction"], "out");
    assert_eq!(link["label"], "입점 판로");
    let link_id = link["id"].as_i64().unwrap();

    let here = json_of(&call(&app, Method::GET, &path, None, None).await);
    assert!(
        here["aliases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["name"] == "마을부엌" && a["alias_type"] == "abbreviation")
    );
    assert!(
        here["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == link_id
                && l["direction"] == "out"
                && l["other"]["slug"] == "소영씨스토어")
    );
    let there = json_of(&call(&app, Method::GET, &entry_path("소영씨스토어"), None, None).await);
    assert!(
        there["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == link_id
                && l["direction"] == "in"
                && l["label"] == "입점 기업"
                && l["other"]["slug"] == "데모마을부엌"),
        "{}",
        there["links"]
    );

    let unknown = call(
        &app,
        Method::POST,
        &format!("{path}/links"),
        Some(&editor),
        Some(json!({"link_type": "sells_at", "other": "없는 곳"})),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json_of(&unknown)["error"]["fields"]["other"].is_string());

    // Removing through the other entry works for links (they touch it), not for aliases.
    let wrong_owner = call(
        &app,
        Method::DELETE,
        &format!("{}/aliases/{alias_id}", entry_path("소영씨스토어")),
        Some(&editor),
        None,
    )
    .await;
    assert_eq!(wrong_owner.status, StatusCode::NOT_FOUND);
    for removal in [
        format!("{path}/aliases/{alias_id}"),
        format!("{}/links/{link_id}", entry_path("소영씨스토어")),
    ] {
        let r = call(&app, Method::DELETE, &removal, Some(&editor), None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{removal}: {}", r.body);
    }
    let after = json_of(&call(&app, Method::GET, &path, None, None).await);
    assert!(
        !after["aliases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == alias_id)
    );
    assert!(
        !after["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == link_id)
    );
}

both_backends!(field_errors_and_duplicates_use_the_envelope);

async fn field_errors_and_duplicates_use_the_envelope(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = token(&app, "editor@example.org", Role::Editor).await;
    let post = |body: Value| {
        call(
            &app,
            Method::POST,
            "/api/v1/entries",
            Some(&editor),
            Some(body),
        )
    };

    let invalid = post(
        json!({"kind": "enterprise", "name": "", "lat": 91, "lng": 127,
        "website": "javascript:alert(1)", "email": "nope", "cert_no": "제2007호"}),
    )
    .await;
    assert_eq!(
        invalid.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        invalid.body
    );
    let err = json_of(&invalid)["error"].clone();
    assert_eq!(err["code"], "invalid");
    assert!(err["message"].is_string());
    for f in ["name", "lat", "website", "email", "cert_no", "cert_type"] {
        assert!(err["fields"][f].is_string(), "no error for {f}: {err}");
    }
    let no_kind = post(json!({"name": "종류 없음"})).await;
    assert_eq!(no_kind.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json_of(&no_kind)["error"]["fields"]["kind"].is_string());
    let not_json = app
        .client()
        .send(
            Request::post("/api/v1/entries")
                .header("authorization", format!("Bearer {editor}"))
                .header("content-type", "application/json")
                .body(Body::from("{not json"))
                .unwrap(),
        )
        .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert_eq!(json_of(&not_json)["error"]["code"], "bad_request");

    // 소영씨스토어 is in 성동구 (11200): the same name there is a likely duplicate.
    let dup = json!({"kind": "outlet", "name": "소영씨스토어", "channel": "offline_store",
                     "district": "11200"});
    let warned = post(dup.clone()).await;
    assert_eq!(warned.status, StatusCode::CONFLICT, "{}", warned.body);
    let err = json_of(&warned)["error"].clone();
    assert_eq!(err["code"], "duplicates");
    assert!(
        err["duplicates"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["entry"]["slug"] == "소영씨스토어" && d["reason"].is_string()),
        "{err}"
    );
    let mut confirmed = dup;
    confirmed["confirm_duplicates"] = json!(false);
    assert_eq!(
        post(confirmed.clone()).await.status,
        StatusCode::CONFLICT,
        "false is not a yes"
    );
    confirmed["confirm_duplicates"] = json!(true);
    let saved = post(confirmed).await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.body);
    assert_ne!(
        json_of(&saved)["slug"],
        "소영씨스토어",
        "a free slug was chosen"
    );
}
