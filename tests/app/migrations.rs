//! The schema goes up, down and up again on both backends.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use tambang::entities::entry;

use crate::both_backends;
use crate::helpers::{Backend, down_to_before, fresh_db, reopened};

both_backends!(migrations_go_up_down_and_up_again);

async fn migrations_go_up_down_and_up_again(backend: Backend) {
    let (db, url, _guard) = fresh_db(backend).await;
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(entry::Entity::find().count(&db).await.unwrap(), 0);

    // Each step down undoes exactly one migration, and every `down` works.
    let total = Migrator::migrations().len();
    for step in 1..total {
        Migrator::down(&db, Some(1)).await.expect("one step down");
        let pending = Migrator::get_pending_migrations(&db).await.unwrap();
        assert_eq!(pending.len(), step);
        let entries = db.execute_unprepared("SELECT 1 FROM entries").await;
        assert!(entries.is_ok(), "directory stays");
    }
    let audit = db.execute_unprepared("SELECT 1 FROM audit_log").await;
    assert!(audit.is_err(), "audit trail dropped");

    Migrator::down(&db, None).await.expect("all the way down");
    assert!(
        db.execute_unprepared("SELECT 1 FROM entries")
            .await
            .is_err(),
        "entries dropped"
    );
    assert!(
        Migrator::get_applied_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );

    Migrator::up(&db, None).await.expect("up again");
    let db = reopened(db, &url).await;
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );
    tambang::demo::load(&db)
        .await
        .expect("demo loads on the rebuilt schema");
    assert!(entry::Entity::find().count(&db).await.unwrap() > 25);
}

both_backends!(foreign_keys_are_enforced);

async fn foreign_keys_are_enforced(backend: Backend) {
    let (db, _url, _guard) = fresh_db(backend).await;
    let err = db
        .execute_unprepared(
            "INSERT INTO aliases (entry_id, name, alias_type, created_at) \
             VALUES (999999, 'x', 'other', '2024-01-01T00:00:00Z')",
        )
        .await
        .expect_err("an alias of a missing entry is refused");
    assert!(
        matches!(
            err.sql_err(),
            Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_))
        ),
        "{err:?}"
    );
}

both_backends!(changes_written_before_the_history_summary_get_one);

/// The migration that adds `audit_log.summary` fills it for the changes already written, as the
/// app writes it for new ones: long values cut, short changes left to be read as they are.
async fn changes_written_before_the_history_summary_get_one(backend: Backend) {
    use tambang::entities::audit_log;

    let (db, url, _guard) = fresh_db(backend).await;
    down_to_before(&db, "m20261206_000016_audit_summary").await;
    let long = "성동구 사회적경제지원센터 방문 ".repeat(20);
    let inserts = [
        format!(r#"{{"body": [null, "{long}"], "title": [null, "방문기"]}}"#),
        r#"{"name": ["가", "나"]}"#.to_string(),
    ];
    for changes in &inserts {
        db.execute_unprepared(&format!(
            "INSERT INTO audit_log (at, actor, table_name, row_id, action, changes) \
             VALUES ('2026-12-01T00:00:00Z', 'test', 'reports', 1, 'update', '{changes}')"
        ))
        .await
        .expect("an audit row of the old schema");
    }
    Migrator::up(&db, None)
        .await
        .expect("the summary migration");
    let db = reopened(db, &url).await;

    let rows = audit_log::Entity::find().all(&db).await.unwrap();
    assert_eq!(rows.len(), 2);
    let (long_row, short_row) = if rows[0].summary.is_some() {
        (&rows[0], &rows[1])
    } else {
        (&rows[1], &rows[0])
    };
    let cut = format!("{}…", long.chars().take(120).collect::<String>());
    assert_eq!(
        long_row.summary,
        Some(serde_json::json!({"body": [null, cut], "title": [null, "방문기"]}))
    );
    assert_eq!(
        long_row.changes.as_ref().unwrap()["body"][1],
        serde_json::json!(long),
        "the change itself stays whole"
    );
    assert_eq!(short_row.summary, None, "a short change is read as it is");
}

/// Connections that SQLite opened while the migrations ran keep the schema they read then,
/// and one that read it before `entries` existed could fail "no such table: entries" (a flaky
/// delete right after migrating, about one in 300 under load). The migrations' statements
/// follow one another faster than the pool takes each connection back, so migrating opens
/// several; `connect_and_migrate` therefore opens the pool again and hands back one holding
/// no connection from before (4 of them without that, in every run tried).
#[tokio::test]
async fn a_freshly_migrated_sqlite_pool_holds_only_connections_opened_after() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = tambang::config::sqlite_url(&dir.path().join("tambang.db"));
    let db = tambang::db::connect_and_migrate(&url)
        .await
        .expect("sqlite");
    let open = db.get_sqlite_connection_pool().size();
    assert!(open <= 1, "{open} connections");
    assert_eq!(entry::Entity::find().count(&db).await.unwrap(), 0);
    db.close().await.expect("closed");

    // Already current: nothing migrates, and the pool works as opened.
    let again = tambang::db::connect_and_migrate(&url)
        .await
        .expect("sqlite");
    assert_eq!(entry::Entity::find().count(&again).await.unwrap(), 0);
}
