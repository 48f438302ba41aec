//! District figures as of a past day, on a small hand-made fixture whose history is written
//! by the real write paths (so the audit trail is real) and then moved into the past; and the
//! cache of today's figures following writes, on this app instance and on another one.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, NaiveDate, Utc};
use http_body_util::BodyExt;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use tambang::compare::figures::{DistrictFigures, Moment, all_districts, figures_at};
use tambang::domain::{CertType, EntryKind, Role};
use tambang::entities::{audit_log, entry};
use tower::ServiceExt;

use crate::both_backends;
use crate::helpers::{Backend, Client, TestApp, spawn_app};

const SEONGDONG: &str = "11200";
const YONGSAN: &str = "11170";

async fn newest_audit_id(app: &TestApp) -> i64 {
    audit_log::Entity::find()
        .select_only()
        .column_as(audit_log::Column::Id.max(), "m")
        .into_tuple::<Option<i64>>()
        .one(&app.db)
        .await
        .unwrap()
        .flatten()
        .unwrap_or(0)
}

/// Moves every audit row written after `after` to the instant `at` (RFC 3339).
async fn backdate_changes(app: &TestApp, after: i64, at: &str) {
    let at: DateTime<Utc> = at.parse().unwrap();
    audit_log::Entity::update_many()
        .col_expr(audit_log::Column::At, Expr::value(at))
        .filter(audit_log::Column::Id.gt(after))
        .exec(&app.db)
        .await
        .unwrap();
}

async fn create(c: &mut Client<'_>, fields: &[(&str, &str)]) -> String {
    let r = c.post_form("/entries", fields).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "create {fields:?}: {}",
        r.body
    );
    r.location().unwrap().to_string()
}

async fn post_ok(c: &mut Client<'_>, path: &str, fields: &[(&str, &str)]) {
    let r = c.post_form(path, fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "POST {path}: {}", r.body);
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn as_of(app: &TestApp, date: &str) -> Vec<DistrictFigures> {
    figures_at(&app.db, Moment::end_of(day(date)))
        .await
        .unwrap()
}

fn of<'a>(figs: &'a [DistrictFigures], code: &str) -> &'a DistrictFigures {
    figs.iter().find(|f| f.code == code).unwrap()
}

fn enterprises(figs: &[DistrictFigures], code: &str) -> i64 {
    *of(figs, code)
        .by_kind
        .get(&EntryKind::Enterprise)
        .unwrap_or(&0)
}

fn certs(figs: &[DistrictFigures], code: &str, cert: CertType) -> i64 {
    *of(figs, code).by_cert.get(&cert).unwrap_or(&0)
}

/// The cells of the CSV row whose label starts with `label` (after the label cell).
fn csv_row(csv: &str, label: &str) -> Vec<String> {
    let line = csv
        .lines()
        .find(|l| {
            l.trim_start_matches('\u{feff}')
                .starts_with(&format!("\"{label}"))
        })
        .unwrap_or_else(|| panic!("no row {label} in {csv}"));
    line.split(',')
        .skip(1)
        .map(|c| c.trim_matches('"').to_string())
        .collect()
}

both_backends!(figures_as_of_a_past_day_follow_the_audit_trail);

