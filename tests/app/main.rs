//! Tambang's one integration test binary. Every database test runs twice: on a fresh SQLite
//! file and, when `TEST_DATABASE_URL` is set, on a fresh PostgreSQL database.

mod helpers;

mod api;
mod api_lists;
mod auth;
mod backup;
mod bench;
mod cli;
mod compare;
mod demo;
mod directory;
mod import;
pub mod import_geo;
mod import_hostile;
mod mentions;
mod migrations;
mod pages;
mod reports;
mod search;
mod search_robustness;
