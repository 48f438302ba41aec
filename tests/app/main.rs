//! Tambang's one integration test binary. Every database test runs twice: on a fresh SQLite
//! file and, when `TEST_DATABASE_URL` is set, on a fresh PostgreSQL database.

mod helpers;

mod api;
mod api_lists;
mod api_reports;
mod auth;
mod backup;
mod bench;
mod cli;
mod compare;
mod compare_as_of;
mod crash;
mod demo;
mod directory;
mod drill;
mod e2e;
mod hostile;
mod import;
pub mod import_geo;
mod import_hostile;
mod mentions;
mod migrations;
mod pages;
mod photos;
mod props;
mod reports;
mod search;
mod search_robustness;
mod visits;
