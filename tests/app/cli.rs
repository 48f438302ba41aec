//! The command line: one readable line and a non-zero exit for every setup mistake.

use std::process::{Command, Output};

fn tambang(args: &[&str], database_url: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tambang"));
    cmd.args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn");
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    cmd.output().expect("run tambang")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_one_line_error(o: &Output, needle: &str) {
    let err = stderr(o);
    assert!(!o.status.success(), "should fail: {err}");
    assert!(err.contains(needle), "expected {needle:?} in {err:?}");
    assert!(!err.contains("panicked"), "no panic: {err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err:?}");
}

#[test]
fn bad_database_url_is_one_line() {
    let out = tambang(&["migrate"], Some("mysql://localhost/x"));
    assert_one_line_error(&out, "unsupported DATABASE_URL");
}

#[test]
fn unreachable_postgres_is_one_line() {
    let out = tambang(
        &["migrate"],
        Some("postgres://postgres:secret@127.0.0.1:1/nothing"),
    );
    assert_one_line_error(
        &out,
        "cannot reach the database at postgres://postgres:***@127.0.0.1:1/nothing",
    );
    assert!(!stderr(&out).contains("secret"), "password never printed");
}

#[test]
fn unwritable_data_dir_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"not a directory").unwrap();
    let data_dir = file.join("data");
    let out = tambang(&["--data-dir", data_dir.to_str().unwrap(), "migrate"], None);
    assert_one_line_error(&out, "cannot create data directory");
}

#[test]
fn port_in_use_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = tambang(
        &[
            "--data-dir",
            dir.path().to_str().unwrap(),
            "serve",
            "--bind",
            &addr,
        ],
        None,
    );
    assert_one_line_error(&out, &format!("cannot listen on {addr}"));
}

#[test]
fn migrate_status_down_up_and_demo_twice() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let up = tambang(&["--data-dir", d, "migrate", "up"], None);
    assert!(up.status.success(), "{}", stderr(&up));
    assert!(
        dir.path().join("tambang.db").exists(),
        "SQLite file created in the data dir"
    );

    let status = tambang(&["--data-dir", d, "migrate", "status"], None);
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(
        text.contains("applied") && text.contains("m20261125_000001_directory"),
        "{text}"
    );

    let down = tambang(&["--data-dir", d, "migrate", "down"], None);
    assert!(down.status.success(), "{}", stderr(&down));
    let status = tambang(&["--data-dir", d, "migrate", "status"], None);
    assert!(String::from_utf8_lossy(&status.stdout).contains("pending"));

    let first = tambang(&["--data-dir", d, "demo"], None);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(String::from_utf8_lossy(&first.stdout).contains("25 districts"));
    let second = tambang(&["--data-dir", d, "demo"], None);
    assert!(
        String::from_utf8_lossy(&second.stdout)
            .contains("0 districts, 0 entries, 0 links, 0 reports added"),
        "second run changes nothing"
    );
}

