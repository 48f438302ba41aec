//! Searching entries and reports in one query each, on either backend.
//!
//! Every term must match (AND) somewhere in an entry's name, English name, aliases, address or
//! description (a report's title or body). User text only ever reaches SQL as a bound value:
//!
//! - SQLite: terms of 3+ characters go to the FTS5 trigram tables as quoted phrases (`"` is
//!   doubled), so FTS syntax (`OR`, `NEAR(`, `*`, a leading `NOT`) is plain text. Trigrams
//!   cannot match 1–2-character terms at all, so those use `LIKE '%x%' ESCAPE '\'`.
//! - PostgreSQL: `ILIKE '%x%' ESCAPE '\'` for every term; the pg_trgm GIN indexes serve terms
//!   of 3+ characters, shorter ones scan.
//!
//! Ranking (the same on both): exact name or alias, then name prefix, then name contains the
//! whole query, then the rest; ties by name. Counting and capping happen in SQL with window
//! functions, so a term that matches half the directory still returns one small page.

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder, Statement,
    Value,
};

use crate::domain::{EntryKind, ReportState};
use crate::entities::alias;
use crate::error::AppResult;
use crate::search::terms::{SearchQuery, matched_alias};

/// Items shown per group (kind, or reports); the total is counted regardless.
pub const GROUP_CAP: u64 = 20;

/// An entry found by search.
#[derive(Debug, Clone)]
pub struct EntryHit {
    pub id: i64,
    pub kind: EntryKind,
    pub slug: String,
    pub name: String,
    pub name_en: Option<String>,
    pub address: Option<String>,
    pub description: Option<String>,
    /// The alias through which the entry was found, when its name alone does not match.
    pub matched_alias: Option<String>,
}

/// Entries of one kind: how many match, and the best `GROUP_CAP` of them.
#[derive(Debug, Clone)]
pub struct KindGroup {
    pub kind: EntryKind,
    pub total: u64,
    pub items: Vec<EntryHit>,
}

/// A report found by search.
#[derive(Debug, Clone)]
pub struct ReportHit {
    pub slug: String,
    pub title: String,
    pub body: String,
}

/// Matching reports (never drafts): how many, and the best `GROUP_CAP`.
#[derive(Debug, Clone, Default)]
pub struct ReportGroup {
    pub total: u64,
    pub items: Vec<ReportHit>,
}

/// Everything a search returns. Groups are in `EntryKind::ALL` order, empty kinds left out.
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub groups: Vec<KindGroup>,
    pub reports: ReportGroup,
}

impl SearchResults {
    /// True when nothing matched.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.reports.total == 0
    }
}

/// Runs `query` against entries and reports. An empty query finds nothing.
pub async fn search(db: &impl ConnectionTrait, query: &SearchQuery) -> AppResult<SearchResults> {
    if query.is_empty() {
        return Ok(SearchResults::default());
    }
    let groups = search_entries(db, query).await?;
    let reports = search_reports(db, query).await?;
    Ok(SearchResults { groups, reports })
}

/// Collects bound values and hands out their `$n` placeholders (one per use, so no backend
/// has to support reusing a number).
struct Params {
    values: Vec<Value>,
}

impl Params {
    fn bind(&mut self, v: impl Into<Value>) -> String {
        self.values.push(v.into());
        format!("${}", self.values.len())
    }
}

/// `s` with LIKE's wildcards and the escape character escaped (for `ESCAPE '\'`).
pub fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `s` as one FTS5 phrase: in double quotes, inner quotes doubled.
pub fn fts_phrase(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Which path a term takes on SQLite: FTS trigrams need at least three characters.
fn uses_fts(backend: DatabaseBackend, term: &str) -> bool {
    backend == DatabaseBackend::Sqlite && term.chars().count() >= 3
}

/// The case-insensitive LIKE of the backend (SQLite's LIKE already ignores ASCII case).
fn like_op(backend: DatabaseBackend) -> &'static str {
    if backend == DatabaseBackend::Postgres {
        "ILIKE"
    } else {
        "LIKE"
    }
}

