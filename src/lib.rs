//! Tambang (탐방): the directory and field-visit log of the social economy.
//!
//! Modules are cut by feature (see DESIGN.md): `directory` and `reports` own their queries,
//! views and routes; `domain` holds pure types; `web` the shared layout; `app` wires routes.

pub mod admin;
pub mod api;
pub mod app;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod bench;
pub mod blogpost;
pub mod boundary;
pub mod cli;
pub mod cli_accounts;
pub mod cli_import;
pub mod compare;
pub mod config;
pub mod db;
pub mod demo;
pub mod directory;
pub mod domain;
pub mod entities;
pub mod error;
pub mod home;
pub mod import;
pub mod linking;
pub mod mentions;
pub mod reports;
pub mod search;
pub mod telemetry;
pub mod web;
