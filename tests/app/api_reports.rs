//! Reports through the JSON API: create → read → replace → mentions → delete, validation in
//! the envelope, who sees which states, and roles.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tambang::domain::Role;

use crate::api::{call, json_of, token};
use crate::both_backends;
use crate::helpers::{Backend, encode, spawn_app};

fn report_path(slug: &str) -> String {
    format!("/api/v1/reports/{}", encode(slug))
}

fn a_report() -> Value {
    json!({
        "title": "API 탐방: 성동 판로 견학",
        "author": "용산구사회적경제지원센터",
        "published_on": "2024-02-01",
        "visit_date": "2024-01-20",
        "visit_time": "14:00",
        "state": "draft",
        "hosts": ["성동사경센터"],
        "visitors": ["용산구사회적경제지원센터"],
        "participant_count": 3,
        "participants": ["홍길동 (용산사경센터)", {"name": "김영희", "affiliation": ""}],
        "stops": [
            {"entry": "성동구사회적경제지원센터", "time": "14:00", "note": "사업 설명"},
            {"text": "성수동 골목", "note": "답사"},
            {"entry": "소영씨스토어", "time": "16:00"}
        ],
        "body": "용산과 성동의 센터가 만났다. 성동사경센터에서 소영씨스토어 사례를 들었다.",
        "tags": ["판로", "API"],
        "takeaways": [{"lesson": "공동판매장 사례를 정리한다", "entry": "소영씨스토어", "owner": "용산", "due_on": "2024-03-01"}],
        "photos": [{"caption": "매장 전경", "credit": "데모"}]
    })
}

both_backends!(reports_round_trip_through_the_api);

