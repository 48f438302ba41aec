//! Tambang's one integration test binary. Every database test runs twice: on a fresh SQLite
//! file and, when `TEST_DATABASE_URL` is set, on a fresh PostgreSQL database.

mod helpers;

mod auth;
mod cli;
mod demo;
mod directory;
mod import;
mod migrations;
mod pages;
mod search;
mod search_robustness;
