//! The home page's two report lists — the latest published visits and the next planned ones —
//! read reports of one state in visit order, five at a time. With only an index on the state
//! and the publication date, the database read the visit date of every published report and
//! sorted them (8,042 rows of 10,000, each on its own page: at a cold start most of the first
//! page's reads). An index on the state and the visit date hands over the five in order.

use sea_orm_migration::prelude::*;

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index("reports", &["state", "visited_at"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_reports_state_visited_at")
                    .table("reports")
                    .to_owned(),
            )
            .await
    }
}
