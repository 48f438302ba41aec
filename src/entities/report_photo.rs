//! The `report_photos` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "report_photos")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub report_id: i64,
    pub position: i32,
    pub file_name: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub content_type: Option<String>,
    pub byte_size: Option<i64>,
    #[serde(skip)]
    pub data: Option<Vec<u8>>,
    #[serde(skip)]
    pub thumbnail: Option<Vec<u8>>,
    pub created_at: DateTimeUtc,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub thumb_width: Option<i32>,
    pub thumb_height: Option<i32>,
    /// SHA-256 of `data` (hex): the ETag and the version in photo URLs.
    pub sha256: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
