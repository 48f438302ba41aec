//! Importing public enterprise lists: encodings, layouts, hostile files, dedupe, strict mode,
//! idempotent re-import and the snapshot diff, on both backends. Fixtures are written here.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use tambang::audit::Actor;
use tambang::entities::{
    audit_log, enterprise_detail, entry, import, import_entry, import_row_error,
};
use tambang::error::AppError;
use tambang::import::ImportOptions;
use tambang::import::apply::{ImportReport, run};

use crate::both_backends;
use crate::helpers::{Backend, TestApp, spawn_app};

const HEADER: &str = "지역,인증번호,기관명,사업내용,사회적목적실현유형,사회서비스분야,사업자등록번호,대표자,소재지,홈페이지,인증일자,인증회차";

/// A ministry-layout list: two title rows, a blank line, the header, `rows`, a subtotal.
fn ministry_list(rows: &[&str]) -> String {
    let mut s = String::from("사회적기업 인증현황\r\n(2024.12.31 기준)\r\n\r\n");
    s.push_str(HEADER);
    s.push_str("\r\n");
    for r in rows {
        s.push_str(r);
        s.push_str("\r\n");
    }
    s.push_str("합계,,,,,,,,,,,\r\n");
    s
}

fn cp949(s: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::EUC_KR.encode(s);
    assert!(!unmappable);
    bytes.into_owned()
}

const DASOMI: &str = "서울,2007-001,(재)다솜이재단,간병 서비스,사회서비스제공형,보건,124-81-00998,김가나,03993 서울특별시 마포구 동교로27길 3-10,www.dasomi.org,2007.10.31,1";
const BAD_BIZ: &str =
    "서울,2012-002,나쁜번호기업,x,혼합형,,123-45-67890,박,서울 중구 세종대로 110,,2012-01-01,2";
const BARUN: &str = "서울,,㈜바른참,도시락,일자리제공형,,,이다라,서울 성동구 왕십리로 1,,20100105,";

async fn import(
    app: &TestApp,
    bytes: &[u8],
    opts: &ImportOptions,
) -> Result<ImportReport, AppError> {
    run(&app.db, &Actor::system("test"), bytes, opts, &mut |_| {}).await
}

fn opts(source: Option<&str>) -> ImportOptions {
    let mut o = ImportOptions::new("list.csv");
    o.source = source.map(str::to_string);
    o
}

async fn entry_named(app: &TestApp, name: &str) -> Option<entry::Model> {
    entry::Entity::find()
        .filter(entry::Column::Name.eq(name))
        .one(&app.db)
        .await
        .unwrap()
}

both_backends!(
    cp949_ministry_list_applies_good_rows_and_reports_the_bad_one,
    utf8_bom_tabs_and_header_synonyms,
    strict_mode_applies_nothing,
    reimport_changes_nothing_and_dedupes_against_demo_entries,
    hostile_files,
    snapshot_diff_and_close_missing,
    a_list_longer_than_a_batch_keeps_every_row_with_its_own_entry,
    imported_entries_take_ids_never_given_before_and_leave_later_ones_free,
);

