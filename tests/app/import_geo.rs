//! Import completion: `.xlsx` workbooks, district boundaries with point-in-polygon, places
//! from coordinates with address/coordinate conflicts (the import warning and the admin
//! page), and the entry export in every format and encoding — on both backends. The Seoul
//! boundaries are read from `../shared/data/` (the test is skipped with a note without it).

use axum::http::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use tambang::api::entries::ListParams;
use tambang::api::export::{CsvEncoding, ExportFormat, write_export};
use tambang::audit::Actor;
use tambang::boundary::import::import as import_boundaries;
use tambang::entities::{district_detail, enterprise_detail, entry};
use tambang::error::AppError;
use tambang::import::ImportOptions;
use tambang::import::apply::{ImportReport, run};
use tambang::import::xlsx::{WriteCell, write_workbook};

use crate::both_backends;
use crate::helpers::{Backend, TestApp, spawn_app};

/// A file of `../shared/data/`, or None (with a note) when the folder is absent.
pub fn shared_data(name: &str) -> Option<Vec<u8>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(name);
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(_) => {
            eprintln!("{} missing: skipped", path.display());
            None
        }
    }
}

async fn import(
    app: &TestApp,
    bytes: &[u8],
    opts: &ImportOptions,
) -> Result<ImportReport, AppError> {
    run(&app.db, &Actor::system("test"), bytes, opts, &mut |_| {}).await
}

async fn entry_named(app: &TestApp, name: &str) -> Option<entry::Model> {
    entry::Entity::find()
        .filter(entry::Column::Name.eq(name))
        .one(&app.db)
        .await
        .unwrap()
}

async fn district_name(app: &TestApp, id: Option<i64>) -> Option<String> {
    entry::Entity::find_by_id(id?)
        .one(&app.db)
        .await
        .unwrap()
        .map(|e| e.name)
}

fn t(s: &str) -> WriteCell {
    WriteCell::Text(s.to_string())
}

both_backends!(
    an_xlsx_workbook_imports_like_a_csv_with_a_sheet_choice,
    seoul_boundaries_load_and_locate_known_points,
    coordinates_place_rows_and_disagreements_are_flagged_and_listed,
    entries_export_as_csv_in_utf8_and_cp949_geojson_and_json,
);

async fn an_xlsx_workbook_imports_like_a_csv_with_a_sheet_choice(backend: Backend) {
    let app = spawn_app(backend).await;
    let header = [
        "지역",
        "인증번호",
        "기관명",
        "사업내용",
        "사회적목적실현유형",
        "사회서비스분야",
        "사업자등록번호",
        "대표자",
        "소재지",
        "홈페이지",
        "인증일자",
        "인증회차",
    ];
    let book = write_workbook(&[
        ("안내", vec![vec![t("이 파일의 두 번째 시트가 목록입니다")]]),
        (
            "인증현황",
            vec![
                vec![t("사회적기업 인증현황")],
                vec![t("(2024.12.31 기준)")],
                header.iter().map(|h| t(h)).collect(),
                vec![
                    t("서울"),
                    t("2007-001"),
                    t("(재)다솜이재단"),
                    t("간병 서비스"),
                    t("사회서비스제공형"),
                    t("보건"),
                    // 사업자등록번호 typed as a number: no ".0" may come out.
                    WriteCell::Number(1_248_100_998.0),
                    t("김가나"),
                    t("03993 서울특별시 마포구 동교로27길 3-10"),
                    t("www.dasomi.org"),
                    WriteCell::Date(39386.0),
                    WriteCell::Number(1.0),
                ],
                vec![
                    t("서울"),
                    t("2013-003"),
                    t("=HYPERLINK(\"http://x\")"),
                    t("x"),
                    t(""),
                    t(""),
                    t(""),
                    t(""),
                    t("서울 중구 세종대로 110"),
                ],
            ],
        ),
    ]);
    let mut opts = ImportOptions::new("인증현황.xlsx");
    opts.sheet = Some("인증현황".into());
    let r = import(&app, &book, &opts).await.unwrap();
    assert_eq!((r.encoding, r.sheet.as_deref()), ("XLSX", Some("인증현황")));
    assert_eq!(r.header_line, 3, "title rows above the header are skipped");
    assert_eq!((r.new, r.rejected), (1, 1), "{:?}", r.errors);
    assert_eq!(r.errors[0].line, 5, "errors carry the sheet row");
    assert!(r.errors[0].reason.contains("수식"));
    let e = entry_named(&app, "(재)다솜이재단").await.expect("imported");
    assert_eq!(
        district_name(&app, e.district_id).await.as_deref(),
        Some("마포구")
    );
    let d = enterprise_detail::Entity::find_by_id(e.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.biz_reg_no.as_deref(), Some("124-81-00998"));
    assert_eq!(
        d.cert_date.map(|d| d.to_string()).as_deref(),
        Some("2007-10-31")
    );
    assert_eq!(d.cert_round, Some(1));
    // The first sheet by default: a note, no list in it.
    let err = import(&app, &book, &ImportOptions::new("인증현황.xlsx"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("머리글"), "{err}");
    // A sheet that does not exist is named along with the ones that do.
    opts.sheet = Some("없는시트".into());
    let err = import(&app, &book, &opts).await.unwrap_err();
    assert!(
        err.to_string().contains("없는시트") && err.to_string().contains("인증현황"),
        "{err}"
    );
    // A zip that is no workbook, a PDF, an old .xls: refused with what to do.
    for (bytes, needle) in [
        (b"PK\x03\x04\x14\x00\x00\x00".to_vec(), "xlsx"),
        (b"%PDF-1.4\n%...".to_vec(), "PDF"),
        (vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], "xls"),
    ] {
        let err = import(&app, &bytes, &ImportOptions::new("x"))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, AppError::BadRequest(m) if m.contains(needle)),
            "{err}"
        );
    }
}

