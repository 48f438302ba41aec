//! Writing report photos: add an uploaded one, attach a file to a described one, change its
//! caption and credit, move it, delete it — each write audited (the image bytes never enter
//! the audit trail: the model skips them when serialised) in the same transaction.
//!
//! Positions are kept dense (0, 1, 2, …) by renumbering on every move, so "up" and "down"
//! always swap with the visible neighbour even when older rows shared a position.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::{Map, Value, json};

use crate::audit::{self, Actor};
use crate::domain::AuditAction;
use crate::entities::report_photo;
use crate::error::{AppError, AppResult};
use crate::reports::photo::ProcessedPhoto;
use crate::reports::queries::{PhotoMeta, photos_of};

const TABLE: &str = "report_photos";

/// A checked upload: the original bytes, their safe name, and what `photo::process` found.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub photo: ProcessedPhoto,
}

fn set_file(m: &mut report_photo::ActiveModel, f: &StoredFile) {
    let p = &f.photo;
    m.file_name = Set(f.file_name.clone());
    m.content_type = Set(Some(p.format.mime().to_string()));
    m.byte_size = Set(Some(f.bytes.len() as i64));
    m.data = Set(Some(f.bytes.clone()));
    m.thumbnail = Set(Some(p.thumbnail.clone()));
    m.width = Set(Some(p.width as i32));
    m.height = Set(Some(p.height as i32));
    m.thumb_width = Set(Some(p.thumb_width as i32));
    m.thumb_height = Set(Some(p.thumb_height as i32));
    m.sha256 = Set(Some(p.sha256.clone()));
    m.created_at = Set(Utc::now());
}