/// `CASE … END` ranking `name_col` against the whole query: 0 exact (or an exact alias when
/// `alias_of` names the entry id column), 1 prefix, 2 contains, 3 other.
fn rank_expr(
    p: &mut Params,
    backend: DatabaseBackend,
    query: &SearchQuery,
    name_col: &str,
    alias_of: Option<&str>,
) -> String {
    let like = like_op(backend);
    let text = query.text();
    let escaped = escape_like(&text);
    let exact = p.bind(text.clone());
    let mut exact_cond = format!("lower({name_col}) = lower({exact})");
    if let Some(id_col) = alias_of {
        let exact_alias = p.bind(text);
        exact_cond.push_str(&format!(
            " OR EXISTS (SELECT 1 FROM aliases ra WHERE ra.entry_id = {id_col} \
             AND lower(ra.name) = lower({exact_alias}))"
        ));
    }
    let prefix = p.bind(format!("{escaped}%"));
    let inside = p.bind(format!("%{escaped}%"));
    format!(
        "CASE WHEN {exact_cond} THEN 0 \
         WHEN {name_col} {like} {prefix} ESCAPE '\\' THEN 1 \
         WHEN {name_col} {like} {inside} ESCAPE '\\' THEN 2 ELSE 3 END"
    )
}

/// The `WHERE` conditions (ANDed) that make every term match an entry `e`.
fn entry_conditions(p: &mut Params, backend: DatabaseBackend, query: &SearchQuery) -> Vec<String> {
    let like = like_op(backend);
    let mut conds = Vec::new();
    let phrases: Vec<String> = query
        .terms
        .iter()
        .filter(|t| uses_fts(backend, t))
        .map(|t| fts_phrase(t))
        .collect();
    if !phrases.is_empty() {
        // Space-separated phrases are an implicit AND in FTS5.
        let m = p.bind(phrases.join(" "));
        conds.push(format!(
            "e.id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH {m})"
        ));
    }
    for term in query.terms.iter().filter(|t| !uses_fts(backend, t)) {
        let pat = format!("%{}%", escape_like(term));
        let cols = ["name", "name_en", "address", "description"].map(|c| {
            let v = p.bind(pat.clone());
            format!("s.{c} {like} {v} ESCAPE '\\'")
        });
        let a = p.bind(pat);
        // A UNION of simple per-table filters lets PostgreSQL combine its trigram indexes.
        conds.push(format!(
            "e.id IN (SELECT s.id FROM entries s WHERE {} \
             UNION SELECT al.entry_id FROM aliases al WHERE al.name {like} {a} ESCAPE '\\')",
            cols.join(" OR ")
        ));
    }
    conds
}

async fn search_entries(
    db: &impl ConnectionTrait,
    query: &SearchQuery,
) -> AppResult<Vec<KindGroup>> {
    let backend = db.get_database_backend();
    let mut p = Params { values: Vec::new() };
    let rank = rank_expr(&mut p, backend, query, "e.name", Some("e.id"));
    let conds = entry_conditions(&mut p, backend, query);
    let cap = p.bind(GROUP_CAP as i64);
    let sql = format!(
        "SELECT id, kind, slug, name, name_en, address, description, total FROM (
           SELECT m.*,
                  ROW_NUMBER() OVER (PARTITION BY kind ORDER BY rnk, name, id) AS rn,
                  COUNT(*) OVER (PARTITION BY kind) AS total
           FROM (SELECT e.id, e.kind, e.slug, e.name, e.name_en, e.address, e.description,
                        {rank} AS rnk
                 FROM entries e WHERE {}) m
         ) t WHERE rn <= {cap} ORDER BY rnk, name, id",
        conds.join(" AND ")
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, p.values))
        .await?;

    let mut hits = Vec::with_capacity(rows.len());
    let mut totals: HashMap<EntryKind, u64> = HashMap::new();
    for row in rows {
        let kind: String = row.try_get("", "kind")?;
        // A kind this build does not know cannot be shown or linked under a label.
        let Ok(kind) = kind.parse::<EntryKind>() else {
            continue;
        };
        let total: i64 = row.try_get("", "total")?;
        totals.insert(kind, u64::try_from(total).unwrap_or(0));
        hits.push(EntryHit {
            id: row.try_get("", "id")?,
            kind,
            slug: row.try_get("", "slug")?,
            name: row.try_get("", "name")?,
            name_en: row.try_get("", "name_en")?,
            address: row.try_get("", "address")?,
            description: row.try_get("", "description")?,
            matched_alias: None,
        });
    }
    attach_matched_aliases(db, &mut hits, query).await?;

    Ok(EntryKind::ALL
        .iter()
        .filter_map(|kind| {
            let total = *totals.get(kind)?;
            let items = hits.iter().filter(|h| h.kind == *kind).cloned().collect();
            Some(KindGroup {
                kind: *kind,
                total,
                items,
            })
        })
        .collect())
}

