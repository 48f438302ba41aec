//! The `district_details` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "district_details")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub entry_id: i64,
    pub code: String,
    pub city: String,
    pub kostat_code: Option<String>,
    pub population: Option<i64>,
    pub population_year: Option<i32>,
    pub area_km2: Option<f64>,
    pub boundary_geojson: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
