//! Accounts and the security baseline: the authorization matrix over every write route, CSRF,
//! throttling, sessions, tokens, hidden contacts, audit rows and security headers.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::post;
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use tambang::app::{AppState, router_with};
use tambang::auth::policy::{Access, WRITE_ROUTES};
use tambang::domain::Role;
use tambang::entities::{api_token, audit_log, entry, session, user};

use crate::both_backends;
use crate::helpers::{Backend, PASSWORD, spawn_app};

both_backends!(authorization_matrix_covers_every_write_route);

/// Every write route in the policy table, sent with its own method, for every role: anonymous
/// is sent to sign in (a JSON 401 under /api), a role below the rule gets 403, a role that
/// suffices gets through the guard.
async fn authorization_matrix_covers_every_write_route(backend: Backend) {
    let app = spawn_app(backend).await;
    let target = app.add_user("target@example.org", Role::Viewer).await;
    crate::helpers::insert_entry(&app, "place", "matrix-target", "매트릭스 장소").await;
    let roles = [
        None,
        Some(Role::Viewer),
        Some(Role::Editor),
        Some(Role::Admin),
    ];
    for (route_no, rule) in WRITE_ROUTES.iter().enumerate() {
        let path = rule
            .path
            .replace("{id}", &target.id.to_string())
            .replace("{slug}", "matrix-target");
        for (n, role) in roles.iter().enumerate() {
            let mut client = match role {
                None => app.client(),
                Some(r) => {
                    app.signed_in(&format!("{}-{n}-{route_no}@example.org", r.as_str()), *r)
                        .await
                }
            };
            let r = client.form(rule.method.clone(), &path, &[]).await;
            let rank = role.map_or(0, |r| r.rank());
            let who = format!("{} {path} as {role:?}", rule.method);
            let api = path.starts_with("/api/");
            if rank >= rule.access.min_rank() {
                assert!(
                    !matches!(r.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN),
                    "{who}: allowed, got {}",
                    r.status
                );
                assert!(
                    !r.location().is_some_and(|l| l.starts_with("/login")),
                    "{who}: not sent to sign in"
                );
            } else if role.is_none() && api {
                assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{who}: {}", r.body);
                assert!(r.body.contains("\"code\":\"unauthorized\""), "{who}");
                assert!(r.location().is_none(), "{who}: no redirect from the API");
            } else if role.is_none() {
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{who}: {}", r.body);
                assert!(r.location().unwrap().starts_with("/login"), "{who}");
            } else {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
                if api {
                    assert!(r.body.contains("\"code\":\"forbidden\""), "{who}");
                }
            }
        }
    }
    // The table names the routes the app serves; a GET-only route refuses writes.
    assert!(WRITE_ROUTES.iter().any(|r| r.access == Access::Admin));
    let mut admin = app.signed_in("admin-extra@example.org", Role::Admin).await;
    assert_eq!(
        admin.post_form("/districts", &[]).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

both_backends!(a_write_route_missing_from_the_policy_is_refused);

async fn a_write_route_missing_from_the_policy_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let extra = Router::new().route("/unlisted", post(|| async { "written" }));
    let guarded = router_with(AppState::new(app.db.clone()), extra);
    let mut admin = app.signed_in("admin@example.org", Role::Admin).await;
    let csrf = admin.csrf().await;
    let cookies = format!(
        "tambang_csrf={csrf}; tambang_session={}",
        admin.cookies["tambang_session"]
    );
    let request = Request::post("/unlisted")
        .header("cookie", cookies)
        .header("x-csrf-token", csrf)
        .body(Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(guarded, request).await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

both_backends!(missing_or_wrong_csrf_is_refused_and_writes_nothing);

async fn missing_or_wrong_csrf_is_refused_and_writes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let missing = editor
        .post_raw("/account/tokens", "name=script".into())
        .await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.body.contains("보안 확인에 실패했습니다"));
    let wrong = editor
        .post_raw(
            "/account/tokens",
            format!("name=script&csrf={}", "0".repeat(64)),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert_eq!(
        api_token::Entity::find().count(&app.db).await.unwrap(),
        0,
        "nothing written"
    );

    let ok = editor
        .post_form("/account/tokens", &[("name", "script")])
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(api_token::Entity::find().count(&app.db).await.unwrap(), 1);

    // A stranger's page cannot forge a sign-out with its own (valid, but foreign) token.
    let attacker_token = app.client().csrf().await;
    let forged = editor
        .post_raw("/logout", format!("csrf={attacker_token}"))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(
        editor.get("/account").await.status,
        StatusCode::OK,
        "still signed in"
    );
}

both_backends!(login_errors_keep_the_email_and_throttle_after_five_failures);

async fn login_errors_keep_the_email_and_throttle_after_five_failures(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_user("staff@example.org", Role::Editor).await;
    let mut c = app.client();
    let bad_format = c.login("not-an-email", "x").await;
    assert_eq!(bad_format.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad_format
            .body
            .contains("이메일 주소 형식이 올바르지 않습니다")
    );
    assert!(
        bad_format.body.contains("value=\"not-an-email\""),
        "typed value kept"
    );

    for _ in 0..5 {
        let r = c.login("staff@example.org", "wrong password").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("이메일 또는 비밀번호가 올바르지 않습니다"));
        assert!(r.body.contains("value=\"staff@example.org\""));
        assert!(
            !r.body.contains("wrong password"),
            "passwords are never echoed"
        );
    }
    let blocked = c.login("staff@example.org", PASSWORD).await;
    assert_eq!(
        blocked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "throttled even with the right password"
    );
    assert!(blocked.body.contains("로그인 시도가 너무 많습니다"));
    // Another account from the same address is not yet blocked.
    app.add_user("other@example.org", Role::Viewer).await;
    assert_eq!(
        c.login("other@example.org", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

both_backends!(sessions_rotate_expire_and_end_at_logout);

async fn sessions_rotate_expire_and_end_at_logout(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut c = app.signed_in("viewer@example.org", Role::Viewer).await;
    let first = c.cookies["tambang_session"].clone();
    assert!(c.get("/account").await.body.contains("viewer@example.org"));

    // Signing in again issues a new id and ends the old session.
    let r = c.login("viewer@example.org", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cookie = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect::<Vec<_>>();
    assert!(cookie.iter().any(|c| c.starts_with("tambang_session=")
        && c.contains("HttpOnly")
        && c.contains("SameSite=Lax")));
    let second = c.cookies["tambang_session"].clone();
    assert_ne!(first, second);
    let mut stale = app.client();
    stale.cookies.insert("tambang_session".into(), first);
    assert_eq!(
        stale.get("/account").await.status,
        StatusCode::SEE_OTHER,
        "old id no longer works"
    );

    // Idle expiry.
    let s = session::Entity::find().one(&app.db).await.unwrap().unwrap();
    let mut m = s.into_active_model();
    m.last_seen_at = Set(Utc::now() - Duration::hours(9));
    m.update(&app.db).await.unwrap();
    let r = c.get("/account").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/login?next=%2Faccount"));
    assert_eq!(
        session::Entity::find().count(&app.db).await.unwrap(),
        0,
        "expired session removed"
    );

    // Absolute expiry.
    c.login("viewer@example.org", PASSWORD).await;
    let s = session::Entity::find().one(&app.db).await.unwrap().unwrap();
    let mut m = s.into_active_model();
    m.expires_at = Set(Utc::now() - Duration::seconds(1));
    m.update(&app.db).await.unwrap();
    assert_eq!(c.get("/account").await.status, StatusCode::SEE_OTHER);

    // Logout.
    c.login("viewer@example.org", PASSWORD).await;
    let token = c.cookies["tambang_session"].clone();
    let out = c.post_form("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let mut replay = app.client();
    replay.cookies.insert("tambang_session".into(), token);
    assert_eq!(
        replay.get("/account").await.status,
        StatusCode::SEE_OTHER,
        "logged-out id is dead"
    );
}

both_backends!(password_change_ends_other_sessions);

async fn password_change_ends_other_sessions(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut a = app.signed_in("staff@example.org", Role::Editor).await;
    let mut b = app.client();
    assert_eq!(
        b.login("staff@example.org", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    let wrong = a
        .post_form(
            "/account/password",
            &[("current", "nope"), ("new", "short"), ("confirm", "short")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("지금 비밀번호가 맞지 않습니다"));
    assert!(wrong.body.contains("10자 이상"));

    let new = "a much better passphrase";
    let ok = a
        .post_form(
            "/account/password",
            &[("current", PASSWORD), ("new", new), ("confirm", new)],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(
        a.get("/account").await.status,
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        b.get("/account").await.status,
        StatusCode::SEE_OTHER,
        "other session ended"
    );
    assert_eq!(
        b.login("staff@example.org", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        b.login("staff@example.org", new).await.status,
        StatusCode::SEE_OTHER
    );

    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::TableName.eq("users"))
        .filter(audit_log::Column::Action.eq("update"))
        .all(&app.db)
        .await
        .unwrap();
    let changes = audit
        .iter()
        .find_map(|a| a.changes.as_ref()?.get("password_hash").cloned())
        .unwrap();
    assert_eq!(
        changes,
        serde_json::json!(["***", "***"]),
        "hash never in the trail"
    );
}

both_backends!(api_tokens_are_shown_once_work_and_can_be_revoked);

async fn api_tokens_are_shown_once_work_and_can_be_revoked(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let r = editor
        .post_form("/account/tokens", &[("name", "엑셀 연동")])
        .await;
    let secret = r
        .body
        .split("<code class=\"secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert!(secret.starts_with("tambang_"));
    let again = editor.get("/account").await;
    assert!(
        again.body.contains("엑셀 연동") && !again.body.contains(&secret),
        "shown only once"
    );
    let stored = api_token::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(stored.token_hash, secret, "stored hashed");

    let me = |token: &str| {
        Request::get("/api/v1/me")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    let mut script = app.client();
    let ok = script.send(me(&secret)).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body.contains("\"role\":\"editor\""));
    let used = api_token::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(used.last_used_at.is_some(), "last use recorded");

    let anon = script
        .send(Request::get("/api/v1/me").body(Body::empty()).unwrap())
        .await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
    assert!(anon.body.contains("\"code\":\"unauthorized\""));

    let revoke = editor
        .post_form(&format!("/account/tokens/{}/revoke", stored.id), &[])
        .await;
    assert_eq!(revoke.status, StatusCode::SEE_OTHER);
    let dead = script.send(me(&secret)).await;
    assert_eq!(dead.status, StatusCode::UNAUTHORIZED);
    assert!(dead.body.contains("invalid_token"));

    let mut viewer = app.signed_in("viewer@example.org", Role::Viewer).await;
    assert!(
        !viewer.get("/account").await.body.contains("토큰 만들기"),
        "viewers get no tokens"
    );
}

both_backends!(contact_fields_are_hidden_from_anonymous_visitors);

async fn contact_fields_are_hidden_from_anonymous_visitors(backend: Backend) {
    let app = spawn_app(backend).await;
    let store = entry::Entity::find()
        .filter(entry::Column::Slug.eq("소영씨스토어"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut m = store.into_active_model();
    m.phone = Set(Some("02-1234-5678".into()));
    m.email = Set(Some("shop@example.org".into()));
    m.update(&app.db).await.unwrap();
    let page = format!("/e/{}", crate::helpers::encode("소영씨스토어"));
    let api = format!("/api/v1/entries/{}", crate::helpers::encode("소영씨스토어"));

    let mut anon = app.client();
    let html = anon.get(&page).await.body;
    assert!(!html.contains("02-1234-5678") && !html.contains("shop@example.org"));
    let json = anon.get(&api).await.body;
    assert!(
        json.contains("소영씨스토어")
            && !json.contains("02-1234-5678")
            && !json.contains("\"email\"")
    );

    let mut viewer = app.signed_in("viewer@example.org", Role::Viewer).await;
    assert!(viewer.get(&page).await.body.contains("02-1234-5678"));
    assert!(viewer.get(&api).await.body.contains("shop@example.org"));
    assert_eq!(
        anon.get("/api/v1/entries/none").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        anon.get("/api/v1/entries/none")
            .await
            .body
            .contains("\"not_found\"")
    );
}

both_backends!(admin_role_changes_are_audited_with_old_and_new);

async fn admin_role_changes_are_audited_with_old_and_new(backend: Backend) {
    let app = spawn_app(backend).await;
    let target = app.add_user("staff@example.org", Role::Viewer).await;
    let mut admin = app.signed_in("admin@example.org", Role::Admin).await;
    let r = admin
        .post_form(
            &format!("/admin/users/{}/role", target.id),
            &[("role", "editor")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let row = user::Entity::find_by_id(target.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.role, "editor");
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::TableName.eq("users"))
        .filter(audit_log::Column::RowId.eq(target.id))
        .filter(audit_log::Column::Action.eq("update"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("audit row");
    assert_eq!(audit.actor, "admin@example.org");
    assert_eq!(
        audit.changes.unwrap()["role"],
        serde_json::json!(["viewer", "editor"])
    );

    let changes = admin.get("/admin/audit").await;
    assert!(changes.body.contains("staff@example.org") || changes.body.contains("users #"));
    // The change reads as the forms name it; the stored names are the tooltips.
    let line = "<span title=\"role\">역할</span>: <span title=\"viewer\">열람자</span> → <span title=\"editor\">편집자</span>";
    assert!(changes.body.contains(line), "{}", changes.body);
    assert!(
        changes
            .body
            .contains("<span title=\"users\">사용자</span> #")
    );
    let mine = admin.get(&format!("/admin/audit?user={}", target.id)).await;
    assert!(!mine.body.contains(line), "filtered by user");

    // A new user from the admin page; errors stay next to the fields.
    let bad = admin
        .post_form(
            "/admin/users",
            &[("email", "x"), ("role", "editor"), ("password", "short")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("value=\"x\"") && bad.body.contains("10자 이상"));
    let good = admin
        .post_form(
            "/admin/users",
            &[
                ("email", "new@example.org"),
                ("role", "editor"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);

    // Demo data is in the trail too, and entry pages show their history.
    let entries = audit_log::Entity::find()
        .filter(audit_log::Column::Actor.eq("demo"))
        .count(&app.db)
        .await
        .unwrap();
    assert!(entries > 25);
    let html = admin
        .get(&format!("/e/{}", crate::helpers::encode("소영씨스토어")))
        .await
        .body;
    assert!(html.contains("변경 기록") && html.contains("demo"));
}

both_backends!(hostile_report_text_renders_inert_and_headers_are_set);

async fn hostile_report_text_renders_inert_and_headers_are_set(backend: Backend) {
    let app = spawn_app(backend).await;
    let now = Utc::now();
    tambang::entities::report::ActiveModel {
        slug: Set("hostile".into()),
        title: Set("<script>alert(1)</script>".into()),
        state: Set("published".into()),
        body: Set(
            "\"><img src=x onerror=alert(2)>\n\n<a href=\"javascript:alert(3)\">x</a>".into(),
        ),
        tags: Set(Some(serde_json::json!(["<b>tag</b>"]))),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let mut c = app.client();
    for path in ["/reports", "/reports/hostile", "/"] {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::OK);
        for bad in [
            "<script>alert",
            "<img src=x",
            "<a href=\"javascript:",
            "<b>tag",
        ] {
            assert!(!r.body.contains(bad), "{path} contains {bad}");
        }
        let csp = r
            .headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
        assert_eq!(r.headers.get("x-content-type-options").unwrap(), "nosniff");
        assert!(r.headers.get("referrer-policy").is_some());
    }
}

both_backends!(oversized_bodies_are_refused);

async fn oversized_bodies_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut c = app.client();
    let csrf = c.csrf().await;
    let big = format!("csrf={csrf}&email={}", "a".repeat(2 * 1024 * 1024));
    let r = c.post_raw("/login", big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body.contains("요청이 너무 큽니다"));
}