async fn figures_as_of_a_past_day_follow_the_audit_trail(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let mut admin = app.signed_in("admin@example.org", Role::Admin).await;

    // 2024-01-10: three enterprises, two in 성동구 and one in 용산구.
    let mark = newest_audit_id(&app).await;
    let e1 = create(
        &mut editor,
        &[
            ("kind", "enterprise"),
            ("name", "가온누리 협동"),
            ("cert_type", "pre_regional"),
            ("district", SEONGDONG),
        ],
    )
    .await;
    let e2 = create(
        &mut editor,
        &[
            ("kind", "enterprise"),
            ("name", "다솜나래 공방"),
            ("cert_type", "certified"),
            ("district", SEONGDONG),
        ],
    )
    .await;
    let e3 = create(
        &mut editor,
        &[
            ("kind", "enterprise"),
            ("name", "바른터 마을살림"),
            ("cert_type", "village"),
            ("district", YONGSAN),
        ],
    )
    .await;
    backdate_changes(&app, mark, "2024-01-10T03:00:00Z").await;
    entry::Entity::update_many()
        .col_expr(
            entry::Column::CreatedAt,
            Expr::value("2024-01-10T03:00:00Z".parse::<DateTime<Utc>>().unwrap()),
        )
        .filter(entry::Column::Name.is_in(["가온누리 협동", "다솜나래 공방", "바른터 마을살림"]))
        .exec(&app.db)
        .await
        .unwrap();

    // 2024-03-15: 가온누리 moves to 용산구.
    let mark = newest_audit_id(&app).await;
    let move_e1 = [
        ("kind", "enterprise"),
        ("name", "가온누리 협동"),
        ("cert_type", "pre_regional"),
        ("district", YONGSAN),
        ("version", "1"),
    ];
    post_ok(&mut editor, &format!("{e1}/edit"), &move_e1).await;
    backdate_changes(&app, mark, "2024-03-15T03:00:00Z").await;

    // 2024-05-20: 다솜나래 closes.
    let mark = newest_audit_id(&app).await;
    post_ok(&mut editor, &format!("{e2}/archive"), &[]).await;
    backdate_changes(&app, mark, "2024-05-20T03:00:00Z").await;

    // 2024-06-10: 가온누리 is certified (예비 → 인증).
    let mark = newest_audit_id(&app).await;
    let certify_e1 = [
        ("kind", "enterprise"),
        ("name", "가온누리 협동"),
        ("cert_type", "certified"),
        ("district", YONGSAN),
        ("version", "2"),
    ];
    post_ok(&mut editor, &format!("{e1}/edit"), &certify_e1).await;
    backdate_changes(&app, mark, "2024-06-10T03:00:00Z").await;

    // 2024-08-01: 바른터 is deleted.
    let mark = newest_audit_id(&app).await;
    post_ok(&mut admin, &format!("{e3}/delete"), &[("confirm", "yes")]).await;
    backdate_changes(&app, mark, "2024-08-01T03:00:00Z").await;

    // Before anything: the demo data was recorded today, so nothing counts.
    let f = as_of(&app, "2024-01-09").await;
    assert_eq!(
        (enterprises(&f, SEONGDONG), enterprises(&f, YONGSAN)),
        (0, 0)
    );
    assert_eq!(of(&f, SEONGDONG).entries_total, 0);
    // (성동, 용산, 성동 인증, 성동 예비(지역형), 용산 인증, 용산 예비(지역형), 용산 마을기업)
    let expected = [
        ("2024-01-10", (2, 1, 1, 1, 0, 0, 1)),
        ("2024-03-14", (2, 1, 1, 1, 0, 0, 1)),
        ("2024-03-15", (1, 2, 1, 0, 0, 1, 1)),
        ("2024-05-19", (1, 2, 1, 0, 0, 1, 1)),
        ("2024-05-20", (0, 2, 0, 0, 0, 1, 1)),
        ("2024-06-10", (0, 2, 0, 0, 1, 0, 1)),
        ("2024-07-31", (0, 2, 0, 0, 1, 0, 1)),
        ("2024-08-01", (0, 1, 0, 0, 1, 0, 0)),
    ];
    for (date, want) in expected {
        let f = as_of(&app, date).await;
        let got = (
            enterprises(&f, SEONGDONG),
            enterprises(&f, YONGSAN),
            certs(&f, SEONGDONG, CertType::Certified),
            certs(&f, SEONGDONG, CertType::PreRegional),
            certs(&f, YONGSAN, CertType::Certified),
            certs(&f, YONGSAN, CertType::PreRegional),
            certs(&f, YONGSAN, CertType::Village),
        );
        assert_eq!(got, want, "as of {date}");
        assert_eq!(
            of(&f, YONGSAN).entries_total,
            want.1,
            "only the fixture by {date}"
        );
    }

    // Today: the same rules give today's figures; the closed and the deleted ones are gone.
    let today = all_districts(&app.db).await.unwrap();
    let counted = |code: &'static str| {
        let db = app.db.clone();
        async move {
            let district = tambang::entities::district_detail::Entity::find()
                .filter(tambang::entities::district_detail::Column::Code.eq(code))
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            entry::Entity::find()
                .filter(entry::Column::Kind.eq("enterprise"))
                .filter(entry::Column::DistrictId.eq(district.entry_id))
                .filter(entry::Column::Status.ne("closed"))
                .count(&db)
                .await
                .unwrap() as i64
        }
    };
    assert_eq!(enterprises(&today, SEONGDONG), counted(SEONGDONG).await);
    assert_eq!(enterprises(&today, YONGSAN), counted(YONGSAN).await);
    let via_moment = figures_at(&app.db, Moment::today()).await.unwrap();
    for (a, b) in today.iter().zip(&via_moment) {
        assert_eq!(
            (a.code.as_str(), &a.by_kind, &a.by_cert),
            (b.code.as_str(), &b.by_kind, &b.by_cert)
        );
    }

    // Visits count by visit date: the demo visit to 성동 on 2023-12-11, the planned one to
    // 광진 on 2023-12-18, both made by 용산's center.
    let f = as_of(&app, "2023-12-10").await;
    assert_eq!(
        (
            of(&f, SEONGDONG).reports_hosted,
            of(&f, YONGSAN).visits_made
        ),
        (0, 0)
    );
    let f = as_of(&app, "2023-12-11").await;
    assert_eq!(
        (
            of(&f, SEONGDONG).reports_hosted,
            of(&f, YONGSAN).visits_made
        ),
        (1, 1)
    );
    assert_eq!(of(&f, "11215").reports_hosted, 0);
    let f = as_of(&app, "2023-12-18").await;
    assert_eq!(
        (of(&f, "11215").reports_hosted, of(&f, YONGSAN).visits_made),
        (1, 2)
    );

    // Through the web: the page says which day, the CSV carries the day's figures.
    let mut c = app.client();
    let page = c
        .get(&format!(
            "/compare?d={SEONGDONG}&d={YONGSAN}&as_of=2024-03-15"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("2024-03-15 기준"),
        "the page names the day"
    );
    assert!(
        page.body.contains("value=\"2024-03-15\""),
        "the field keeps the date"
    );
    assert!(page.body.contains("as_of=2024-03-15"), "links keep the day");
    let csv = c
        .get(&format!(
            "/compare.csv?d={SEONGDONG}&d={YONGSAN}&as_of=2024-03-15"
        ))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv_row(&csv.body, "사회적경제기업 수"), ["1", "2"]);
    assert_eq!(csv_row(&csv.body, "기준일"), ["2024-03-15", "2024-03-15"]);
    let map = c.get("/map?figure=kind-enterprise&as_of=2024-08-01").await;
    assert_eq!(map.status, StatusCode::OK);
    assert!(map.body.contains("2024-08-01 기준"));
}

