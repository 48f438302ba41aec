//! Crash safety: a 100,000-row import killed with SIGKILL half-way leaves a database that
//! passes `PRAGMA integrity_check`, holds none of the import's rows, keeps a record saying the
//! import did not finish, and takes the next import normally.
//! (Report photos live in the database, inside the report's transaction, so a killed report
//! save cannot leave orphan files behind: there are no photo files.)

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Statement};
use tambang::entities::{entry, import};

const ROWS: usize = 100_000;

fn write_list(path: &std::path::Path, rows: usize, prefix: &str) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("list file"));
    writeln!(f, "기관명,소재지,사업내용").unwrap();
    for i in 0..rows {
        writeln!(
            f,
            "{prefix}{i:06}협동조합,서울특별시 성동구 성수이로 {},두부 제조와 판매",
            i % 300 + 1
        )
        .unwrap();
    }
    f.flush().unwrap();
}

fn import_cmd(url: &str, file: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tambang"));
    cmd.args(["import", "enterprises"])
        .arg(file)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

#[tokio::test]
async fn import_killed_midway_leaves_nothing_half_done() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = tambang::config::sqlite_url(&dir.path().join("tambang.db"));
    let db = tambang::db::connect_and_migrate(&url).await.expect("db");
    tambang::demo::ensure_districts(&db)
        .await
        .expect("districts");
    let before = entry::Entity::find().count(&db).await.unwrap();
    let big = dir.path().join("big.csv");
    write_list(&big, ROWS, "크래시");

    let mut child = import_cmd(&url, &big).spawn().expect("start import");
    // Wait until the import is under way: its record is there and it has been writing a while.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let running = import::Entity::find()
            .filter(import::Column::Status.eq("running"))
            .count(&db)
            .await
            .unwrap_or(0);
        if running > 0 {
            break;
        }
        assert!(
            child.try_wait().expect("child").is_none(),
            "the import ended before it could be killed"
        );
        assert!(Instant::now() < deadline, "the import never started");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        child.try_wait().expect("child").is_none(),
        "a 100,000-row import finished in 1.5 s: kill it earlier"
    );
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    db.close().await.ok();

    // Restart: open the database again as the server would.
    let db = tambang::db::connect_and_migrate(&url)
        .await
        .expect("reopen");
    let check = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await
        .expect("integrity_check")
        .expect("a row");
    let verdict: String = check.try_get_by_index(0).expect("verdict");
    assert_eq!(verdict, "ok");
    assert_eq!(
        entry::Entity::find().count(&db).await.unwrap(),
        before,
        "none of the killed import's rows"
    );
    let record = import::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .expect("the import's record survives");
    assert_eq!(record.status, "running");
    assert!(record.finished_at.is_none(), "it says it did not finish");
    assert_eq!(record.rows_new, 0);
    assert!(
        tambang::import::views::status_label(&record.status).contains("끝나지 않음"),
        "shown to users as not finished"
    );

    // The database takes the next import normally.
    let small = dir.path().join("small.csv");
    write_list(&small, 50, "재시도");
    let out = import_cmd(&url, &small).output().expect("second import");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        entry::Entity::find()
            .filter(entry::Column::Name.starts_with("재시도"))
            .count(&db)
            .await
            .unwrap(),
        50
    );
}
