//! The benchmark: a deterministic generator of realistic Korean directory data
//! (`generate`), and `tambang bench`, which fills a fresh database and times search, list
//! pages with facets, entry pages, report pages and the compare page, CSV and map in-process
//! (`run`, `measure`, `compare`).

pub mod compare;
pub mod generate;
pub mod http;
pub mod import_list;
pub mod linking;
pub mod measure;
pub mod names;
pub mod report;
pub mod run;
pub mod visits;
pub mod words;

pub use generate::{Generated, generate, generate_with};