both_backends!(centers_as_of_a_day_follow_their_district_opening_and_closing);

/// The centers listed for a district as of a day: the center's entry then (its district),
/// its detail then (opened, closed, head), each from the audit trail.
async fn centers_as_of_a_day_follow_their_district_opening_and_closing(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let name = "새솔 사회적경제지원센터";
    let centers = |f: &[DistrictFigures], code: &str| -> Vec<(String, Option<String>)> {
        of(f, code)
            .centers
            .iter()
            .filter(|c| c.name == name)
            .map(|c| {
                let head = c.detail.as_ref().and_then(|d| d.head.clone());
                (c.name.clone(), head)
            })
            .collect()
    };

    // 2024-01-10: recorded in 성동구, opening on 2024-02-01, headed by 김하늘.
    let mark = newest_audit_id(&app).await;
    let fields =
        |district: &'static str, head: &'static str, closed: &'static str, v: &'static str| {
            vec![
                ("kind", "center"),
                ("name", name),
                ("district", district),
                ("opened_on", "2024-02-01"),
                ("closed_on", closed),
                ("head", head),
                ("version", v),
            ]
        };
    let center = create(&mut editor, &fields(SEONGDONG, "김하늘", "", "")[..6]).await;
    backdate_changes(&app, mark, "2024-01-10T03:00:00Z").await;
    entry::Entity::update_many()
        .col_expr(
            entry::Column::CreatedAt,
            Expr::value("2024-01-10T03:00:00Z".parse::<DateTime<Utc>>().unwrap()),
        )
        .filter(entry::Column::Name.eq(name))
        .exec(&app.db)
        .await
        .unwrap();

    // 2024-03-15: moves to 용산구 with a new head.
    let mark = newest_audit_id(&app).await;
    post_ok(
        &mut editor,
        &format!("{center}/edit"),
        &fields(YONGSAN, "이바다", "", "1"),
    )
    .await;
    backdate_changes(&app, mark, "2024-03-15T03:00:00Z").await;

    // 2024-05-20: its closing on 2024-06-30 is recorded.
    let mark = newest_audit_id(&app).await;
    post_ok(
        &mut editor,
        &format!("{center}/edit"),
        &fields(YONGSAN, "이바다", "2024-06-30", "2"),
    )
    .await;
    backdate_changes(&app, mark, "2024-05-20T03:00:00Z").await;

    let here = |who: &str| vec![(name.to_string(), Some(who.to_string()))];
    let none: Vec<(String, Option<String>)> = Vec::new();
    let f = as_of(&app, "2024-01-31").await;
    assert_eq!(centers(&f, SEONGDONG), none, "not opened yet");
    let f = as_of(&app, "2024-02-01").await;
    assert_eq!(centers(&f, SEONGDONG), here("김하늘"), "opened that day");
    assert_eq!(centers(&f, YONGSAN), none);
    let f = as_of(&app, "2024-03-15").await;
    assert_eq!(centers(&f, SEONGDONG), none, "moved away");
    assert_eq!(centers(&f, YONGSAN), here("이바다"), "with its head then");
    let f = as_of(&app, "2024-06-29").await;
    assert_eq!(
        centers(&f, YONGSAN),
        here("이바다"),
        "closing recorded, not yet closed"
    );
    let f = as_of(&app, "2024-06-30").await;
    assert_eq!(centers(&f, YONGSAN), none, "closed that day");
    let today = all_districts(&app.db).await.unwrap();
    assert_eq!(centers(&today, YONGSAN), none);
    assert_eq!(centers(&today, SEONGDONG), none);
}

