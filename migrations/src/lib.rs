//! Tambang's schema, one migration per feature area.
//!
//! Every migration has a working `down`, so `tambang migrate down` walks the schema back step
//! by step on SQLite and PostgreSQL alike. Tables are created with sea-query's builder so one
//! definition serves both backends.

pub use sea_orm_migration::prelude::*;

pub mod audit_summary;

mod m20261125_000001_directory;
mod m20261125_000002_accounts;
mod m20261125_000003_reports;
mod m20261125_000004_mentions_imports_audit;
mod m20261125_000005_search;
mod m20261125_000006_entry_name_keys;
mod m20261125_000007_list_indexes;
mod m20261125_000010_import_staging;
mod m20261126_000011_report_photo_sizes;
mod m20261202_000012_search_bigrams;
mod m20261204_000013_search_name_kind;
mod m20261204_000014_pg_search_bigrams;
mod m20261205_000015_entry_deletions;
mod m20261206_000016_audit_summary;
mod m20261206_000017_pg_alias_names;
mod m20261206_000018_pg_report_body_lz4;
mod m20261206_000019_report_state_visited;
mod m20261207_000020_report_visit_order;
mod m20261207_000021_figure_indexes;
mod util;

/// The ordered list of migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_directory::Migration),
            Box::new(m20261125_000002_accounts::Migration),
            Box::new(m20261125_000003_reports::Migration),
            Box::new(m20261125_000004_mentions_imports_audit::Migration),
            Box::new(m20261125_000005_search::Migration),
            Box::new(m20261125_000006_entry_name_keys::Migration),
            Box::new(m20261125_000007_list_indexes::Migration),
            Box::new(m20261125_000010_import_staging::Migration),
            Box::new(m20261126_000011_report_photo_sizes::Migration),
            Box::new(m20261202_000012_search_bigrams::Migration),
            Box::new(m20261204_000013_search_name_kind::Migration),
            Box::new(m20261204_000014_pg_search_bigrams::Migration),
            Box::new(m20261205_000015_entry_deletions::Migration),
            Box::new(m20261206_000016_audit_summary::Migration),
            Box::new(m20261206_000017_pg_alias_names::Migration),
            Box::new(m20261206_000018_pg_report_body_lz4::Migration),
            Box::new(m20261206_000019_report_state_visited::Migration),
            Box::new(m20261207_000020_report_visit_order::Migration),
            Box::new(m20261207_000021_figure_indexes::Migration),
        ]
    }
}