async fn seoul_boundaries_load_and_locate_known_points(backend: Backend) {
    let Some(full) = shared_data("seoul_sigungu_juso2015.geojson") else {
        return;
    };
    let app = spawn_app(backend).await;
    let actor = Actor::system("test");
    // The cache is empty before, and notices an import made elsewhere (no invalidate call).
    assert!(app.state.boundaries.get(&app.db).await.unwrap().is_empty());
    let s = import_boundaries(&app.db, &actor, &full).await.unwrap();
    assert_eq!(
        (s.updated.len(), s.missing.len()),
        (25, 0),
        "{:?}",
        s.missing
    );
    let b = app.state.boundaries.get(&app.db).await.unwrap();
    assert_eq!(b.areas.len(), 25);
    let at = |lat, lng| b.district_at(lat, lng).map(|a| a.name.clone());
    assert_eq!(
        at(37.5663, 126.9779).as_deref(),
        Some("중구"),
        "Seoul City Hall"
    );
    assert_eq!(at(37.5606, 126.9236).as_deref(), Some("마포구"));
    assert_eq!(
        at(37.4979, 127.0276).as_deref(),
        Some("서초구"),
        "강남역, on the border"
    );
    assert_eq!(at(37.4563, 126.7052), None, "Incheon");
    // Same file again: nothing changes.
    let again = import_boundaries(&app.db, &actor, &full).await.unwrap();
    assert_eq!((again.updated.len(), again.unchanged.len()), (0, 25));

    // Codes and names that disagree (two names swapped): the whole file is refused.
    let mut doc: serde_json::Value = serde_json::from_slice(&full).unwrap();
    let features = doc["features"].as_array_mut().unwrap();
    let first = features[0]["properties"]["SIG_KOR_NM"].clone();
    let second = features[1]["properties"]["SIG_KOR_NM"].clone();
    features[0]["properties"]["SIG_KOR_NM"] = second;
    features[1]["properties"]["SIG_KOR_NM"] = first;
    let swapped = serde_json::to_vec(&doc).unwrap();
    let err = import_boundaries(&app.db, &actor, &swapped)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::BadRequest(m) if m.contains("코드와 이름이 맞지 않습니다")),
        "{err}"
    );
    // A projected (UTM-K-like) file: refused, nothing stored changes.
    let mut utm: serde_json::Value = serde_json::from_slice(&full).unwrap();
    for f in utm["features"].as_array_mut().unwrap() {
        for ring in f["geometry"]["coordinates"].as_array_mut().unwrap() {
            for p in ring.as_array_mut().unwrap() {
                let (x, y) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
                *p = serde_json::json!([
                    (x - 127.5) * 88_000.0 + 1_000_000.0,
                    (y - 38.0) * 111_000.0 + 2_000_000.0
                ]);
            }
        }
    }
    let err = import_boundaries(&app.db, &actor, &serde_json::to_vec(&utm).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::BadRequest(m) if m.contains("UTM-K")),
        "{err}"
    );
    let b = app.state.boundaries.get(&app.db).await.unwrap();
    assert_eq!(
        b.district_at(37.5663, 126.9779).map(|a| a.name.as_str()),
        Some("중구"),
        "the refused files changed nothing"
    );
}

