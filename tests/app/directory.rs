//! Directory editing through the HTML forms, as an editor without JavaScript would do it.

use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use tambang::domain::Role;
use tambang::entities::{alias, audit_log, entry, link, report_stop};

use crate::both_backends;
use crate::helpers::{Backend, Client, encode, spawn_app};

fn location(r: &crate::helpers::Reply) -> String {
    r.location().unwrap_or_default().to_string()
}

async fn create(c: &mut Client<'_>, fields: &[(&str, &str)]) -> String {
    let r = c.post_form("/entries", fields).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "create {fields:?}: {}",
        r.body
    );
    location(&r)
}

/// (kind, form fields, text the entry page must then show)
type Case = (
    &'static str,
    Vec<(&'static str, &'static str)>,
    &'static str,
);

both_backends!(every_kind_round_trips_through_the_forms);

async fn every_kind_round_trips_through_the_forms(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let cases: Vec<Case> = vec![
        (
            "district",
            vec![
                ("name", "테스트구"),
                ("code", "26110"),
                ("population", "12,345"),
            ],
            "26110",
        ),
        (
            "center",
            vec![
                ("name", "테스트 사회적경제지원센터"),
                ("operating_mode", "consigned"),
                ("operator", "아모레퍼시픽"),
                ("head", "홍길동"),
                ("opened_on", "2019.03.02"),
            ],
            "홍길동",
        ),
        (
            "enterprise",
            vec![
                ("name", "(주)테스트협동"),
                ("cert_type", "certified"),
                ("cert_no", "제2019-101호"),
                ("biz_reg_no", "124-81-00998"),
                ("social_purpose", "일자리제공형"),
                ("district", "11200"),
            ],
            "제2019-101호",
        ),
        (
            "outlet",
            vec![
                ("name", "테스트 판매장"),
                ("channel", "joint_shop"),
                ("url", "shop.example.org"),
            ],
            "https://shop.example.org",
        ),
        (
            "partner",
            vec![
                ("name", "테스트 재단"),
                ("website", "https://foundation.example.org"),
            ],
            "foundation.example.org",
        ),
        (
            "program",
            vec![
                ("name", "테스트 프로그램"),
                ("sponsor", "아모레퍼시픽"),
                ("period", "2024년"),
            ],
            "2024년",
        ),
        (
            "place",
            vec![
                ("name", "테스트 광장"),
                ("lat", "37.55"),
                ("lng", "127.04"),
                ("district", "11200"),
            ],
            "37.55000, 127.04000",
        ),
    ];
    for (kind, fields, shown) in cases {
        let form = editor.get(&format!("/entries/new?kind={kind}")).await;
        assert_eq!(form.status, StatusCode::OK);
        let mut all = vec![("kind", kind)];
        all.extend(fields.iter().copied());
        let url = create(&mut editor, &all).await;
        let page = editor.get(&url).await.body;
        assert!(page.contains(shown), "{kind}: {shown} not on {url}");

        // Edit: rename, keep everything else.
        let slug = url.trim_start_matches("/e/").to_string();
        assert!(slug.is_ascii(), "redirects carry encoded slugs");
        let edit = editor.get(&format!("/e/{slug}/edit")).await.body;
        assert!(
            edit.contains("name=\"version\" value=\"1\""),
            "{kind}: version in form"
        );
        let mut edited = all.clone();
        let new_name = format!("{} 고침", fields[0].1);
        edited.retain(|(k, _)| *k != "name");
        edited.push(("name", &new_name));
        edited.push(("version", "1"));
        let r = editor.post_form(&format!("/e/{slug}/edit"), &edited).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{kind} edit: {}", r.body);
        let page = editor.get(&location(&r)).await.body;
        assert!(
            page.contains(&new_name) && page.contains(shown),
            "{kind}: edit kept the details"
        );

        // Archive, then delete as an admin.
        assert_eq!(
            editor
                .post_form(&format!("/e/{slug}/archive"), &[])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        assert!(editor.get(&url).await.body.contains("종료"));
    }
    let row = entry::Entity::find()
        .filter(entry::Column::Slug.eq("테스트-광장"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.version, 3, "created, edited, archived");
    let mut admin = app.signed_in("admin@example.org", Role::Admin).await;
    assert_eq!(
        editor
            .post_form(
                &format!("/e/{}/delete", encode("테스트-광장")),
                &[("confirm", "yes")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        admin
            .post_form(
                &format!("/e/{}/delete", encode("테스트-광장")),
                &[("confirm", "yes")]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(
        entry::Entity::find_by_id(row.id)
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
    let trail = audit_log::Entity::find()
        .filter(audit_log::Column::TableName.eq("entries"))
        .filter(audit_log::Column::RowId.eq(row.id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(trail, 4, "create, update, archive, delete");
}

both_backends!(validation_errors_sit_next_to_their_fields_and_keep_the_input);

async fn validation_errors_sit_next_to_their_fields_and_keep_the_input(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let r = editor
        .post_form(
            "/entries",
            &[
                ("kind", "enterprise"),
                ("name", "검증 테스트"),
                ("cert_type", "certified"),
                ("cert_no", "2007년 1번"),
                ("biz_reg_no", "123-45-67890"),
                ("lat", "137.5"),
                ("lng", "127"),
                ("website", "javascript:alert(1)"),
                ("cert_date", "2007-02-30"),
                ("district", "11999"),
                ("operator", "없는 기관"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for (field, message) in [
        ("cert_no", "제2007-001호"),
        ("biz_reg_no", "사업자등록번호"),
        ("lat", "위도"),
        ("website", "웹 주소"),
        ("cert_date", "날짜 형식"),
    ] {
        assert!(
            r.body.contains(&format!("id=\"f-{field}-error\"")),
            "{field} error shown by the field"
        );
        assert!(r.body.contains(message), "{field}: {message}");
    }
    assert!(r.body.contains("value=\"2007년 1번\""), "typed value kept");
    assert!(r.body.contains("value=\"검증 테스트\""));
    assert_eq!(
        entry::Entity::find()
            .filter(entry::Column::Name.eq("검증 테스트"))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );

    // References are checked once the fields parse.
    let r = editor
        .post_form(
            "/entries",
            &[
                ("kind", "outlet"),
                ("name", "참조 테스트"),
                ("channel", "popup"),
                ("operator", "없는 기관"),
                ("district", "11999"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("없는 기관") && r.body.contains("항목이 없습니다"));
    assert!(r.body.contains("등록되지 않은 자치구 코드"));
}

both_backends!(duplicates_are_flagged_before_saving);

async fn duplicates_are_flagged_before_saving(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    create(
        &mut editor,
        &[
            ("kind", "enterprise"),
            ("name", "㈜중복협동"),
            ("cert_type", "certified"),
            ("cert_no", "제2020-001호"),
            ("biz_reg_no", "124-81-00998"),
            ("district", "11200"),
            ("lat", "37.5500"),
            ("lng", "127.0400"),
        ],
    )
    .await;

    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[("name", "전혀 다른 이름"), ("cert_no", "제2020-001호")],
            "인증번호",
        ),
        (
            &[("name", "다른 이름 둘"), ("biz_reg_no", "1248100998")],
            "사업자등록번호",
        ),
        (
            &[("name", "중복협동 주식회사"), ("district", "11200")],
            "이름이 같은",
        ),
        (
            &[
                ("name", "중복협동성수"),
                ("lat", "37.5505"),
                ("lng", "127.0402"),
            ],
            "m 안에 비슷한 이름",
        ),
    ];
    for (fields, reason) in cases {
        let mut all = vec![("kind", "enterprise"), ("cert_type", "general")];
        all.extend_from_slice(fields);
        let r = editor.post_form("/entries", &all).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{reason}");
        assert!(r.body.contains(reason), "{reason}: {}", r.body);
        assert!(r.body.contains("name=\"confirm_duplicates\""));
    }
    // Confirming saves anyway.
    let mut all = vec![
        ("kind", "enterprise"),
        ("cert_type", "general"),
        ("name", "중복협동 주식회사"),
        ("district", "11200"),
        ("confirm_duplicates", "1"),
    ];
    all.truncate(5);
    create(&mut editor, &all).await;
    assert_eq!(
        entry::Entity::find()
            .filter(entry::Column::NameKey.eq("중복협동"))
            .count(&app.db)
            .await
            .unwrap(),
        2
    );
}

both_backends!(a_stale_edit_is_refused_with_a_diff_and_nothing_is_lost);

async fn a_stale_edit_is_refused_with_a_diff_and_nothing_is_lost(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut a = app.signed_in("a@example.org", Role::Editor).await;
    let mut b = app.signed_in("b@example.org", Role::Editor).await;
    let slug = encode("서울숲");
    let first = a
        .post_form(
            &format!("/e/{slug}/edit"),
            &[
                ("name", "서울숲 공원"),
                ("version", "1"),
                ("lat", "37.5444"),
                ("lng", "127.0374"),
                ("district", "11200"),
            ],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let second = b
        .post_form(
            &format!("/e/{slug}/edit"),
            &[
                ("name", "서울의 숲"),
                ("version", "1"),
                ("description", "B가 쓴 설명"),
            ],
        )
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(
        second
            .body
            .contains("다른 사람이 먼저 이 항목을 고쳤습니다")
    );
    assert!(second.body.contains("서울숲 공원"), "their value shown");
    assert!(
        second.body.contains("value=\"서울의 숲\"") && second.body.contains("B가 쓴 설명"),
        "my input kept"
    );
    let row = entry::Entity::find()
        .filter(entry::Column::Slug.eq("서울숲"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.name, "서울숲 공원");
    assert_eq!(row.version, 2);
}

both_backends!(an_outlet_linked_to_three_enterprises_shows_the_links_on_both_sides);

/// The journey: create an outlet, link three enterprises to it, see both sides.
async fn an_outlet_linked_to_three_enterprises_shows_the_links_on_both_sides(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let url = create(
        &mut editor,
        &[
            ("kind", "outlet"),
            ("name", "성수 나눔가게"),
            ("channel", "offline_store"),
            ("district", "11200"),
        ],
    )
    .await;
    let slug = url.trim_start_matches("/e/").to_string();
    for enterprise in ["바른참", "사계절공정여행", "데모마을부엌"] {
        let r = editor
            .post_form(
                &format!("/e/{slug}/links"),
                &[
                    ("link_type", "sells_at"),
                    ("direction", "in"),
                    ("other", enterprise),
                    ("since", "2024.03.01"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{enterprise}: {}", r.body);
    }
    let outlet = editor.get(&url).await.body;
    assert_eq!(
        outlet
            .matches("<span class=\"chip\">입점 기업</span>")
            .count(),
        3,
        "reverse label three times"
    );
    assert!(outlet.contains("href=\"/e/바른참\"") && outlet.contains("2024년 3월 1일"));
    let enterprise = editor.get(&format!("/e/{}", encode("바른참"))).await.body;
    assert!(
        enterprise.contains("<span class=\"chip\">입점 판로</span>")
            && enterprise.contains("성수 나눔가게")
    );

    // Errors stay next to the link form, typed text kept.
    let r = editor
        .post_form(
            &format!("/e/{slug}/links"),
            &[
                ("link_type", "sells_at"),
                ("direction", "in"),
                ("other", "없는기업"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("value=\"없는기업\"") && r.body.contains("항목이 없습니다"));
    let dup = editor
        .post_form(
            &format!("/e/{slug}/links"),
            &[
                ("link_type", "sells_at"),
                ("direction", "in"),
                ("other", "바른참"),
            ],
        )
        .await;
    assert!(dup.body.contains("이미 같은 연결이 있습니다"));

    // Aliases: add, refuse a repeat, remove.
    let r = editor
        .post_form(
            &format!("/e/{slug}/aliases"),
            &[("alias_name", "나눔가게"), ("alias_type", "abbreviation")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let again = editor
        .post_form(
            &format!("/e/{slug}/aliases"),
            &[("alias_name", "나눔가게"), ("alias_type", "abbreviation")],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("이미 있는 별칭입니다"));
    let a = alias::Entity::find()
        .filter(alias::Column::Name.eq("나눔가게"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let r = editor
        .post_form(&format!("/e/{slug}/aliases/{}/delete", a.id), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        alias::Entity::find_by_id(a.id)
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );

    // Unlink one.
    let l = link::Entity::find()
        .filter(link::Column::LinkType.eq("sells_at"))
        .all(&app.db)
        .await
        .unwrap();
    let ours = l.iter().find(|l| l.since.is_some()).unwrap();
    assert_eq!(
        editor
            .post_form(&format!("/e/{slug}/links/{}/delete", ours.id), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        editor
            .get(&url)
            .await
            .body
            .matches("<span class=\"chip\">입점 기업</span>")
            .count(),
        2
    );
}

both_backends!(merge_moves_everything_to_the_survivor_in_one_audited_step);

async fn merge_moves_everything_to_the_survivor_in_one_audited_step(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut admin = app.signed_in("admin@example.org", Role::Admin).await;
    // A duplicate of 소영씨스토어 with its own alias and link, and a report stop at it.
    let url = create(
        &mut admin,
        &[
            ("kind", "outlet"),
            ("name", "소영씨 스토어 성수점"),
            ("channel", "offline_store"),
            ("confirm_duplicates", "1"),
        ],
    )
    .await;
    let dup_slug = url.trim_start_matches("/e/").to_string();
    admin
        .post_form(
            &format!("/e/{dup_slug}/aliases"),
            &[("alias_name", "소영씨 성수"), ("alias_type", "other")],
        )
        .await;
    admin
        .post_form(
            &format!("/e/{dup_slug}/links"),
            &[
                ("link_type", "sells_at"),
                ("direction", "in"),
                ("other", "바른참"),
            ],
        )
        .await;
    admin
        .post_form(
            &format!("/e/{dup_slug}/links"),
            &[
                ("link_type", "operates"),
                ("direction", "in"),
                ("other", "오엠인터렉트"),
            ],
        )
        .await;
    let dup = entry::Entity::find()
        .filter(entry::Column::Name.eq("소영씨 스토어 성수점"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let store = entry::Entity::find()
        .filter(entry::Column::Slug.eq("소영씨스토어"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let stops_before = report_stop::Entity::find()
        .filter(report_stop::Column::EntryId.eq(store.id))
        .count(&app.db)
        .await
        .unwrap();

    let form = admin
        .get(&format!("/e/{}/merge", encode("소영씨스토어")))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let bad = admin
        .post_form(
            &format!("/e/{}/merge", encode("소영씨스토어")),
            &[("other", "서울숲")],
        )
        .await;
    assert!(
        bad.body.contains("종류가 같은 항목만"),
        "different kinds refused"
    );
    let r = admin
        .post_form(
            &format!("/e/{}/merge", encode("소영씨스토어")),
            &[("other", &dup.slug)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    assert!(
        entry::Entity::find_by_id(dup.id)
            .one(&app.db)
            .await
            .unwrap()
            .is_none(),
        "merged entry gone"
    );
    let names: Vec<String> = alias::Entity::find()
        .filter(alias::Column::EntryId.eq(store.id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert!(
        names.contains(&"소영씨 성수".to_string()),
        "alias moved: {names:?}"
    );
    assert!(
        names.contains(&"소영씨 스토어 성수점".to_string()),
        "old name kept as alias"
    );
    let operates = link::Entity::find()
        .filter(link::Column::ToId.eq(store.id))
        .filter(link::Column::LinkType.eq("operates"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(operates, 1, "duplicate operates link dropped");
    let sells = link::Entity::find()
        .filter(link::Column::ToId.eq(store.id))
        .filter(link::Column::LinkType.eq("sells_at"))
        .all(&app.db)
        .await
        .unwrap();
    assert!(
        sells.iter().any(|l| l.from_id != store.id),
        "sells_at moved"
    );
    assert_eq!(
        report_stop::Entity::find()
            .filter(report_stop::Column::EntryId.eq(store.id))
            .count(&app.db)
            .await
            .unwrap(),
        stops_before
    );
    let merge_row = audit_log::Entity::find()
        .filter(audit_log::Column::TableName.eq("entries"))
        .filter(audit_log::Column::RowId.eq(store.id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|a| {
            a.changes
                .as_ref()
                .is_some_and(|c| c.get("merged_from").is_some())
        })
        .expect("merge audited");
    assert_eq!(merge_row.actor, "admin@example.org");
    let history_moved = audit_log::Entity::find()
        .filter(audit_log::Column::TableName.eq("outlet_details"))
        .filter(audit_log::Column::RowId.eq(store.id))
        .count(&app.db)
        .await
        .unwrap();
    assert!(
        history_moved >= 2,
        "the merged entry's history now belongs to the survivor"
    );
    let page = admin
        .get(&format!("/e/{}", encode("소영씨스토어")))
        .await
        .body;
    assert!(page.contains("소영씨 성수") && page.contains("merged_from"));
}

both_backends!(list_filters_show_facet_counts_and_keep_filters_across_pages);

async fn list_filters_show_facet_counts_and_keep_filters_across_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    for i in 0..55 {
        let name = format!("필터기업 {i:02}");
        let cert = if i % 5 == 0 { "village" } else { "certified" };
        let verified = if i < 50 { "2024-06-01" } else { "" };
        create(
            &mut editor,
            &[
                ("kind", "enterprise"),
                ("name", &name),
                ("cert_type", cert),
                ("district", "11440"),
                ("last_verified_on", verified),
                ("service_field", "돌봄"),
            ],
        )
        .await;
    }
    let mapo = entry::Entity::find()
        .filter(entry::Column::Slug.eq("마포구"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut anon = app.client();
    let all = anon.get("/enterprises").await.body;
    assert!(all.contains("마포구 (55)"), "district facet counts");
    let in_mapo = anon
        .get(&format!("/enterprises?district={}", mapo.id))
        .await
        .body;
    assert!(in_mapo.contains("마을기업 (11)"), "cert type facet");
    assert!(in_mapo.contains("돌봄 (55)"), "service field facet");

    let village = anon
        .get(&format!(
            "/enterprises?district={}&cert_type=village",
            mapo.id
        ))
        .await
        .body;
    assert!(village.contains("조건에 맞는 항목 11곳"));
    assert!(
        village.contains("인증 사회적기업 (44)"),
        "other facets count without their own filter"
    );

    let certified = anon
        .get(&format!(
            "/enterprises?district={}&cert_type=certified&sort=name",
            mapo.id
        ))
        .await
        .body;
    assert!(certified.contains("조건에 맞는 항목 44곳"));
    let unverified = anon
        .get("/enterprises?not_verified_since=2024-01-01")
        .await
        .body;
    assert!(unverified.contains("필터기업 50") && !unverified.contains("필터기업 01"));

    // 55 + the demo's enterprises in one list: page 2 keeps the filter.
    let first = anon
        .get(&format!("/enterprises?district={}", mapo.id))
        .await
        .body;
    let next = format!("/enterprises?district={}&amp;page=2", mapo.id);
    assert!(first.contains(&next), "pager keeps the filter");
    let second = anon
        .get(&format!("/enterprises?district={}&page=2", mapo.id))
        .await
        .body;
    assert!(second.contains("필터기업 54") && !second.contains("필터기업 00"));

    // The district page lists what is in it, by kind, with a link to the full list.
    let district = anon.get(&format!("/e/{}", encode("마포구"))).await.body;
    assert!(district.contains("이 자치구의 항목") && district.contains("55곳"));
    assert!(district.contains(&format!("/enterprises?district={}", mapo.id)));

    // Nonsense filters are ignored, never an error.
    let odd = anon
        .get("/enterprises?district=abc&cert_type=%27%3B--&sort=zzz&not_verified_since=yesterday")
        .await;
    assert_eq!(odd.status, StatusCode::OK);
}

both_backends!(list_index_pages_and_counts_as_the_sql_does);

/// The list route pages and counts in memory ([`ListIndex`]); the SQL in `filters` states the
/// same rules for the API and the export. On generated data (every kind, all facet values,
/// entries never verified) both must give the same ids in the same order, the same totals and
/// the same facet counts for every filter, order and page tried.
async fn list_index_pages_and_counts_as_the_sql_does(backend: Backend) {
    use tambang::directory::filters::{ListFilter, Sort, facets, list_filtered};
    use tambang::directory::list_index::ListIndex;
    use tambang::domain::{
        CenterMode, CertType, EntryKind, EntryStatus, OutletChannel, SocialPurpose,
    };

    let (db, _url, _guard) = crate::helpers::fresh_db(backend).await;
    tambang::demo::load(&db).await.unwrap();
    tambang::bench::generate(&db, 400, 11).await.unwrap();
    let districts: Vec<i64> = entry::Entity::find()
        .filter(entry::Column::Kind.eq("district"))
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.id)
        .collect();
    let fields: Vec<String> = tambang::entities::enterprise_detail::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|d| d.service_field)
        .collect();
    assert!(!fields.is_empty());

    // A fixed pseudo-random walk over the filter space (same cases on every run).
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        ((seed >> 33) as usize) % n.max(1)
    };
    let mut compared = 0;
    for kind in EntryKind::ALL.iter().copied() {
        let index = ListIndex::load(&db, kind).await.unwrap();
        for case in 0..40 {
            let mut f = ListFilter::default();
            if next(2) == 0 {
                f.district = Some(districts[next(districts.len())]);
            }
            if next(3) == 0 {
                f.status = Some(EntryStatus::ALL[next(EntryStatus::ALL.len())]);
            }
            if next(2) == 0 {
                f.cert_type = Some(CertType::ALL[next(CertType::ALL.len())]);
            }
            if next(3) == 0 {
                f.social_purpose = Some(SocialPurpose::ALL[next(SocialPurpose::ALL.len())]);
            }
            if next(3) == 0 {
                f.service_field = Some(if next(4) == 0 {
                    "없는 분야".to_string()
                } else {
                    fields[next(fields.len())].clone()
                });
            }
            if next(2) == 0 {
                f.channel = Some(OutletChannel::ALL[next(OutletChannel::ALL.len())]);
            }
            if next(2) == 0 {
                f.operating_mode = Some(CenterMode::ALL[next(CenterMode::ALL.len())]);
            }
            if next(3) == 0 {
                f.not_verified_since =
                    chrono::NaiveDate::from_ymd_opt(2024, 1 + next(12) as u32, 1);
            }
            f.sort = [
                Sort::Name,
                Sort::RecentlyUpdated,
                Sort::LeastRecentlyVerified,
            ][case % 3];
            let per_page = [7, 50][next(2)];
            let page = 1 + next(3) as u64;

            let (sql_rows, sql_pager) = list_filtered(&db, kind, &f, page, per_page).await.unwrap();
            let (mem_rows, mem_pager) = index.listed(&db, &f, page, per_page).await.unwrap();
            let ids = |rows: &[tambang::directory::queries::ListedEntry]| -> Vec<i64> {
                rows.iter().map(|r| r.entry.id).collect()
            };
            assert_eq!(ids(&mem_rows), ids(&sql_rows), "{kind:?} {f:?} page {page}");
            assert_eq!(mem_pager.total, sql_pager.total, "{kind:?} {f:?}");
            assert_eq!(
                mem_rows
                    .iter()
                    .map(|r| r.district.as_ref().map(|d| d.id))
                    .collect::<Vec<_>>(),
                sql_rows
                    .iter()
                    .map(|r| r.district.as_ref().map(|d| d.id))
                    .collect::<Vec<_>>()
            );

            let mut sql = facets(&db, kind, &f).await.unwrap();
            sql.district.sort_unstable();
            assert_eq!(index.facets(&f), sql, "{kind:?} {f:?}");
            compared += 1;
        }
    }
    assert_eq!(compared, 40 * EntryKind::ALL.len());
}

both_backends!(deleting_an_entry_asks_first_and_says_what_goes_with_it);

/// 바른참 is a stop of the demo report, named in its text and in one of its takeaways: the
/// admin is told so before deleting; an unticked box deletes nothing; after the deletion the
/// stop still reads 바른참.
async fn deleting_an_entry_asks_first_and_says_what_goes_with_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let url = format!("/e/{}", encode("바른참"));
    let confirm = format!("{url}/delete");
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    assert_eq!(editor.get(&confirm).await.status, StatusCode::FORBIDDEN);
    let mut admin = app.signed_in("admin@example.org", Role::Admin).await;
    let panel = admin.get(&url).await.body;
    assert!(
        panel.contains("<a href=\"/e/바른참/delete\">삭제</a>"),
        "the entry page links the confirmation; no button deletes at once"
    );
    let page = admin.get(&confirm).await;
    assert_eq!(page.status, StatusCode::OK);
    for told in [
        "탐방 일정 <strong>1개</strong>",
        "할 일 <strong>1개</strong>",
        "보고서 본문의 언급 <strong>",
        "다른 항목과 합치기",
        "name=\"confirm\" value=\"yes\" required",
    ] {
        assert!(page.body.contains(told), "{told}: {}", page.body);
    }
    let find = || {
        entry::Entity::find()
            .filter(entry::Column::Slug.eq("바른참"))
            .one(&app.db)
    };
    assert!(find().await.unwrap().is_some(), "the demo's entry");

    let unticked = admin.post_form(&confirm, &[]).await;
    assert_eq!(unticked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unticked.body.contains("삭제하려면 확인란에 표시하세요"));
    assert!(unticked.body.contains("aria-invalid=\"true\""));
    assert!(find().await.unwrap().is_some(), "nothing deleted");

    let r = admin.post_form(&confirm, &[("confirm", "yes")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(find().await.unwrap().is_none());
    let stops = report_stop::Entity::find()
        .filter(report_stop::Column::Label.eq("바른참"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(stops.len(), 1, "the stop keeps the name as its text");
    assert_eq!(stops[0].entry_id, None);
    let trail = audit_log::Entity::find()
        .filter(audit_log::Column::TableName.eq("report_stops"))
        .filter(audit_log::Column::RowId.eq(stops[0].id))
        .count(&app.db)
        .await
        .unwrap();
    assert!(trail >= 1, "the stop's change is audited");
    let report = app
        .client()
        .get("/reports/seongdong-visit-2023-12")
        .await
        .body;
    assert!(
        report.contains("바른참</li>") || report.contains("바른참<br>"),
        "itinerary still says 바른참"
    );
}