async fn cp949_ministry_list_applies_good_rows_and_reports_the_bad_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let bytes = cp949(&ministry_list(&[DASOMI, BAD_BIZ]));
    let r = import(&app, &bytes, &opts(Some("moel"))).await.unwrap();
    assert_eq!((r.encoding, r.header_line), ("CP949", 4));
    assert_eq!((r.total, r.new, r.rejected, r.skipped), (2, 1, 1, 1));
    assert!(r.applied);
    let err = &r.errors[0];
    assert_eq!(err.line, 6, "the bad row's physical line");
    assert_eq!(err.column.as_deref(), Some("사업자등록번호"));
    assert_eq!(err.value.as_deref(), Some("123-45-67890"));
    let e = entry_named(&app, "(재)다솜이재단").await.expect("imported");
    assert_eq!(
        e.address.as_deref(),
        Some("서울특별시 마포구 동교로27길 3-10")
    );
    assert!(e.district_id.is_some(), "placed from the address");
    let d = enterprise_detail::Entity::find_by_id(e.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.cert_no.as_deref(), Some("제2007-001호"));
    assert_eq!(d.cert_type, "certified");
    assert_eq!(d.biz_reg_no.as_deref(), Some("124-81-00998"));
    let rec = import::Entity::find_by_id(r.import_id.expect("recorded"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (rec.status.as_str(), rec.encoding.as_deref()),
        ("applied", Some("CP949"))
    );
    assert_eq!((rec.rows_new, rec.rows_rejected), (1, 1));
    assert_eq!(rec.sha256.len(), 64);
    let errors = import_row_error::Entity::find()
        .filter(import_row_error::Column::ImportId.eq(rec.id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 6);
    assert!(
        errors[0]
            .raw
            .as_deref()
            .unwrap_or_default()
            .contains("나쁜번호기업")
    );
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::TableName.eq("entries"))
        .filter(audit_log::Column::RowId.eq(e.id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(audited.len(), 1, "the creation is audited");
    // Written in bulk as JSON text, read back as the JSON object a single insert records.
    let a = &audited[0];
    assert_eq!((a.action.as_str(), a.actor.as_str()), ("create", "test"));
    let changes = a.changes.as_ref().expect("changes");
    assert_eq!(changes["name"], serde_json::json!([null, "(재)다솜이재단"]));
    assert_eq!(changes["slug"][1], serde_json::json!(e.slug));
    assert!(changes.get("version").is_none() && changes.get("updated_at").is_none());
    assert_eq!(a.summary, None, "no value too long for a line");
    let detail_audit = audit_log::Entity::find()
        .filter(audit_log::Column::TableName.eq("enterprise_details"))
        .filter(audit_log::Column::RowId.eq(e.id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the detail's creation is audited");
    assert_eq!(
        detail_audit.changes.expect("changes")["cert_no"],
        serde_json::json!([null, "제2007-001호"])
    );
}

async fn utf8_bom_tabs_and_header_synonyms(backend: Backend) {
    let app = spawn_app(backend).await;
    let text = "\u{FEFF}업체명\t대표자명\t사업장주소\t지정일\t비고\n\"둥근숲 사회적협동조합\"\t최\t서울시 은평구 통일로 1\t2019년 3월 2일\t메모\n짧은행\n";
    let mut o = opts(None);
    o.default_cert_type = tambang::domain::CertType::SocialCooperative;
    let r = import(&app, text.as_bytes(), &o).await.unwrap();
    assert_eq!(r.encoding, "UTF-8 (BOM)");
    assert_eq!(r.delimiter, "탭 (tab)");
    assert_eq!((r.new, r.rejected), (2, 0), "{:?}", r.errors);
    let e = entry_named(&app, "둥근숲 사회적협동조합").await.unwrap();
    assert!(e.district_id.is_some());
    let d = enterprise_detail::Entity::find_by_id(e.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.cert_type, "social_cooperative");
    assert_eq!(
        d.cert_date.map(|d| d.to_string()).as_deref(),
        Some("2019-03-02")
    );
    // Plain UTF-8, comma-separated, same result for a fresh name.
    let plain = "기업명,대표자\n플레인기업,김\n";
    let r = import(&app, plain.as_bytes(), &opts(None)).await.unwrap();
    assert_eq!((r.encoding, r.new), ("UTF-8", 1));
}

async fn strict_mode_applies_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let before = entry::Entity::find().count(&app.db).await.unwrap();
    let mut o = opts(Some("strict"));
    o.strict = true;
    let r = import(&app, ministry_list(&[DASOMI, BAD_BIZ]).as_bytes(), &o)
        .await
        .unwrap();
    assert!(!r.applied);
    assert_eq!(r.rejected, 1);
    assert_eq!(entry::Entity::find().count(&app.db).await.unwrap(), before);
    let rec = import::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(rec.status, "rejected", "the attempt is on record");
    // Dry run: counts, nothing written, no record.
    let mut o = opts(None);
    o.dry_run = true;
    let r = import(&app, ministry_list(&[DASOMI]).as_bytes(), &o)
        .await
        .unwrap();
    assert_eq!((r.new, r.applied), (1, false));
    assert_eq!(entry::Entity::find().count(&app.db).await.unwrap(), before);
    assert_eq!(import::Entity::find().count(&app.db).await.unwrap(), 1);
}

async fn reimport_changes_nothing_and_dedupes_against_demo_entries(backend: Backend) {
    let app = spawn_app(backend).await;
    let bytes = cp949(&ministry_list(&[DASOMI, BARUN]));
    let first = import(&app, &bytes, &opts(Some("moel"))).await.unwrap();
    assert_eq!(
        (first.new, first.updated),
        (1, 1),
        "바른참 is the demo entry"
    );
    let saessak_entry = entry_named(&app, "바른참").await.expect("demo name kept");
    let d = enterprise_detail::Entity::find_by_id(saessak_entry.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.representative.as_deref(), Some("이다라"));
    let entries = entry::Entity::find().count(&app.db).await.unwrap();
    let audits = audit_log::Entity::find()
        .filter(audit_log::Column::TableName.ne("imports"))
        .count(&app.db)
        .await
        .unwrap();
    let second = import(&app, &bytes, &opts(Some("moel"))).await.unwrap();
    assert_eq!((second.new, second.updated, second.unchanged), (0, 0, 2));
    assert_eq!(entry::Entity::find().count(&app.db).await.unwrap(), entries);
    let audits_after = audit_log::Entity::find()
        .filter(audit_log::Column::TableName.ne("imports"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(audits_after, audits, "no directory writes the second time");
    // Two rows for one enterprise in one file: the second is a conflict.
    let dup = ministry_list(&[DASOMI, DASOMI]);
    let r = import(&app, dup.as_bytes(), &opts(None)).await.unwrap();
    assert_eq!((r.unchanged, r.conflict), (1, 1));
}

async fn hostile_files(backend: Backend) {
    let app = spawn_app(backend).await;
    let refused = |r: Result<ImportReport, AppError>| match r {
        Err(AppError::BadRequest(m)) => m,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert!(refused(import(&app, b"", &opts(None)).await).contains("빈 파일"));
    let mut x: u32 = 7;
    let noise: Vec<u8> = (0..200_000)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 16) as u8
        })
        .collect();
    assert!(refused(import(&app, &noise, &opts(None)).await).contains("텍스트 파일이 아닙니다"));
    // Header only: nothing to do, not an error.
    let r = import(&app, HEADER.as_bytes(), &opts(None)).await.unwrap();
    assert_eq!((r.total, r.rejected), (0, 0));
    // Formula cells, invalid bytes, ragged rows and stray quotes.
    let mut bytes = "기관명,대표자,소재지\n".as_bytes().to_vec();
    bytes.extend_from_slice("=HYPERLINK(\"http://evil\"),김,서울 중구\n".as_bytes());
    bytes.extend_from_slice("정상기업,\"박\",서울특별시 중구 세종대로 110,여분,여분2\n".as_bytes());
    bytes.extend_from_slice(b"\xFF\xFE\xEA\xB9,x\n");
    bytes.extend_from_slice("짧은기업\n따옴표\"기업,이,서울 종로구\n".as_bytes());
    let r = import(&app, &bytes, &opts(None)).await.unwrap();
    assert_eq!(r.encoding, "UTF-8");
    assert_eq!((r.new, r.rejected), (3, 2), "{:?}", r.errors);
    let mut lines: Vec<u64> = r.errors.iter().map(|e| e.line).collect();
    lines.dedup();
    assert_eq!(lines, vec![2, 4]);
    assert!(entry_named(&app, "따옴표\"기업").await.is_some());
}

async fn snapshot_diff_and_close_missing(backend: Backend) {
    let app = spawn_app(backend).await;
    let pre = "서울,,프리기업,x,,,,,서울 성동구 1,,,";
    let first = ministry_list(&[DASOMI, pre]);
    let mut o = opts(Some("seoul-list"));
    o.default_cert_type = tambang::domain::CertType::PreRegional;
    import(&app, first.as_bytes(), &o).await.unwrap();
    // The next edition: 프리기업 is now certified, 다솜이 is gone.
    let certified = "서울,2024-015,프리기업,x,,,,,서울 성동구 1,,2024-06-01,";
    let mut o2 = o.clone();
    o2.close_missing = true;
    let r = import(&app, ministry_list(&[certified]).as_bytes(), &o2)
        .await
        .unwrap();
    assert_eq!(r.updated, 1);
    assert_eq!(
        r.missing.iter().map(|m| m.1.as_str()).collect::<Vec<_>>(),
        vec!["(재)다솜이재단"]
    );
    assert_eq!(r.closed, 1);
    let gone = entry_named(&app, "(재)다솜이재단").await.unwrap();
    assert_eq!(gone.status, "closed", "marked closed, never deleted");
    let pre = entry_named(&app, "프리기업").await.unwrap();
    let d = enterprise_detail::Entity::find_by_id(pre.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (d.cert_type.as_str(), d.cert_no.as_deref()),
        ("certified", Some("제2024-015호"))
    );
}

/// New rows are written in batches of `write::BATCH_ROWS` (entries, details, audit rows and
/// snapshot rows in multi-row statements): across batch boundaries every row must still get
/// its own entry, detail, audit rows and snapshot line, and a duplicate of a row from an
/// earlier batch must still be a conflict.
async fn a_list_longer_than_a_batch_keeps_every_row_with_its_own_entry(backend: Backend) {
    use tambang::bench::import_list::{TITLE_LINES, public_list};
    use tambang::import::write::BATCH_ROWS;
    let app = spawn_app(backend).await;
    tambang::demo::ensure_districts(&app.db).await.unwrap();
    let districts = tambang::bench::generate::load_districts(&app.db)
        .await
        .unwrap();
    let rows = 2 * BATCH_ROWS + 37;
    let mut text = public_list(rows, 11, &districts);
    let third = text.lines().nth(TITLE_LINES + 3).unwrap().to_string();
    text.push_str(&third);
    text.push_str("\r\n");
    // Searches keep being answered while the import writes (and, on SQLite, while its insert
    // triggers are suspended): every query differs, so none is served from the cache.
    let done = std::cell::Cell::new(false);
    let bytes = cp949(&text);
    let (r, (searched, failed)) = tokio::join!(
        async {
            let r = import(&app, &bytes, &opts(Some("big"))).await;
            done.set(true);
            r
        },
        async {
            let (mut n, mut failed) = (0, Vec::new());
            while !done.get() {
                let q = format!("{}{n}", ["성수", "행복", "협동", "마을"][n % 4]);
                let (status, _) = app
                    .get(&format!("/search?q={}", crate::helpers::encode(&q)))
                    .await;
                if status != 200 {
                    failed.push((q, status));
                }
                n += 1;
            }
            (n, failed)
        }
    );
    let r = r.unwrap();
    assert!(
        searched > 0 && failed.is_empty(),
        "{searched} searches, failed: {failed:?}"
    );
    assert_eq!(
        (r.new, r.conflict, r.rejected),
        (rows, 1, 0),
        "{:?}",
        r.errors
    );
    let conflict = r.errors.iter().find(|e| e.reason.contains("충돌")).unwrap();
    assert_eq!(
        conflict.line as usize,
        TITLE_LINES + rows + 2,
        "the last line"
    );

    let snapshot = import_entry::Entity::find()
        .filter(import_entry::Column::ImportId.eq(r.import_id.unwrap()))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(snapshot.len(), rows);
    let entries: std::collections::HashMap<i64, entry::Model> = entry::Entity::find()
        .filter(entry::Column::Source.eq("big"))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let details: std::collections::HashMap<i64, enterprise_detail::Model> =
        enterprise_detail::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|d| (d.entry_id, d))
            .collect();
    assert_eq!(entries.len(), rows);
    let lines: Vec<&str> = text.lines().collect();
    for s in &snapshot {
        // The snapshot row's line holds the entry's name and its 사업자등록번호.
        let e = &entries[&s.entry_id];
        let line = lines[s.line as usize - 1];
        assert!(
            line.contains(e.name.as_str()),
            "line {} is {line}, not {}",
            s.line,
            e.name
        );
        let biz = details[&e.id].biz_reg_no.as_deref().unwrap();
        assert!(line.contains(biz), "line {} has not {biz}", s.line);
        assert_eq!(s.outcome, "new");
    }
    for table in ["entries", "enterprise_details"] {
        let created = audit_log::Entity::find()
            .filter(audit_log::Column::TableName.eq(table))
            .filter(audit_log::Column::Action.eq("create"))
            .filter(audit_log::Column::RowId.is_in(entries.keys().copied()))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(created as usize, rows, "{table}: one creation each");
    }
    // Found by search: a two-character and a three-character piece of a name, each rare
    // enough among the imported names and addresses that the entry is on the first page.
    let mut sorted: Vec<&entry::Model> = entries.values().collect();
    sorted.sort_by_key(|e| e.id);
    let texts: Vec<String> = sorted
        .iter()
        .map(|e| format!("{} {}", e.name, e.address.as_deref().unwrap_or_default()))
        .collect();
    let rare_piece = |name: &[char], len: usize| {
        name.windows(len)
            .map(|w| w.iter().collect::<String>())
            .filter(|q| q.chars().all(char::is_alphanumeric))
            .find(|q| texts.iter().filter(|t| t.contains(q.as_str())).count() <= 3)
    };
    let (e, pieces) = sorted
        .iter()
        .find_map(|e| {
            let name: Vec<char> = e.name.chars().collect();
            Some((e, [rare_piece(&name, 2)?, rare_piece(&name, 3)?]))
        })
        .expect("a name with rare pieces");
    for q in pieces {
        let (status, body) = app
            .get(&format!("/search?q={}", crate::helpers::encode(&q)))
            .await;
        assert_eq!(status, 200);
        assert!(body.contains(e.slug.as_str()), "{q} finds {}", e.name);
    }
    if backend == Backend::Sqlite {
        // The full-text rows written in bulk are the ones the triggers write: the indexes'
        // vocabularies are the same after the triggers rebuild every imported row. One
        // transaction holds one connection, so the temporary vocabulary tables are its own.
        use sea_orm::TransactionTrait;
        let txn = app.db.begin().await.unwrap();
        for table in ["entries_fts", "entries_bigrams"] {
            let sql =
                format!("CREATE VIRTUAL TABLE temp.v_{table} USING fts5vocab(main, {table}, row)");
            txn.execute_unprepared(&sql).await.unwrap();
        }
        let vocab = || async {
            let mut out = Vec::new();
            for table in ["entries_fts", "entries_bigrams"] {
                let rows = txn
                    .query_all_raw(sea_orm::Statement::from_string(
                        sea_orm::DatabaseBackend::Sqlite,
                        format!("SELECT term || ' ' || doc FROM temp.v_{table} ORDER BY term"),
                    ))
                    .await
                    .unwrap();
                out.extend(
                    rows.iter()
                        .map(|r| r.try_get_by_index::<String>(0).unwrap()),
                );
            }
            out
        };
        let bulk = vocab().await;
        assert!(bulk.len() > 1000, "{} terms", bulk.len());
        txn.execute_unprepared(
            "UPDATE entries SET name = name, address = address WHERE source = 'big'",
        )
        .await
        .unwrap();
        assert_eq!(bulk, vocab().await, "bulk rows = trigger rows");
        txn.rollback().await.unwrap();
        let triggers = app
            .db
            .query_all_raw(sea_orm::Statement::from_string(
                sea_orm::DatabaseBackend::Sqlite,
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN ('entries_fts_ai', 'entries_bigrams_ai')",
            ))
            .await
            .unwrap();
        assert_eq!(triggers.len(), 2, "the insert triggers are back");
    }
    // The same file again: nothing new, nothing written to the directory.
    let again = import(&app, &cp949(&text), &opts(Some("big")))
        .await
        .unwrap();
    assert_eq!((again.new, again.unchanged, again.conflict), (0, rows, 1));
}

fn multipart(file: &[u8], source: &str) -> (String, Vec<u8>) {
    let boundary = "XtambangBoundary7";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\n{source}\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"인증현황.csv\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The wizard's upload request of a multipart `body`, with the form token as its first field.
fn upload_request(
    csrf: &str,
    content_type: &str,
    body: Vec<u8>,
) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::post("/imports")
        .header("content-type", content_type)
        .body(axum::body::Body::from(crate::helpers::token_first(
            csrf,
            content_type,
            &body,
        )))
        .unwrap()
}

both_backends!(the_wizard_uploads_previews_maps_applies_and_reports);

async fn the_wizard_uploads_previews_maps_applies_and_reports(backend: Backend) {
    use axum::http::StatusCode;
    let app = spawn_app(backend).await;
    let mut editor = app
        .signed_in("editor@example.org", tambang::domain::Role::Editor)
        .await;
    assert!(
        editor
            .get("/imports/new")
            .await
            .body
            .contains("multipart/form-data")
    );
    let csrf = editor.csrf().await;
    let bad = "서울,2013-003,=HYPERLINK(\"http://x\"),x,,,,,서울 중구 1,,,";
    let (ct, body) = multipart(&cp949(&ministry_list(&[DASOMI, BAD_BIZ, bad])), "moel");
    let upload = |csrf: &str| upload_request(csrf, &ct, body.clone());
    let r = editor.send(upload("wrong")).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "CSRF still applies to uploads"
    );
    let r = editor.send(upload(&csrf)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let at = r.location().unwrap().to_string();
    let preview = editor.get(&at).await.body;
    for needle in [
        "CP949",
        "4행",
        "사업자등록번호가 올바르지 않습니다",
        "기관명",
        "<select",
    ] {
        assert!(preview.contains(needle), "preview lacks {needle}");
    }
    assert!(
        entry_named(&app, "(재)다솜이재단").await.is_none(),
        "preview writes nothing"
    );
    // Map 사업내용 to nothing (kept as extra), then apply.
    let r = editor
        .post_form(
            &format!("{at}/mapping"),
            &[
                ("col_1", "cert_no"),
                ("col_2", "name"),
                ("col_8", "address"),
                ("col_6", "biz_reg_no"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = editor.post_form(&format!("{at}/apply"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let result = editor.get(&at).await.body;
    assert!(result.contains("applied") && result.contains("rejected.csv"));
    assert!(entry_named(&app, "(재)다솜이재단").await.is_some());
    let csv = editor.get(&format!("{at}/rejected.csv")).await;
    assert!(csv.body.starts_with('\u{FEFF}'));
    assert!(csv.body.contains("'=HYPERLINK") && !csv.body.contains(",=HYPERLINK"));
    assert!(csv.body.contains("123-45-67890"));
    // Too large: a clear refusal.
    let huge = vec![b'a'; tambang::auth::policy::UPLOAD_LIMIT + 10];
    let (ct, body) = multipart(&huge, "");
    let r = editor.send(upload_request(&csrf, &ct, body)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // A file over the wizard's 20 MB, or one that is no list, comes back beside the file field
    // with the list's name and type still chosen; no import is staged.
    let staged = tambang::entities::import::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    let mut big = cp949(&ministry_list(&[DASOMI]));
    big.resize(21 * 1024 * 1024, b' ');
    let not_a_list = vec![0u8, 159, 146, 150, 0, 0, 7, 255];
    for (file, status, reason) in [
        (big, StatusCode::PAYLOAD_TOO_LARGE, "최대 20MB"),
        (not_a_list, StatusCode::UNPROCESSABLE_ENTITY, ""),
    ] {
        let boundary = "XtambangBoundary7";
        let (ct, mut body) = multipart(&file, "moel 2024");
        let end = body.len() - format!("--{boundary}--\r\n").len();
        body.truncate(end);
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"cert_type\"\r\n\r\npre_regional\r\n--{boundary}--\r\n")
                .as_bytes(),
        );
        let r = editor.send(upload_request(&csrf, &ct, body)).await;
        assert_eq!(r.status, status, "{}", r.body);
        let error = r
            .body
            .split_once("id=\"f-file-error\"")
            .map(|(_, rest)| rest[..rest.find("</span>").unwrap_or(0)].to_string())
            .unwrap_or_default();
        assert!(
            !error.is_empty() && error.contains(reason),
            "beside the file: {}",
            r.body
        );
        assert!(
            r.body.contains("value=\"moel 2024\""),
            "name kept: {}",
            r.body
        );
        assert!(
            r.body.contains("<option value=\"pre_regional\" selected>"),
            "type kept: {}",
            r.body
        );
    }
    assert_eq!(
        tambang::entities::import::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        staged
    );
    // Viewers may not import.
    let mut viewer = app
        .signed_in("viewer@example.org", tambang::domain::Role::Viewer)
        .await;
    assert_ne!(viewer.get("/imports/new").await.status, StatusCode::OK);
}

/// The import gives its new entries their ids before writing them (so that a batch is built
/// while the one before is written): an id once given, even to a deleted entry, must not come
/// back, and an entry made after the import must get an id of its own.
async fn imported_entries_take_ids_never_given_before_and_leave_later_ones_free(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = import(&app, &cp949(&ministry_list(&[DASOMI])), &opts(Some("a")))
        .await
        .unwrap();
    assert_eq!(first.new, 1);
    let dasomi = entry_named(&app, "(재)다솜이재단").await.unwrap();
    let made = crate::helpers::insert_entry(&app, "place", "later-place", "나중 장소").await;
    assert!(made.id > dasomi.id);
    tambang::directory::write::delete_entry(&app.db, &Actor::system("test"), made.clone())
        .await
        .unwrap();

    let saessak = "서울,2013-005,새싹나눔협동조합,교육,일자리제공형,,,홍길동,서울 강북구 도봉로 1,,2013-05-05,3";
    let second = import(&app, &cp949(&ministry_list(&[saessak])), &opts(Some("b")))
        .await
        .unwrap();
    assert_eq!((second.new, second.conflict), (1, 0), "{:?}", second.errors);
    let saessak_entry = entry_named(&app, "새싹나눔협동조합").await.unwrap();
    assert!(
        saessak_entry.id > made.id,
        "the deleted entry's id {} came back as {}",
        made.id,
        saessak_entry.id
    );
    let snapshot = import_entry::Entity::find()
        .filter(import_entry::Column::ImportId.eq(second.import_id.unwrap()))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(snapshot.entry_id, saessak_entry.id);
    let detail = enterprise_detail::Entity::find_by_id(saessak_entry.id)
        .one(&app.db)
        .await
        .unwrap();
    assert!(detail.is_some(), "the detail row names the entry's id");

    let after = crate::helpers::insert_entry(&app, "place", "after-import", "그 뒤 장소").await;
    assert!(after.id > saessak_entry.id);
}