async fn coordinates_place_rows_and_disagreements_are_flagged_and_listed(backend: Backend) {
    let Some(simple) = shared_data("seoul_sigungu_juso2015_simple.geojson") else {
        return;
    };
    let app = spawn_app(backend).await;
    import_boundaries(&app.db, &Actor::system("test"), &simple)
        .await
        .unwrap();
    let list = "기관명,소재지,위도,경도\n\
                좌표만기업,,37.5663,126.9779\n\
                어긋난기업,서울특별시 마포구 양화로 1,37.5663,126.9779\n\
                맞는기업,서울 마포구 양화로 2,37.5606,126.9236\n\
                인천기업,,37.4563,126.7052\n";
    let r = import(&app, list.as_bytes(), &ImportOptions::new("places.csv"))
        .await
        .unwrap();
    assert_eq!((r.new, r.rejected), (4, 0), "{:?}", r.errors);
    let only = entry_named(&app, "좌표만기업").await.unwrap();
    assert_eq!(
        district_name(&app, only.district_id).await.as_deref(),
        Some("중구"),
        "district from coordinates inside a loaded boundary"
    );
    let off = entry_named(&app, "어긋난기업").await.unwrap();
    assert_eq!(
        district_name(&app, off.district_id).await.as_deref(),
        Some("마포구"),
        "the address still decides; the disagreement is a warning"
    );
    assert_eq!(r.warnings_total, 1);
    assert_eq!(
        (r.warnings[0].line, r.warnings[0].name.as_str()),
        (3, "어긋난기업")
    );
    assert!(
        r.warnings[0].message.contains("중구"),
        "{}",
        r.warnings[0].message
    );
    let p = r.preview.iter().find(|p| p.line == 3).unwrap();
    assert!(p.warning.is_some() && p.outcome == "new");
    let incheon = entry_named(&app, "인천기업").await.unwrap();
    assert_eq!(incheon.district_id, None);

    // An entry edited later to stand without a district while its coordinates lie in one.
    let mut m = only.clone().into_active_model();
    m.district_id = Set(None);
    m.update(&app.db).await.unwrap();

    let mut editor = app
        .signed_in("editor@example.org", tambang::domain::Role::Editor)
        .await;
    let page = editor.get("/admin/geo").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.body;
    let section = |title: &str| {
        let start = body
            .find(title)
            .unwrap_or_else(|| panic!("{title} missing"));
        let end = body[start..]
            .find("<h2")
            .map_or(body.len(), |e| start + e + 1);
        body[start..end.max(start)].to_string()
    };
    let disagree = section("자치구가 좌표와 다름 (1)");
    assert!(
        disagree.contains("어긋난기업") && disagree.contains("/edit"),
        "{disagree}"
    );
    assert!(!disagree.contains("맞는기업"));
    assert!(section("자치구 없음 (좌표로는 있음) (1)").contains("좌표만기업"));
    let outside = section("어느 경계에도 들지 않는 좌표");
    assert!(outside.contains("인천기업"), "{outside}");
    let mut viewer = app
        .signed_in("viewer@example.org", tambang::domain::Role::Viewer)
        .await;
    assert_ne!(viewer.get("/admin/geo").await.status, StatusCode::OK);
    // Without boundaries the page says how to load them.
    for d in district_detail::Entity::find().all(&app.db).await.unwrap() {
        let mut m = d.into_active_model();
        m.boundary_geojson = Set(None);
        m.update(&app.db).await.unwrap();
    }
    assert!(
        editor
            .get("/admin/geo")
            .await
            .body
            .contains("tambang import boundaries")
    );
}

async fn entries_export_as_csv_in_utf8_and_cp949_geojson_and_json(backend: Backend) {
    let app = spawn_app(backend).await;
    let list = "기관명,소재지,위도,경도\n\
                해피😀가게,서울 성동구 왕십리로 1,37.5606,127.0370\n\
                똠방각하,서울 마포구 양화로 1,,\n";
    import(&app, list.as_bytes(), &ImportOptions::new("x.csv"))
        .await
        .unwrap();
    let params = ListParams {
        kind: Some("enterprise".into()),
        ..Default::default()
    };
    let export = |format| {
        let db = app.db.clone();
        let params = params.clone();
        async move {
            let mut out = Vec::new();
            let s = write_export(&db, &params, format, &mut out).await.unwrap();
            (out, s)
        }
    };
    let (utf8, s) = export(ExportFormat::Csv(CsvEncoding::Utf8Bom)).await;
    assert!(utf8.starts_with("\u{FEFF}".as_bytes()));
    let text = String::from_utf8(utf8).unwrap();
    assert!(text.contains("해피😀가게") && text.contains("이름 (name)"));
    assert!(s.replaced.is_empty());
    let enterprises = text.lines().count() - 1;
    assert_eq!(s.entries, enterprises);

    let (cp, s) = export(ExportFormat::Csv(CsvEncoding::Cp949)).await;
    assert!(!cp.starts_with(b"\xEF\xBB\xBF"));
    let (back, _, had_errors) = encoding_rs::EUC_KR.decode(&cp);
    assert!(!had_errors, "valid CP949 throughout");
    assert!(
        back.contains("해피?가게") && back.contains("똠방각하"),
        "{back}"
    );
    assert_eq!(s.replaced.len(), 1);
    assert_eq!(s.replaced[0].1, '😀');
    assert!(
        s.replaced[0].0.contains("해피"),
        "the entry is named: {:?}",
        s.replaced
    );

    let (geo, _) = export(ExportFormat::GeoJson).await;
    let geo: serde_json::Value = serde_json::from_slice(&geo).unwrap();
    let names: Vec<&str> = geo["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["properties"]["name"].as_str())
        .collect();
    assert!(
        names.contains(&"해피😀가게") && !names.contains(&"똠방각하"),
        "{names:?}"
    );

    let (json, s) = export(ExportFormat::Json).await;
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), s.entries);
    let happy = rows.iter().find(|r| r["name"] == "해피😀가게").unwrap();
    assert_eq!(happy["lat"], serde_json::json!(37.5606));
    assert_eq!(happy["district"], "성동구");
    assert!(happy["id"].is_i64());
}