/// The position after the report's last photo.
async fn next_position(db: &impl ConnectionTrait, report_id: i64) -> AppResult<i32> {
    let max: Option<Option<i32>> = report_photo::Entity::find()
        .select_only()
        .column_as(report_photo::Column::Position.max(), "max")
        .filter(report_photo::Column::ReportId.eq(report_id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().map_or(0, |m| m + 1))
}

/// Adds an uploaded photo after the report's last one.
pub async fn add_photo(
    db: &DatabaseConnection,
    actor: &Actor,
    report_id: i64,
    file: &StoredFile,
    caption: Option<String>,
    credit: Option<String>,
) -> AppResult<report_photo::Model> {
    let txn = crate::db::begin_write(db).await?;
    let mut m = report_photo::ActiveModel {
        report_id: Set(report_id),
        position: Set(next_position(&txn, report_id).await?),
        caption: Set(caption),
        credit: Set(credit),
        ..Default::default()
    };
    set_file(&mut m, file);
    let row = audit::insert(&txn, actor, m).await?;
    txn.commit().await?;
    Ok(row)
}

/// The photo `id` of report `report_id` (404 when it belongs to another report).
pub async fn find_photo(
    db: &impl ConnectionTrait,
    report_id: i64,
    id: i64,
) -> AppResult<report_photo::Model> {
    report_photo::Entity::find_by_id(id)
        .filter(report_photo::Column::ReportId.eq(report_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Stores a file for an existing photo row (a described photo from a pasted blog post, or a
/// replacement); caption, credit and position stay.
pub async fn attach_file(
    db: &DatabaseConnection,
    actor: &Actor,
    current: &report_photo::Model,
    file: &StoredFile,
) -> AppResult<report_photo::Model> {
    let txn = crate::db::begin_write(db).await?;
    let mut m = current.clone().into_active_model();
    set_file(&mut m, file);
    let row = audit::update(&txn, actor, current, m).await?;
    txn.commit().await?;
    Ok(row)
}

/// Changes a photo's caption and credit.
pub async fn update_text(
    db: &impl ConnectionTrait,
    actor: &Actor,
    current: &report_photo::Model,
    caption: Option<String>,
    credit: Option<String>,
) -> AppResult<report_photo::Model> {
    let mut m = current.clone().into_active_model();
    m.caption = Set(caption);
    m.credit = Set(credit);
    audit::update(db, actor, current, m).await
}

/// Deletes one photo.
pub async fn delete_photo(
    db: &impl ConnectionTrait,
    actor: &Actor,
    current: report_photo::Model,
) -> AppResult<()> {
    audit::delete(db, actor, current).await
}

/// Which way a photo moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// The new order after moving `id` one step (unchanged at either end).
pub fn reorder(ids: &[i64], id: i64, dir: Direction) -> Vec<i64> {
    let mut out = ids.to_vec();
    if let Some(i) = out.iter().position(|x| *x == id) {
        match dir {
            Direction::Up if i > 0 => out.swap(i, i - 1),
            Direction::Down if i + 1 < out.len() => out.swap(i, i + 1),
            _ => {}
        }
    }
    out
}

/// Sets `position` of one row and records it (no image bytes are read).
async fn set_position(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    old: i32,
    new: i32,
) -> AppResult<()> {
    report_photo::Entity::update_many()
        .col_expr(report_photo::Column::Position, Expr::value(new))
        .filter(report_photo::Column::Id.eq(id))
        .exec(db)
        .await?;
    let mut changes = Map::new();
    changes.insert("position".into(), json!([old, new]));
    audit::record(db, actor, TABLE, id, AuditAction::Update, changes).await
}

/// Moves a photo up or down among its report's photos, renumbering them 0, 1, 2, ….
pub async fn move_photo(
    db: &DatabaseConnection,
    actor: &Actor,
    report_id: i64,
    id: i64,
    dir: Direction,
) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    let photos = photos_of(&txn, report_id).await?;
    if !photos.iter().any(|p| p.id == id) {
        return Err(AppError::NotFound);
    }
    let ids: Vec<i64> = photos.iter().map(|p| p.id).collect();
    for (pos, pid) in reorder(&ids, id, dir).into_iter().enumerate() {
        let old = photos
            .iter()
            .find(|p| p.id == pid)
            .map_or(-1, |p| p.position);
        if old != pos as i32 {
            set_position(&txn, actor, pid, old, pos as i32).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// The audit record of a photo deleted in bulk, from its metadata.
fn deleted_fields(p: &PhotoMeta) -> Map<String, Value> {
    let fields = [
        ("file_name", json!(p.file_name)),
        ("caption", json!(p.caption)),
        ("credit", json!(p.credit)),
        ("content_type", json!(p.content_type)),
        ("byte_size", json!(p.byte_size)),
        ("sha256", json!(p.sha256)),
        ("position", json!(p.position)),
    ];
    fields
        .into_iter()
        .map(|(k, v)| (k.to_string(), json!([v, null])))
        .collect()
}

/// Deletes every photo of a report (the report is being deleted), audited per photo without
/// reading image bytes.
pub async fn delete_all(db: &impl ConnectionTrait, actor: &Actor, report_id: i64) -> AppResult<()> {
    for p in photos_of(db, report_id).await? {
        report_photo::Entity::delete_by_id(p.id).exec(db).await?;
        audit::record(
            db,
            actor,
            TABLE,
            p.id,
            AuditAction::Delete,
            deleted_fields(&p),
        )
        .await?;
    }
    Ok(())
}

/// Brings the report's described photos (no file yet) in line with the form's
/// `설명 | 사진출처` lines: the n-th line updates the n-th described photo in place (so its id,
/// position and any attach-a-file link stay), extra lines are added after the last photo, and
/// described photos beyond the last line are deleted. Photos with files are not touched.
pub async fn reconcile_described(
    db: &impl ConnectionTrait,
    actor: &Actor,
    report_id: i64,
    lines: &[(String, Option<String>)],
) -> AppResult<()> {
    let described: Vec<report_photo::Model> = report_photo::Entity::find()
        .filter(report_photo::Column::ReportId.eq(report_id))
        .filter(report_photo::Column::Data.is_null())
        .order_by_asc(report_photo::Column::Position)
        .order_by_asc(report_photo::Column::Id)
        .all(db)
        .await?
        .into_iter()
        // Rows with neither caption nor name have no line in the form; leave them be.
        .filter(|p| p.caption.as_deref().is_some_and(|c| !c.is_empty()) || !p.file_name.is_empty())
        .collect();
    let mut next = next_position(db, report_id).await?;
    for (n, (caption, credit)) in lines.iter().enumerate() {
        match described.get(n) {
            Some(row) if row.caption.as_ref() == Some(caption) && row.credit == *credit => {}
            Some(row) => {
                update_text(db, actor, row, Some(caption.clone()), credit.clone()).await?;
            }
            None => {
                let m = report_photo::ActiveModel {
                    report_id: Set(report_id),
                    position: Set(next),
                    file_name: Set(String::new()),
                    caption: Set(Some(caption.clone())),
                    credit: Set(credit.clone()),
                    created_at: Set(Utc::now()),
                    ..Default::default()
                };
                next += 1;
                audit::insert(db, actor, m).await?;
            }
        }
    }
    for row in described.into_iter().skip(lines.len()) {
        audit::delete(db, actor, row).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reorder_swaps_with_the_neighbour_and_stops_at_the_ends() {
        let ids = [10, 20, 30];
        assert_eq!(reorder(&ids, 20, Direction::Up), vec![20, 10, 30]);
        assert_eq!(reorder(&ids, 20, Direction::Down), vec![10, 30, 20]);
        assert_eq!(reorder(&ids, 10, Direction::Up), vec![10, 20, 30]);
        assert_eq!(reorder(&ids, 30, Direction::Down), vec![10, 20, 30]);
        assert_eq!(reorder(&ids, 99, Direction::Up), vec![10, 20, 30]);
    }
}
