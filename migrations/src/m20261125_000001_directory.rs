//! The directory: entries of every kind, their kind-specific details, aliases and links.

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
                    .table("entries")
                    .col(id())
                    .col(string_len("kind", 16))
                    .col(string_len_uniq("slug", 120))
                    .col(string("name"))
                    .col(string_null("name_en"))
                    .col(text_null("description"))
                    .col(string_null("address"))
                    .col(double_null("lat"))
                    .col(double_null("lng"))
                    .col(fk_col_null("district_id"))
                    .col(string_null("website"))
                    .col(string_null("phone"))
                    .col(string_null("email"))
                    .col(string_len("status", 16).default("active"))
                    .col(date_null("founded_on"))
                    .col(date_null("last_verified_on"))
                    .col(text_null("source"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer("version").default(1))
                    .foreign_key(&mut fk(
                        "entries",
                        "district_id",
                        "entries",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("district_details")
                    .col(big_integer("entry_id").primary_key())
                    .col(string_len_uniq("code", 10))
                    .col(string("city"))
                    .col(string_len_null("kostat_code", 10))
                    .col(big_integer_null("population"))
                    .col(integer_null("population_year"))
                    .col(double_null("area_km2"))
                    .col(text_null("boundary_geojson"))
                    .foreign_key(&mut fk(
                        "district_details",
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
                    .table("center_details")
                    .col(big_integer("entry_id").primary_key())
                    .col(string_len_null("operating_mode", 16))
                    .col(fk_col_null("operator_id"))
                    .col(string_null("head"))
                    .col(date_null("opened_on"))
                    .col(date_null("closed_on"))
                    .col(text_null("focus_areas"))
                    .foreign_key(&mut fk(
                        "center_details",
                        "entry_id",
                        "entries",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "center_details",
                        "operator_id",
                        "entries",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("enterprise_details")
                    .col(big_integer("entry_id").primary_key())
                    .col(string_len("cert_type", 32))
                    .col(string_len_null("cert_no", 32))
                    .col(string_len_null("biz_reg_no", 16))
                    .col(date_null("cert_date"))
                    .col(integer_null("cert_round"))
                    .col(string_null("representative"))
                    .col(string_null("service_field"))
                    .col(string_len_null("social_purpose", 16))
                    .col(text_null("business"))
                    .foreign_key(&mut fk(
                        "enterprise_details",
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
                    .table("outlet_details")
                    .col(big_integer("entry_id").primary_key())
                    .col(string_len("channel", 32))
                    .col(fk_col_null("operator_id"))
                    .col(string_null("url"))
                    .foreign_key(&mut fk(
                        "outlet_details",
                        "entry_id",
                        "entries",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "outlet_details",
                        "operator_id",
                        "entries",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("program_details")
                    .col(big_integer("entry_id").primary_key())
                    .col(fk_col_null("sponsor_id"))
                    .col(string_null("period"))
                    .col(date_null("starts_on"))
                    .col(date_null("ends_on"))
                    .foreign_key(&mut fk(
                        "program_details",
                        "entry_id",
                        "entries",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "program_details",
                        "sponsor_id",
                        "entries",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("aliases")
                    .col(id())
                    .col(fk_col("entry_id"))
                    .col(string("name"))
                    .col(string_len("alias_type", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "aliases",
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
                    .table("links")
                    .col(id())
                    .col(fk_col("from_id"))
                    .col(fk_col("to_id"))
                    .col(string_len("link_type", 32))
                    .col(date_null("since"))
                    .col(date_null("until"))
                    .col(text_null("source"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "links",
                        "from_id",
                        "entries",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "links",
                        "to_id",
                        "entries",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        create_indexes(
            manager,
            vec![
                index("entries", &["kind", "name"], false),
                index("entries", &["district_id", "kind"], false),
                index("entries", &["status"], false),
                index("entries", &["updated_at"], false),
                index("center_details", &["operator_id"], false),
                index("enterprise_details", &["cert_no"], true),
                index("enterprise_details", &["biz_reg_no"], false),
                index("enterprise_details", &["cert_type"], false),
                index("outlet_details", &["operator_id"], false),
                index("outlet_details", &["channel"], false),
                index("program_details", &["sponsor_id"], false),
                index("aliases", &["entry_id", "name"], true),
                index("aliases", &["name"], false),
                index("links", &["from_id", "to_id", "link_type"], true),
                index("links", &["to_id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "links",
                "aliases",
                "program_details",
                "outlet_details",
                "enterprise_details",
                "center_details",
                "district_details",
                "entries",
            ],
        )
        .await
    }
}
