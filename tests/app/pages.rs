//! Every read-only page renders, speaks Korean and shows the demo's facts.

use axum::http::StatusCode;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use tambang::domain::{EntryKind, Role};
use tambang::entities::{audit_log, entry, outlet_detail};

use crate::both_backends;
use crate::helpers::{Backend, encode, spawn_app};

both_backends!(home_lists_all_kinds_with_counts_and_recent_reports);

async fn home_lists_all_kinds_with_counts_and_recent_reports(backend: Backend) {
    let app = spawn_app(backend).await;
    let html = app.get_html("/").await;
    for kind in EntryKind::ALL {
        assert!(
            html.contains(&format!("href=\"/{}\"", kind.plural())),
            "{kind} missing"
        );
        assert!(html.contains(kind.label_ko()), "{kind} label missing");
    }
    assert!(
        html.contains("<span class=\"count\">25</span>자치구"),
        "25 districts counted"
    );
    assert!(
        html.contains("성동구 사회적경제 현장 탐방"),
        "recent report listed"
    );
    assert!(html.contains("예정된 탐방"), "planned visit listed");
}

both_backends!(every_list_page_renders_korean_names);

async fn every_list_page_renders_korean_names(backend: Backend) {
    let app = spawn_app(backend).await;
    let expectations = [
        (EntryKind::District, "성동구"),
        (EntryKind::Center, "성동구사회적경제지원센터"),
        (EntryKind::Enterprise, "바른참"),
        (EntryKind::Outlet, "소영씨스토어"),
        (EntryKind::Partner, "아모레퍼시픽"),
        (EntryKind::Program, "내 생의 가장 아름다운 하루"),
        (EntryKind::Place, "서울숲"),
    ];
    for (kind, name) in expectations {
        let html = app.get_html(&format!("/{}", kind.plural())).await;
        assert!(html.contains(name), "/{} lacks {name}", kind.plural());
        assert!(html.contains(kind.label_ko()));
    }
    let districts = app.get_html("/districts").await;
    assert!(districts.contains("조건에 맞는 항목 25곳"));
}

both_backends!(entry_page_shows_operator_district_aliases_and_links_both_ways);

async fn entry_page_shows_operator_district_aliases_and_links_both_ways(backend: Backend) {
    let app = spawn_app(backend).await;
    let store = app
        .get_html(&format!("/e/{}", encode("소영씨스토어")))
        .await;
    assert!(store.contains("운영 기관"), "operator row");
    assert!(store.contains("㈜오엠인터렉트"), "operator name");
    assert!(store.contains("href=\"/e/성동구\""), "district link");
    assert!(store.contains("소영씨 스토어"), "alias");
    assert!(store.contains("운영 주체"), "reverse label of operates");
    assert!(
        store.contains("성동구 사회적경제 현장 탐방"),
        "report that stops here"
    );

    let operator = app
        .get_html(&format!("/e/{}", encode("오엠인터렉트")))
        .await;
    assert!(
        operator.contains("<span class=\"chip\">운영</span>"),
        "forward label"
    );
    assert!(operator.contains("href=\"/e/소영씨스토어\""));

    let center = app
        .get_html(&format!("/e/{}", encode("성동구사회적경제지원센터")))
        .await;
    assert!(center.contains("성동사경센터") && center.contains("차문희"));
    assert!(center.contains("방문 받음"), "hosted the visit");
}

both_backends!(report_page_shows_visit_itinerary_photos_and_takeaways);

async fn report_page_shows_visit_itinerary_photos_and_takeaways(backend: Backend) {
    let app = spawn_app(backend).await;
    let list = app.get_html("/reports").await;
    assert!(list.contains("/reports/seongdong-visit-2023-12"));
    let html = app.get_html("/reports/seongdong-visit-2023-12").await;
    assert!(
        html.contains("2023년 12월 11일 (월) 10:00"),
        "visit date and time"
    );
    assert!(html.contains("2024년 1월 11일"), "publication date");
    assert!(html.contains("7명"));
    assert!(html.contains("탐방 일정") && html.contains("href=\"/e/소영씨스토어\""));
    assert!(html.contains("사진출처. 서울경제"), "photo credit");
    assert!(html.contains("배운 점과 할 일"));
    assert!(
        html.contains("href=\"/e/성동구사회적경제지원센터\""),
        "host linked"
    );
}