/// Fills `matched_alias` from the hits' aliases, fetched in one query.
async fn attach_matched_aliases(
    db: &impl ConnectionTrait,
    hits: &mut [EntryHit],
    query: &SearchQuery,
) -> AppResult<()> {
    if hits.is_empty() {
        return Ok(());
    }
    let mut by_entry: HashMap<i64, Vec<String>> = HashMap::new();
    for a in alias::Entity::find()
        .filter(alias::Column::EntryId.is_in(hits.iter().map(|h| h.id)))
        .order_by_asc(alias::Column::Id)
        .all(db)
        .await?
    {
        by_entry.entry(a.entry_id).or_default().push(a.name);
    }
    for hit in hits {
        let aliases = by_entry.get(&hit.id).map(Vec::as_slice).unwrap_or_default();
        // An alias equal to the whole query wins: it is why the entry ranks first.
        let text = query.text();
        let exact = aliases
            .iter()
            .find(|a| a.to_lowercase() == text.to_lowercase());
        hit.matched_alias = matched_alias(
            &hit.name,
            hit.name_en.as_deref(),
            exact.into_iter().chain(aliases).map(String::as_str),
            &query.terms,
        )
        .map(str::to_owned);
    }
    Ok(())
}

async fn search_reports(db: &impl ConnectionTrait, query: &SearchQuery) -> AppResult<ReportGroup> {
    let backend = db.get_database_backend();
    let like = like_op(backend);
    let mut p = Params { values: Vec::new() };
    let rank = rank_expr(&mut p, backend, query, "r.title", None);
    let draft = p.bind(ReportState::Draft.as_str());
    let mut conds = vec![format!("r.state <> {draft}")];
    let phrases: Vec<String> = query
        .terms
        .iter()
        .filter(|t| uses_fts(backend, t))
        .map(|t| fts_phrase(t))
        .collect();
    if !phrases.is_empty() {
        let m = p.bind(phrases.join(" "));
        conds.push(format!(
            "r.id IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH {m})"
        ));
    }
    for term in query.terms.iter().filter(|t| !uses_fts(backend, t)) {
        let pat = format!("%{}%", escape_like(term));
        let (t, b) = (p.bind(pat.clone()), p.bind(pat));
        conds.push(format!(
            "(r.title {like} {t} ESCAPE '\\' OR r.body {like} {b} ESCAPE '\\')"
        ));
    }
    let cap = p.bind(GROUP_CAP as i64);
    let sql = format!(
        "SELECT slug, title, body, total FROM (
           SELECT r.id, r.slug, r.title, r.body, {rank} AS rnk, COUNT(*) OVER () AS total
           FROM reports r WHERE {}
         ) t ORDER BY rnk, title, id LIMIT {cap}",
        conds.join(" AND ")
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, p.values))
        .await?;
    let mut group = ReportGroup::default();
    for row in rows {
        let total: i64 = row.try_get("", "total")?;
        group.total = u64::try_from(total).unwrap_or(0);
        group.items.push(ReportHit {
            slug: row.try_get("", "slug")?,
            title: row.try_get("", "title")?,
            body: row.try_get("", "body")?,
        });
    }
    Ok(group)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_metacharacters_are_escaped() {
        assert_eq!(escape_like(r"50%_a\b"), r"50\%\_a\\b");
        assert_eq!(escape_like("성수"), "성수");
    }

    #[test]
    fn fts_phrases_double_quotes() {
        assert_eq!(fts_phrase("사회적경제"), "\"사회적경제\"");
        assert_eq!(fts_phrase(r#"a"b"#), r#""a""b""#);
        assert_eq!(fts_phrase("NEAR("), "\"NEAR(\"");
    }

    #[test]
    fn short_terms_skip_fts() {
        assert!(uses_fts(DatabaseBackend::Sqlite, "사회적"));
        assert!(!uses_fts(DatabaseBackend::Sqlite, "성수"));
        assert!(!uses_fts(DatabaseBackend::Postgres, "사회적경제"));
    }
}