both_backends!(the_compare_table_names_three_centers_and_counts_the_rest);

async fn the_compare_table_names_three_centers_and_counts_the_rest(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    // The demo records one center in 성동구; four more make five.
    for name in ["가람 센터", "나래 센터", "다온 센터", "라온 센터"] {
        create(
            &mut editor,
            &[("kind", "center"), ("name", name), ("district", SEONGDONG)],
        )
        .await;
    }
    let district_id = of(&all_districts(&app.db).await.unwrap(), SEONGDONG)
        .district
        .id;
    let mut c = app.client();
    let html = c
        .get(&format!("/compare?d={SEONGDONG}&d={YONGSAN}"))
        .await
        .body;
    for shown in ["가람 센터", "나래 센터", "다온 센터"] {
        assert!(html.contains(shown), "{shown} is named");
    }
    assert!(
        !html.contains("라온 센터"),
        "the fourth by name is counted, not named"
    );
    let today = tambang::compare::figures::today_kst();
    let past = c
        .get(&format!("/compare?d={SEONGDONG}&d={YONGSAN}&as_of={today}"))
        .await
        .body;
    let more = |html: &str| {
        let at = html.find("외 2곳").expect("two more counted");
        html[at..at + html[at..].find("</div>").unwrap()].to_string()
    };
    assert!(
        more(&html).contains(&format!("/centers?district={district_id}")),
        "today links to the district's centers"
    );
    assert!(
        !more(&past).contains("<a "),
        "a day's figures do not link to today's list"
    );
    // The coverage page still lists every center.
    let coverage = app.get_html("/coverage").await;
    assert!(coverage.contains("라온 센터"));
}

both_backends!(population_as_of_uses_the_latest_figure_up_to_that_year);

async fn population_as_of_uses_the_latest_figure_up_to_that_year(backend: Backend) {
    let app = spawn_app(backend).await;
    let actor = tambang::audit::Actor::system("test");
    for (csv, year) in [
        ("자치구,인구\n성동구,300000\n", 2022),
        ("자치구,인구\n성동구,310000\n", 2023),
    ] {
        tambang::compare::district_figures::import(&app.db, &actor, csv.as_bytes(), Some(year))
            .await
            .unwrap();
    }
    let pop = |f: Vec<DistrictFigures>| of(&f, SEONGDONG).population;
    assert_eq!(
        pop(as_of(&app, "2021-12-31").await),
        None,
        "no figure that old"
    );
    assert_eq!(
        pop(as_of(&app, "2022-12-31").await),
        Some(300_000),
        "from the audit trail"
    );
    assert_eq!(pop(as_of(&app, "2023-06-30").await), Some(310_000));
    assert_eq!(pop(all_districts(&app.db).await.unwrap()), Some(310_000));
}

both_backends!(a_bad_as_of_date_is_shown_next_to_the_field);

async fn a_bad_as_of_date_is_shown_next_to_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut c = app.client();
    let tomorrow = (tambang::compare::figures::today_kst() + chrono::Duration::days(1)).to_string();
    for (input, message) in [
        (tomorrow.as_str(), "미래 날짜"),
        ("2100-01-01", "미래 날짜"),
        ("2024-02-30", "형식"),
        ("어제", "형식"),
    ] {
        let page = c
            .get(&format!(
                "/compare?d={SEONGDONG}&d={YONGSAN}&as_of={}",
                crate::helpers::encode(input)
            ))
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{input}");
        assert!(page.body.contains(message), "{input}: {message}");
        assert!(page.body.contains("error-text"), "next to the field");
        assert!(
            page.body.contains(&format!("value=\"{input}\"")),
            "{input} kept"
        );
        assert!(page.body.contains("성동구"), "the page still works");
    }
    assert_eq!(
        c.get("/compare.csv?d=11200&as_of=2100-01-01").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        c.get("/map?as_of=nope").await.status,
        StatusCode::BAD_REQUEST
    );
}

