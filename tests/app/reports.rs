//! Writing visit reports through the forms; upcoming visits, the calendar feed and takeaways.

use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tambang::domain::Role;
use tambang::entities::{report, report_stop, takeaway};

use crate::both_backends;
use crate::helpers::{Backend, encode, spawn_app};

fn future_date() -> String {
    (chrono::Utc::now() + chrono::Duration::days(30))
        .date_naive()
        .to_string()
}

both_backends!(reports_round_trip_through_the_form);

async fn reports_round_trip_through_the_form(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    assert_eq!(editor.get("/reports/new").await.status, StatusCode::OK);
    let fields = [
        ("title", "광진구 사회적경제 탐방"),
        ("state", "draft"),
        ("author", "용산사경센터"),
        ("visit_date", "2023-12-18"),
        ("visit_time", "14:00"),
        ("hosts", "광진사경센터"),
        ("visitors", "용산구사회적경제지원센터"),
        ("participant_count", "5"),
        ("participants", "홍길동 (용산사경센터)"),
        (
            "stops",
            "14:00 광진구사회적경제지원센터 | 네트워크 소개\n서울숲 | 산책\n어린이대공원 정문",
        ),
        ("body", "광진구의 지역 네트워크를 배웠다.\n\n둘째 문단."),
        (
            "takeaways",
            "네트워크 회의 정례화 | 광진사경센터 | 김담당 팀장 | 2024-01-31",
        ),
        ("tags", "네트워크, 벤치마킹"),
    ];
    let r = editor.post_form("/reports", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let url = r.location().unwrap().to_string();
    let page = editor.get(&url).await.body;
    for text in [
        "광진구 사회적경제 탐방",
        "2023년 12월 18일 (월) 14:00",
        "네트워크 소개",
        "어린이대공원 정문",
        "네트워크 회의 정례화",
        "홍길동",
        "김담당 팀장",
        "초안",
    ] {
        assert!(page.contains(text), "{text} missing");
    }
    let row = report::Entity::find()
        .filter(report::Column::Title.eq("광진구 사회적경제 탐방"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let stops = report_stop::Entity::find()
        .filter(report_stop::Column::ReportId.eq(row.id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(stops.len(), 3);
    assert!(
        stops[0].entry_id.is_some() && stops[1].entry_id.is_some(),
        "known places linked"
    );
    assert!(
        stops[2].entry_id.is_none() && stops[2].label.as_deref() == Some("어린이대공원 정문"),
        "free text kept"
    );

    // Drafts are for editors only.
    let mut anon = app.client();
    assert_eq!(anon.get(&url).await.status, StatusCode::NOT_FOUND);

    // The edit form comes back filled; reordering lines reorders the stops.
    let slug = url.trim_start_matches("/reports/").to_string();
    let form = editor.get(&format!("/reports/{slug}/edit")).await.body;
    assert!(form.contains("14:00 광진구사회적경제지원센터 | 네트워크 소개"));
    let mut edited: Vec<(&str, &str)> = fields
        .iter()
        .copied()
        .filter(|(k, _)| !matches!(*k, "stops" | "state"))
        .collect();
    edited.extend([
        ("stops", "서울숲 | 산책\n14:00 광진구사회적경제지원센터"),
        ("state", "published"),
        ("version", "1"),
    ]);
    let r = editor
        .post_form(&format!("/reports/{slug}/edit"), &edited)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stops = report_stop::Entity::find()
        .filter(report_stop::Column::ReportId.eq(row.id))
        .all(&app.db)
        .await
        .unwrap();
    let first = stops.iter().find(|s| s.position == 0).unwrap();
    assert_eq!(first.label.as_deref(), Some("서울숲"));
    assert_eq!(anon.get(&url).await.status, StatusCode::OK, "published now");
    let public = anon.get(&url).await.body;
    assert!(
        !public.contains("홍길동"),
        "named participants hidden from anonymous"
    );
    assert!(
        public.contains("네트워크 회의 정례화") && !public.contains("김담당"),
        "a takeaway's owner may be a person: hidden from anonymous"
    );
    let open = anon.get("/takeaways").await.body;
    assert!(open.contains("네트워크 회의 정례화") && !open.contains("김담당"));
    assert!(editor.get("/takeaways").await.body.contains("김담당 팀장"));

    // A second save of version 1 is a conflict that keeps the input.
    let stale = editor
        .post_form(
            &format!("/reports/{slug}/edit"),
            &[("title", "늦은 수정"), ("version", "1")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("value=\"늦은 수정\""));

    // Field errors sit by the field.
    let bad = editor
        .post_form(
            "/reports",
            &[
                ("title", ""),
                ("visit_time", "열시"),
                ("hosts", "없는 센터"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("id=\"f-title-error\"") && bad.body.contains("id=\"f-visit_time-error\"")
    );

    // Admins delete.
    let mut admin = app.signed_in("admin@example.org", Role::Admin).await;
    assert_eq!(
        editor
            .post_form(&format!("/reports/{slug}/delete"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The report page links a confirmation that counts what goes; an unticked box deletes
    // nothing.
    let delete = format!("/reports/{slug}/delete");
    assert!(admin.get(&url).await.body.contains("/delete\">삭제…</a>"));
    assert!(
        !editor.get(&url).await.body.contains("/delete\">"),
        "admins only"
    );
    assert_eq!(editor.get(&delete).await.status, StatusCode::FORBIDDEN);
    let confirm = admin.get(&delete).await.body;
    for told in [
        "탐방 일정 <strong>2개</strong>",
        "배운 점과 할 일 <strong>1개</strong>",
        "참가자 명단 <strong>1개</strong>",
        "상태를 ‘초안’으로 바꾸세요",
    ] {
        assert!(confirm.contains(told), "{told}: {confirm}");
    }
    let unticked = admin.post_form(&delete, &[]).await;
    assert_eq!(unticked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unticked.body.contains("삭제하려면 확인란에 표시하세요"));
    assert!(
        report::Entity::find_by_id(row.id)
            .one(&app.db)
            .await
            .unwrap()
            .is_some(),
        "kept"
    );
    assert_eq!(
        admin.post_form(&delete, &[("confirm", "yes")]).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        report::Entity::find_by_id(row.id)
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
}

both_backends!(a_readers_report_page_is_kept_per_language_and_sign_in_until_a_write);

/// Readers who cannot edit are served the report page's content as last rendered; it must
/// never cross languages or sign-in, never carry one reader's frame to another, and never
/// outlive a write.
async fn a_readers_report_page_is_kept_per_language_and_sign_in_until_a_write(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let fields = [
        ("title", "성동구 탐방"),
        ("state", "published"),
        ("visit_date", "2023-11-02"),
        ("participants", "홍길동 (용산사경센터)"),
        ("body", "성동구의 판로 지원을 배웠다."),
    ];
    let r = editor.post_form("/reports", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let url = r.location().unwrap().to_string();
    let slug = url.trim_start_matches("/reports/").to_string();

    let mut anon = app.client();
    let mut english = app.client();
    let mut viewer = app.signed_in("viewer@example.org", Role::Viewer).await;
    for _ in 0..2 {
        let ko = anon.get(&url).await;
        assert_eq!(ko.status, StatusCode::OK);
        assert!(ko.body.contains("<h2>본문</h2>") && !ko.body.contains("홍길동"));
        assert!(ko.body.contains("href=\"/login\"") && !ko.body.contains("viewer@example.org"));
        let en = english.get(&format!("{url}?lang=en")).await.body;
        assert!(en.contains("<h2>Report</h2>") && !en.contains("<h2>본문</h2>"));
        let signed_in = viewer.get(&url).await.body;
        assert!(
            signed_in.contains("홍길동") && signed_in.contains("viewer@example.org"),
            "a signed-in reader sees the names and their own frame"
        );
        assert!(!signed_in.contains("/edit\""), "no edit link for a viewer");
    }
    assert!(
        !anon.get(&url).await.body.contains("홍길동"),
        "the signed-in reader's page is not served to the anonymous one"
    );

    let edited = [
        ("title", "성동구 탐방 (수정)"),
        ("state", "published"),
        ("visit_date", "2023-11-02"),
        ("body", "성동구의 공동판매장을 보았다."),
        ("version", "1"),
    ];
    let r = editor.post_form(&format!("{url}/edit"), &edited).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = anon.get(&url).await.body;
    assert!(after.contains("성동구 탐방 (수정)") && after.contains("공동판매장"));
    assert!(
        !after.contains("판로 지원"),
        "the kept page went with the write"
    );
    assert!(english.get(&url).await.body.contains("공동판매장"));

    let mut admin = app.signed_in("admin@example.org", Role::Admin).await;
    let gone = admin
        .post_form(&format!("/reports/{slug}/delete"), &[("confirm", "yes")])
        .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert_eq!(anon.get(&url).await.status, StatusCode::NOT_FOUND);
}

both_backends!(planned_visits_show_upcoming_and_in_the_calendar_feed);

async fn planned_visits_show_upcoming_and_in_the_calendar_feed(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let date = future_date();
    let r = editor
        .post_form(
            "/reports",
            &[
                ("title", "다음 달 성북구 방문; 준비, 회의"),
                ("state", "planned"),
                ("visit_date", &date),
                ("visit_time", "10:30"),
                ("hosts", "성동사경센터"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut anon = app.client();
    let upcoming = anon.get("/visits/upcoming").await.body;
    assert!(upcoming.contains("다음 달 성북구 방문") && upcoming.contains("/visits.ics"));
    let ics = anon.get("/visits.ics").await;
    assert_eq!(ics.status, StatusCode::OK);
    assert!(
        ics.headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let body = ics.body;
    assert!(body.starts_with("BEGIN:VCALENDAR\r\n") && body.trim_end().ends_with("END:VCALENDAR"));
    assert!(
        body.contains("SUMMARY:다음 달 성북구 방문\\; 준비\\, 회의"),
        "escaped"
    );
    let start = format!("DTSTART:{}T013000Z", date.replace('-', ""));
    assert!(body.contains(&start), "10:30 KST is 01:30 UTC: {body}");
    assert!(body.lines().all(|l| l.len() <= 76), "folded");
    // A planned visit needs a date.
    let bad = editor
        .post_form(
            "/reports",
            &[("title", "날짜 없는 예정"), ("state", "planned")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

both_backends!(takeaways_page_lists_open_actions_and_they_can_be_closed);

async fn takeaways_page_lists_open_actions_and_they_can_be_closed(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut anon = app.client();
    let page = anon.get("/takeaways").await.body;
    assert!(page.contains("다회용기"), "demo takeaways listed");
    let t = takeaway::Entity::find()
        .filter(takeaway::Column::Lesson.contains("다회용기"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let r = editor
        .post_form(&format!("/takeaways/{}/toggle", t.id), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        !anon.get("/takeaways").await.body.contains("다회용기"),
        "done ones leave the list"
    );
    let report_page = editor
        .get(&format!("/reports/{}", encode("seongdong-visit-2023-12")))
        .await
        .body;
    assert!(report_page.contains("다시 열기"));
}

both_backends!(takeaways_are_paged_earliest_due_first_and_drafts_are_for_editors);

async fn takeaways_are_paged_earliest_due_first_and_drafts_are_for_editors(backend: Backend) {
    use sea_orm::{ActiveModelTrait, PaginatorTrait, Set};
    let app = spawn_app(backend).await;
    let demo = report::Entity::find()
        .filter(report::Column::Slug.eq("seongdong-visit-2023-12"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    // 60 more on the published report: 55 dated (one long past), 5 undated.
    let day =
        |n: i64| chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap() + chrono::Duration::days(n);
    for i in 0..60i64 {
        let due = match i {
            0..5 => None,
            5 => Some(chrono::NaiveDate::from_ymd_opt(2001, 2, 3).unwrap()),
            _ => Some(day(60 - i)),
        };
        takeaway::ActiveModel {
            report_id: Set(demo.id),
            position: Set(10 + i as i32),
            lesson: Set(format!("할 일 {i:02}")),
            due_on: Set(due),
            done: Set(false),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let r = editor
        .post_form(
            "/reports",
            &[
                ("title", "초안 보고서"),
                ("state", "draft"),
                ("body", "아직 쓰는 중."),
                ("takeaways", "초안의 할 일 | | | 2000-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let open = takeaway::Entity::find()
        .filter(takeaway::Column::Done.eq(false))
        .count(&app.db)
        .await
        .unwrap();

    let mut anon = app.client();
    let first = anon.get("/takeaways").await.body;
    assert!(
        !first.contains("초안의 할 일"),
        "a draft's takeaways are not public"
    );
    assert!(
        first.contains(&format!("{}건", open - 1)),
        "the total is told"
    );
    assert!(
        first.contains("1 / 2") && first.contains("?page=2"),
        "paged"
    );
    assert_eq!(
        first.matches("<tr>").count(),
        1 + 50,
        "a header and 50 rows"
    );
    let long_past = first.find("할 일 05").expect("the long overdue one first");
    assert!(
        first[long_past..]
            .find("기한 지남")
            .is_some_and(|at| at < 600)
    );
    assert!(
        first.find("2001").unwrap() < first.find("할 일 59").unwrap()
            && first.find("할 일 59").unwrap() < first.find("할 일 58").unwrap(),
        "earliest due first"
    );
    let second = anon.get("/takeaways?page=2").await.body;
    assert!(second.contains("2 / 2"));
    let undated = second
        .find("할 일 00")
        .expect("undated ones on the last page");
    assert!(second.find("할 일 07").is_none_or(|dated| dated < undated));
    assert!(!first.contains("할 일 00"), "undated last");

    let mine = editor.get("/takeaways").await.body;
    assert!(mine.contains(&format!("{open}건")));
    let draft = mine
        .find("초안의 할 일")
        .expect("editors see their drafts' takeaways");
    assert!(
        draft < mine.find("할 일 05").unwrap(),
        "the earliest due is first"
    );
}

both_backends!(titles_that_spell_a_route_get_a_slug_that_does_not);

async fn titles_that_spell_a_route_get_a_slug_that_does_not(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let r = editor
        .post_form("/reports", &[("title", "New"), ("state", "published")])
        .await;
    assert_eq!(r.location(), Some("/reports/new-1"));
    assert!(editor.get("/reports/new-1").await.body.contains("New"));
    let typed = editor
        .post_form("/reports", &[("title", "가져오기"), ("slug", "import")])
        .await;
    assert_eq!(typed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(typed.body.contains("예약된 이름"));
}

both_backends!(a_long_bodys_history_reads_cut_lines);

/// An edit's audit row holds the report's whole body, old and new; the history shows each cut
/// after 120 characters, and reads it cut (`audit_log.summary`), not the whole row.
async fn a_long_bodys_history_reads_cut_lines(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let (old, new) = ("가나다라 ".repeat(60), "마바사아 ".repeat(70));
    let cut = |text: &str| format!("{}…", text.chars().take(120).collect::<String>());
    let fields = |body| [("title", "긴 본문"), ("state", "published"), ("body", body)];
    let (old, new) = (old.as_str(), new.as_str());
    let r = editor.post_form("/reports", &fields(old)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let url = r.location().unwrap().to_string();
    let mut edit = fields(new).to_vec();
    edit.push(("version", "1"));
    let r = editor.post_form(&format!("{url}/edit"), &edit).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let row = report::Entity::find()
        .filter(report::Column::Title.eq("긴 본문"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let lines = tambang::audit::queries::history(&app.db, &["reports"], row.id, 50)
        .await
        .unwrap()
        .rows;
    assert_eq!(lines.len(), 2, "created and edited");
    let body = |i: usize| lines[i].changes.as_ref().unwrap()["body"].clone();
    assert_eq!(
        body(0),
        serde_json::json!([cut(old), cut(new)]),
        "the edit, cut"
    );
    assert_eq!(
        body(1),
        serde_json::json!([null, cut(old)]),
        "the creation, cut"
    );
    assert!(
        lines[0].changes.as_ref().unwrap().get("title").is_none(),
        "the title did not change"
    );

    let page = editor.get(&url).await.body;
    assert!(page.contains(new.trim_end()), "the body itself is whole");
    let line = format!(
        "<span title=\"body\">본문</span>: {} → {}",
        cut(old),
        cut(new)
    );
    assert!(page.contains(&line), "history line {line} missing");
    let mut admin = app.signed_in("admin@example.org", Role::Admin).await;
    assert!(admin.get("/admin/audit").await.body.contains(&line));
}

both_backends!(reports_list_pages_newest_visit_first_and_hides_drafts_from_readers);

/// The list is in visit order, newest first (the later written first on the same date), 50
/// to a page; readers never see drafts, editors do; a line is a title, never the body.
async fn reports_list_pages_newest_visit_first_and_hides_drafts_from_readers(backend: Backend) {
    use crate::helpers::insert_visited_report;
    let app = spawn_app(backend).await;
    let at = |day: i64| {
        chrono::NaiveDate::from_ymd_opt(2030, 1, 1)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .map(|t| t + chrono::Duration::days(day))
    };
    for i in 0..52 {
        let (slug, title) = (format!("list-{i:02}"), format!("목록 보고서 {i:02}"));
        insert_visited_report(
            &app,
            &slug,
            &title,
            "published",
            "본문은 목록에 없다",
            at(i),
        )
        .await;
    }
    insert_visited_report(&app, "same-a", "같은 날 먼저", "published", "", at(60)).await;
    insert_visited_report(&app, "same-b", "같은 날 나중", "planned", "", at(60)).await;
    insert_visited_report(&app, "list-draft", "목록 초안", "draft", "", at(90)).await;

    let reader = app.get_html("/reports").await;
    let position = |html: &str, title: &str| html.find(title);
    assert!(
        position(&reader, "목록 초안").is_none(),
        "a draft is not listed"
    );
    let order: Vec<Option<usize>> = [
        "같은 날 나중",
        "같은 날 먼저",
        "목록 보고서 51",
        "목록 보고서 04",
    ]
    .iter()
    .map(|t| position(&reader, t))
    .collect();
    assert!(order.iter().all(Option::is_some), "{order:?}");
    assert!(order.is_sorted(), "newest visit first: {order:?}");
    assert_eq!(reader.matches("href=\"/reports/list-").count(), 48);
    assert!(!reader.contains("목록 보고서 03") && !reader.contains("본문은 목록에 없다"));
    let second = app.get_html("/reports?page=2").await;
    let order: Vec<Option<usize>> = ["목록 보고서 03", "목록 보고서 00"]
        .iter()
        .map(|t| position(&second, t))
        .collect();
    assert!(
        order.iter().all(Option::is_some) && order.is_sorted(),
        "{order:?}"
    );

    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let listed = editor.get("/reports").await.body;
    let draft = position(&listed, "목록 초안");
    assert!(draft.is_some() && draft < position(&listed, "같은 날 나중"));

    // Pages are kept until a write: the draft published (an audited change) is listed.
    assert!(!app.state.report_lists.is_empty(), "list pages kept");
    let draft = report::Entity::find()
        .filter(report::Column::Slug.eq("list-draft"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut active: report::ActiveModel = draft.clone().into();
    active.state = sea_orm::Set("published".into());
    tambang::audit::update(
        &app.db,
        &tambang::audit::Actor::system("test"),
        &draft,
        active,
    )
    .await
    .unwrap();
    let reader = app.get_html("/reports").await;
    let published = position(&reader, "목록 초안");
    assert!(published.is_some(), "stale list");
    assert!(published < position(&reader, "같은 날 나중"));
}
