//! Runtime configuration, parsed once from the command line and the environment.

use std::path::{Path, PathBuf};

/// Where the data lives.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`; when absent, an SQLite file `tambang.db` inside `data_dir`.
    pub database_url: Option<String>,
    /// Folder for the default SQLite file.
    pub data_dir: PathBuf,
}

impl Config {
    /// The database URL actually used.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.trim().to_string(),
            _ => sqlite_url(&self.data_dir.join("tambang.db")),
        }
    }
}

/// An SQLite URL that creates the file when missing.
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}
