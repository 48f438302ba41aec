//! Administration: users and roles, and the app-wide list of recent changes.

pub mod routes;
pub mod views;
