//! Shared web pieces: the page layout, small view helpers, the stylesheet and pagination.

pub mod assets;
pub mod cache;
pub mod form;
pub mod format;
pub mod lang;
pub mod layout;
pub mod pagination;
pub mod slug_path;
pub mod upload;
pub mod url;
