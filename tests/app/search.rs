//! Search on both backends: substrings, short terms, aliases, ranking, AND, reports, drafts,
//! the empty query, the header box, capping and the API. `search_robustness` holds the rest;
//! the helpers here serve both.

use serde_json::Value;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, encode, insert_entry, insert_report, spawn_app};

/// `GET /api/v1/search?q=…` as JSON.
pub async fn api(app: &TestApp, q: &str) -> Value {
    let (status, body) = app.get(&format!("/api/v1/search?q={}", encode(q))).await;
    assert_eq!(status, 200, "q={q:?}: {body}");
    serde_json::from_str(&body).expect("json")
}

/// The names found in the group of `kind`, best first.
pub fn names(json: &Value, kind: &str) -> Vec<String> {
    json["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter(|g| g["kind"] == kind)
        .flat_map(|g| g["items"].as_array().cloned().unwrap_or_default())
        .map(|i| i["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Every entry name found, any kind.
pub fn all_names(json: &Value) -> Vec<String> {
    json["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|g| g["items"].as_array().cloned().unwrap_or_default())
        .map(|i| i["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Titles of the reports found.
fn report_titles(json: &Value) -> Vec<String> {
    json["reports"]["items"]
        .as_array()
        .expect("reports")
        .iter()
        .map(|r| r["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// An abbreviation alias for entry `id`, written straight through SQL (its triggers keep the
/// search tables in step).
pub async fn add_alias(app: &TestApp, id: i64, name: &str) {
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO aliases (entry_id, name, alias_type, created_at) \
             VALUES ({id}, '{name}', 'abbreviation', CURRENT_TIMESTAMP)"
        ))
        .await
        .expect("insert alias");
}

both_backends!(long_term_finds_a_substring);

async fn long_term_finds_a_substring(backend: Backend) {
    let app = spawn_app(backend).await;
    let json = api(&app, "사회적경제").await;
    assert!(names(&json, "center").contains(&"성동구사회적경제지원센터".to_string()));
    let html = app
        .get_html(&format!("/search?q={}", encode("사회적경제")))
        .await;
    assert!(
        html.contains("성동구<mark>사회적경제</mark>지원센터"),
        "{html}"
    );
    assert!(html.contains("지원센터"), "kind label");
    assert!(
        html.contains("value=\"사회적경제\""),
        "query kept in the box"
    );
}

both_backends!(two_character_terms_match);

async fn two_character_terms_match(backend: Backend) {
    let app = spawn_app(backend).await;
    let json = api(&app, "와디").await;
    assert!(names(&json, "partner").contains(&"와디즈 주식회사".to_string()));
    let outlets = names(&json, "outlet");
    assert!(
        outlets.contains(&"와디즈 성수 매장".to_string()),
        "{outlets:?}"
    );
    assert!(outlets.contains(&"와디즈 크라우드펀딩".to_string()));

    let json = api(&app, "성수").await;
    let places = names(&json, "place");
    assert!(places.contains(&"성수동".to_string()), "{places:?}");
    assert!(places.contains(&"성수동 수제화 거리".to_string()));
    assert!(!all_names(&json).contains(&"서울숲".to_string()));
}

both_backends!(two_letter_terms_are_found_in_every_column_and_only_as_pairs);

/// A two-letter term is looked up in a pair index (SQLite's bigram tables, PostgreSQL's
/// `tambang_bigrams` GIN indexes): it must find the pair in each column search reads, in any
/// case, and only where the two letters stand side by side in one column.
async fn two_letter_terms_are_found_in_every_column_and_only_as_pairs(backend: Backend) {
    use sea_orm::ConnectionTrait;
    let app = spawn_app(backend).await;
    let e = insert_entry(&app, "enterprise", "pairs", "햇귀공방").await;
    app.db
        .execute_unprepared(&format!(
            "UPDATE entries SET name_en = 'Haetgwi Studio', address = '서울 중랑구 묵동', \
             description = '폐목재로 도마를 만든다' WHERE id = {}",
            e.id
        ))
        .await
        .unwrap();
    add_alias(&app, e.id, "햇귀 목공소").await;
    insert_report(
        &app,
        "pairs-visit",
        "묵동 방문기",
        "published",
        "목공소에서 도마 굽기를 보았다. Kiln 앞에서.",
    )
    .await;

    // Name, English name in either case, address, description, alias.
    for term in ["햇귀", "tg", "TG", "묵동", "도마", "공소"] {
        let json = api(&app, term).await;
        assert_eq!(names(&json, "enterprise"), ["햇귀공방"], "{term}: {json}");
    }
    // Report title and body, the body's Latin word in another case.
    for term in ["문기", "굽기", "LN"] {
        let json = api(&app, term).await;
        assert_eq!(report_titles(&json), ["묵동 방문기"], "{term}: {json}");
    }
    // Letters of the entry that are not side by side, or only across two columns
    // (name …방 + address 서울…; alias 햇귀 + 목공소) or across a space.
    for term in ["햇공", "방서", "귀목", "마굽"] {
        let json = api(&app, term).await;
        assert!(all_names(&json).is_empty(), "{term}: {json}");
        assert!(report_titles(&json).is_empty(), "{term}: {json}");
    }
}

both_backends!(search_reads_its_indexes_not_every_row);

/// Each kind of term is answered by the index built for it: on SQLite the trigram tables
/// (three letters and more) and the bigram tables (two); on PostgreSQL the pair indexes of
/// migration 14 for entries (with their aliases' names, migration 17) and reports. A condition that names the columns
/// otherwise than the index does still finds the right rows — only slowly — so the plans
/// are what pins it.
async fn search_reads_its_indexes_not_every_row(backend: Backend) {
    use tambang::search::queries::plans;
    use tambang::search::terms::SearchQuery;
    let app = spawn_app(backend).await;
    let wanted: &[(&str, &[&str], &[&str])] = match backend {
        Backend::Sqlite => &[
            ("햇귀", &["entries_bigrams"], &["reports_bigrams"]),
            ("햇귀공방", &["entries_fts"], &["reports_fts"]),
            (
                "햇귀공방 목공",
                &["entries_fts", "entries_bigrams"],
                &["reports_fts", "reports_bigrams"],
            ),
        ],
        // An entry's row carries its aliases' names (migration 17): one index answers.
        Backend::Postgres => &[
            ("햇귀", &["ix_entries_bigrams"], &["ix_reports_bigrams"]),
            ("햇귀공방", &["ix_entries_bigrams"], &["ix_reports_bigrams"]),
            (
                "햇귀공방 목공",
                &["ix_entries_bigrams"],
                &["ix_reports_bigrams"],
            ),
        ],
    };
    for (q, entries, reports) in wanted {
        let found = plans(&app.db, &SearchQuery::parse(q)).await.unwrap();
        let (entry_plan, report_plan) = (found[0].join("\n"), found[1].join("\n"));
        for index in *entries {
            assert!(
                entry_plan.contains(index),
                "{q}: {index} not in\n{entry_plan}"
            );
        }
        for index in *reports {
            assert!(
                report_plan.contains(index),
                "{q}: {index} not in\n{report_plan}"
            );
        }
    }
}

both_backends!(compacting_the_indexes_keeps_every_result);

/// `search::compact` merges what separate writes left in many pieces (SQLite: one FTS5
/// segment per write; PostgreSQL: the GIN pending lists), and search finds the same before
/// and after; a second run finds nothing left to do.
async fn compacting_the_indexes_keeps_every_result(backend: Backend) {
    use tambang::search::compact::{POSTGRES_INDEXES, SQLITE_TABLES, compact};
    use tambang::search::queries::search;
    use tambang::search::terms::SearchQuery;
    let app = spawn_app(backend).await;
    for (i, name) in [
        "햇살공방",
        "햇살마을",
        "햇살나눔",
        "달빛공방",
        "햇살 협동조합",
    ]
    .iter()
    .enumerate()
    {
        insert_entry(&app, "enterprise", &format!("compact-{i}"), name).await;
    }
    insert_report(
        &app,
        "compact-visit",
        "햇살 방문기",
        "published",
        "햇살공방에 갔다.",
    )
    .await;
    // Uncached: the search function itself, not the page.
    let results = |q: &'static str| {
        let db = app.db.clone();
        async move { format!("{:?}", search(&db, &SearchQuery::parse(q)).await.unwrap()) }
    };
    let queries = ["햇살", "공방", "햇살공방", "방문", "햇살 공방"];
    let mut before = Vec::new();
    for q in queries {
        before.push(results(q).await);
    }
    assert!(before[2].contains("햇살공방") && before[3].contains("햇살 방문기"));

    let first = compact(&app.db).await.unwrap();
    let merged: Vec<&str> = first.iter().map(|c| c.name).collect();
    match backend {
        Backend::Sqlite => {
            assert_eq!(merged, SQLITE_TABLES);
            assert!(
                first[0].work > 0,
                "entries_fts had a segment per entry: {first:?}"
            );
        }
        Backend::Postgres => assert_eq!(merged, POSTGRES_INDEXES),
    }
    let second = compact(&app.db).await.unwrap();
    if backend == Backend::Sqlite {
        assert!(second.iter().all(|c| c.work == 0), "{second:?}");
    }
    for (q, was) in queries.iter().zip(&before) {
        assert_eq!(&results(q).await, was, "{q}");
    }
}

both_backends!(alias_finds_its_entry_and_says_so);

async fn alias_finds_its_entry_and_says_so(backend: Backend) {
    let app = spawn_app(backend).await;
    let json = api(&app, "성동사경센터").await;
    let center = &json["groups"][0];
    assert_eq!(center["kind"], "center", "{json}");
    assert_eq!(center["items"][0]["name"], "성동구사회적경제지원센터");
    assert_eq!(center["items"][0]["matched_alias"], "성동사경센터");
    let html = app
        .get_html(&format!("/search?q={}", encode("성동사경센터")))
        .await;
    assert!(html.contains("별칭 <mark>성동사경센터</mark>"), "{html}");

    // A name hit needs no alias.
    let json = api(&app, "사회적경제지원센터").await;
    assert_eq!(json["groups"][0]["items"][0]["matched_alias"], Value::Null);
}

both_backends!(exact_name_ranks_first_then_prefix_then_contains);

async fn exact_name_ranks_first_then_prefix_then_contains(backend: Backend) {
    let app = spawn_app(backend).await;
    insert_entry(&app, "place", "old-seongsu", "가나 성수동 골목").await;
    insert_entry(&app, "place", "seongsu-zz", "성수동가").await;
    let json = api(&app, "성수동").await;
    assert_eq!(
        names(&json, "place"),
        // Exact, two prefixes by name, contains, then a hit in the description only.
        [
            "성수동",
            "성수동 수제화 거리",
            "성수동가",
            "가나 성수동 골목",
            "한남동"
        ]
    );
    // An exact alias counts as an exact name: before a name that starts with the query
    // (and comes first by name).
    insert_entry(&app, "outlet", "wadiz-shop-ga", "와디즈 매장가").await;
    let json = api(&app, "와디즈 매장").await;
    assert_eq!(
        names(&json, "outlet"),
        ["와디즈 성수 매장", "와디즈 매장가"]
    );
}

both_backends!(every_term_is_in_the_entry_or_its_own_aliases);

async fn found(app: &TestApp, q: &str) -> Vec<String> {
    all_names(&api(app, q).await)
}

/// Every term must be in the entry itself or in one of *its* aliases: a term in one entry's
/// alias and another in a second entry's match neither. On PostgreSQL the aliases' names ride
/// on the entry's row (migration 17), kept by triggers as aliases are added, renamed, moved
/// to another entry and removed; on SQLite the full-text tables' triggers do the same.
async fn every_term_is_in_the_entry_or_its_own_aliases(backend: Backend) {
    use sea_orm::ConnectionTrait;
    let app = spawn_app(backend).await;
    let a = insert_entry(&app, "enterprise", "nuri-a", "누리터 공방").await;
    let b = insert_entry(&app, "enterprise", "nuri-b", "가온길 상점").await;
    add_alias(&app, a.id, "솔빛두레").await;
    add_alias(&app, b.id, "미르내 가게").await;
    assert_eq!(found(&app, "누리터 솔빛두레").await, ["누리터 공방"]);
    assert_eq!(found(&app, "솔빛두레").await, ["누리터 공방"]);
    assert!(
        found(&app, "솔빛두레 미르내").await.is_empty(),
        "two entries' aliases"
    );
    assert!(
        found(&app, "누리터 미르내").await.is_empty(),
        "another entry's alias"
    );
    assert!(
        found(&app, "두레미르").await.is_empty(),
        "across two aliases"
    );

    let sql = |q: String| {
        let db = app.db.clone();
        async move { db.execute_unprepared(&q).await.expect("alias write") }
    };
    sql("UPDATE aliases SET name = '솔빛마루' WHERE name = '솔빛두레'".into()).await;
    assert!(found(&app, "누리터 솔빛두레").await.is_empty(), "renamed");
    assert_eq!(found(&app, "누리터 솔빛마루").await, ["누리터 공방"]);

    sql(format!(
        "UPDATE aliases SET entry_id = {} WHERE name = '솔빛마루'",
        b.id
    ))
    .await;
    assert!(
        found(&app, "누리터 솔빛마루").await.is_empty(),
        "moved away"
    );
    assert_eq!(found(&app, "가온길 솔빛마루").await, ["가온길 상점"]);
    assert_eq!(
        found(&app, "솔빛마루 미르내").await,
        ["가온길 상점"],
        "two aliases of one entry"
    );

    sql("DELETE FROM aliases WHERE name = '미르내 가게'".into()).await;
    assert!(found(&app, "솔빛마루 미르내").await.is_empty(), "removed");
    assert_eq!(found(&app, "솔빛마루").await, ["가온길 상점"]);
}

both_backends!(every_term_must_match);

async fn every_term_must_match(backend: Backend) {
    let app = spawn_app(backend).await;
    let found = all_names(&api(&app, "와디즈 매장").await);
    assert_eq!(
        found,
        ["와디즈 성수 매장"],
        "only the entry with both words"
    );
    let found = all_names(&api(&app, "와디즈 크라우드펀딩 용산구").await);
    assert_eq!(
        found,
        [
            "와디즈 크라우드펀딩",
            "용산구 사회적경제기업 와디즈 크라우드펀딩"
        ]
    );
    // Short and long terms mixed: both paths must agree.
    let found = all_names(&api(&app, "성수 수제화").await);
    for name in [
        "성수동 수제화 거리",
        "성수동",
        "사계절공정여행",
        "데모수제화 협동조합",
    ] {
        assert!(found.contains(&name.to_string()), "{name}: {found:?}");
    }
    assert!(
        !found.contains(&"와디즈 성수 매장".to_string()),
        "{found:?}"
    );
    assert_eq!(
        api(&app, "성수 서울숲공원없음").await["groups"],
        serde_json::json!([])
    );
}

both_backends!(reports_are_found_by_their_body_but_drafts_are_not);

async fn reports_are_found_by_their_body_but_drafts_are_not(backend: Backend) {
    let app = spawn_app(backend).await;
    let visit = "성동구 사회적경제 현장 탐방: 성동사경센터와 성수동 판로 견학";
    for word in ["다회용기", "풍경", "비바람 하루"] {
        let json = api(&app, word).await;
        assert_eq!(report_titles(&json), [visit], "{word}");
        assert_eq!(json["reports"]["total"], 1);
    }
    let html = app
        .get_html(&format!("/search?q={}", encode("다회용기")))
        .await;
    assert!(
        html.contains("<mark>다회용기</mark>"),
        "snippet highlighted"
    );
    // Planned visits are public too.
    assert_eq!(report_titles(&api(&app, "네트워크").await).len(), 2);

    insert_report(
        &app,
        "secret-draft",
        "초안 보고서 비공개제목",
        "draft",
        "아직 공개하지 않은 비밀낱말 내용",
    )
    .await;
    // Trigram, bigram, a one-letter `LIKE` beside a trigram, and `LIKE` alone.
    for word in ["비밀낱말", "비공개제목", "초안", "밀 비공개제목", "밀"] {
        let json = api(&app, word).await;
        assert_eq!(json["reports"]["total"], 0, "{word}: {json}");
    }
}

both_backends!(long_bodies_are_found_and_stored_with_lz4_on_postgres);

/// A body long enough to be stored out of line and compressed is still searched to its end,
/// and its snippet is cut around the match (the body lowercased only for a term with case);
/// on PostgreSQL it is compressed with lz4 when the server offers it (migration 18), as
/// every body written since is.
async fn long_bodies_are_found_and_stored_with_lz4_on_postgres(backend: Backend) {
    use sea_orm::{ConnectionTrait, Statement};
    let app = spawn_app(backend).await;
    let prose = "참가자들은 공동판매장 운영의 어려움을 이야기했다. ".repeat(300);
    let body = format!("{prose}마지막에 나온 낱말은 물레방아협동조합이다.");
    insert_report(&app, "long-body", "긴 탐방 보고서", "published", &body).await;
    for word in ["물레방아협동조합", "물레방아", "레방"] {
        assert_eq!(
            report_titles(&api(&app, word).await),
            ["긴 탐방 보고서"],
            "{word}"
        );
    }
    // The snippet is cut around the match at the body's end, for a term with case too.
    insert_report(
        &app,
        "long-cased",
        "영문 이름이 나오는 보고서",
        "published",
        &format!("{prose}끝으로 Green Mill 협동조합을 찾았다."),
    )
    .await;
    for (q, shown) in [
        ("물레방아협동조합", "<mark>물레방아협동조합</mark>"),
        ("green", "<mark>Green</mark> Mill"),
    ] {
        let html = app.get_html(&format!("/search?q={}", encode(q))).await;
        assert!(html.contains(shown), "{q}: {html}");
    }
    if backend != Backend::Postgres {
        return;
    }
    let row = |sql: &str| Statement::from_string(sea_orm::DatabaseBackend::Postgres, sql);
    let offered = app
        .db
        .query_one_raw(row("SELECT 1 AS ok FROM pg_settings \
             WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"))
        .await
        .unwrap()
        .is_some();
    let stored = app
        .db
        .query_one_raw(row(
            "SELECT pg_column_compression(body) AS c FROM reports WHERE slug = 'long-body'",
        ))
        .await
        .unwrap()
        .expect("the report");
    let method: String = stored.try_get("", "c").unwrap();
    assert_eq!(method, if offered { "lz4" } else { "pglz" });
}

both_backends!(a_common_prefix_is_cut_per_kind_in_the_order_shown);

/// Over `CANDIDATES` entries contain the word and, written after them, more than `GROUP_CAP`
/// of two kinds start with it: each kind still shows its exact name first and then its first
/// names in order, though the search numbers only the first `GROUP_CAP` of each kind's range.
async fn a_common_prefix_is_cut_per_kind_in_the_order_shown(backend: Backend) {
    use sea_orm::ConnectionTrait;
    use tambang::search::queries::{CANDIDATES, GROUP_CAP};
    let app = spawn_app(backend).await;
    let insert = |kind: &'static str, slug: &'static str, name: &'static str, n: u64| {
        let db = app.db.clone();
        async move {
            db.execute_unprepared(&format!(
                "INSERT INTO entries (kind, slug, name, status, created_at, updated_at, version) \
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
                 SELECT '{kind}', '{slug}-' || i, '{name}' || (1000 + i), 'active', \
                        CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1 FROM n"
            ))
            .await
            .expect("bulk insert");
        }
    };
    insert("enterprise", "filler", "협동조합 두레박 ", CANDIDATES + 10).await;
    // Written in reverse name order, so neither id nor insertion order gives the answer.
    for i in (0..GROUP_CAP + 5).rev() {
        insert_entry(
            &app,
            "enterprise",
            &format!("e-{i}"),
            &format!("두레박공방 {i:02}"),
        )
        .await;
        insert_entry(
            &app,
            "place",
            &format!("p-{i}"),
            &format!("두레박쉼터 {i:02}"),
        )
        .await;
    }
    insert_entry(&app, "place", "exact", "두레박").await;
    insert("outlet", "few", "두레박가게 ", 3).await;

    let json = api(&app, "두레박").await;
    let want = |prefix: &str, n: u64| {
        (0..n)
            .map(|i| format!("{prefix} {i:02}"))
            .collect::<Vec<_>>()
    };
    let mut places = vec!["두레박".to_string()];
    places.extend(want("두레박쉼터", GROUP_CAP - 1));
    assert_eq!(names(&json, "place"), places, "{json}");
    assert_eq!(names(&json, "enterprise"), want("두레박공방", GROUP_CAP));
    assert_eq!(
        names(&json, "outlet"),
        ["두레박가게 1001", "두레박가게 1002", "두레박가게 1003"]
    );
    let group = |kind: &str| {
        json["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["kind"] == kind)
            .cloned()
            .unwrap()
    };
    assert_eq!(group("enterprise")["capped"], true);
    assert!(group("enterprise")["total"].as_u64().unwrap() > CANDIDATES);
}

both_backends!(a_pair_in_most_entries_is_checked_on_the_longer_terms_matches);

/// A two-letter term in most entries (회적 in every 사회적…) beside a longer one is checked
/// with `LIKE` on the longer term's matches instead of through the bigram table; it must find
/// exactly what the bigram table would: the pair in a name, an alias or a description counts,
/// its absence excludes, and a rare pair keeps the bigram table.
async fn a_pair_in_most_entries_is_checked_on_the_longer_terms_matches(backend: Backend) {
    use sea_orm::ConnectionTrait;
    use tambang::search::{queries::dense_pairs, terms::SearchQuery};
    let app = spawn_app(backend).await;
    app.db
        .execute_unprepared(
            "INSERT INTO entries (kind, slug, name, status, created_at, updated_at, version) \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400) \
             SELECT 'enterprise', 'dense-' || i, '사회적협동조합 ' || i, 'active', \
                    CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1 FROM n",
        )
        .await
        .expect("bulk insert");
    let named = insert_entry(&app, "enterprise", "named", "사회적기업 물꼬방앗간").await;
    let described = insert_entry(&app, "enterprise", "described", "물꼬방앗간 둘").await;
    let aliased = insert_entry(&app, "outlet", "aliased", "물꼬방앗간 셋").await;
    insert_entry(&app, "enterprise", "without", "물꼬방앗간 넷").await;
    app.db
        .execute_unprepared(&format!(
            "UPDATE entries SET description = '사회적경제 현장' WHERE id = {}",
            described.id
        ))
        .await
        .unwrap();
    add_alias(&app, aliased.id, "물꼬 사회적매장").await;

    let dense = dense_pairs(&app.db, &SearchQuery::parse("회적 방앗간"))
        .await
        .unwrap();
    let sparse = dense_pairs(&app.db, &SearchQuery::parse("방앗 회적"))
        .await
        .unwrap();
    if backend == Backend::Sqlite {
        assert_eq!(dense, ["회적"]);
    } else {
        assert!(dense.is_empty(), "PostgreSQL has no bigram table");
    }
    assert!(sparse.is_empty(), "no longer term drives: {sparse:?}");
    let json = api(&app, "회적 방앗간").await;
    let mut found = all_names(&json);
    found.sort();
    let mut want = vec![named.name, described.name, aliased.name];
    want.sort();
    assert_eq!(found, want, "{json}");
    // A rare pair beside the longer term: the bigram table, same rule.
    let json = api(&app, "현장 방앗간").await;
    assert_eq!(all_names(&json), ["물꼬방앗간 둘"], "{json}");
}

both_backends!(empty_and_unmatched_queries_explain_themselves);

async fn empty_and_unmatched_queries_explain_themselves(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in ["/search", "/search?q=", "/search?q=%20%E3%80%80"] {
        let html = app.get_html(path).await;
        assert!(html.contains("입력하세요"), "{path}: hint");
        assert!(!html.contains("검색 결과가 없습니다"), "{path}");
    }
    let html = app
        .get_html(&format!("/search?q={}", encode("존재하지않는말")))
        .await;
    assert!(html.contains("검색 결과가 없습니다"));
    let json = api(&app, "").await;
    assert_eq!(json["query"], "");
    assert_eq!(json["groups"], serde_json::json!([]));
}

both_backends!(header_search_box_is_on_every_page);

async fn header_search_box_is_on_every_page(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in ["/", "/reports", "/e/성동구"] {
        let html = app.get_html(&encode_path(path)).await;
        assert!(
            html.contains("<form class=\"search\" method=\"get\" action=\"/search\""),
            "{path}"
        );
        assert!(html.contains("type=\"search\" name=\"q\""), "{path}");
        assert!(html.contains(">검색</label>"), "{path}");
    }
}

fn encode_path(path: &str) -> String {
    path.split('/').map(encode).collect::<Vec<_>>().join("/")
}

both_backends!(api_returns_groups_in_kind_order);

async fn api_returns_groups_in_kind_order(backend: Backend) {
    let app = spawn_app(backend).await;
    let json = api(&app, "성동").await;
    assert_eq!(json["query"], "성동");
    let kinds: Vec<&str> = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"district"), "{json}");
    assert!(kinds.contains(&"center") && kinds.contains(&"outlet"));
    let order: Vec<usize> = kinds
        .iter()
        .map(|k| {
            tambang::domain::EntryKind::ALL
                .iter()
                .position(|x| x.as_str() == *k)
                .unwrap()
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{kinds:?}");
    for g in json["groups"].as_array().unwrap() {
        assert!(g["total"].as_u64().unwrap() >= g["items"].as_array().unwrap().len() as u64);
        for item in g["items"].as_array().unwrap() {
            assert_eq!(item["kind"], g["kind"]);
            assert!(item["slug"].is_string() && item["name"].is_string());
        }
    }
    assert!(json["reports"]["total"].as_u64().unwrap() >= 1);
    assert!(json["reports"]["items"][0]["slug"].is_string());
}

both_backends!(groups_are_capped_but_counted);

async fn groups_are_capped_but_counted(backend: Backend) {
    let app = spawn_app(backend).await;
    // Every district's name ends in 구; there are 25 of them.
    let json = api(&app, "구").await;
    let districts = &json["groups"][0];
    assert_eq!(districts["kind"], "district");
    assert_eq!(districts["total"], 25);
    assert_eq!(
        districts["items"].as_array().unwrap().len() as u64,
        tambang::search::queries::GROUP_CAP
    );
    let html = app.get_html(&format!("/search?q={}", encode("구"))).await;
    assert!(html.contains("25건") && html.contains("상위 20건만"));
}

both_backends!(common_words_read_a_bounded_sample_but_exact_names_still_rank_first);

/// More than `CANDIDATES` entries contain the word: the search stops reading there (totals say
/// "이상"), yet the entry named exactly as the query, written after all of them, ranks first
/// because exact and prefix names come from their own index.
async fn common_words_read_a_bounded_sample_but_exact_names_still_rank_first(backend: Backend) {
    use sea_orm::ConnectionTrait;
    let app = spawn_app(backend).await;
    let many = tambang::search::queries::CANDIDATES + 50;
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO entries (kind, slug, name, status, created_at, updated_at, version) \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {many}) \
             SELECT 'enterprise', 'gongtong-' || i, '협동조합 공통어 ' || i, 'active', \
                    CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1 FROM n"
        ))
        .await
        .expect("bulk insert");
    insert_entry(&app, "enterprise", "gongtong-exact", "공통어").await;
    insert_entry(
        &app,
        "enterprise",
        "gongtong-prefix",
        "공통어마을 사회적협동조합",
    )
    .await;

    let json = api(&app, "공통어").await;
    let group = &json["groups"][0];
    assert_eq!(group["kind"], "enterprise", "{json}");
    assert_eq!(group["capped"], true);
    let top = names(&json, "enterprise");
    assert_eq!(top[0], "공통어", "{top:?}");
    assert_eq!(
        top[1], "공통어마을 사회적협동조합",
        "then the names that start with it: {top:?}"
    );
    assert!(
        top[2].starts_with("협동조합 공통어 "),
        "then the rest: {top:?}"
    );
    let html = app
        .get_html(&format!("/search?q={}", encode("공통어")))
        .await;
    // The kind's count is what was read of it, as a lower bound.
    let read = group["total"].as_u64().unwrap();
    assert!(read > tambang::search::queries::CANDIDATES, "{json}");
    assert!(
        html.contains(&format!("{}건 이상", tambang::web::format::thousands(read))),
        "{html}"
    );
    assert!(html.contains("1,000건까지만 살펴"), "{html}");

    // Two characters take the bigram index on SQLite: it follows renames and aliases.
    let json = api(&app, "통어").await;
    assert_eq!(json["groups"][0]["capped"], true);
    let exact = tambang::directory::queries::find_by_slug(&app.db, "gongtong-exact")
        .await
        .unwrap()
        .unwrap();
    let rename = |name: &'static str| {
        let db = app.db.clone();
        async move {
            db.execute_unprepared(&format!(
                "UPDATE entries SET name = '{name}' WHERE id = {}",
                exact.id
            ))
            .await
            .unwrap();
        }
    };
    rename("별난이름").await;
    assert!(names(&api(&app, "별난").await, "enterprise").contains(&"별난이름".to_string()));
    rename("새이름").await;
    assert!(
        api(&app, "별난").await["groups"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(names(&api(&app, "이름").await, "enterprise").contains(&"새이름".to_string()));
    add_alias(&app, exact.id, "별칭둘").await;
    assert!(names(&api(&app, "칭둘").await, "enterprise").contains(&"새이름".to_string()));

    // The pairs are cut from 65-character chunks that overlap by one: pairs at the seam count.
    for (slug, lead) in [("seam-a", 63), ("seam-b", 64), ("seam-c", 65)] {
        let name = format!("{}뷁쀍", "가".repeat(lead));
        insert_entry(&app, "place", slug, &name).await;
    }
    assert_eq!(names(&api(&app, "뷁쀍").await, "place").len(), 3);
}

both_backends!(a_name_typed_with_its_particle_finds_the_entry_and_says_so);

/// A name copied out of a sentence keeps its particle (소영씨스토어를, 와디즈에서): when no
/// entry is found by name as typed (㈜오엠인터렉트 is, by its description "소영씨스토어를
/// 운영하는 회사"), the entries are found without the particle, and the page says which words
/// found them; reports are still searched as typed.
async fn a_name_typed_with_its_particle_finds_the_entry_and_says_so(backend: Backend) {
    let app = spawn_app(backend).await;
    let plain = api(&app, "소영씨스토어").await;
    assert!(plain.get("entries_searched_as").is_none(), "{plain}");
    let json = api(&app, "소영씨스토어를").await;
    assert_eq!(json["entries_searched_as"], "소영씨스토어", "{json}");
    assert_eq!(all_names(&json), all_names(&plain), "{json}");
    assert!(names(&json, "outlet").contains(&"소영씨스토어".to_string()));
    assert!(names(&json, "partner").contains(&"㈜오엠인터렉트".to_string()));

    let html = app
        .get_html(&format!("/search?q={}", encode("소영씨스토어를")))
        .await;
    assert!(
        html.contains("‘소영씨스토어를’(으)로는 이름이 맞는 항목이 없어, 조사를 뗀 ‘소영씨스토어’(으)로 찾은 항목입니다."),
        "{html}"
    );
    // The entry's name is marked with the words that found it.
    assert!(html.contains("<mark>소영씨스토어</mark>"), "{html}");

    // A name found as typed is left alone; a word that is a name plus its particle is cut.
    let typed = api(&app, "사계절공정여행").await;
    assert!(typed.get("entries_searched_as").is_none());
    assert!(all_names(&typed).contains(&"사계절공정여행".to_string()));
    let stemmed = api(&app, "바른참이").await;
    assert_eq!(stemmed["entries_searched_as"], "바른참");
    // Nothing found either way: no note, no results.
    let none = api(&app, "없는이름을").await;
    assert!(none.get("entries_searched_as").is_none());
    assert!(all_names(&none).is_empty());
}
