//! Search across the directory and the visit reports: one box in the header, one page with
//! results grouped by kind, and `/api/v1/search`. Matching runs in the database (FTS5
//! trigram and bigram tables on SQLite, `LIKE` behind GIN indexes of character pairs on
//! PostgreSQL); `terms` holds the pure text
//! rules shared by ranking, highlighting and snippets.

pub mod compact;
pub mod queries;
pub mod routes;
pub mod terms;
pub mod views;
