//! Visit reports: hosts and visitors, itinerary stops, participants, photos and takeaways.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{create_indexes, drop_tables, fk, fk_col, fk_col_null, id, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("reports")
                    .col(id())
                    .col(string_len_uniq("slug", 120))
                    .col(string("title"))
                    .col(string_null("author"))
                    .col(date_null("published_on"))
                    // Local (Korean) wall-clock time of the visit, as reports state it.
                    .col(date_time_null("visited_at"))
                    .col(string_len("state", 16))
                    .col(integer_null("participant_count"))
                    .col(text("body"))
                    .col(string_null("source_url"))
                    .col(json_null("tags"))
                    .col(fk_col_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer("version").default(1))
                    .foreign_key(&mut fk(
                        "reports",
                        "created_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        // Host and visiting entries of a report (role = host | visitor).
        manager
            .create_table(
                Table::create()
                    .table("report_entries")
                    .col(fk_col("report_id"))
                    .col(fk_col("entry_id"))
                    .col(string_len("role", 16))
                    .primary_key(Index::create().col("report_id").col("entry_id").col("role"))
                    .foreign_key(&mut fk(
                        "report_entries",
                        "report_id",
                        "reports",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "report_entries",
                        "entry_id",
                        "entries",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("report_stops")
                    .col(id())
                    .col(fk_col("report_id"))
                    .col(integer("position"))
                    .col(fk_col_null("entry_id"))
                    .col(string_null("label"))
                    .col(time_null("at_time"))
                    .col(text_null("note"))
                    .foreign_key(&mut fk(
                        "report_stops",
                        "report_id",
                        "reports",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "report_stops",
                        "entry_id",
                        "entries",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        // Named participants are personal data: hidden from anonymous visitors.
        manager
            .create_table(
                Table::create()
                    .table("report_participants")
                    .col(id())
                    .col(fk_col("report_id"))
                    .col(integer("position"))
                    .col(string("name"))
                    .col(string_null("affiliation"))
                    .col(fk_col_null("entry_id"))
                    .foreign_key(&mut fk(
                        "report_participants",
                        "report_id",
                        "reports",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "report_participants",
                        "entry_id",
                        "entries",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        // Photos live in the database so that backups and every app instance see them.
        manager
            .create_table(
                Table::create()
                    .table("report_photos")
                    .col(id())
                    .col(fk_col("report_id"))
                    .col(integer("position"))
                    .col(string("file_name"))
                    .col(string_null("caption"))
                    .col(string_null("credit"))
                    .col(string_len_null("content_type", 64))
                    .col(big_integer_null("byte_size"))
                    .col(blob_null("data"))
                    .col(blob_null("thumbnail"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "report_photos",
                        "report_id",
                        "reports",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("takeaways")
                    .col(id())
                    .col(fk_col("report_id"))
                    .col(integer("position"))
                    .col(text("lesson"))
                    .col(fk_col_null("entry_id"))
                    .col(string_null("owner"))
                    .col(date_null("due_on"))
                    .col(boolean("done").default(false))
                    .col(timestamp_with_time_zone_null("done_at"))
                    .foreign_key(&mut fk(
                        "takeaways",
                        "report_id",
                        "reports",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "takeaways",
                        "entry_id",
                        "entries",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        create_indexes(
            manager,
            vec![
                index("reports", &["state", "published_on"], false),
                index("reports", &["visited_at"], false),
                index("report_entries", &["entry_id"], false),
                index("report_stops", &["report_id", "position"], false),
                index("report_stops", &["entry_id"], false),
                index("report_participants", &["report_id"], false),
                index("report_photos", &["report_id"], false),
                index("takeaways", &["report_id"], false),
                index("takeaways", &["done", "due_on"], false),
                index("takeaways", &["entry_id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "takeaways",
                "report_photos",
                "report_participants",
                "report_stops",
                "report_entries",
                "reports",
            ],
        )
        .await
    }
}
