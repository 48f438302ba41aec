//! Tambang (탐방): the directory and field-visit log of the social economy.
//!
//! Modules are cut by feature (see DESIGN.md): `directory` and `reports` own their queries,
//! views and routes; `domain` holds pure types; `web` the shared layout; `app` wires routes.

pub mod app;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod directory;
pub mod domain;
pub mod entities;
pub mod error;
pub mod home;
pub mod reports;
pub mod telemetry;
pub mod web;
