//! Search under stress on both backends: the index follows every write, hostile input stays
//! text, highlighting escapes HTML, odd query strings are handled, and the migration indexes
//! rows that existed before it.

use chrono::Utc;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::Value;
use tambang::entities::{alias, entry, report};
use tambang::search::queries::search;
use tambang::search::terms::SearchQuery;

use crate::both_backends;
use crate::helpers::insert_entry;
use crate::helpers::{Backend, TestApp, down_to_before, encode, fresh_db, reopened, spawn_app};
use crate::search::{all_names, api, names};

both_backends!(results_follow_inserts_renames_aliases_and_deletes);

async fn results_follow_inserts_renames_aliases_and_deletes(backend: Backend) {
    let app = spawn_app(backend).await;
    let found = |json: &Value, name: &str| all_names(json).contains(&name.to_string());

    let e = insert_entry(&app, "enterprise", "sync-test", "동기화시험상점").await;
    assert!(found(&api(&app, "동기화시험").await, "동기화시험상점"));

    let mut active = e.clone().into_active_model();
    active.name = Set("이름바뀐가게".into());
    active.description = Set(Some("새로 쓴 소개글입니다".into()));
    let e = active.update(&app.db).await.expect("rename");
    assert!(!found(&api(&app, "동기화시험").await, "이름바뀐가게"));
    assert!(found(&api(&app, "이름바뀐").await, "이름바뀐가게"));
    assert!(found(&api(&app, "소개글").await, "이름바뀐가게"));

    let now = Utc::now();
    let mut aliases = Vec::new();
    for name in ["별칭동기화확인", "둘째별칭가게"] {
        let a = alias::ActiveModel {
            entry_id: Set(e.id),
            name: Set(name.into()),
            alias_type: Set("other".into()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("alias");
        aliases.push(a);
    }
    let json = api(&app, "별칭동기화").await;
    assert_eq!(json["groups"][0]["items"][0]["name"], "이름바뀐가게");
    assert_eq!(
        json["groups"][0]["items"][0]["matched_alias"],
        "별칭동기화확인"
    );

    alias::Entity::delete_by_id(aliases[0].id)
        .exec(&app.db)
        .await
        .expect("delete alias");
    assert!(!found(&api(&app, "별칭동기화").await, "이름바뀐가게"));
    assert!(found(&api(&app, "둘째별칭").await, "이름바뀐가게"));

    // Deleting the entry cascades to its remaining alias; neither may linger in the index.
    entry::Entity::delete_by_id(e.id)
        .exec(&app.db)
        .await
        .expect("delete");
    for word in ["이름바뀐", "소개글", "둘째별칭"] {
        assert!(!found(&api(&app, word).await, "이름바뀐가게"), "{word}");
    }

    // Reports too.
    rewrite_a_report(&app, None, "완전히 새로 쓴 본문 교체확인").await;
    assert_eq!(api(&app, "교체확인").await["reports"]["total"], 1);
}

/// Gives the first report of the demo data a new body (and title), straight in the database.
async fn rewrite_a_report(app: &TestApp, title: Option<&str>, body: &str) {
    let r = report::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .expect("a report");
    let mut active = r.into_active_model();
    if let Some(title) = title {
        active.title = Set(title.into());
    }
    active.body = Set(body.into());
    active.update(&app.db).await.expect("report update");
}

both_backends!(metacharacters_never_break_search);

async fn metacharacters_never_break_search(backend: Backend) {
    let app = spawn_app(backend).await;
    let hostile = [
        "\"",
        "'",
        "%",
        "_",
        "*",
        "NEAR(",
        "OR",
        "\\",
        ";--",
        "\"\"\"",
        "%%%",
        "___",
        "***",
        "' OR 1=1 --",
        "NOT 성수",
        "성수 OR 서울숲",
        "NEAR(성수 와디즈)",
        "사회적경제*",
        "\"사회적경제",
        "a\\%b",
        "^성수",
        "col:성수",
        "성수; DROP TABLE entries;--",
        "{와디즈}",
        "( )",
        "+-",
        "AND",
    ];
    for q in hostile {
        let json = api(&app, q).await;
        let (status, html) = app.get(&format!("/search?q={}", encode(q))).await;
        assert_eq!(status, 200, "{q:?}: {html}");
        // Wildcards are literal: nothing in the demo contains them.
        if ["%", "_", "%%%", "___", "\\", "***", "\"\"\"", "a\\%b"].contains(&q) {
            assert_eq!(json["groups"], serde_json::json!([]), "{q:?}: {json}");
            assert_eq!(json["reports"]["total"], 0, "{q:?}");
            assert!(html.contains("검색 결과가 없습니다"), "{q:?}");
        }
    }
    // A NUL is refused up front with the reason (PostgreSQL cannot compare one).
    let (status, body) = app.get("/search?q=%00").await;
    assert_eq!(status, 400);
    assert!(body.contains("NUL"), "{body}");
    // FTS operators are plain words: `성수 OR 서울숲` needs the letters OR too.
    assert_eq!(
        api(&app, "성수 OR 서울숲").await["groups"],
        serde_json::json!([])
    );
    assert_eq!(
        names(&api(&app, "NOT 성수").await, "place"),
        Vec::<String>::new()
    );
    // A quote inside a term is text, not syntax.
    insert_entry(&app, "place", "quoted", "따옴표\"가게").await;
    assert_eq!(all_names(&api(&app, "표\"가").await), ["따옴표\"가게"]);
    assert_eq!(
        all_names(&api(&app, "따옴표\"가게").await),
        ["따옴표\"가게"]
    );
    // Entries still there afterwards.
    assert!(!all_names(&api(&app, "성수").await).is_empty());
}

both_backends!(wildcards_in_the_text_are_found_literally);

/// `%` and `_` in a term match themselves in the text — in names and in report bodies — and
/// nothing else (PostgreSQL finds terms without case by `strpos`, the rest by `LIKE` with
/// the wildcards escaped; SQLite through its indexes and `LIKE`).
async fn wildcards_in_the_text_are_found_literally(backend: Backend) {
    let app = spawn_app(backend).await;
    // Every character pair of the terms below is in the text, so only the substring test
    // can tell them apart.
    insert_entry(
        &app,
        "enterprise",
        "half-price",
        "반값%_할인상점 값_%가 %할",
    )
    .await;
    rewrite_a_report(&app, None, "이번 장터는 절반%_할인행사로 열렸다 반_%가 %할").await;

    let json = api(&app, "값%_할").await;
    let name = "반값%_할인상점 값_%가 %할".to_string();
    assert!(all_names(&json).contains(&name), "{json}");
    assert_eq!(api(&app, "반%_할").await["reports"]["total"], 1);
    // As wildcards, `_%` would match `%_` (any character, then anything).
    for q in ["값_%할", "값%할", "반_%할", "반%할"] {
        let json = api(&app, q).await;
        assert_eq!(json["groups"], serde_json::json!([]), "{q:?}: {json}");
        assert_eq!(json["reports"]["total"], 0, "{q:?}: {json}");
    }
}

both_backends!(two_letter_terms_match_within_one_word_of_one_field);

/// A two-letter term is found where its two letters stand together in one field — a name,
/// an address, a description, an alias, a report's title or body — ignoring Latin case, and
/// never across a space or from the end of one field to the start of the next (on PostgreSQL
/// the pair index alone decides these terms).
async fn two_letter_terms_match_within_one_word_of_one_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let e = insert_entry(&app, "enterprise", "pair-test", "쌍둥이솔 Qz공방").await;
    let mut active = e.into_active_model();
    active.address = Set(Some("괴뢰로 12".into()));
    active.description = Set(Some("휘갈 겨쓴 소개 둥솔".into()));
    let e = active.update(&app.db).await.expect("update");
    alias::ActiveModel {
        entry_id: Set(e.id),
        name: Set("뾰족별칭".into()),
        alias_type: Set("other".into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("alias");
    rewrite_a_report(&app, Some("꽹과리 방문기"), "뭉툭 괭이를 챙겼다").await;

    let name = "쌍둥이솔 Qz공방".to_string();
    for q in ["둥이", "qz", "QZ", "Qz공", "괴뢰", "휘갈", "뾰족", "족별"] {
        assert!(all_names(&api(&app, q).await).contains(&name), "{q:?}");
    }
    // Across a space, across two fields (name then address, description then alias); and a
    // longer term whose pairs are all there (쌍둥 in the name, 둥솔 in the description) but
    // not together.
    for q in ["솔q", "방괴", "개둥", "솔뾰", "겨휘", "갈겨", "쌍둥솔"] {
        assert!(!all_names(&api(&app, q).await).contains(&name), "{q:?}");
    }
    for q in ["꽹과", "괭이", "뭉툭"] {
        assert_eq!(api(&app, q).await["reports"]["total"], 1, "{q:?}");
    }
    for q in ["기뭉", "툭괭", "문기뭉"] {
        assert_eq!(api(&app, q).await["reports"]["total"], 0, "{q:?}");
    }
}

both_backends!(highlighting_escapes_html);

async fn highlighting_escapes_html(backend: Backend) {
    let app = spawn_app(backend).await;
    insert_entry(&app, "place", "bold", "<b>x</b>").await;
    let html = app.get_html(&format!("/search?q={}", encode("<b>"))).await;
    assert!(html.contains("<mark>&lt;b&gt;</mark>x&lt;/b&gt;"), "{html}");
    assert!(!html.contains("<b>"), "raw tag leaked");
}

both_backends!(migration_indexes_existing_rows);

/// The character-pair index comes back filled from the rows already there: the schema goes
/// back to before `search_bigrams` (and PostgreSQL's `pg_search_bigrams`) with the demo loaded,
/// and up again.
async fn migration_indexes_existing_rows(backend: Backend) {
    let (db, url, _guard) = fresh_db(backend).await;
    tambang::demo::load(&db).await.expect("demo");
    down_to_before(&db, "m20261202_000012_search_bigrams").await;
    Migrator::up(&db, None).await.expect("search up");
    let db = reopened(db, &url).await;
    let results = search(&db, &SearchQuery::parse("성동사경센터"))
        .await
        .expect("search");
    assert_eq!(results.groups[0].items[0].name, "성동구사회적경제지원센터");
    let results = search(&db, &SearchQuery::parse("다회용기")).await.unwrap();
    assert_eq!(results.reports.total, 1);
    // Two characters are found through the pair index alone (a trigram needs three).
    let results = search(&db, &SearchQuery::parse("소영")).await.unwrap();
    let names: Vec<&str> = results
        .groups
        .iter()
        .flat_map(|g| &g.items)
        .map(|i| i.name.as_str())
        .collect();
    assert!(names.contains(&"소영씨스토어"), "{names:?}");
    let results = search(&db, &SearchQuery::parse("다회")).await.unwrap();
    assert_eq!(results.reports.total, 1);
}

both_backends!(odd_query_strings_are_handled);

async fn odd_query_strings_are_handled(backend: Backend) {
    let app = spawn_app(backend).await;
    // Invalid UTF-8 is decoded lossily; an unknown parameter is ignored.
    for path in ["/search?q=%FF%FE", "/search?x=1", "/search?q=%EC%84"] {
        let (status, html) = app.get(path).await;
        assert_eq!(status, 200, "{path}: {html}");
    }
    // A repeated parameter is the client's error: a styled page, and the API's envelope.
    let (status, html) = app.get("/search?q=a&q=b").await;
    assert_eq!(status, 400);
    assert!(html.contains("검색어를 읽을 수 없습니다"), "{html}");
    let (status, body) = app.get("/api/v1/search?q=a&q=b").await;
    assert_eq!(status, 400);
    let json: Value = serde_json::from_str(&body).expect("json envelope");
    assert!(json["error"]["code"].is_string(), "{json}");
    // A very long query is cut to its first terms, not refused.
    let long = vec!["성수"; 200].join(" ") + &"가".repeat(5000);
    let (status, _) = app.get(&format!("/search?q={}", encode(&long))).await;
    assert_eq!(status, 200);
}