async fn reports_round_trip_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = token(&app, "editor@example.org", Role::Editor).await;
    let admin = token(&app, "admin@example.org", Role::Admin).await;
    let viewer = token(&app, "viewer@example.org", Role::Viewer).await;

    let created = call(
        &app,
        Method::POST,
        "/api/v1/reports",
        Some(&editor),
        Some(a_report()),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let r = json_of(&created);
    let slug = r["slug"].as_str().unwrap().to_string();
    assert_eq!(created.location(), Some(report_path(&slug).as_str()));
    assert_eq!(r["state"], "draft");
    assert_eq!(r["hosts"][0]["slug"], "성동구사회적경제지원센터");
    assert_eq!(r["visitors"][0]["slug"], "용산구사회적경제지원센터");
    assert_eq!(r["visited_at"], "2024-01-20T14:00:00");
    assert_eq!(r["participant_count"], 3);
    assert_eq!(r["participants"][0]["affiliation"], "용산사경센터");
    assert_eq!(r["participants"][1]["name"], "김영희");
    assert_eq!(r["stops"].as_array().unwrap().len(), 3);
    assert_eq!(r["stops"][0]["time"], "14:00");
    assert_eq!(r["stops"][1]["entry"], Value::Null);
    assert_eq!(r["stops"][1]["text"], "성수동 골목");
    assert_eq!(r["stops"][2]["entry"]["slug"], "소영씨스토어");
    assert_eq!(r["takeaways"][0]["entry"]["slug"], "소영씨스토어");
    assert_eq!(r["takeaways"][0]["due_on"], "2024-03-01");
    assert_eq!(r["photos"][0]["credit"], "데모");
    assert_eq!(r["tags"], json!(["판로", "API"]));
    assert_eq!(r["route_km"], Value::Null, "no stop has coordinates");
    let version = r["version"].as_i64().unwrap();

    // A draft: editors only.
    let path = report_path(&slug);
    for who in [None, Some(viewer.as_str())] {
        let r = call(&app, Method::GET, &path, who, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who:?}: {}", r.body);
        assert_eq!(json_of(&r)["error"]["code"], "not_found");
    }
    assert_eq!(
        call(&app, Method::GET, &path, Some(&editor), None)
            .await
            .status,
        StatusCode::OK
    );

    // Mentions were suggested on create, as on the web.
    let mentions = call(
        &app,
        Method::GET,
        &format!("{path}/mentions"),
        Some(&editor),
        None,
    )
    .await;
    let mentions = json_of(&mentions);
    let list = mentions.as_array().unwrap();
    assert!(
        list.iter()
            .any(|m| m["entry_slug"] == "소영씨스토어" && m["state"] == "confirmed"),
        "{mentions}"
    );
    let suggested: Vec<&Value> = list.iter().filter(|m| m["state"] == "suggested").collect();
    assert!(
        suggested.len() >= 2,
        "short forms wait for review: {mentions}"
    );

    // Publish with the version read; a stale version is refused with the stored report.
    let mut body = a_report();
    body["state"] = json!("published");
    body["version"] = json!(version);
    body["stops"] = json!([{"entry": "바른참", "time": "12:00"}]);
    let updated = call(&app, Method::PUT, &path, Some(&editor), Some(body.clone())).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    let u = json_of(&updated);
    assert_eq!(u["state"], "published");
    assert_eq!(u["version"], version + 1);
    assert_eq!(u["stops"].as_array().unwrap().len(), 1);
    assert_eq!(u["stops"][0]["entry"]["slug"], "바른참");
    let stale = call(&app, Method::PUT, &path, Some(&editor), Some(body)).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert_eq!(json_of(&stale)["error"]["current"]["version"], version + 1);

    // Published: everyone reads it; named participants only for signed-in callers.
    let anon = json_of(&call(&app, Method::GET, &path, None, None).await);
    assert_eq!(anon["title"], "API 탐방: 성동 판로 견학");
    assert!(anon.get("participants").is_none(), "{anon}");
    assert!(anon["takeaways"][0].get("owner").is_none(), "{anon}");
    assert_eq!(anon["takeaways"][0]["lesson"], "공동판매장 사례를 정리한다");
    assert_eq!(anon["participant_count"], 3);
    let as_viewer = json_of(&call(&app, Method::GET, &path, Some(&viewer), None).await);
    assert_eq!(as_viewer["participants"][0]["name"], "홍길동");
    assert_eq!(as_viewer["takeaways"][0]["owner"], "용산");

    // Confirm one suggestion, reject another; the stored state changes and is audited.
    // (Saving re-suggests, so suggestions are read again after the update.)
    let mentions = json_of(
        &call(
            &app,
            Method::GET,
            &format!("{path}/mentions"),
            Some(&editor),
            None,
        )
        .await,
    );
    let suggested: Vec<&Value> = mentions
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["state"] == "suggested")
        .collect();
    let (to_confirm, to_reject) = (
        suggested[0]["id"].as_i64().unwrap(),
        suggested[1]["id"].as_i64().unwrap(),
    );
    let confirm = format!("{path}/mentions/{to_confirm}/confirm");
    let reject = format!("{path}/mentions/{to_reject}/reject");
    assert_eq!(
        call(&app, Method::POST, &confirm, None, None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&app, Method::POST, &confirm, Some(&viewer), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let c = call(&app, Method::POST, &confirm, Some(&editor), None).await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.body);
    assert_eq!(json_of(&c)["state"], "confirmed");
    let j = call(&app, Method::POST, &reject, Some(&editor), None).await;
    assert_eq!(j.status, StatusCode::OK, "{}", j.body);
    assert_eq!(json_of(&j)["state"], "rejected");
    // A mention of another report is not found under this one.
    let demo = call(
        &app,
        Method::GET,
        &format!("{}/mentions", report_path("seongdong-visit-2023-12")),
        Some(&editor),
        None,
    )
    .await;
    let foreign = json_of(&demo)[0]["id"]
        .as_i64()
        .expect("demo report has mentions");
    let wrong = call(
        &app,
        Method::POST,
        &format!("{path}/mentions/{foreign}/reject"),
        Some(&editor),
        None,
    )
    .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND, "{}", wrong.body);
    assert_eq!(
        call(
            &app,
            Method::POST,
            &format!("{path}/mentions/abc/reject"),
            Some(&editor),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let anon_mentions =
        json_of(&call(&app, Method::GET, &format!("{path}/mentions"), None, None).await);
    assert!(
        anon_mentions
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["state"] == "confirmed")
    );
    assert!(anon_mentions.as_array().unwrap().len() > 1);

    // Delete: admins only.
    let del = call(&app, Method::DELETE, &path, Some(&editor), None).await;
    assert_eq!(del.status, StatusCode::FORBIDDEN, "{}", del.body);
    let del = call(&app, Method::DELETE, &path, Some(&admin), None).await;
    assert_eq!(del.status, StatusCode::NO_CONTENT, "{}", del.body);
    assert_eq!(
        call(&app, Method::GET, &path, Some(&admin), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, Method::DELETE, &path, Some(&admin), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

both_backends!(report_writes_are_validated_like_the_form);

async fn report_writes_are_validated_like_the_form(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = token(&app, "editor@example.org", Role::Editor).await;
    let viewer = token(&app, "viewer@example.org", Role::Viewer).await;

    let anon = call(
        &app,
        Method::POST,
        "/api/v1/reports",
        None,
        Some(a_report()),
    )
    .await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
    let as_viewer = call(
        &app,
        Method::POST,
        "/api/v1/reports",
        Some(&viewer),
        Some(a_report()),
    )
    .await;
    assert_eq!(
        as_viewer.status,
        StatusCode::FORBIDDEN,
        "{}",
        as_viewer.body
    );
    assert_eq!(json_of(&as_viewer)["error"]["code"], "forbidden");

    let bad = json!({
        "visit_time": "열시",
        "state": "planned",
        "hosts": [999999],
        "visitors": ["없는센터"],
        "participant_count": "많이",
        "stops": [{"time": "10:00"}, {"text": "a | b"}],
        "takeaways": [{"lesson": "", "owner": "누구"}, {"lesson": "기한", "due_on": "내일모레"}],
        "source_url": "javascript:alert(1)"
    });
    let r = call(
        &app,
        Method::POST,
        "/api/v1/reports",
        Some(&editor),
        Some(bad),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let e = json_of(&r);
    assert_eq!(e["error"]["code"], "invalid");
    for f in [
        "title",
        "visit_time",
        "visit_date",
        "hosts",
        "visitors",
        "participant_count",
        "stops",
        "takeaways",
        "source_url",
    ] {
        assert!(e["error"]["fields"][f].is_string(), "{f}: {e}");
    }
    assert!(
        e["error"]["fields"]["hosts"]
            .as_str()
            .unwrap()
            .contains("999999"),
        "{e}"
    );
    let count = tambang::entities::report::Entity::find();
    use sea_orm::{EntityTrait, PaginatorTrait};
    let before = count.count(&app.db).await.unwrap();
    assert_eq!(before, 2, "nothing was written");

    // Malformed JSON and wrong types are the envelope's 400.
    let r = call(
        &app,
        Method::POST,
        "/api/v1/reports",
        Some(&editor),
        Some(json!({"title": 5})),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(json_of(&r)["error"]["code"], "bad_request");

    // PUT: the version is required; unknown slugs are 404.
    let demo = report_path("seongdong-visit-2023-12");
    let r = call(
        &app,
        Method::PUT,
        &demo,
        Some(&editor),
        Some(json!({"title": "새 제목"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(json_of(&r)["error"]["fields"]["version"].is_string());
    let r = call(
        &app,
        Method::PUT,
        &report_path("no-such-report"),
        Some(&editor),
        Some(a_report()),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let unchanged = json_of(&call(&app, Method::GET, &demo, None, None).await);
    assert_eq!(unchanged["version"], 1);
}

both_backends!(report_list_filters_and_visibility);

async fn report_list_filters_and_visibility(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = token(&app, "editor@example.org", Role::Editor).await;
    let viewer = token(&app, "viewer@example.org", Role::Viewer).await;
    let created = call(
        &app,
        Method::POST,
        "/api/v1/reports",
        Some(&editor),
        Some(a_report()),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);

    let slugs = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["slug"].as_str().unwrap().to_string())
            .collect()
    };
    let list = |who: Option<String>, q: &'static str| {
        let app = &app;
        async move {
            let r = call(
                app,
                Method::GET,
                &format!("/api/v1/reports{q}"),
                who.as_deref(),
                None,
            )
            .await;
            assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
            json_of(&r)
        }
    };
    // As on the web: published reports and planned visits for everyone, drafts for editors.
    let anon = list(None, "").await;
    assert_eq!(anon["total"], 2);
    assert!(slugs(&anon).contains(&"seongdong-visit-2023-12".to_string()));
    let v = list(Some(viewer.clone()), "").await;
    assert_eq!(v["total"], 2);
    let e = list(Some(editor.clone()), "").await;
    assert_eq!(e["total"], 3);
    assert_eq!(list(Some(editor.clone()), "?state=draft").await["total"], 1);
    assert_eq!(
        list(None, "?state=draft").await["total"],
        0,
        "asking does not reveal drafts"
    );
    assert_eq!(
        list(Some(editor.clone()), "?state=planned").await["items"][0]["slug"],
        "gwangjin-visit-2023-12"
    );
    // Tags match whole tags; q searches title and body.
    assert_eq!(
        list(Some(editor.clone()), "?tag=%ED%8C%90%EB%A1%9C").await["total"],
        2,
        "판로"
    );
    assert_eq!(
        list(Some(editor.clone()), "?tag=%ED%8C%90").await["total"],
        0,
        "판 is no tag"
    );
    assert_eq!(
        list(None, "?q=%EC%A0%95%EC%9D%BC%ED%92%88").await["total"],
        0
    );
    let q = list(Some(editor.clone()), "?q=%EA%B4%91%EC%A7%84").await; // 광진
    assert!(slugs(&q).contains(&"gwangjin-visit-2023-12".to_string()));
    assert!(!slugs(&q).iter().any(|s| s.starts_with("api")));
    assert_eq!(
        list(Some(editor.clone()), "?q=50%25").await["total"],
        0,
        "% is literal"
    );
    // Paging.
    let p = list(Some(editor.clone()), "?per_page=1&page=2").await;
    assert_eq!(
        (
            p["page"].as_u64(),
            p["pages"].as_u64(),
            p["items"].as_array().unwrap().len()
        ),
        (Some(2), Some(3), 1)
    );
    let bad = call(&app, Method::GET, "/api/v1/reports?state=lost", None, None).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json_of(&bad)["error"]["fields"]["state"].is_string());
}
