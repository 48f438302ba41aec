//! The district figures (`src/compare/figures.rs`) count today's entries per district by kind,
//! certification type, sales channel and recent verification, each count filtered on status
//! and creation time. The two indexes they used held the district and kind only, so every
//! count read each of the 100,000 entries' table rows (descriptions, addresses) for its status
//! and dates: ~100 ms a count on SQLite at 100k, and the figures afresh (after any write, and
//! for every past day asked) took 0.6 s. With the status and dates in the same two indexes
//! every count is answered from an index: a past day's compare page 0.60 -> 0.21 s. The wider
//! indexes serve every query the narrower ones did (the same columns lead), so they replace
//! them; the directory keeps eleven indexes on `entries`.

use sea_orm_migration::prelude::*;

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (narrow columns, wide columns) of each replaced index.
const REPLACED: [(&[&str], &[&str]); 2] = [
    (
        &["district_id", "kind"],
        &[
            "district_id",
            "kind",
            "status",
            "created_at",
            "last_verified_on",
        ],
    ),
    (
        &["kind", "district_id", "status"],
        &["kind", "district_id", "status", "created_at"],
    ),
];

async fn swap(
    manager: &SchemaManager<'_>,
    from: &[&'static str],
    to: &[&'static str],
) -> Result<(), DbErr> {
    manager.create_index(index("entries", to, false)).await?;
    manager
        .drop_index(
            Index::drop()
                .name(format!("ix_entries_{}", from.join("_")))
                .table("entries")
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (narrow, wide) in REPLACED {
            swap(manager, narrow, wide).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (narrow, wide) in REPLACED {
            swap(manager, wide, narrow).await?;
        }
        Ok(())
    }
}
