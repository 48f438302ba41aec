//! Researchers' view: district figures side by side, charts and a map as SVG, CSV download.
//! Read-only: nothing here writes.

pub mod cache;
pub mod district_figures;
pub mod figures;
pub mod history;
pub mod routes;
pub mod rows;
pub mod svg;
pub mod views;
