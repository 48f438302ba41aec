//! Report photos, second step: the image's and the thumbnail's dimensions (so the report page
//! can give every `<img>` its width and height without reading image bytes) and the SHA-256
//! of the stored file (the ETag and the cache-busting version in photo URLs).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INT_COLUMNS: [&str; 4] = ["width", "height", "thumb_width", "thumb_height"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one column per ALTER TABLE.
        for col in INT_COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table("report_photos")
                        .add_column(integer_null(col))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("report_photos")
                    .add_column(string_len_null("sha256", 64))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in ["sha256"].into_iter().chain(INT_COLUMNS.into_iter().rev()) {
            manager
                .alter_table(
                    Table::alter()
                        .table("report_photos")
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
