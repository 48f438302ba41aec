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
