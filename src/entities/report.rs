//! The `reports` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub author: Option<String>,
    pub published_on: Option<Date>,
    pub visited_at: Option<DateTime>,
    pub state: String,
    pub participant_count: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub source_url: Option<String>,
    pub tags: Option<Json>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
