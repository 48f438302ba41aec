//! Visit reports: list and page (editing arrives with accounts).

pub mod queries;
pub mod routes;
pub mod views;
