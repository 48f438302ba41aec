//! Visit reports: list and page (editing arrives with accounts).

pub mod edit_routes;
pub mod edit_views;
pub mod ics;
pub mod import_page;
pub mod input;
pub mod photo;
pub mod photo_routes;
pub mod photo_views;
pub mod photo_write;
pub mod queries;
pub mod route;
pub mod route_views;
pub mod routes;
pub mod views;
pub mod visits;
pub mod visits_views;
pub mod write;
