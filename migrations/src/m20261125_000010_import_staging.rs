//! Imports, second step: the uploaded bytes of a staged web import live in the database (so
//! any app instance can continue the wizard), a JSON summary of what was detected, and one
//! row per entry an import touched — the provenance a later edition of the same list is
//! compared with (snapshot diff), with the row's unknown columns kept as `extra`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{create_indexes, drop_tables, fk, fk_col, id, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Two statements: SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table("imports")
                    .add_column(blob_null("payload"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("imports")
                    .add_column(json_null("summary"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("import_entries")
                    .col(id())
                    .col(fk_col("import_id"))
                    .col(fk_col("entry_id"))
                    .col(integer("line"))
                    .col(string_len("outcome", 16))
                    .col(json_null("changes"))
                    .col(json_null("extra"))
                    .foreign_key(&mut fk(
                        "import_entries",
                        "import_id",
                        "imports",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "import_entries",
                        "entry_id",
                        "entries",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("import_entries", &["import_id"], false),
                index("import_entries", &["entry_id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["import_entries"]).await?;
        for col in ["summary", "payload"] {
            manager
                .alter_table(Table::alter().table("imports").drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