#[test]
fn serve_answers_over_http() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bind = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tambang"))
        .args([
            "--data-dir",
            dir.path().to_str().unwrap(),
            "serve",
            "--bind",
            &bind,
        ])
        .env_remove("DATABASE_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut response = String::new();
    for _ in 0..100 {
        if let Ok(mut s) = std::net::TcpStream::connect(&bind) {
            s.write_all(b"GET /centers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            s.read_to_string(&mut response).unwrap();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    child.kill().ok();
    child.wait().ok();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains("성동구사회적경제지원센터"),
        "demo loaded on first start"
    );
}

fn tambang_stdin(args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tambang"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run tambang");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn users_and_tokens_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let serve_hint = tambang(&["--data-dir", d, "migrate"], None);
    assert!(serve_hint.status.success());

    let add = tambang_stdin(
        &[
            "--data-dir",
            d,
            "user",
            "add",
            "Admin@Example.org",
            "--role",
            "admin",
            "--password-stdin",
        ],
        "a long enough password\n",
    );
    assert!(add.status.success(), "{}", stderr(&add));
    assert!(String::from_utf8_lossy(&add.stdout).contains("created admin@example.org (admin)"));

    let dup = tambang_stdin(
        &[
            "--data-dir",
            d,
            "user",
            "add",
            "admin@example.org",
            "--password-stdin",
        ],
        "another long password\n",
    );
    assert_one_line_error(&dup, "이미 등록된 이메일입니다");
    let short = tambang_stdin(
        &[
            "--data-dir",
            d,
            "user",
            "add",
            "v@example.org",
            "--password-stdin",
        ],
        "short\n",
    );
    assert_one_line_error(&short, "10자 이상");
    let bad_role = tambang_stdin(
        &[
            "--data-dir",
            d,
            "user",
            "add",
            "v@example.org",
            "--role",
            "boss",
            "--password-stdin",
        ],
        "x\n",
    );
    assert_one_line_error(&bad_role, "unknown role");

    let viewer = tambang_stdin(
        &[
            "--data-dir",
            d,
            "user",
            "add",
            "v@example.org",
            "--password-stdin",
        ],
        "viewer password ok\n",
    );
    assert!(viewer.status.success());
    let refused = tambang(
        &[
            "--data-dir",
            d,
            "token",
            "create",
            "v@example.org",
            "--name",
            "x",
        ],
        None,
    );
    assert_one_line_error(&refused, "only editors and admins get tokens");

    let token = tambang(
        &[
            "--data-dir",
            d,
            "token",
            "create",
            "admin@example.org",
            "--name",
            "backup script",
        ],
        None,
    );
    assert!(token.status.success(), "{}", stderr(&token));
    let stdout = String::from_utf8_lossy(&token.stdout).into_owned();
    let last = stdout.trim_end().lines().last().unwrap();
    assert!(
        last.starts_with("tambang_") && last.len() == "tambang_".len() + 64,
        "{stdout}"
    );

    let list = tambang(&["--data-dir", d, "token", "list"], None);
    assert!(String::from_utf8_lossy(&list.stdout).contains("backup script"));
    let revoke = tambang(&["--data-dir", d, "token", "revoke", "1"], None);
    assert!(revoke.status.success(), "{}", stderr(&revoke));
    assert!(
        String::from_utf8_lossy(&tambang(&["--data-dir", d, "token", "list"], None).stdout)
            .contains("revoked")
    );
    assert_one_line_error(
        &tambang(&["--data-dir", d, "token", "revoke", "99"], None),
        "no token with id 99",
    );

    let role = tambang(
        &[
            "--data-dir",
            d,
            "user",
            "set-role",
            "v@example.org",
            "editor",
        ],
        None,
    );
    assert!(role.status.success());
    let users = String::from_utf8_lossy(&tambang(&["--data-dir", d, "user", "list"], None).stdout)
        .into_owned();
    assert!(
        users.contains("editor") && users.contains("v@example.org"),
        "{users}"
    );
    let reset = tambang_stdin(
        &[
            "--data-dir",
            d,
            "user",
            "reset-password",
            "v@example.org",
            "--password-stdin",
        ],
        "brand new password\n",
    );
    assert!(reset.status.success(), "{}", stderr(&reset));
    assert_one_line_error(
        &tambang(
            &[
                "--data-dir",
                d,
                "user",
                "set-role",
                "nobody@example.org",
                "admin",
            ],
            None,
        ),
        "no user",
    );
}

#[test]
fn a_blog_post_imports_as_a_report_from_the_command_line() {
    let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed");
    let Some(file) = std::fs::read_dir(&seed)
        .ok()
        .and_then(|mut d| d.find_map(|f| f.ok().map(|f| f.path())))
    else {
        eprintln!("../shared/seed missing: skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert!(tambang(&["--data-dir", d, "demo"], None).status.success());
    let out = tambang(
        &[
            "--data-dir",
            d,
            "import",
            "report",
            file.to_str().unwrap(),
            "--publish",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("saved as published")
            && text.contains("2023-12-11 10:00")
            && text.contains("참가자 7명"),
        "{text}"
    );
    let rebuild = tambang(&["--data-dir", d, "mentions", "rebuild"], None);
    assert!(String::from_utf8_lossy(&rebuild.stdout).contains("mention dictionary rebuilt"));
    let missing = tambang(
        &["--data-dir", d, "import", "report", "/nonexistent/post.txt"],
        None,
    );
    assert_one_line_error(&missing, "cannot read /nonexistent/post.txt");
}

#[test]
fn district_figures_import_feeds_per_resident_figures() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert!(tambang(&["--data-dir", d, "demo"], None).status.success());
    // A hand-made CP949 file with a title row, thousands separators, a code column and a total.
    let text = "서울시 자치구별 인구 (테스트)\r\n자치구,코드,인구,면적(㎢)\r\n성동구,11200,\"280,000\",16.86\r\n,11170,200000,21.87\r\n없는구,,1,1\r\n합계,,480000,38.73\r\n";
    let (bytes, _, _) = encoding_rs::EUC_KR.encode(text);
    let file = dir.path().join("figures.csv");
    std::fs::write(&file, &bytes).unwrap();
    let out = tambang(
        &[
            "--data-dir",
            d,
            "import",
            "district-figures",
            file.to_str().unwrap(),
            "--year",
            "2023",
        ],
        None,
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        !out.status.success(),
        "a rejected row makes the exit non-zero"
    );
    assert!(
        stdout.contains("line 5: 자치구를 찾을 수 없습니다: '없는구'"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2 updated, 0 unchanged, 1 rejected"),
        "{stdout}"
    );
    let again = tambang(
        &[
            "--data-dir",
            d,
            "import",
            "district-figures",
            file.to_str().unwrap(),
            "--year",
            "2023",
        ],
        None,
    );
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("0 updated, 2 unchanged"),
        "idempotent"
    );
}

#[test]
fn boundaries_xlsx_and_export_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert!(tambang(&["--data-dir", d, "demo"], None).status.success());
    // An .xlsx list, its second sheet chosen by name.
    let t = |s: &str| tambang::import::xlsx::WriteCell::Text(s.into());
    let book = tambang::import::xlsx::write_workbook(&[
        ("표지", vec![vec![t("표지")]]),
        (
            "목록",
            vec![
                vec![t("기관명"), t("소재지"), t("위도"), t("경도")],
                vec![
                    t("시청앞기업"),
                    t("서울특별시 중구 세종대로 110"),
                    t("37.5663"),
                    t("126.9779"),
                ],
                vec![t("=cmd|' /C calc'!A0"), t("서울 중구"), t(""), t("")],
            ],
        ),
    ]);
    let xlsx = dir.path().join("list.xlsx");
    std::fs::write(&xlsx, &book).unwrap();
    let x = xlsx.to_str().unwrap();
    let out = tambang(
        &[
            "--data-dir",
            d,
            "import",
            "enterprises",
            x,
            "--sheet",
            "목록",
        ],
        None,
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!out.status.success(), "a rejected row: non-zero exit");
    assert!(
        stdout.contains("sheet: 목록") && stdout.contains("new: 1"),
        "{stdout}"
    );
    assert!(stdout.contains("line 3: 기관명"), "{stdout}");
    let out = tambang(&["--data-dir", d, "import", "enterprises", x], None);
    assert_one_line_error(&out, "머리글");

    if let Some(file) = crate::import_geo::shared_data("seoul_sigungu_juso2015_simple.geojson") {
        let geo = dir.path().join("seoul.geojson");
        std::fs::write(&geo, file).unwrap();
        let out = tambang(
            &[
                "--data-dir",
                d,
                "import",
                "boundaries",
                geo.to_str().unwrap(),
            ],
            None,
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("boundaries: 25 updated, 0 unchanged")
        );
        let bad = dir.path().join("bad.geojson");
        std::fs::write(&bad, r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"SIG_CD":"11110","SIG_KOR_NM":"노원구"},"geometry":{"type":"Polygon","coordinates":[[[127.0,37.6],[127.1,37.6],[127.1,37.7],[127.0,37.6]]]}}]}"#).unwrap();
        let out = tambang(
            &[
                "--data-dir",
                d,
                "import",
                "boundaries",
                bad.to_str().unwrap(),
            ],
            None,
        );
        assert_one_line_error(&out, "11110");
    }

    let csv = dir.path().join("out.csv");
    let out = tambang(
        &[
            "--data-dir",
            d,
            "export",
            "entries",
            "--kind",
            "enterprise",
            "--encoding",
            "cp949",
            "-o",
            csv.to_str().unwrap(),
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("exported"), "{}", stderr(&out));
    let bytes = std::fs::read(&csv).unwrap();
    let (text, _, bad) = encoding_rs::EUC_KR.decode(&bytes);
    assert!(!bad && text.contains("시청앞기업") && text.contains("이름 (name)"));
    let out = tambang(
        &[
            "--data-dir",
            d,
            "export",
            "entries",
            "--format",
            "json",
            "--encoding",
            "cp949",
        ],
        None,
    );
    assert_one_line_error(&out, "CSV only");
    let out = tambang(
        &["--data-dir", d, "export", "entries", "--format", "geojson"],
        None,
    );
    let geo: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(geo["features"].as_array().is_some_and(|f| !f.is_empty()));
}
