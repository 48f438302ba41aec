//! A comparison key per entry name (company-form markers and spacing folded, see
//! `domain::name_key`) for duplicate warnings, and a location index for "within 200 m".
//! The app fills keys of existing rows at start-up, since the folding rules live in Rust.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{create_indexes, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("entries")
                    .add_column(string_len("name_key", 255).default(""))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("entries", &["name_key"], false),
                index("entries", &["lat", "lng"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["ix_entries_name_key", "ix_entries_lat_lng"] {
            manager
                .drop_index(Index::drop().name(name).table("entries").to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("entries")
                    .drop_column("name_key")
                    .to_owned(),
            )
            .await
    }
}