both_backends!(unknown_things_are_styled_404s);

async fn unknown_things_are_styled_404s(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in [
        "/e/없는-항목",
        "/reports/no-such-report",
        "/no/such/page",
        "/e/%FF%FE",
    ] {
        let (status, html) = app.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            html.contains("페이지를 찾을 수 없습니다"),
            "{path}: styled page"
        );
        assert!(html.contains(tambang::web::assets::stylesheet_path()));
    }
}

both_backends!(odd_page_numbers_never_fail);

async fn odd_page_numbers_never_fail(backend: Backend) {
    let app = spawn_app(backend).await;
    for q in [
        "-1",
        "0",
        "abc",
        "99999999999999999999",
        "1000000",
        "%27%20OR%201=1",
    ] {
        let html = app.get_html(&format!("/districts?page={q}")).await;
        assert!(html.contains("자치구"));
        app.get_html(&format!("/reports?page={q}")).await;
    }
    let beyond = app.get_html("/districts?page=5").await;
    assert!(beyond.contains("조건에 맞는 항목 25곳") && !beyond.contains("href=\"/e/성동구\""));
}

both_backends!(health_and_stylesheet);

async fn health_and_stylesheet(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(
        app.get("/healthz").await,
        (StatusCode::OK, "ok".to_string())
    );
    // The page names the stylesheet by a hash of its contents; that address serves it.
    let home = app.get_html("/").await;
    let path = home
        .split("rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the layout links a stylesheet");
    assert!(
        path.starts_with("/static/style-") && path.ends_with(".css"),
        "{path}"
    );
    let (status, css) = app.get(path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(css.contains("body") && css.contains("td.nowrap"));
    assert_eq!(
        app.get("/static/style-v0.css").await.0,
        StatusCode::NOT_FOUND
    );
}

both_backends!(hostile_names_render_inert);

async fn hostile_names_render_inert(backend: Backend) {
    let app = spawn_app(backend).await;
    let now = Utc::now();
    entry::ActiveModel {
        kind: Set("place".into()),
        slug: Set("hostile".into()),
        name: Set("<script>alert(1)</script>\"><img src=x onerror=alert(2)>".into()),
        website: Set(Some("javascript:alert(3)".into())),
        status: Set("active".into()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    for path in ["/places", "/e/hostile"] {
        let html = app.get_html(path).await;
        assert!(!html.contains("<script>alert"), "{path}");
        assert!(!html.contains("<img src=x"), "{path}");
        assert!(!html.contains("href=\"javascript:"), "{path}");
        assert!(html.contains("&lt;script&gt;"), "{path}: shown as text");
    }
}

both_backends!(english_labels_by_query_cookie_or_browser);

async fn english_labels_by_query_cookie_or_browser(backend: Backend) {
    use axum::body::Body;
    use axum::http::Request;
    let app = spawn_app(backend).await;
    let mut c = app.client();
    let home = c.get("/?lang=en").await;
    assert!(home.body.contains("<html lang=\"en\">"));
    assert!(home.body.contains("Support center") && home.body.contains("Recent reports"));
    assert!(
        c.cookies.get("tambang_lang").is_some_and(|v| v == "en"),
        "choice remembered"
    );
    let list = c.get("/outlets").await.body;
    assert!(
        list.contains("Sales outlet")
            && list.contains("Matching entries")
            && list.contains("Channel")
    );
    let store = c.get(&format!("/e/{}", encode("소영씨스토어"))).await.body;
    assert!(
        store.contains("Operator") && store.contains("operated by"),
        "enum labels in English"
    );
    assert!(store.contains("소영씨스토어"), "names stay as written");
    // A report's page: its dates, counts, state and takeaway table speak English too.
    let report = c.get("/reports/seongdong-visit-2023-12").await.body;
    for english in [
        "<span class=\"badge\">Published</span>",
        "Mon 11 Dec 2023, 10:00",
        "7 people",
        ">Due</th>",
        ">Open",
        "placeholder=\"names, aliases, addresses, reports\"",
    ] {
        assert!(report.contains(english), "{english}");
    }
    for korean in [
        "2023년 12월 11일 (월) 10:00",
        ">7명<",
        ">담당</th>",
        "진행 중",
        ">공개<",
    ] {
        assert!(!report.contains(korean), "{korean} on an English page");
    }
    // The search page too; its results are cached once per search and language, so the same
    // search read in Korean right after is Korean.
    let sungsu = format!("/search?q={}", encode("성수"));
    let found = c.get(&sungsu).await.body;
    assert!(
        found.contains("Search results for")
            && found.contains("<h2>Visit reports <span class=\"count\">1</span></h2>"),
        "{found}"
    );
    assert!(!found.contains("건</span>") && !found.contains("탐방 보고서"));
    let mut korean = app.client();
    let found = korean.get(&sungsu).await.body;
    assert!(
        found.contains("<h2>탐방 보고서 <span class=\"count\">1건</span></h2>"),
        "{found}"
    );
    let back = c.get("/?lang=ko").await.body;
    assert!(back.contains("<html lang=\"ko\">") && back.contains("지원센터"));
    // The switch keeps the page's query: a search stays a search in the other language.
    let q = encode("성동");
    let search = c.get(&format!("/search?q={q}&lang=ko")).await.body;
    assert!(
        search.contains(&format!("<a href=\"?q={q}&amp;lang=en\" lang=\"en\"")),
        "{search}"
    );

    let mut browser = app.client();
    let r = browser
        .send(
            Request::get("/")
                .header("accept-language", "en-US,en;q=0.9")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(r.body.contains("<html lang=\"en\">"));
    let r = browser
        .send(
            Request::get("/")
                .header("accept-language", "ko-KR,ko;q=0.9,en;q=0.5")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(r.body.contains("<html lang=\"ko\">"));
}

both_backends!(the_change_stamp_is_read_once_for_requests_asking_together);

/// Requests share one reading of the change stamp only when it began after they asked: a
/// caller after a write always sees it, callers at the same moment share, and a reading that
/// is abandoned half-way (a closed connection) does not leave the others waiting.
async fn the_change_stamp_is_read_once_for_requests_asking_together(backend: Backend) {
    // A reading left under way would keep every later caller waiting: fail instead.
    let within = std::time::Duration::from_secs(60);
    tokio::time::timeout(within, stamp_readings_are_shared(backend))
        .await
        .expect("no caller is left waiting");
}

async fn stamp_readings_are_shared(backend: Backend) {
    use tambang::audit::stamp::Stamps;

    // An empty database: no demo, no start-up work writing beside the test.
    let (db, _url, _guard) = crate::helpers::fresh_db(backend).await;
    let stamps = Stamps::new(db.clone());
    let first = stamps.now().await.unwrap();
    assert_eq!(stamps.now().await.unwrap(), first, "nothing changed");
    assert_eq!(stamps.readings(), 2, "one after the other: a reading each");

    entry::ActiveModel {
        kind: Set("place".into()),
        slug: Set("stamp-check".into()),
        name: Set("도장확인".into()),
        status: Set("active".into()),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        version: Set(1),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    let after_write = stamps.now().await.unwrap();
    assert_ne!(after_write, first, "a write moves the stamp");

    // Callers who ask while a reading is under way wait for it and share the next one. (A
    // reading may also finish within its first poll, leaving nothing to share: then again.)
    let mut tries = 0;
    let shared = loop {
        tries += 1;
        assert!(tries <= 100, "every reading finished within its first poll");
        let before = stamps.readings();
        let mut first = Box::pin(stamps.now());
        if !pending_after_one_poll(&mut first).await {
            continue;
        }
        let mut callers = vec![first];
        for _ in 0..15 {
            let mut caller = Box::pin(stamps.now());
            assert!(
                pending_after_one_poll(&mut caller).await,
                "waits while a reading is under way"
            );
            callers.push(caller);
        }
        for read in futures_util::future::join_all(callers).await {
            assert_eq!(read.unwrap(), after_write);
        }
        break stamps.readings() - before;
    };
    assert_eq!(shared, 2, "16 callers, two readings");

    // The reader is dropped while its statement runs (its connection closed): the caller
    // waiting for it reads again instead of waiting for ever.
    for tries in 1.. {
        assert!(tries <= 100, "every reading finished within its first poll");
        let before = stamps.readings();
        let mut leader = Box::pin(stamps.now());
        if !pending_after_one_poll(&mut leader).await {
            continue;
        }
        let mut waiter = Box::pin(stamps.now());
        assert!(
            pending_after_one_poll(&mut waiter).await,
            "waits for the leader"
        );
        drop(leader);
        assert_eq!(waiter.await.unwrap(), after_write);
        let made = stamps.readings() - before;
        assert_eq!(made, 2, "the abandoned reading and the waiter's own");
        break;
    }
}

/// Polls `f` once: true when it is still pending.
async fn pending_after_one_poll<F: std::future::Future + Unpin>(f: &mut F) -> bool {
    use std::task::Poll;
    std::future::poll_fn(|cx| Poll::Ready(std::pin::Pin::new(&mut *f).poll(cx).is_pending())).await
}

both_backends!(cached_entry_and_search_pages_follow_every_write);

/// The entry page and the search page are served from the instance's page cache, which must
/// drop them at the next committed write — through this instance or any other, since the
/// stamp lives in the database. A second app state on the same database plays the other
/// instance.
async fn cached_entry_and_search_pages_follow_every_write(backend: Backend) {
    use sea_orm::{EntityTrait, IntoActiveModel};
    use tambang::audit::{Actor, update};
    let app = spawn_app(backend).await;
    let entry = entry::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.kind == "enterprise")
        .expect("a demo enterprise");
    let path = format!("/e/{}", entry.slug);
    let search = format!("/search?q={}", encode("캐시확인용새이름"));
    assert!(app.get_html(&path).await.contains(&entry.name));
    assert!(app.get_html(&search).await.contains("검색 결과가 없습니다"));
    assert!(!app.state.entry_pages.is_empty() && !app.state.searches.is_empty());
    // Served again from the cache, unchanged.
    assert!(app.get_html(&path).await.contains(&entry.name));

    // An audited rename through another instance's connection pool.
    let other = tambang::app::AppState::new(app.db.clone());
    let mut active = entry.clone().into_active_model();
    active.name = Set("캐시확인용새이름".into());
    update(&other.db, &Actor::system("test"), &entry, active)
        .await
        .unwrap();
    let html = app.get_html(&path).await;
    assert!(html.contains("캐시확인용새이름"), "stale entry page");
    let html = app.get_html(&search).await;
    assert!(
        html.contains(&format!("href=\"/e/{}\"", entry.slug)),
        "stale search: {html}"
    );

    // An unknown slug is a 404, cached or not.
    assert_eq!(app.get("/e/no-such-entry").await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/e/no-such-entry").await.0, StatusCode::NOT_FOUND);
}

both_backends!(cached_home_page_follows_every_write);

/// The home page's counts and report lists are kept until the next committed write: an
/// audited change of kind and a deletion move the counts, a newly published report the list.
async fn cached_home_page_follows_every_write(backend: Backend) {
    use sea_orm::{EntityTrait, IntoActiveModel};
    use tambang::audit::{Actor, delete, update};
    let app = spawn_app(backend).await;
    let count = |html: &str, kind: EntryKind| -> i64 {
        let label = format!("</span>{}", kind.label_ko());
        let end = html.find(&label).expect("kind listed");
        let start = html[..end].rfind('>').expect("count") + 1;
        html[start..end].parse().expect("a number")
    };
    let html = app.get_html("/").await;
    let (places, enterprises) = (
        count(&html, EntryKind::Place),
        count(&html, EntryKind::Enterprise),
    );
    assert!(!app.state.home.is_empty(), "home data kept");
    assert_eq!(count(&app.get_html("/").await, EntryKind::Place), places);

    let all = entry::Entity::find().all(&app.db).await.unwrap();
    let enterprise = all.iter().find(|e| e.kind == "enterprise").unwrap();
    let mut active = enterprise.clone().into_active_model();
    active.kind = Set("place".into());
    update(&app.db, &Actor::system("test"), enterprise, active)
        .await
        .unwrap();
    let html = app.get_html("/").await;
    assert_eq!(count(&html, EntryKind::Place), places + 1, "stale count");
    assert_eq!(count(&html, EntryKind::Enterprise), enterprises - 1);

    let place = all.iter().find(|e| e.kind == "place").unwrap();
    delete(&app.db, &Actor::system("test"), place.clone())
        .await
        .unwrap();
    assert_eq!(count(&app.get_html("/").await, EntryKind::Place), places);

    // Visited now, so it is the latest on both backends (they sort a missing date apart).
    let now = Some(Utc::now().naive_utc());
    let title = "캐시확인용보고서";
    crate::helpers::insert_visited_report(&app, "cache-check", title, "published", "본문", now)
        .await;
    assert!(
        app.get_html("/").await.contains("캐시확인용보고서"),
        "stale report list"
    );
}

both_backends!(history_is_for_signed_in_readers);

/// The history names who made each change (an e-mail address) and holds every value changed,
/// phone numbers and e-mail addresses too: a reader who has not signed in, who is not shown an
/// entry's contact details, is not shown its history either, only that there is one.
async fn history_is_for_signed_in_readers(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let r = editor
        .post_form(
            "/entries",
            &[
                ("kind", "place"),
                ("name", "연락처 있는 장소"),
                ("slug", "contact-place"),
                ("status", "active"),
                ("phone", "02-555-0199"),
                ("email", "desk@place.example.org"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let anonymous = app.get_html("/e/contact-place").await;
    assert!(anonymous.contains("변경 기록") && anonymous.contains("로그인하면"));
    for secret in [
        "02-555-0199",
        "desk@place.example.org",
        "editor@example.org",
    ] {
        assert!(
            !anonymous.contains(secret),
            "{secret} shown to anonymous: {anonymous}"
        );
    }
    let mut viewer = app.signed_in("viewer@example.org", Role::Viewer).await;
    let signed_in = viewer.get("/e/contact-place").await.body;
    let history = &signed_in[signed_in.find("변경 기록").expect("history")..];
    for shown in [
        "02-555-0199",
        "desk@place.example.org",
        "editor@example.org",
    ] {
        assert!(history.contains(shown), "{shown} in the history: {history}");
    }
}

both_backends!(history_names_tables_fields_and_codes_as_the_forms_do);

/// The change history speaks as the forms do (판로 유형: 오프라인 매장), not in the schema's
/// names (`channel`: offline_store), which stay as tooltips.
async fn history_names_tables_fields_and_codes_as_the_forms_do(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut viewer = app.signed_in("viewer@example.org", Role::Viewer).await;
    let html = viewer
        .get(&format!("/e/{}", encode("소영씨스토어")))
        .await
        .body;
    let history = &html[html.find("변경 기록").expect("history shown")..];
    assert!(history.contains("<span title=\"outlet_details\">판로 정보</span>"));
    assert!(
        history.contains(
            "<span title=\"channel\">판로 유형</span>: ∅ → <span title=\"offline_store\">오프라인 매장</span>"
        ),
        "{history}"
    );
    assert!(history.contains("<span title=\"name\">이름</span>: ∅ → 소영씨스토어"));
    assert!(!history.contains("<code>"), "every field named: {history}");
    // An entry named by its id is shown by its name, linked; the id is the tooltip.
    let store = entry::Entity::find()
        .filter(entry::Column::Slug.eq("소영씨스토어"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let operator_id = outlet_detail::Entity::find_by_id(store.id)
        .one(&app.db)
        .await
        .unwrap()
        .and_then(|d| d.operator_id)
        .expect("the store has an operator");
    let operator = entry::Entity::find_by_id(operator_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let line = format!(
        "<span title=\"operator_id\">운영 기관</span>: ∅ → <a href=\"/e/{}\" title=\"#{}\">{}</a>",
        operator.slug, operator.id, operator.name
    );
    assert!(history.contains(&line), "{line} in {history}");
    // When, on the Korean clock (the trail stores UTC).
    let at = audit_log::Entity::find()
        .filter(audit_log::Column::TableName.eq("outlet_details"))
        .filter(audit_log::Column::RowId.eq(store.id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the store's details were recorded")
        .at;
    let kst = (at + chrono::Duration::hours(9)).format("%Y-%m-%d %H:%M");
    assert!(
        history.contains(&format!("<td>{kst}<br>")),
        "{kst} in {history}"
    );

    // Deleted, it is its number, marked; the admin's recent changes show the deletion so.
    let mut admin = app.signed_in("admin@example.org", Role::Admin).await;
    let r = admin
        .post_form(
            &format!("/e/{}/delete", encode(&store.slug)),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let changes = admin.get("/admin/audit").await.body;
    assert!(
        changes.contains(&format!(
            "<span title=\"entry_id\">항목</span>: #{} <span class=\"muted\">(삭제됨)</span> → ∅",
            store.id
        )),
        "{changes}"
    );
}