/// GET through a router of its own: another app instance on the same database.
async fn get_other(router: &axum::Router, path: &str) -> String {
    let response = router
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

both_backends!(cached_figures_follow_writes_on_every_instance);

async fn cached_figures_follow_writes_on_every_instance(backend: Backend) {
    let app = spawn_app(backend).await;
    let other = tambang::app::router(tambang::app::AppState::new(app.db.clone()));
    let path = format!("/compare.csv?d={SEONGDONG}&d={YONGSAN}");
    let mut c = app.client();
    let count =
        |csv: &str| -> i64 { csv_row(csv, "사회적경제기업 수")[0].parse().unwrap() };
    let before = count(&c.get(&path).await.body);
    assert_eq!(
        count(&get_other(&other, &path).await),
        before,
        "both instances cached"
    );

    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let url = create(
        &mut editor,
        &[
            ("kind", "enterprise"),
            ("name", "새봄 캐시시험"),
            ("cert_type", "certified"),
            ("district", SEONGDONG),
        ],
    )
    .await;
    assert_eq!(count(&c.get(&path).await.body), before + 1, "this instance");
    assert_eq!(
        count(&get_other(&other, &path).await),
        before + 1,
        "the other instance"
    );

    post_ok(&mut editor, &format!("{url}/archive"), &[]).await;
    assert_eq!(count(&c.get(&path).await.body), before);
    assert_eq!(count(&get_other(&other, &path).await), before);

    // A population import from the command line reaches the cached pages too, a past day's
    // included (its figures are kept like today's).
    let past = format!("{path}&as_of=2025-06-30");
    let kept = csv_row(&c.get(&past).await.body, "인구")[0].clone();
    assert_eq!(csv_row(&c.get(&past).await.body, "인구")[0], kept);
    assert_eq!(csv_row(&get_other(&other, &past).await, "인구")[0], kept);
    assert_ne!(kept, "123456");
    let actor = tambang::audit::Actor::system("cli");
    tambang::compare::district_figures::import(
        &app.db,
        &actor,
        "자치구,인구\n성동구,123456\n".as_bytes(),
        Some(2024),
    )
    .await
    .unwrap();
    assert_eq!(csv_row(&c.get(&path).await.body, "인구")[0], "123456");
    assert_eq!(
        csv_row(&get_other(&other, &path).await, "인구")[0],
        "123456"
    );
    assert_eq!(csv_row(&c.get(&past).await.body, "인구")[0], "123456");
    assert_eq!(
        csv_row(&get_other(&other, &past).await, "인구")[0],
        "123456"
    );
}

both_backends!(bench_compare_phase_times_cached_pages_and_loads_boundaries);

async fn bench_compare_phase_times_cached_pages_and_loads_boundaries(backend: Backend) {
    let (db, _url, _guard) = crate::helpers::fresh_db(backend).await;
    let g = tambang::bench::generate_with(&db, 300, 30, 5)
        .await
        .unwrap();
    assert_eq!(
        (g.entries, g.reports),
        (300, 30),
        "reports as asked, not 1%"
    );
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/seoul_sigungu_juso2015_simple.geojson");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let actor = tambang::audit::Actor::system("bench");
        let stored = tambang::boundary::import::import(&db, &actor, text.as_bytes())
            .await
            .unwrap()
            .updated
            .len();
        assert_eq!(stored, 25, "every Seoul district");
        assert_eq!(
            tambang::boundary::import::import(&db, &actor, text.as_bytes())
                .await
                .unwrap()
                .updated
                .len(),
            0,
            "loading again changes nothing"
        );
    }
    assert!(
        tambang::boundary::import::import(&db, &tambang::audit::Actor::system("t"), b"{}")
            .await
            .is_err()
    );
    let mut rng = tambang::bench::words::Rng::new(1);
    let t = tambang::bench::compare::time_compare(&db, &mut rng, 12)
        .await
        .unwrap();
    assert_eq!((t.page.n, t.csv.n, t.map.n), (12, 12, 12));
    assert_eq!((t.uncached.n, t.as_of.n), (5, 5), "n / 100, at least 5");
    assert!(t.page.median > 0.0 && t.page.max >= t.page.p99);
    let figures = all_districts(&db).await.unwrap();
    let visits: i64 = figures.iter().map(|f| f.reports_hosted).sum();
    assert!(visits > 0, "generated visits are counted");
}
