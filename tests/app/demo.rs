//! Demo data: loads completely and loading twice changes nothing.

use sea_orm::{EntityTrait, PaginatorTrait};
use tambang::demo::DemoSummary;
use tambang::entities::{alias, entry, link, report, report_stop, takeaway};

use crate::both_backends;
use crate::helpers::{Backend, fresh_db};

async fn counts(db: &sea_orm::DatabaseConnection) -> [u64; 6] {
    [
        entry::Entity::find().count(db).await.unwrap(),
        alias::Entity::find().count(db).await.unwrap(),
        link::Entity::find().count(db).await.unwrap(),
        report::Entity::find().count(db).await.unwrap(),
        report_stop::Entity::find().count(db).await.unwrap(),
        takeaway::Entity::find().count(db).await.unwrap(),
    ]
}

both_backends!(demo_load_is_idempotent);

async fn demo_load_is_idempotent(backend: Backend) {
    let (db, _url, _guard) = fresh_db(backend).await;
    assert!(tambang::demo::is_empty(&db).await.unwrap());
    let first = tambang::demo::load(&db).await.unwrap();
    assert_eq!(first.districts, 25);
    assert!(
        first.entries >= 20 && first.links >= 10 && first.reports >= 1,
        "{first:?}"
    );
    assert!(!tambang::demo::is_empty(&db).await.unwrap());
    let before = counts(&db).await;

    let second = tambang::demo::load(&db).await.unwrap();
    assert_eq!(second, DemoSummary::default(), "second load adds nothing");
    assert_eq!(counts(&db).await, before);
    assert_eq!(tambang::demo::ensure_districts(&db).await.unwrap(), 0);
}

both_backends!(districts_alone_do_not_make_the_database_non_empty);

async fn districts_alone_do_not_make_the_database_non_empty(backend: Backend) {
    let (db, _url, _guard) = fresh_db(backend).await;
    assert_eq!(tambang::demo::ensure_districts(&db).await.unwrap(), 25);
    assert!(
        tambang::demo::is_empty(&db).await.unwrap(),
        "serve still loads the demo after districts"
    );
}

both_backends!(a_missing_district_is_added_back_and_a_taken_slug_is_refused);

/// `serve` checks the districts at every start; only the missing ones are looked at, and one
/// whose slug another entry holds is refused rather than duplicated.
async fn a_missing_district_is_added_back_and_a_taken_slug_is_refused(backend: Backend) {
    use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, Set};

    let (db, _url, _guard) = fresh_db(backend).await;
    assert_eq!(tambang::demo::ensure_districts(&db).await.unwrap(), 25);
    let jongno = entry::Entity::find()
        .filter(entry::Column::Name.eq("종로구"))
        .one(&db)
        .await
        .unwrap()
        .expect("종로구");
    entry::Entity::delete_by_id(jongno.id)
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(tambang::demo::ensure_districts(&db).await.unwrap(), 1);
    let back = entry::Entity::find()
        .filter(entry::Column::Slug.eq(jongno.slug.clone()))
        .one(&db)
        .await
        .unwrap()
        .expect("종로구 is back");
    assert_eq!(
        (back.kind.as_str(), back.name.as_str()),
        ("district", "종로구")
    );
    assert_eq!(tambang::demo::ensure_districts(&db).await.unwrap(), 0);

    entry::Entity::delete_by_id(back.id)
        .exec(&db)
        .await
        .unwrap();
    let now = chrono::Utc::now();
    entry::ActiveModel {
        kind: Set("place".into()),
        slug: Set(jongno.slug.clone()),
        name: Set("종로구 어느 곳".into()),
        name_key: Set("종로구어느곳".into()),
        status: Set("active".into()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    let err = tambang::demo::ensure_districts(&db).await.unwrap_err();
    assert!(err.to_string().contains("taken"), "{err}");
}
