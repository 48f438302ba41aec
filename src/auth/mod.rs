//! Accounts and the security baseline: users and roles, database sessions, API tokens, sign-in
//! throttling, CSRF, security headers, and the write-route policy enforced in one place.

pub mod cookies;
pub mod crypto;
pub mod extract;
pub mod guard;
pub mod policy;
pub mod routes;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod upload_token;
pub mod users;
pub mod views;
