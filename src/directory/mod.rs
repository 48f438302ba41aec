//! The directory: entries of every kind, their details, aliases and links.

pub mod queries;
pub mod routes;
pub mod views;
