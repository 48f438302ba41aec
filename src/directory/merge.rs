//! Merging two entries that are the same thing (admins only). Everything that points at the
//! merged entry — aliases, links, report hosts and stops, participants, takeaways, mentions,
//! detail references and its history — moves to the survivor, the merged name becomes an
//! alias, and the merged entry is deleted: all in one audited transaction.

use chrono::Utc;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    Set, Statement,
};
use serde_json::{Map, json};

use crate::audit::{self, Actor};
use crate::directory::queries::ENTRY_TABLES;
use crate::domain::{AliasType, AuditAction};
use crate::entities::{alias, entry, link};
use crate::error::{AppError, AppResult};

/// Plain re-points: (table, column) pairs whose values move from the merged entry to the
/// survivor without any uniqueness to respect.
const REFERENCES: &[(&str, &str)] = &[
    ("entries", "district_id"),
    ("center_details", "operator_id"),
    ("outlet_details", "operator_id"),
    ("program_details", "sponsor_id"),
    ("report_stops", "entry_id"),
    ("report_participants", "entry_id"),
    ("takeaways", "entry_id"),
    ("mentions", "entry_id"),
];

async fn exec(db: &impl ConnectionTrait, sql: &str, a: i64, b: i64) -> AppResult<u64> {
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), sql, [a.into(), b.into()]);
    Ok(db.execute_raw(stmt).await?.rows_affected())
}

/// Merges `merged` into `survivor`.
pub async fn merge_entries(
    db: &DatabaseConnection,
    actor: &Actor,
    survivor: &entry::Model,
    merged: entry::Model,
) -> AppResult<()> {
    if survivor.id == merged.id {
        return Err(AppError::BadRequest(
            "같은 항목끼리는 합칠 수 없습니다.".into(),
        ));
    }
    if survivor.kind != merged.kind {
        return Err(AppError::BadRequest(
            "종류가 같은 항목만 합칠 수 있습니다.".into(),
        ));
    }
    let (keep, gone) = (survivor.id, merged.id);
    let txn = crate::db::begin_write(db).await?;

    // Aliases: move those the survivor lacks; the merged name becomes one.
    let mut names: Vec<String> = alias::Entity::find()
        .filter(alias::Column::EntryId.eq(keep))
        .all(&txn)
        .await?
        .into_iter()
        .map(|a| a.name)
        .collect();
    names.push(survivor.name.clone());
    for a in alias::Entity::find()
        .filter(alias::Column::EntryId.eq(gone))
        .all(&txn)
        .await?
    {
        if names.contains(&a.name) {
            audit::delete(&txn, actor, a).await?;
        } else {
            names.push(a.name.clone());
            let mut m = a.clone().into_active_model();
            m.entry_id = Set(keep);
            audit::update(&txn, actor, &a, m).await?;
        }
    }
    if !names.contains(&merged.name) {
        let m = alias::ActiveModel {
            entry_id: Set(keep),
            name: Set(merged.name.clone()),
            alias_type: Set(AliasType::FormerName.as_str().to_string()),
            created_at: Set(Utc::now()),
            ..Default::default()
        };
        audit::insert(&txn, actor, m).await?;
    }

    // Links: re-point both ends; drop self-links and ones the survivor already has.
    let links = link::Entity::find()
        .filter(
            link::Column::FromId
                .eq(gone)
                .or(link::Column::ToId.eq(gone)),
        )
        .all(&txn)
        .await?;
    for l in links {
        let from = if l.from_id == gone { keep } else { l.from_id };
        let to = if l.to_id == gone { keep } else { l.to_id };
        let duplicate = link::Entity::find()
            .filter(link::Column::FromId.eq(from))
            .filter(link::Column::ToId.eq(to))
            .filter(link::Column::LinkType.eq(l.link_type.as_str()))
            .one(&txn)
            .await?
            .is_some();
        if from == to || duplicate {
            audit::delete(&txn, actor, l).await?;
        } else {
            let mut m = l.clone().into_active_model();
            m.from_id = Set(from);
            m.to_id = Set(to);
            audit::update(&txn, actor, &l, m).await?;
        }
    }

    // Report hosts/visitors: the key is (report, entry, role), so drop what would collide.
    let mut moved = Map::new();
    exec(
        &txn,
        "DELETE FROM report_entries WHERE entry_id = $2 AND EXISTS (SELECT 1 FROM report_entries s \
         WHERE s.entry_id = $1 AND s.report_id = report_entries.report_id AND s.role = report_entries.role)",
        keep,
        gone,
    )
    .await?;
    let n = exec(
        &txn,
        "UPDATE report_entries SET entry_id = $1 WHERE entry_id = $2",
        keep,
        gone,
    )
    .await?;
    moved.insert("report_entries".into(), json!(n));
    for (table, column) in REFERENCES {
        let n = exec(
            &txn,
            &format!("UPDATE {table} SET {column} = $1 WHERE {column} = $2"),
            keep,
            gone,
        )
        .await?;
        moved.insert(format!("{table}.{column}"), json!(n));
    }
    let history = exec(
        &txn,
        &format!(
            "UPDATE audit_log SET row_id = $1 WHERE row_id = $2 AND table_name IN ({})",
            ENTRY_TABLES
                .iter()
                .map(|t| format!("'{t}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        keep,
        gone,
    )
    .await?;
    moved.insert("history".into(), json!(history));

    // The merged entry's own rows go, each deletion audited.
    crate::directory::write::delete_details(&txn, actor, gone).await?;
    let merged_slug = merged.slug.clone();
    audit::delete(&txn, actor, merged).await?;

    let fresh = entry::Entity::find_by_id(keep)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut m = fresh.clone().into_active_model();
    m.version = Set(fresh.version + 1);
    m.updated_at = Set(Utc::now());
    audit::update(&txn, actor, &fresh, m).await?;
    let mut changes = Map::new();
    changes.insert("merged_from".into(), json!([merged_slug, survivor.slug]));
    changes.insert("moved".into(), json!([null, moved]));
    audit::record(&txn, actor, "entries", keep, AuditAction::Update, changes).await?;
    txn.commit().await?;
    Ok(())
}
