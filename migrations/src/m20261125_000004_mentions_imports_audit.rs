//! Mentions of entries in report text, import records with their row errors, and the audit
//! trail of every change.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{create_indexes, drop_tables, fk, fk_col, fk_col_null, id, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Spans are character (not byte) offsets into the NFC body; `entry_id` is empty for
        // a candidate name that matches nothing in the directory yet.
        manager
            .create_table(
                Table::create()
                    .table("mentions")
                    .col(id())
                    .col(fk_col("report_id"))
                    .col(fk_col_null("entry_id"))
                    .col(integer("start_char"))
                    .col(integer("end_char"))
                    .col(string("surface"))
                    .col(string_len("method", 32))
                    .col(double("confidence"))
                    .col(string_len("state", 16))
                    .col(string_len_null("candidate_kind", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        "mentions",
                        "report_id",
                        "reports",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "mentions",
                        "entry_id",
                        "entries",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("imports")
                    .col(id())
                    .col(string_len("kind", 32))
                    .col(string_null("source"))
                    .col(string("file_name"))
                    .col(string_len("sha256", 64))
                    .col(string_len_null("encoding", 32))
                    .col(json_null("mapping"))
                    .col(string_len("status", 16))
                    .col(integer("rows_total").default(0))
                    .col(integer("rows_new").default(0))
                    .col(integer("rows_updated").default(0))
                    .col(integer("rows_unchanged").default(0))
                    .col(integer("rows_conflict").default(0))
                    .col(integer("rows_rejected").default(0))
                    .col(fk_col_null("created_by"))
                    .col(timestamp_with_time_zone("started_at"))
                    .col(timestamp_with_time_zone_null("finished_at"))
                    .foreign_key(&mut fk(
                        "imports",
                        "created_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("import_row_errors")
                    .col(id())
                    .col(fk_col("import_id"))
                    .col(integer("line"))
                    .col(string_null("column_name"))
                    .col(text_null("value"))
                    .col(text("reason"))
                    .col(text_null("raw"))
                    .foreign_key(&mut fk(
                        "import_row_errors",
                        "import_id",
                        "imports",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        // One row per changed database row: `changes` holds {field: [old, new]}.
        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    .col(id())
                    .col(timestamp_with_time_zone("at"))
                    .col(fk_col_null("user_id"))
                    .col(string("actor"))
                    .col(string_len("table_name", 64))
                    .col(big_integer("row_id"))
                    .col(string_len("action", 16))
                    .col(json_null("changes"))
                    .foreign_key(&mut fk(
                        "audit_log",
                        "user_id",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        create_indexes(
            manager,
            vec![
                index("mentions", &["report_id", "start_char"], false),
                index("mentions", &["entry_id", "state"], false),
                index("imports", &["sha256"], false),
                index("imports", &["source", "started_at"], false),
                index("import_row_errors", &["import_id", "line"], false),
                index("audit_log", &["table_name", "row_id"], false),
                index("audit_log", &["at"], false),
                index("audit_log", &["user_id", "at"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &["audit_log", "import_row_errors", "imports", "mentions"],
        )
        .await
    }
}
