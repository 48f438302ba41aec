//! Indexes for list pages at 100k entries (found with `tambang bench` and `EXPLAIN QUERY
//! PLAN`): sorting one kind by last change or last verification used a temporary B-tree over
//! every entry of that kind, and the district and status facets read each row from the table.
//! `(kind, district_id, status)` answers those facets from the index alone.

use sea_orm_migration::prelude::*;

use crate::util::{create_indexes, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `(table, columns)` of the indexes this migration adds.
const INDEXES: &[(&str, &[&str])] = &[
    ("entries", &["kind", "updated_at"]),
    ("entries", &["kind", "last_verified_on"]),
    ("entries", &["kind", "district_id", "status"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_indexes(
            manager,
            INDEXES
                .iter()
                .map(|&(table, cols)| index(table, cols, false))
                .collect(),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, cols) in INDEXES {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("ix_{table}_{}", cols.join("_")))
                        .table(*table)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
