//! The `enterprise_details` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "enterprise_details")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub entry_id: i64,
    pub cert_type: String,
    pub cert_no: Option<String>,
    pub biz_reg_no: Option<String>,
    pub cert_date: Option<Date>,
    pub cert_round: Option<i32>,
    pub representative: Option<String>,
    pub service_field: Option<String>,
    pub social_purpose: Option<String>,
    pub business: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
