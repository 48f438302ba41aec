//! The `imports` table: one row per import (staged, applied, rejected or dry).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "imports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub source: Option<String>,
    pub file_name: String,
    pub sha256: String,
    pub encoding: Option<String>,
    pub mapping: Option<Json>,
    pub status: String,
    pub rows_total: i32,
    pub rows_new: i32,
    pub rows_updated: i32,
    pub rows_unchanged: i32,
    pub rows_conflict: i32,
    pub rows_rejected: i32,
    pub created_by: Option<i64>,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    /// The uploaded bytes while a web import is staged; cleared once applied.
    #[serde(skip)]
    pub payload: Option<Vec<u8>>,
    pub summary: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
