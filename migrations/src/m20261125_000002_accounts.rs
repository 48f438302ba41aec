//! Accounts: users with roles, database-backed sessions and API tokens.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{create_indexes, drop_tables, fk, fk_col, id, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("users")
                    .col(id())
                    .col(string_uniq("email"))
                    .col(string_null("display_name"))
                    .col(string("password_hash"))
                    .col(string_len("role", 16))
                    .col(boolean("disabled").default(false))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("password_changed_at"))
                    .col(timestamp_with_time_zone_null("last_login_at"))
                    .to_owned(),
            )
            .await?;

        // The session id itself is never stored: `id_hash` is its SHA-256, so a leaked
        // database does not hand out live sessions.
        manager
            .create_table(
                Table::create()
                    .table("sessions")
                    .col(string_len("id_hash", 64).primary_key())
                    .col(fk_col("user_id"))
                    .col(string_len("csrf_token", 64))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("last_seen_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(string_len_null("ip", 64))
                    .col(string_null("user_agent"))
                    .foreign_key(&mut fk(
                        "sessions",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("api_tokens")
                    .col(id())
                    .col(fk_col("user_id"))
                    .col(string("name"))
                    .col(string_len_uniq("token_hash", 64))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("last_used_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(&mut fk(
                        "api_tokens",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        // Failed sign-ins, kept for throttling per account and per address.
        manager
            .create_table(
                Table::create()
                    .table("login_attempts")
                    .col(id())
                    .col(string("email"))
                    .col(string_len("ip", 64))
                    .col(timestamp_with_time_zone("at"))
                    .to_owned(),
            )
            .await?;

        create_indexes(
            manager,
            vec![
                index("sessions", &["user_id"], false),
                index("sessions", &["expires_at"], false),
                index("api_tokens", &["user_id"], false),
                index("login_attempts", &["email", "at"], false),
                index("login_attempts", &["ip", "at"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &["login_attempts", "api_tokens", "sessions", "users"],
        )
        .await
    }
}
