//! The SQLite full-text rows of an import's new entries, written in bulk.
//!
//! Triggers keep `entries_fts` (trigram) and `entries_bigrams` (two-character pairs) in step
//! with `entries` on every write path (see the search migrations). For one new entry the
//! insert triggers cost more than the entry itself: the trigram trigger deletes and re-reads
//! the row with its aliases, and the bigram trigger cuts the pairs in SQL with a recursive
//! query (together ~85 µs an entry; half of a 10,000-row import). An import inside its own
//! transaction therefore suspends the two *insert* triggers, writes the same rows for its new
//! entries itself (multi-row, pairs cut in Rust), and puts the triggers back, with the SQL
//! they had, before it commits. A failure or a rollback restores them with everything else.
//! Only the triggers found are suspended, and only their tables are filled here; update and
//! delete triggers keep working for the import's updates.

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, Value};

use crate::entities::entry;
use crate::error::AppResult;

/// The insert triggers this module can stand in for, with the table each fills.
const TRIGGERS: &[(&str, Table)] = &[
    ("entries_fts_ai", Table::Trigram),
    ("entries_bigrams_ai", Table::Bigrams),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    Trigram,
    Bigrams,
}

/// Rows per multi-row statement (5 parameters a row at most).
const ROWS: usize = 500;

/// Triggers taken off for the length of an import's transaction.
#[derive(Debug, Default)]
pub struct Suspended {
    /// (name, the `CREATE TRIGGER` statement it had, the table it filled).
    triggers: Vec<(String, String, Table)>,
}

impl Suspended {
    /// Drops the insert triggers (SQLite only; elsewhere nothing is suspended).
    pub async fn begin(db: &impl ConnectionTrait) -> AppResult<Self> {
        if db.get_database_backend() != DatabaseBackend::Sqlite {
            return Ok(Self::default());
        }
        let mut triggers = Vec::new();
        for (name, table) in TRIGGERS {
            let found = db
                .query_one_raw(Statement::from_sql_and_values(
                    DatabaseBackend::Sqlite,
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                    [(*name).into()],
                ))
                .await?;
            if let Some(sql) = found.and_then(|r| r.try_get::<String>("", "sql").ok()) {
                db.execute_unprepared(&format!("DROP TRIGGER {name}"))
                    .await?;
                triggers.push((name.to_string(), sql, *table));
            }
        }
        Ok(Self { triggers })
    }

    fn fills(&self, table: Table) -> bool {
        self.triggers.iter().any(|t| t.2 == table)
    }

    /// The statements that write the full-text rows of new entries (no aliases yet) that the
    /// suspended triggers would have written.
    pub fn statements<'e>(
        &self,
        entries: impl IntoIterator<Item = &'e entry::Model>,
    ) -> Vec<Statement> {
        let mut statements = Vec::new();
        if self.triggers.is_empty() {
            return statements;
        }
        let entries: Vec<&entry::Model> = entries.into_iter().collect();
        for chunk in entries.chunks(ROWS) {
            if self.fills(Table::Trigram) {
                let mut values = Vec::with_capacity(chunk.len() * 5);
                for e in chunk {
                    values.extend([
                        e.id.into(),
                        e.name.clone().into(),
                        e.name_en.clone().into(),
                        e.address.clone().into(),
                        e.description.clone().into(),
                    ]);
                }
                let sql = format!(
                    "INSERT INTO entries_fts (rowid, name, name_en, aliases, address, description) \
                     VALUES {}",
                    vec!["(?, ?, ?, NULL, ?, ?)"; chunk.len()].join(", ")
                );
                statements.push(Statement::from_sql_and_values(
                    DatabaseBackend::Sqlite,
                    sql,
                    values,
                ));
            }
            if self.fills(Table::Bigrams) {
                let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 2);
                for e in chunk {
                    values.push(e.id.into());
                    values.push(pairs(&searchable_text(e)).into());
                }
                let sql = format!(
                    "INSERT INTO entries_bigrams (rowid, g) VALUES {}",
                    vec!["(?, ?)"; chunk.len()].join(", ")
                );
                statements.push(Statement::from_sql_and_values(
                    DatabaseBackend::Sqlite,
                    sql,
                    values,
                ));
            }
        }
        statements
    }

    /// Puts the triggers back as they were (call before committing).
    pub async fn restore(self, db: &impl ConnectionTrait) -> AppResult<()> {
        for (_, sql, _) in self.triggers {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }
}

/// The text the bigram trigger indexes for an entry without aliases: name, English name,
/// aliases, address and description, one per line.
fn searchable_text(e: &entry::Model) -> String {
    [
        e.name.as_str(),
        e.name_en.as_deref().unwrap_or_default(),
        "",
        e.address.as_deref().unwrap_or_default(),
        e.description.as_deref().unwrap_or_default(),
    ]
    .join("\n")
}

/// Every two-character substring of `text`, comma-separated: what the bigram trigger's
/// recursive query produces (the tokenizer then keeps the pairs of two letters or digits).
pub fn pairs(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() * 3);
    for (i, w) in chars.windows(2).enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push(w[0]);
        out.push(w[1]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_every_two_character_window() {
        assert_eq!(pairs("성수동"), "성수,수동");
        assert_eq!(pairs("가"), "");
        assert_eq!(pairs(""), "");
        assert_eq!(pairs("a\n나다"), "a\n,\n나,나다");
    }
}
