//! Reports that understand Korean text: the founding report links every entry it names, and
//! review, re-anchoring and backlinks work through the pages.

use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tambang::domain::{EntryKind, MentionMethod, Role};
use tambang::entities::{entry, mention, report};

use crate::both_backends;
use crate::helpers::{Backend, encode, insert_entry, insert_report, spawn_app};

fn seed_text() -> Option<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed");
    let file = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(Result::ok)
        .find(|f| f.path().extension().is_some_and(|e| e == "txt"))?;
    std::fs::read_to_string(file.path()).ok()
}

both_backends!(the_founding_report_links_every_entry_it_names);

async fn the_founding_report_links_every_entry_it_names(backend: Backend) {
    let Some(text) = seed_text() else {
        eprintln!("../shared/seed missing: seed acceptance skipped");
        return;
    };
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    // Paste it: the form comes back filled with what the parser found.
    let form = editor
        .post_form("/reports/import", &[("text", &text)])
        .await;
    assert_eq!(form.status, StatusCode::OK);
    for v in [
        "성동구 사회적경제 네트워크 사례탐방",
        "value=\"2023-12-11\"",
        "value=\"10:00\"",
        "value=\"7\"",
        "value=\"2024-01-11\"",
        "관리자1",
        "서울경제",
    ] {
        assert!(form.body.contains(v), "prefilled {v}");
    }
    // Save it the way the form would, then look at what got linked.
    let parsed = tambang::blogpost::parse_post(&text);
    let (input, _) = tambang::reports::import_page::prefill(&parsed);
    let mut fields: Vec<(&str, &str)> = vec![
        ("title", &input.title),
        ("author", &input.author),
        ("published_on", &input.published_on),
        ("visit_date", &input.visit_date),
        ("visit_time", &input.visit_time),
        ("participant_count", &input.participant_count),
        ("body", &input.body),
        ("photos", &input.photos),
        ("state", "published"),
    ];
    fields.push(("slug", "seed-report"));
    let r = editor.post_form("/reports", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let saved = report::Entity::find()
        .filter(report::Column::Slug.eq("seed-report"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(saved.visited_at.unwrap().to_string(), "2023-12-11 10:00:00");
    assert_eq!(saved.participant_count, Some(7));
    assert_eq!(saved.published_on.unwrap().to_string(), "2024-01-11");
    assert_eq!(saved.author.as_deref(), Some("관리자1"));

    let mentions = mention::Entity::find()
        .filter(mention::Column::ReportId.eq(saved.id))
        .all(&app.db)
        .await
        .unwrap();
    let slugs: std::collections::HashMap<i64, String> = entry::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.id, e.slug))
        .collect();
    let linked: std::collections::HashSet<&str> = mentions
        .iter()
        .filter_map(|m| m.entry_id.and_then(|id| slugs.get(&id)).map(String::as_str))
        .collect();
    for slug in [
        "성동구",
        "용산구",
        "광진구",
        "성동구사회적경제지원센터",
        "용산구사회적경제지원센터",
        "아모레퍼시픽",
        "내-생의-가장-아름다운-하루",
        "바른참",
        "사계절공정여행",
        "성수동",
        "성수동-수제화-거리",
        "서울숲",
        "한남동",
        "와디즈",
        "소영씨스토어",
        "오엠인터렉트",
        "용산구사회적경제-공동판매장",
    ] {
        assert!(
            linked.contains(slug),
            "{slug} not linked; linked: {linked:?}"
        );
    }
    let body: Vec<char> = saved.body.chars().collect();
    for m in &mentions {
        let surface: String = body[m.start_char as usize..m.end_char as usize]
            .iter()
            .collect();
        assert_eq!(surface, m.surface, "offsets point at the surface");
    }
    let center = slugs
        .iter()
        .find(|(_, s)| *s == "성동구사회적경제지원센터")
        .map(|(id, _)| *id)
        .unwrap();
    assert!(
        mentions
            .iter()
            .any(|m| m.entry_id == Some(center) && m.surface == "성동사경센터"),
        "abbreviation"
    );
    assert!(
        mentions
            .iter()
            .any(|m| m.entry_id == Some(center) && m.surface == "성동사경세터"),
        "misspelling, fuzzy"
    );
    for m in &mentions {
        let inside_center_name = mentions.iter().any(|o| {
            o.surface == "성동구사회적경제지원센터"
                && o.start_char <= m.start_char
                && m.end_char <= o.end_char
                && o.id != m.id
        });
        assert!(
            !inside_center_name,
            "no district link inside the center's name"
        );
    }
    println!(
        "{} mentions; {} linked entries",
        mentions.len(),
        linked.len()
    );

    // The report page links confirmed mentions; the entry page lists the report.
    let mut anon = app.client();
    let page = anon.get("/reports/seed-report").await.body;
    assert!(page.contains("class=\"mention\" href=\"/e/소영씨스토어\""));
    let store = anon
        .get(&format!("/e/{}", encode("소영씨스토어")))
        .await
        .body;
    assert!(store.contains("언급된 보고서") && store.contains("/reports/seed-report"));
}

/// The text both review tests start from: a district's short form (a suggestion), an exact
/// name (confirmed), and a quoted name the directory lacks (a new-entry candidate).
const REVIEW_TEXT: &str = "성동 기업들과 바른참에서 점심을 먹고 ‘새로운협동조합’도 만났다.";

/// Publishes a report with [`REVIEW_TEXT`] through the form, as `editor`; returns its row.
async fn publish_review_text(
    app: &crate::helpers::TestApp,
    editor: &mut crate::helpers::Client<'_>,
    title: &str,
    slug: &str,
) -> report::Model {
    let r = editor
        .post_form(
            "/reports",
            &[
                ("title", title),
                ("state", "published"),
                ("slug", slug),
                ("body", REVIEW_TEXT),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    report::Entity::find()
        .filter(report::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

both_backends!(linking_a_suggestion_elsewhere_names_the_entry_or_says_why_beside_the_field);

async fn linking_a_suggestion_elsewhere_names_the_entry_or_says_why_beside_the_field(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let rep = publish_review_text(&app, &mut editor, "연결 테스트", "link-test").await;
    let mentions = || async {
        mention::Entity::find()
            .filter(mention::Column::ReportId.eq(rep.id))
            .all(&app.db)
            .await
            .unwrap()
    };
    let before = mentions().await;
    let short = before
        .iter()
        .find(|m| m.surface == "성동" && m.state == "suggested")
        .expect("district short form suggested")
        .clone();
    let candidate = before
        .iter()
        .find(|m| m.entry_id.is_none())
        .expect("the quoted name is a new-entry candidate")
        .clone();

    // The review table speaks Korean: how each was found, and the candidate's kind.
    let page = editor.get("/reports/link-test").await.body;
    let method: MentionMethod = short.method.parse().unwrap();
    assert!(
        page.contains(&format!("<td>{} · ", method.label_ko())),
        "{page}"
    );
    assert!(
        !page.contains(&format!("{} · ", short.method)),
        "raw method shown"
    );
    let kind: EntryKind = candidate
        .candidate_kind
        .as_deref()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        page.contains(&format!("새 항목 후보 ({})", kind.label_ko())),
        "{page}"
    );
    // "항목 만들기" opens the new-entry form of the candidate's kind with its name filled in.
    let create = format!(
        "/entries/new?kind={}&name={}",
        kind.as_str(),
        encode(&candidate.surface)
    );
    assert!(
        page.contains(&create.replace('&', "&amp;")),
        "{create} in {page}"
    );
    let form = editor.get(&create).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains(&format!(
            "name=\"name\" type=\"text\" value=\"{}\"",
            candidate.surface
        )),
        "{}",
        form.body
    );

    // A name no entry bears: the report page again, the reason beside this suggestion's
    // field, what was typed still in it, nothing changed.
    let link = format!("/mentions/{}/link", short.id);
    let r = editor.post_form(&link, &[("other", "없는기업이름")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let field = format!("link-{}", short.id);
    assert!(
        r.body.contains(&format!(
            "id=\"{field}\" type=\"text\" name=\"other\" value=\"없는기업이름\""
        )),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains(&format!("aria-describedby=\"{field}-error\""))
    );
    assert!(
        r.body
            .contains(&format!("<span class=\"error-text\" id=\"{field}-error\">"))
    );
    assert!(r.body.contains("(이)라는 항목이 없습니다"));
    assert_eq!(
        r.body.matches("class=\"error-text\"").count(),
        1,
        "only that row"
    );
    // Empty: asked for a name, not told that '' is missing.
    let r = editor.post_form(&link, &[("other", "  ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("연결할 항목의 이름, 별칭 또는 주소를 입력해 주세요.")
    );
    let unchanged = mentions().await;
    assert_eq!(
        unchanged
            .iter()
            .map(|m| (m.id, m.state.clone(), m.entry_id))
            .collect::<Vec<_>>(),
        before
            .iter()
            .map(|m| (m.id, m.state.clone(), m.entry_id))
            .collect::<Vec<_>>()
    );

    // A name that is an entry's: linked to it, confirmed, back to the report.
    let center = entry::Entity::find()
        .filter(entry::Column::Name.eq("성동구사회적경제지원센터"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("demo center");
    let r = editor
        .post_form(&link, &[("other", "성동구사회적경제지원센터")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/reports/link-test#mentions"));
    let linked = mention::Entity::find_by_id(short.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (linked.state.as_str(), linked.entry_id),
        ("confirmed", Some(center.id))
    );
}

both_backends!(suggestions_are_reviewed_and_survive_edits);

async fn suggestions_are_reviewed_and_survive_edits(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let body = REVIEW_TEXT;
    let rep = publish_review_text(&app, &mut editor, "검토 테스트", "review-test").await;
    let ms = mention::Entity::find()
        .filter(mention::Column::ReportId.eq(rep.id))
        .all(&app.db)
        .await
        .unwrap();
    let barun = ms
        .iter()
        .find(|m| m.surface == "바른참")
        .expect("바른참 found");
    assert_eq!(
        barun.state, "confirmed",
        "exact 3-syllable name auto-confirmed"
    );
    let short = ms
        .iter()
        .find(|m| m.surface == "성동")
        .expect("district short form suggested");
    assert_eq!(short.state, "suggested");
    let page = editor.get("/reports/review-test").await.body;
    assert!(page.contains("언급된 항목 검토") && page.contains("mark class=\"suggestion\""));
    assert!(page.contains(&format!("/mentions/{}/confirm", short.id)));
    // The anonymous reader sees only confirmed links, each to its entry and named by it.
    let reader_page = app.client().get("/reports/review-test").await.body;
    assert!(!reader_page.contains("suggestion"));
    let barun_entry = entry::Entity::find_by_id(barun.entry_id.expect("linked"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        reader_page.contains(&format!(
            "<a class=\"mention\" href=\"/e/{}\" title=\"{}\">바른참</a>",
            barun_entry.slug, barun_entry.name
        )),
        "{reader_page}"
    );

    assert_eq!(
        editor
            .post_form(&format!("/mentions/{}/reject", short.id), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // Edit the text around the confirmed mention: it stays confirmed, re-anchored.
    let edited = format!("오늘은 {body}");
    let r = editor
        .post_form(
            "/reports/review-test/edit",
            &[
                ("title", "검토 테스트"),
                ("state", "published"),
                ("slug", "review-test"),
                ("body", &edited),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = mention::Entity::find()
        .filter(mention::Column::ReportId.eq(rep.id))
        .all(&app.db)
        .await
        .unwrap();
    let barun2 = after.iter().find(|m| m.surface == "바른참").unwrap();
    assert_eq!(
        (barun2.state.as_str(), barun2.start_char),
        ("confirmed", barun.start_char + 4)
    );
    assert!(
        after
            .iter()
            .any(|m| m.surface == "성동" && m.state == "rejected"),
        "rejection kept"
    );

    // A new alias is used for linking on the next save, without a restart.
    let e = entry::Entity::find()
        .filter(entry::Column::Slug.eq("사계절공정여행"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    editor
        .post_form(
            &format!("/e/{}/aliases", encode(&e.slug)),
            &[
                ("alias_name", "사계절여행사"),
                ("alias_type", "abbreviation"),
            ],
        )
        .await;
    let r = editor
        .post_form(
            "/reports/review-test/edit",
            &[
                ("title", "검토 테스트"),
                ("state", "published"),
                ("slug", "review-test"),
                ("body", &format!("{edited} 사계절여행사도 왔다.")),
                ("version", "2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let last = mention::Entity::find()
        .filter(mention::Column::ReportId.eq(rep.id))
        .all(&app.db)
        .await
        .unwrap();
    assert!(
        last.iter()
            .any(|m| m.surface == "사계절여행사" && m.entry_id == Some(e.id)),
        "new alias linked"
    );
}

both_backends!(mentions_as_json_for_other_tools);

async fn mentions_as_json_for_other_tools(backend: Backend) {
    use axum::body::Body;
    use axum::http::Request;
    let app = spawn_app(backend).await;
    let owner = app.add_user("script@example.org", Role::Editor).await;
    let (_, token) = tambang::auth::tokens::create(
        &app.db,
        &tambang::audit::Actor::system("test"),
        &owner,
        "script",
    )
    .await
    .unwrap();
    let mut c = app.client();
    let body =
        serde_json::json!({ "text": "오늘 소영씨스토어를 방문했고 성동사경센터에서 회의했다." })
            .to_string();
    let detect = |auth: Option<&str>| {
        let mut r =
            Request::post("/api/v1/mentions/detect").header("content-type", "application/json");
        if let Some(t) = auth {
            r = r.header("authorization", format!("Bearer {t}"));
        }
        r.body(Body::from(body.clone())).unwrap()
    };
    assert_eq!(c.send(detect(None)).await.status, StatusCode::UNAUTHORIZED);
    let r = c.send(detect(Some(&token))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let found: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let slugs: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["entry_slug"].as_str())
        .collect();
    assert!(
        slugs.contains(&"소영씨스토어") && slugs.contains(&"성동구사회적경제지원센터"),
        "{slugs:?}"
    );
    assert_eq!(found[0]["surface"], "소영씨스토어");

    let listed = c
        .get(&format!(
            "/api/v1/reports/{}/mentions",
            encode("seongdong-visit-2023-12")
        ))
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    assert!(
        listed.body.contains("\"state\":\"confirmed\"")
            && !listed.body.contains("\"state\":\"suggested\"")
    );
}

both_backends!(a_new_alias_saved_through_one_instance_links_on_another);

/// Two app instances on one database, as behind a load balancer: an alias saved through the
/// first is used for linking by the second, whose dictionary was built before the alias.
async fn a_new_alias_saved_through_one_instance_links_on_another(backend: Backend) {
    use tambang::app::{AppState, router};
    let app = spawn_app(backend).await;
    // The second instance: its own state and dictionary, built now.
    let other = AppState::new(app.db.clone());
    other.mentions.rebuild(&app.db).await.unwrap();
    let before = other.mentions.find("바른밥상에서 점심을 먹었다.");
    assert!(
        before.iter().all(|m| &*m.surface != "바른밥상"),
        "unknown before"
    );

    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let r = editor
        .post_form(
            &format!("/e/{}/aliases", encode("바른참")),
            &[("alias_name", "바른밥상"), ("alias_type", "former_name")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // A report saved through the second instance links the new alias.
    let second = router(other.clone());
    let csrf = editor.csrf().await;
    let cookie = format!(
        "tambang_csrf={csrf}; tambang_session={}",
        editor.cookies["tambang_session"]
    );
    let body = serde_urlencoded::to_string([
        ("csrf", csrf.as_str()),
        ("title", "두 인스턴스"),
        ("slug", "two-instances"),
        ("state", "published"),
        ("body", "바른밥상에서 점심을 먹었다."),
    ])
    .unwrap();
    let request = axum::http::Request::post("/reports")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie)
        .body(axum::body::Body::from(body))
        .unwrap();
    let response = tower::ServiceExt::oneshot(second, request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let rep = report::Entity::find()
        .filter(report::Column::Slug.eq("two-instances"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let barun = entry::Entity::find()
        .filter(entry::Column::Slug.eq("바른참"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let ms = mention::Entity::find()
        .filter(mention::Column::ReportId.eq(rep.id))
        .all(&app.db)
        .await
        .unwrap();
    assert!(
        ms.iter()
            .any(|m| m.surface == "바른밥상" && m.entry_id == Some(barun.id)),
        "{ms:?}"
    );
}

both_backends!(a_relink_of_an_older_read_leaves_the_newer_text_alone);

/// Two saves of one report relink in the order their requests happen to finish: the relink of
/// the text read first must not replace the mentions of the text saved after it. And a report
/// naming more entries than one insert batch holds keeps every one of its mentions.
async fn a_relink_of_an_older_read_leaves_the_newer_text_alone(backend: Backend) {
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let app = spawn_app(backend).await;
    // 와디즈 repeated well past the 500 mentions one INSERT carries.
    let many = "와디즈에서 보았다. ".repeat(700);
    insert_report(&app, "relink-order", "순서", "published", &many).await;
    let older = report::Entity::find()
        .filter(report::Column::Slug.eq("relink-order"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    tambang::linking::relink_report(&app.state, &older)
        .await
        .unwrap();
    let mentions_of = |id: i64| {
        mention::Entity::find()
            .filter(mention::Column::ReportId.eq(id))
            .all(&app.db)
    };
    let first = mentions_of(older.id).await.unwrap();
    assert_eq!(
        first.iter().filter(|m| m.surface == "와디즈").count(),
        700,
        "every mention stored"
    );

    // A second save changes the text and relinks it.
    let mut a = older.clone().into_active_model();
    a.body = Set("소영씨스토어를 방문했다.".into());
    a.version = Set(older.version + 1);
    let newer = a.update(&app.db).await.unwrap();
    tambang::linking::relink_report(&app.state, &newer)
        .await
        .unwrap();
    // The first save's relink arrives late, with the old text.
    tambang::linking::relink_report(&app.state, &older)
        .await
        .unwrap();
    let now: Vec<String> = mentions_of(older.id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.surface)
        .collect();
    assert_eq!(now, vec!["소영씨스토어".to_string()]);
}

both_backends!(a_relink_that_only_drops_suggestions_reaches_the_cached_pages);

/// A relink can change a report's mentions without writing a new mention row (suggestions only
/// dropped, decided ones only moved), which the change stamp would not see: it is recorded on
/// the report's trail, so a page kept before it is shown afresh, with a history line saying
/// what changed. A relink that changes nothing records nothing.
async fn a_relink_that_only_drops_suggestions_reaches_the_cached_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let rep = publish_review_text(&app, &mut editor, "다시 찾기", "relink-cache").await;
    let page = editor.get("/reports/relink-cache").await.body;
    assert!(page.contains("mark class=\"suggestion\""), "{page}");
    let stamp = || tambang::audit::stamp::stamp(&app.db);
    let before = stamp().await.unwrap();
    let relink_with_nothing_found = || async {
        let txn = tambang::db::begin_write(&app.db).await.unwrap();
        tambang::linking::store::relink(&txn, &rep, Vec::new(), false)
            .await
            .unwrap();
        txn.commit().await.unwrap();
    };

    // Nothing found: the suggestions and the candidate go, the confirmed 바른참 stays, and no
    // mention row is written.
    relink_with_nothing_found().await;
    let left = mention::Entity::find()
        .filter(mention::Column::ReportId.eq(rep.id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(
        left.iter()
            .map(|m| (m.surface.as_str(), m.state.as_str()))
            .collect::<Vec<_>>(),
        [("바른참", "confirmed")]
    );
    let after = stamp().await.unwrap();
    assert_ne!(before, after, "the relink moved the change stamp");
    let page = editor.get("/reports/relink-cache").await.body;
    assert!(!page.contains("mark class=\"suggestion\""), "{page}");
    assert!(
        page.contains("언급")
            && page.contains("<span title=\"linker\">자동 연결</span>")
            && page.contains("확인 1 · 제안 2 → 확인 1"),
        "the history says what the relink changed: {page}"
    );

    // The same again changes nothing and records nothing.
    relink_with_nothing_found().await;
    assert_eq!(stamp().await.unwrap(), after);
}

both_backends!(a_deleted_entry_stops_linking_even_when_another_is_added);

/// The dictionary notices a deletion through the trigger-kept counter, also when an entry is
/// added in the same interval (the number of entries, the stamp before, stayed the same).
async fn a_deleted_entry_stops_linking_even_when_another_is_added(backend: Backend) {
    let app = spawn_app(backend).await;
    let gone = insert_entry(&app, "enterprise", "솔빛누리공방", "솔빛누리공방").await;
    let text = "솔빛누리공방에서 만났다.";
    let named =
        |ms: &[tambang::mentions::Mention]| ms.iter().any(|m| &*m.surface == "솔빛누리공방");
    app.state.mentions.refresh(&app.db).await.unwrap();
    assert!(
        named(&app.state.mentions.find(text)),
        "linked while it exists"
    );

    entry::Entity::delete_by_id(gone.id)
        .exec(&app.db)
        .await
        .unwrap();
    insert_entry(&app, "enterprise", "다른새공방", "다른새공방").await;
    // The deletion schedules a rebuild in the background; wait for it (at most 10 s).
    let mut linked = true;
    for _ in 0..200 {
        app.state.mentions.refresh(&app.db).await.unwrap();
        linked = named(&app.state.mentions.find(text));
        if !linked {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(!linked, "a deleted entry's name must stop linking");
}

both_backends!(an_entry_page_counts_every_report_that_mentions_it_and_lists_the_latest);

/// 55 published reports and a draft name 소영씨스토어: its page says 55 (the demo report names
/// it too: 56), lists the latest 50 with a snippet each, and never the draft.
async fn an_entry_page_counts_every_report_that_mentions_it_and_lists_the_latest(backend: Backend) {
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let app = spawn_app(backend).await;
    for i in 0..56 {
        let state = if i == 55 { "draft" } else { "published" };
        let slug = format!("store-visit-{i:02}");
        let r = crate::helpers::insert_visited_report(
            &app,
            &slug,
            &format!("매장 방문 {i:02}"),
            state,
            &format!("{i:02}번째 방문: 소영씨스토어를 둘러보았다."),
            None,
        )
        .await;
        let mut a = r.into_active_model();
        a.published_on = Set(Some(
            chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Duration::days(i),
        ));
        let r = a.update(&app.db).await.unwrap();
        tambang::linking::relink_report(&app.state, &r)
            .await
            .unwrap();
    }
    let page = app
        .client()
        .get(&format!("/e/{}", encode("소영씨스토어")))
        .await
        .body;
    assert!(page.contains("언급된 보고서 (56)"), "the total");
    assert!(page.contains("가장 최근에 작성된 50편입니다."));
    assert_eq!(
        page.matches("번째 방문: 소영씨스토어를").count(),
        50,
        "50 snippets"
    );
    assert!(
        page.contains("/reports/store-visit-54")
            && page.contains("/reports/store-visit-05\"")
            && !page.contains("/reports/store-visit-04\"")
    );
    assert!(!page.contains("store-visit-55"), "not the draft");
    assert!(
        !page.contains("소영씨스토어를 찾았다"),
        "the demo report's snippet: it is older than those 50"
    );
}
