//! Backups taken while the app writes restore to a consistent database.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set, TransactionTrait};
use tambang::audit::{self, Actor};
use tambang::entities::{alias, audit_log, entry};

use crate::helpers::{Backend, fresh_db};

#[tokio::test]
async fn a_backup_taken_during_writes_restores_consistently() {
    let (db, url, _guard) = fresh_db(Backend::Sqlite).await;
    tambang::demo::load(&db).await.unwrap();
    let target = entry::Entity::find()
        .filter(entry::Column::Slug.eq("바른참"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let writer = {
        let db = db.clone();
        tokio::spawn(async move {
            for i in 0..150 {
                // An alias and its audit row commit together; a backup must see both or neither.
                let txn = db.begin().await.unwrap();
                let m = alias::ActiveModel {
                    entry_id: Set(target.id),
                    name: Set(format!("백업 별칭 {i}")),
                    alias_type: Set("other".into()),
                    created_at: Set(chrono::Utc::now()),
                    ..Default::default()
                };
                audit::insert(&txn, &Actor::system("test"), m)
                    .await
                    .unwrap();
                txn.commit().await.unwrap();
            }
        })
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("snapshot's copy.db");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let said = tambang::backup::backup(&url, &file).await.expect("backup");
    assert!(said.contains("backed up"));
    writer.await.unwrap();
    assert!(
        tambang::backup::backup(&url, &file).await.is_err(),
        "never overwrites"
    );

    let restored_dir = dir.path().join("restored");
    tambang::backup::restore(&file, &restored_dir)
        .await
        .expect("restore");
    let copy = tambang::db::connect(&tambang::config::sqlite_url(
        &restored_dir.join("tambang.db"),
    ))
    .await
    .unwrap();
    let aliases = alias::Entity::find()
        .filter(alias::Column::Name.starts_with("백업 별칭"))
        .count(&copy)
        .await
        .unwrap();
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::TableName.eq("aliases"))
        .filter(audit_log::Column::Actor.eq("test"))
        .count(&copy)
        .await
        .unwrap();
    assert_eq!(
        aliases, audited,
        "every alias in the copy has its audit row and vice versa"
    );
    assert!(
        entry::Entity::find().count(&copy).await.unwrap() > 25,
        "the directory came along"
    );

    // Restoring over an existing database, or from a file that is not a backup, is refused.
    assert!(
        tambang::backup::restore(&file, &restored_dir)
            .await
            .is_err()
    );
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database").unwrap();
    assert!(
        tambang::backup::restore(&junk, &dir.path().join("other"))
            .await
            .is_err()
    );
}
