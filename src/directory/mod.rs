//! The directory: entries of every kind, their details, aliases and links.

pub mod duplicates;
pub mod edit_routes;
pub mod edit_views;
pub mod filters;
pub mod geo;
pub mod input;
pub mod list_index;
pub mod list_views;
pub mod merge;
pub mod queries;
pub mod routes;
pub mod views;
pub mod write;
