//! The schema goes up, down and up again on both backends.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use tambang::entities::entry;

use crate::both_backends;
use crate::helpers::{Backend, fresh_db};

both_backends!(migrations_go_up_down_and_up_again);

async fn migrations_go_up_down_and_up_again(backend: Backend) {
    let (db, _url, _guard) = fresh_db(backend).await;
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(entry::Entity::find().count(&db).await.unwrap(), 0);

    // One step down removes the last migration only (search); the tables stay.
    Migrator::down(&db, Some(1)).await.expect("one step down");
    assert_eq!(
        Migrator::get_pending_migrations(&db).await.unwrap().len(),
        1
    );
    assert!(
        db.execute_unprepared("SELECT 1 FROM audit_log")
            .await
            .is_ok()
    );
    if backend == Backend::Sqlite {
        assert!(
            db.execute_unprepared("SELECT 1 FROM entries_fts")
                .await
                .is_err()
        );
    }

    // The next step removes mentions, imports and the audit trail; the directory stays.
    Migrator::down(&db, Some(1))
        .await
        .expect("second step down");
    assert!(db.execute_unprepared("SELECT 1 FROM entries").await.is_ok());
    assert!(
        db.execute_unprepared("SELECT 1 FROM audit_log")
            .await
            .is_err()
    );

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
