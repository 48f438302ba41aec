//! Searching entries and reports in one query each, on either backend.
//!
//! Every term must match (AND) somewhere in an entry's name, English name, aliases, address or
//! description (a report's title or body). User text only ever reaches SQL as a bound value:
//!
//! - SQLite: terms of 3+ characters go to the FTS5 trigram tables as quoted phrases (`"` is
//!   doubled), so FTS syntax (`OR`, `NEAR(`, `*`, a leading `NOT`) is plain text. Terms of two
//!   letters or digits go to the bigram tables (one token each). Anything else (one character,
//!   or a pair with punctuation) uses `LIKE '%x%' ESCAPE '\'`.
//! - PostgreSQL: `LIKE '%x%' ESCAPE '\'` for every term (`ILIKE` when it has a cased letter),
//!   behind a condition that the row's set of character pairs holds the term's, which GIN
//!   indexes over `tambang_bigrams(…)` answer (migration 14); one-character terms scan. An
//!   entry's row carries its aliases' names (migration 17), so one read of one index answers
//!   every term of an entry search.
//!
//! Ranking (the same on both): exact name or alias, then name prefix, then name contains the
//! whole query, then the rest; ties by name.
//!
//! Cost is bounded by [`CANDIDATES`], not by how common the words are: at most that many
//! matches are read from the index (in index order), plus every entry named exactly as the
//! query and of each kind the first [`GROUP_CAP`] whose name starts with it (index ranges on
//! the case-folded name, so "성동구" still shows the district first when thousands of
//! addresses contain it). They are ranked, counted and
//! capped per kind in SQL with window functions. When more matched, the totals say "at least"
//! (`capped`) and the page asks for a longer query.

use std::collections::HashMap;

use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseTransaction, Statement, TransactionTrait, Value,
};

use crate::domain::{EntryKind, ReportState};
use crate::error::AppResult;
use crate::search::terms::{SearchQuery, contains_any, matched_alias};

/// Items shown per group (kind, or reports).
pub const GROUP_CAP: u64 = 20;

/// Matches read per search (entries, and reports, each); beyond it totals are lower bounds.
pub const CANDIDATES: u64 = 1_000;

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
    /// More than [`CANDIDATES`] entries matched: `total` counts only those read.
    pub capped: bool,
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
    /// More than [`CANDIDATES`] reports matched: `total` counts only those read.
    pub capped: bool,
    pub items: Vec<ReportHit>,
}

/// Everything a search returns. Groups are in `EntryKind::ALL` order, empty kinds left out.
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub groups: Vec<KindGroup>,
    pub reports: ReportGroup,
    /// When the query as typed found no entry by its name or an alias, and more entries once
    /// its particles were taken off (와디즈에서 → 와디즈): the query the entries were found with.
    pub entries_as: Option<SearchQuery>,
}

impl SearchResults {
    /// True when nothing matched.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.reports.total == 0
    }
}

/// Runs `query` against entries and reports. An empty query finds nothing.
pub async fn search(
    db: &(impl ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>),
    query: &SearchQuery,
) -> AppResult<SearchResults> {
    if query.is_empty() {
        return Ok(SearchResults::default());
    }
    // Entries and reports are independent queries: on a pool they run on two connections at
    // once (two cores), so a search waits for the slower of the two, not for both.
    let (groups, reports) = tokio::join!(search_entries(db, query), search_reports(db, query));
    let mut groups = groups?;
    let mut entries_as = None;
    // A name copied from a sentence often keeps its particle (소영씨스토어를). When no entry
    // is found by its name or an alias as typed (one whose description holds the sentence
    // may be), the entries are looked up once more without the particles: every entry the
    // typed words find holds the shorter ones too, so nothing found is lost. Reports are
    // searched as typed only: their text holds the particle too.
    let by_name = groups.iter().flat_map(|g| &g.items).any(|h| {
        h.matched_alias.is_some()
            || contains_any(&h.name, &query.terms)
            || h.name_en
                .as_deref()
                .is_some_and(|n| contains_any(n, &query.terms))
    });
    if !by_name && let Some(stemmed) = query.without_particles() {
        let found = search_entries(db, &stemmed).await?;
        let total = |g: &[KindGroup]| g.iter().map(|g| g.total).sum::<u64>();
        if total(&found) > total(&groups) {
            groups = found;
            entries_as = Some(stemmed);
        }
    }
    Ok(SearchResults {
        groups,
        reports: reports?,
        entries_as,
    })
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

/// Which terms take the bigram tables on SQLite: exactly two characters that the `unicode61`
/// tokenizer keeps together as one token (Hangul, Latin letters, digits, CJK ideographs).
fn uses_bigrams(backend: DatabaseBackend, term: &str) -> bool {
    backend == DatabaseBackend::Sqlite && is_token_pair(term)
}

/// True when `term` is exactly two characters that tokenizers keep together (see
/// [`token_char`]).
fn is_token_pair(term: &str) -> bool {
    let mut chars = term.chars();
    let pair = [chars.next(), chars.next(), chars.next()];
    matches!(pair, [Some(a), Some(b), None] if token_char(a) && token_char(b))
}

fn token_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || ('\u{AC00}'..='\u{D7A3}').contains(&c)
        || ('\u{3131}'..='\u{318E}').contains(&c)
        || ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// How a term is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Path {
    Trigram,
    Bigram,
    Like,
}

fn path(backend: DatabaseBackend, term: &str) -> Path {
    if uses_fts(backend, term) {
        Path::Trigram
    } else if uses_bigrams(backend, term) {
        Path::Bigram
    } else {
        Path::Like
    }
}

/// The terms of `query` that take `want`, as one FTS5 query string (space-separated phrases
/// are an implicit AND), or `None` when there are none.
fn fts_query(query: &SearchQuery, want: Path, path_of: impl Fn(&str) -> Path) -> Option<String> {
    let phrases: Vec<String> = query
        .terms
        .iter()
        .filter(|t| path_of(t) == want)
        .map(|t| fts_phrase(t))
        .collect();
    (!phrases.is_empty()).then(|| phrases.join(" "))
}

/// The case-insensitive LIKE of the backend for `text` (SQLite's LIKE already ignores ASCII
/// case). PostgreSQL's `ILIKE` lowercases the whole column value of every row it tests — four
/// times the cost of `LIKE` over report bodies (1.2 s against 0.3 s for 10,000 reports) — so a
/// pattern with no cased letter (Hangul, digits: most queries) takes plain `LIKE`, which
/// matches the same rows. The trigram indexes serve both.
pub fn like_op(backend: DatabaseBackend, text: &str) -> &'static str {
    if backend == DatabaseBackend::Postgres && has_case(text) {
        "ILIKE"
    } else {
        "LIKE"
    }
}

/// True when `s` has a letter that changes under lower- or upper-casing.
fn has_case(s: &str) -> bool {
    s.chars()
        .any(|c| c.to_lowercase().ne(std::iter::once(c)) || c.to_uppercase().ne(std::iter::once(c)))
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
    let text = query.text();
    let like = like_op(backend, &text);
    let escaped = escape_like(&text);
    let exact = p.bind(text.clone());
    let mut exact_cond = format!("lower({name_col}) = lower({exact})");
    if let Some(id_col) = alias_of {
        // The entries with an alias equal to the query, found once through the aliases' name
        // index and probed per row: as a correlated `EXISTS` it looked up each candidate's
        // aliases (2-3 ms of a common word's 1,000 candidates on SQLite).
        let exact_alias = p.bind(text);
        let alias_is = if backend == DatabaseBackend::Postgres {
            format!("lower(ra.name) COLLATE \"C\" = lower({exact_alias}) COLLATE \"C\"")
        } else {
            format!("ra.name = {exact_alias} COLLATE NOCASE")
        };
        exact_cond.push_str(&format!(
            " OR {id_col} IN (SELECT ra.entry_id FROM aliases ra WHERE {alias_is})"
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

/// The `LIKE` conditions that `term` occurs in an entry `s` (its name, English name, address
/// or description) and in an alias `al`.
fn like_conds(p: &mut Params, backend: DatabaseBackend, term: &str) -> (String, String) {
    (
        like_any(p, backend, term, &ENTRY_COLUMNS),
        like_any(p, backend, term, &["al.name"]),
    )
}

/// The columns of an entry `s` that search reads.
const ENTRY_COLUMNS: [&str; 4] = ["s.name", "s.name_en", "s.address", "s.description"];

/// On PostgreSQL, the same with the names of the entry's aliases (`alias_names`, kept by
/// triggers: migration 17), in the order its pair index names them.
const PG_ENTRY_COLUMNS: [&str; 5] = [
    "s.name",
    "s.name_en",
    "s.address",
    "s.description",
    "s.alias_names",
];

/// That `term` occurs in one of `columns` (see [`contains`]).
fn like_any(p: &mut Params, backend: DatabaseBackend, term: &str, columns: &[&str]) -> String {
    let conds: Vec<String> = columns
        .iter()
        .map(|c| contains(p, backend, term, c))
        .collect();
    format!("({})", conds.join(" OR "))
}

/// That `term` occurs in `column` as a substring: `LIKE '%…%'` with the wildcards escaped
/// (`ILIKE` on PostgreSQL for a term with a cased letter). On PostgreSQL a term without one —
/// Hangul, digits: most searches — is found with `strpos`, which skips along long text with a
/// table where `LIKE '%…%'` tries a match at every character, and matches exactly the rows
/// `LIKE` does (a deterministic collation compares bytes either way): 육성사업에서 over the
/// 10,000 generated report bodies took 135–150 ms with `strpos` against 350–360 ms with
/// `LIKE`. Neither `strpos` nor `column || ''` is an expression a pg_trgm index answers, so
/// the pair condition stays the only index (see [`unindexed`]).
fn contains(p: &mut Params, backend: DatabaseBackend, term: &str, column: &str) -> String {
    if backend == DatabaseBackend::Postgres && !has_case(term) {
        let t = p.bind(term.to_string());
        return format!("strpos({column}, {t}) > 0");
    }
    let like = like_op(backend, term);
    let pattern = p.bind(format!("%{}%", escape_like(term)));
    format!(
        "{} {like} {pattern} ESCAPE '\\'",
        unindexed(backend, column)
    )
}

/// `column` for a `LIKE` behind the pair condition: on PostgreSQL as an expression its pg_trgm
/// index does not match (`column || ''`), so the planner cannot AND that lossy index with the
/// pair index — whose recheck would then compute the pair set of every candidate row (4 ms a
/// report body: 3.5-4 s for a two-term search once `VACUUM` had changed the estimates). The
/// pair index alone is exact: no recheck.
fn unindexed(backend: DatabaseBackend, column: &str) -> String {
    if backend == DatabaseBackend::Postgres {
        format!("({column} || '')")
    } else {
        column.to_string()
    }
}

/// That `term` occurs in entry `id` — in its name, English name, address, description or one
/// of its aliases — by `LIKE` (SQLite). Correlated, so it is evaluated only for the rows the
/// driving index hands over.
fn like_entry(p: &mut Params, backend: DatabaseBackend, term: &str, id: &str) -> String {
    let (entry, alias) = like_conds(p, backend, term);
    format!(
        "(EXISTS (SELECT 1 FROM entries s WHERE s.id = {id} AND {entry}) \
         OR EXISTS (SELECT 1 FROM aliases al WHERE al.entry_id = {id} AND {alias}))"
    )
}

/// True when, on PostgreSQL, the pair condition alone decides whether `term` occurs in a
/// row, so no substring test follows it: a term of two letters (Hangul, Latin letters,
/// digits, CJK — a fifth of what people type) is one pair, and a row's set holds that pair
/// exactly when one of its columns, case-folded, contains the term — `tambang_bigrams` leaves
/// out every pair with whitespace, so none spans two columns or two words. That is what
/// `strpos` (no cased letter: case folding leaves such a term and its occurrences as they
/// are) or `ILIKE` (which folds both sides the same way) would decide, without reading each
/// row's text: a common pair's 1,000 reports 17–33 → 1.7 ms, its entries 14 → 3.6 ms. Other
/// characters are left to the test: whether PostgreSQL's `\s` takes them for whitespace
/// depends on the locale, and a pair it dropped would leave the term no pair at all.
fn pair_decides(backend: DatabaseBackend, term: &str) -> bool {
    backend == DatabaseBackend::Postgres && is_token_pair(term)
}

/// Appends to `conds` that every one of `terms` occurs in one of `columns`: on PostgreSQL the
/// pair condition over all of them (see [`pairs_of_all`]), then the substring test of each term
/// its pair does not decide (see [`pair_decides`]); on SQLite the substring tests alone.
fn substring_conds(
    p: &mut Params,
    backend: DatabaseBackend,
    terms: &[&str],
    columns: &[&str],
    conds: &mut Vec<String>,
) {
    let pairs = pairs_of_all(p, backend, terms, &columns.join(", "));
    if let Some(pairs) = pairs.strip_suffix(" AND ") {
        conds.push(pairs.to_string());
    }
    for term in terms.iter().filter(|t| !pair_decides(backend, t)) {
        conds.push(like_any(p, backend, term, columns));
    }
}

/// On PostgreSQL, for the `terms` of two or more characters: `tambang_bigrams(columns) @>
/// tambang_bigrams(terms…) AND ` — the row's set of character pairs holds every term's
/// (`tambang_bigrams` joins its arguments with a space, so no pair spans two terms), which
/// the GIN index over that expression answers (migration 14; `columns` must be written as the
/// index names them). The `LIKE` that follows then checks only those rows. Otherwise
/// nothing: one character has no pair. One condition, so the index is read once and
/// intersects the terms' lists itself — and so the set of a row is never computed in a
/// filter (4 ms for a report body).
fn pairs_of_all(p: &mut Params, backend: DatabaseBackend, terms: &[&str], columns: &str) -> String {
    let paired: Vec<&str> = terms
        .iter()
        .copied()
        .filter(|t| t.chars().count() >= 2)
        .collect();
    if backend != DatabaseBackend::Postgres || paired.is_empty() {
        return String::new();
    }
    let args: Vec<String> = paired.iter().map(|t| p.bind(t.to_string())).collect();
    format!(
        "tambang_bigrams({columns}) @> tambang_bigrams({}) AND ",
        args.join(", ")
    )
}

/// The `cand` and `found` CTEs of an entry search: `cand` the ids of at most `limit` entries
/// matching every term, read from the most selective index the query can use (the trigram
/// table, else the bigram table, else the entries themselves; on PostgreSQL the pair
/// indexes); `found` how many were read — `limit` when there may be more.
///
/// The two-letter terms in `dense` (see [`dense_pairs`]) are checked with `LIKE` on the rows
/// the trigram matches hand over instead of through the bigram table.
fn entry_candidates(
    p: &mut Params,
    backend: DatabaseBackend,
    query: &SearchQuery,
    dense: &[String],
    limit: u64,
) -> String {
    let path_of = |t: &str| match path(backend, t) {
        Path::Bigram if dense.iter().any(|d| d == t) => Path::Like,
        other => other,
    };
    let trigram = fts_query(query, Path::Trigram, path_of);
    let bigram = fts_query(query, Path::Bigram, path_of);
    let (from, id, mut conds) = match (&trigram, &bigram) {
        (Some(m), _) => {
            let m = p.bind(m.clone());
            (
                "entries_fts",
                "entries_fts.rowid",
                vec![format!("entries_fts MATCH {m}")],
            )
        }
        (None, Some(b)) => {
            let b = p.bind(b.clone());
            (
                "entries_bigrams",
                "entries_bigrams.rowid",
                vec![format!("entries_bigrams MATCH {b}")],
            )
        }
        (None, None) => ("entries e", "e.id", Vec::new()),
    };
    if trigram.is_some()
        && let Some(b) = bigram
    {
        let b = p.bind(b);
        // `+` keeps the planner from driving the query from the bigram matches and probing the
        // trigram table once per row (a full-text query each time: seconds at 100,000
        // entries); the trigram matches drive, the bigram matches are read once.
        conds.push(format!(
            "+{id} IN (SELECT rowid FROM entries_bigrams WHERE entries_bigrams MATCH {b})"
        ));
    }
    let like_terms: Vec<&String> = query
        .terms
        .iter()
        .filter(|t| path_of(t) == Path::Like)
        .collect();
    let count_cand = "found AS (SELECT COUNT(*) AS n FROM cand)";
    if backend == DatabaseBackend::Postgres {
        // Every term in the entry's columns or its aliases' names: one read of the pair index
        // with every term's pairs (the index intersects their lists itself), `LIKE` on the
        // rows it hands over, cut at `limit` — however common the words. Taking each term's
        // entries and aliases whole and intersecting them read all 100,000 entries for
        // 회적경제 (150-220 ms for a two-term search).
        let terms: Vec<&str> = like_terms.iter().map(|t| t.as_str()).collect();
        let mut each = Vec::new();
        substring_conds(p, backend, &terms, &PG_ENTRY_COLUMNS, &mut each);
        let limit = p.bind(limit as i64);
        return format!(
            "cand AS (SELECT s.id AS id FROM entries s WHERE {} LIMIT {limit}), \
             {count_cand}",
            each.join(" AND ")
        );
    }
    for term in like_terms {
        conds.push(like_entry(p, backend, term, id));
    }
    let limit = p.bind(limit as i64);
    format!(
        "cand AS (SELECT {id} AS id FROM {from} WHERE {} LIMIT {limit}), {count_cand}",
        conds.join(" AND ")
    )
}

/// Ids of the entries named exactly as the whole query, or with an alias equal to it, and of
/// each kind the first [`GROUP_CAP`] (in the order they are shown) of those whose name starts
/// with it: index ranges however common the query is. Such an entry contains every term.
///
/// A common word starts over a thousand names (나눔, 마을 at 100,000 entries); taking them all
/// ranked every one of them beside the candidates, though at most `GROUP_CAP` of a kind are
/// shown. The prefix range is read from the index of case-folded name and kind alone, numbered
/// per kind with the exact names last (they come in on their own), and cut there. Totals are
/// unchanged: every such entry is also a full-text match, so when the candidates are all the
/// matches they already hold it, and when they are not the totals say "at least".
fn entry_best(p: &mut Params, backend: DatabaseBackend, query: &SearchQuery) -> String {
    let text = query.text();
    let cap = p.bind(GROUP_CAP as i64);
    if backend == DatabaseBackend::Postgres {
        let (x, a, lo, hi, last) = (
            p.bind(text.clone()),
            p.bind(text.clone()),
            p.bind(text.clone()),
            p.bind(text.clone()),
            p.bind(text),
        );
        format!(
            "SELECT b.id FROM entries b WHERE lower(b.name) COLLATE \"C\" = lower({x}) COLLATE \"C\" \
             UNION SELECT ba.entry_id FROM aliases ba \
               WHERE lower(ba.name) COLLATE \"C\" = lower({a}) COLLATE \"C\" \
             UNION SELECT pr.id FROM (SELECT b.id, ROW_NUMBER() OVER (PARTITION BY b.kind \
                 ORDER BY lower(b.name) = lower({last}), b.name, b.id) AS rn FROM entries b \
               WHERE lower(b.name) COLLATE \"C\" >= lower({lo}) \
                 AND lower(b.name) COLLATE \"C\" < lower({hi}) || chr(1114111)) pr \
             WHERE pr.rn <= {cap}"
        )
    } else {
        let (x, a, lo, last) = (
            p.bind(text.clone()),
            p.bind(text.clone()),
            p.bind(text.clone()),
            p.bind(text.clone()),
        );
        let hi = p.bind(format!("{text}\u{10FFFF}"));
        format!(
            "SELECT b.id FROM entries b WHERE b.name = {x} COLLATE NOCASE \
             UNION SELECT ba.entry_id FROM aliases ba WHERE ba.name = {a} COLLATE NOCASE \
             UNION SELECT pr.id FROM (SELECT b.id, ROW_NUMBER() OVER (PARTITION BY b.kind \
                 ORDER BY b.name = {last} COLLATE NOCASE, b.name, b.id) AS rn FROM entries b \
               WHERE b.name >= {lo} COLLATE NOCASE AND b.name < {hi} COLLATE NOCASE) pr \
             WHERE pr.rn <= {cap}"
        )
    }
}

/// Matches a density probe reads of a two-letter term.
const PROBE: i64 = 200;

/// The two-letter terms of `query` that at least half of the entries contain (사회, 기업, 회적
/// are in nearly every name), when a longer term drives the search (SQLite only; otherwise
/// none). Such a pair filters almost nothing, and asking the bigram table for it reads its
/// whole list — every entry, 25–35 ms at 100,000 — before the first match is checked; `LIKE`
/// on the rows the longer term hands over finds the first thousand in a few milliseconds.
/// A rarer pair keeps the bigram table: with `LIKE`, a longer term with many matches and few
/// of them containing the pair would be checked row by row to its end (셀러레이 + 에서: twice
/// slower). The probe reads the pair's first [`PROBE`] matches, in id order: spread over at
/// most twice as many ids, the pair is dense.
pub async fn dense_pairs(db: &impl ConnectionTrait, query: &SearchQuery) -> AppResult<Vec<String>> {
    let backend = db.get_database_backend();
    if !query
        .terms
        .iter()
        .any(|t| path(backend, t) == Path::Trigram)
    {
        return Ok(Vec::new());
    }
    let mut dense = Vec::new();
    for term in query
        .terms
        .iter()
        .filter(|t| path(backend, t) == Path::Bigram)
    {
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                "SELECT COUNT(*) AS n, COALESCE(MAX(rowid) - MIN(rowid) + 1, 0) AS span \
                 FROM (SELECT rowid FROM entries_bigrams WHERE entries_bigrams MATCH $1 LIMIT $2)",
                [fts_phrase(term).into(), PROBE.into()],
            ))
            .await?;
        let (n, span): (i64, i64) = match row {
            Some(row) => (row.try_get("", "n")?, row.try_get("", "span")?),
            None => (0, 0),
        };
        if n == PROBE && span <= 2 * PROBE {
            dense.push(term.clone());
        }
    }
    Ok(dense)
}

/// The statement of an entry search.
async fn entries_statement(db: &impl ConnectionTrait, query: &SearchQuery) -> AppResult<Statement> {
    let backend = db.get_database_backend();
    let mut p = Params { values: Vec::new() };
    let dense = dense_pairs(db, query).await?;
    let candidates = entry_candidates(&mut p, backend, query, &dense, CANDIDATES + 1);
    let best = entry_best(&mut p, backend, query);
    let rank = rank_expr(&mut p, backend, query, "e.name", Some("e.id"));
    let cap = p.bind(GROUP_CAP as i64);
    // The shown entries' aliases come with them, as a JSON array in id order (a second query
    // with one bound value per hit cost 2-6 ms of a common word's search).
    let aliases = if backend == DatabaseBackend::Postgres {
        "(SELECT COALESCE(json_agg(a.name ORDER BY a.id), '[]'::json)::text \
          FROM aliases a WHERE a.entry_id = t.id)"
    } else {
        "(SELECT json_group_array(a.name) FROM \
          (SELECT a.name FROM aliases a WHERE a.entry_id = t.id ORDER BY a.id) a)"
    };
    // Ranked and numbered on id, kind and name alone; the rest of the row is read for the
    // shown entries only (carrying the descriptions of a common word's thousand candidates
    // through the window's sort cost ~1 ms).
    let sql = format!(
        "WITH {candidates}
         SELECT t.id, t.kind, x.slug, t.name, x.name_en, x.address, x.description, t.total,
                (SELECT n FROM found) AS found, {aliases} AS aliases FROM (
           SELECT m.*,
                  ROW_NUMBER() OVER (PARTITION BY kind ORDER BY rnk, name, id) AS rn,
                  COUNT(*) OVER (PARTITION BY kind) AS total
           FROM (SELECT e.id, e.kind, e.name, {rank} AS rnk
                 FROM entries e
                 WHERE e.id IN (SELECT id FROM cand UNION {best})) m
         ) t JOIN entries x ON x.id = t.id
         WHERE t.rn <= {cap} ORDER BY t.rnk, t.name, t.id"
    );
    Ok(Statement::from_sql_and_values(backend, sql, p.values))
}

async fn search_entries(
    db: &(impl ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>),
    query: &SearchQuery,
) -> AppResult<Vec<KindGroup>> {
    let statement = entries_statement(db, query).await?;
    let rows = query_indexed(db, query, statement).await?;

    let mut hits = Vec::with_capacity(rows.len());
    let mut totals: HashMap<EntryKind, u64> = HashMap::new();
    let mut capped = false;
    for row in rows {
        let found: i64 = row.try_get("", "found")?;
        capped = u64::try_from(found).unwrap_or(0) > CANDIDATES;
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
        let aliases: String = row.try_get("", "aliases")?;
        let aliases: Vec<String> = serde_json::from_str(&aliases).map_err(|e| {
            crate::error::AppError::Internal(format!("search: aliases of a hit: {e}"))
        })?;
        if let Some(hit) = hits.last_mut() {
            attach_matched_alias(hit, &aliases, query);
        }
    }

    Ok(EntryKind::ALL
        .iter()
        .filter_map(|kind| {
            let total = *totals.get(kind)?;
            let items = hits.iter().filter(|h| h.kind == *kind).cloned().collect();
            Some(KindGroup {
                kind: *kind,
                total,
                capped,
                items,
            })
        })
        .collect())
}

/// Sets `matched_alias` from the hit's aliases (in id order).
fn attach_matched_alias(hit: &mut EntryHit, aliases: &[String], query: &SearchQuery) {
    // An alias equal to the whole query wins: it is why the entry ranks first.
    let text = query.text().to_lowercase();
    let exact = aliases.iter().find(|a| a.to_lowercase() == text);
    hit.matched_alias = matched_alias(
        &hit.name,
        hit.name_en.as_deref(),
        exact.into_iter().chain(aliases).map(String::as_str),
        &query.terms,
    )
    .map(str::to_owned);
}

/// Ids of at most `limit` reports, drafts among them, matching every term (see
/// [`entry_candidates`]). Drafts are left out afterwards, in [`search_reports`]: checking each
/// match's state here meant reading its row twice.
fn report_candidates(
    p: &mut Params,
    backend: DatabaseBackend,
    query: &SearchQuery,
    limit: u64,
) -> String {
    let path_of = |t: &str| path(backend, t);
    let trigram = fts_query(query, Path::Trigram, path_of);
    let bigram = fts_query(query, Path::Bigram, path_of);
    let like_terms: Vec<&String> = query
        .terms
        .iter()
        .filter(|t| path_of(t) == Path::Like)
        .collect();
    // The report's row is joined only when a `LIKE` term must look at its title and body.
    let with_row = |table: &'static str| -> (String, String) {
        if like_terms.is_empty() {
            (table.to_string(), format!("{table}.rowid"))
        } else {
            (
                format!("{table} CROSS JOIN reports r ON r.id = {table}.rowid"),
                "r.id".to_string(),
            )
        }
    };
    let (from, id, mut conds) = match (&trigram, &bigram) {
        (Some(m), _) => {
            let m = p.bind(m.clone());
            let (from, id) = with_row("reports_fts");
            (from, id, vec![format!("reports_fts MATCH {m}")])
        }
        (None, Some(b)) => {
            let b = p.bind(b.clone());
            let (from, id) = with_row("reports_bigrams");
            (from, id, vec![format!("reports_bigrams MATCH {b}")])
        }
        (None, None) => ("reports r".to_string(), "r.id".to_string(), Vec::new()),
    };
    if trigram.is_some()
        && let Some(b) = bigram
    {
        let b = p.bind(b);
        conds.push(format!(
            "+{id} IN (SELECT rowid FROM reports_bigrams WHERE reports_bigrams MATCH {b})"
        ));
    }
    let all: Vec<&str> = like_terms.iter().map(|t| t.as_str()).collect();
    substring_conds(p, backend, &all, &["r.title", "r.body"], &mut conds);
    let limit = p.bind(limit as i64);
    let filter = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    format!("SELECT {id} AS id FROM {from} {filter} LIMIT {limit}")
}

/// The statement of a report search.
fn reports_statement(backend: DatabaseBackend, query: &SearchQuery) -> Statement {
    let mut p = Params { values: Vec::new() };
    let candidates = report_candidates(&mut p, backend, query, CANDIDATES + 1);
    let rank = rank_expr(&mut p, backend, query, "r.title", None);
    let draft = p.bind(ReportState::Draft.as_str());
    let cap = p.bind(GROUP_CAP as i64);
    let snippet_source = snippet_source(&mut p, backend, query);
    // Ranked and capped first; the body window is cut for the shown reports only.
    let sql = format!(
        "WITH cand AS ({candidates}),
              found AS (SELECT COUNT(*) AS n FROM cand)
         SELECT r.slug, r.title, {snippet_source} AS body, t.total,
                (SELECT n FROM found) AS found FROM (
           SELECT r.id, r.title, {rank} AS rnk, COUNT(*) OVER () AS total
           FROM reports r WHERE r.id IN (SELECT id FROM cand) AND r.state <> {draft}
           ORDER BY rnk, r.title, r.id LIMIT {cap}
         ) t JOIN reports r ON r.id = t.id
         ORDER BY t.rnk, t.title, t.id"
    );
    Statement::from_sql_and_values(backend, sql, p.values)
}

async fn search_reports(
    db: &(impl ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>),
    query: &SearchQuery,
) -> AppResult<ReportGroup> {
    let statement = reports_statement(db.get_database_backend(), query);
    let rows = query_indexed(db, query, statement).await?;
    let mut group = ReportGroup::default();
    for row in rows {
        let total: i64 = row.try_get("", "total")?;
        let found: i64 = row.try_get("", "found")?;
        group.total = u64::try_from(total).unwrap_or(0);
        group.capped = u64::try_from(found).unwrap_or(0) > CANDIDATES;
        group.items.push(ReportHit {
            slug: row.try_get("", "slug")?,
            title: row.try_get("", "title")?,
            body: row.try_get("", "body")?,
        });
    }
    Ok(group)
}

/// True on PostgreSQL when a term has the two characters its pair or trigram indexes need
/// to narrow the search (one character matches too much for an index to pay off).
fn index_serves(backend: DatabaseBackend, query: &SearchQuery) -> bool {
    backend == DatabaseBackend::Postgres && query.terms.iter().any(|t| t.chars().count() >= 2)
}

/// Runs a search statement. On PostgreSQL with a term an index serves, sequential scans are
/// turned off for it, in its own transaction: the planner costs a scan of `reports` by its
/// main table alone — the bodies live out of line (TOAST), and reading and matching them,
/// 0.3–0.4 s for 10,000 reports, is invisible to it — and costs `LIKE` on long text like any
/// other operator, so it scanned (434 ms) where the trigram index answers in 10 ms, and took
/// every entry (75–90 ms at 100,000) where the pair index answers in a few.
async fn query_indexed(
    db: &(impl ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>),
    query: &SearchQuery,
    statement: Statement,
) -> AppResult<Vec<sea_orm::QueryResult>> {
    if !index_serves(db.get_database_backend(), query) {
        return Ok(db.query_all_raw(statement).await?);
    }
    let txn = db.begin().await?;
    // And a plan for these values each time: the driver keeps its statements prepared, and
    // after five runs PostgreSQL may reuse a generic plan, which cannot fold the term's pairs
    // into a constant and chose to AND the pair index with a lossy trigram scan — whose
    // recheck computes every candidate report's pair set (4 ms each): seconds per search.
    txn.execute_unprepared(
        "SET LOCAL enable_seqscan = off; SET LOCAL plan_cache_mode = force_custom_plan",
    )
    .await?;
    let rows = txn.query_all_raw(statement).await?;
    txn.commit().await?;
    Ok(rows)
}

/// The plans the database chooses for a search's two statements (entries, then reports),
/// under the settings [`search`] runs them with, one line of plan text per item: how to see
/// which indexes answer a query. Tests use it to pin that the PostgreSQL pair indexes are
/// the ones read — the condition must name the columns exactly as the index does, and when
/// it does not, results stay right and only the speed is lost.
pub async fn plans(
    db: &(impl ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>),
    query: &SearchQuery,
) -> AppResult<Vec<Vec<String>>> {
    let backend = db.get_database_backend();
    let (prefix, column) = match backend {
        DatabaseBackend::Sqlite => ("EXPLAIN QUERY PLAN ", "detail"),
        _ => ("EXPLAIN ", "QUERY PLAN"),
    };
    let mut out = Vec::new();
    for statement in [
        entries_statement(db, query).await?,
        reports_statement(backend, query),
    ] {
        let explained = Statement {
            sql: format!("{prefix}{}", statement.sql),
            ..statement
        };
        let rows = query_indexed(db, query, explained).await?;
        out.push(
            rows.iter()
                .map(|r| r.try_get::<String>("", column))
                .collect::<Result<_, _>>()?,
        );
    }
    Ok(out)
}

/// Characters of a report body fetched around the first hit: enough for the snippet (which is
/// cut in Rust, see `terms::snippet`), never the whole body of a 10,000-character report.
const BODY_WINDOW: i64 = 400;

/// SQL for the part of `r.body` around the first occurrence of the longest term (the term the
/// snippet looks for first), or the body's start when it occurs in the title only. Positions
/// are characters on both backends; the search is case-insensitive as the match was. Only a
/// term with a cased letter looks in the body lowercased: `lower` copies the whole body,
/// and on PostgreSQL that cost 0.15 ms a report body — 3 ms for a page of 20 — where a
/// term without one (Hangul, digits) occurs at the same place in the body as it is.
fn snippet_source(p: &mut Params, backend: DatabaseBackend, query: &SearchQuery) -> String {
    let Some(longest) = query.terms.iter().max_by_key(|t| t.chars().count()) else {
        return "r.body".into();
    };
    let body = if has_case(longest) {
        "lower(r.body)"
    } else {
        "r.body"
    };
    let t = p.bind(longest.to_lowercase());
    let (position, greatest) = if backend == DatabaseBackend::Postgres {
        (format!("strpos({body}, {t})"), "greatest")
    } else {
        (format!("instr({body}, {t})"), "max")
    };
    format!(
        "substr(r.body, CAST({greatest}(1, {position} - {half}) AS INTEGER), {BODY_WINDOW})",
        half = BODY_WINDOW / 2
    )
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

    #[test]
    fn two_letter_terms_take_the_bigram_table() {
        let sqlite = DatabaseBackend::Sqlite;
        assert_eq!(path(sqlite, "성수"), Path::Bigram);
        assert_eq!(path(sqlite, "Ab"), Path::Bigram);
        assert_eq!(path(sqlite, "12"), Path::Bigram);
        // Punctuation would split the token; one character is no pair at all.
        assert_eq!(path(sqlite, "㈜행"), Path::Like);
        assert_eq!(path(sqlite, "a&"), Path::Like);
        assert_eq!(path(sqlite, "숲"), Path::Like);
        assert_eq!(path(sqlite, "사회적"), Path::Trigram);
        assert_eq!(path(DatabaseBackend::Postgres, "성수"), Path::Like);
    }

    #[test]
    fn only_cased_patterns_take_ilike_on_postgres() {
        let pg = DatabaseBackend::Postgres;
        assert_eq!(like_op(pg, "사회적경제"), "LIKE");
        assert_eq!(like_op(pg, "2024-01"), "LIKE");
        assert_eq!(like_op(pg, "㈜행복"), "LIKE");
        assert_eq!(like_op(pg, "카페cafe"), "ILIKE");
        assert_eq!(like_op(pg, "SEOUL"), "ILIKE");
        assert_eq!(like_op(pg, "Ǆ"), "ILIKE");
        assert_eq!(like_op(pg, "Ωμέγα"), "ILIKE");
        assert_eq!(like_op(DatabaseBackend::Sqlite, "SEOUL"), "LIKE");
    }

    #[test]
    fn substrings_take_strpos_on_postgres_unless_the_term_has_case() {
        let pg = DatabaseBackend::Postgres;
        let mut p = Params { values: Vec::new() };
        // The term is bound as it is: `%` and `_` are plain characters to strpos.
        assert_eq!(
            contains(&mut p, pg, "50%_할인", "r.body"),
            "strpos(r.body, $1) > 0"
        );
        assert_eq!(
            contains(&mut p, pg, "Cafe", "s.name"),
            "(s.name || '') ILIKE $2 ESCAPE '\\'"
        );
        let sqlite = DatabaseBackend::Sqlite;
        assert_eq!(
            contains(&mut p, sqlite, "50%할인", "s.name"),
            "s.name LIKE $3 ESCAPE '\\'"
        );
        let bound: Vec<Option<String>> = p
            .values
            .iter()
            .map(|v| match v {
                Value::String(s) => s.as_deref().map(str::to_string),
                _ => None,
            })
            .collect();
        let want = ["50%_할인", "%Cafe%", "%50\\%할인%"];
        assert_eq!(bound, want.map(|w| Some(w.to_string())));
    }

    #[test]
    fn snippets_lowercase_the_body_only_for_a_term_with_case() {
        let query = |q: &str| SearchQuery::parse(q);
        for backend in [DatabaseBackend::Postgres, DatabaseBackend::Sqlite] {
            let mut p = Params { values: Vec::new() };
            let caseless = snippet_source(&mut p, backend, &query("다회용기 성수"));
            assert!(caseless.contains("(r.body, $1)"), "{caseless}");
            let cased = snippet_source(&mut p, backend, &query("ABC협동조합"));
            assert!(cased.contains("(lower(r.body), $2)"), "{cased}");
            assert_eq!(
                p.values,
                [Value::from("다회용기"), Value::from("abc협동조합")]
            );
        }
    }

    #[test]
    fn only_two_letter_terms_are_decided_by_their_pair() {
        let pg = DatabaseBackend::Postgres;
        for term in ["성수", "Ab", "12", "ㅅㅎ", "漢字"] {
            assert!(pair_decides(pg, term), "{term}");
        }
        for term in ["숲", "성수동", "㈜행", "a&", "가\u{3000}", "가\u{200B}"] {
            assert!(!pair_decides(pg, term), "{term}");
        }
        assert!(!pair_decides(DatabaseBackend::Sqlite, "성수"));
    }

    #[test]
    fn postgres_forgoes_the_scan_when_a_term_has_two_letters() {
        let pg = DatabaseBackend::Postgres;
        assert!(index_serves(pg, &SearchQuery::parse("마을 이웃스토어")));
        assert!(index_serves(pg, &SearchQuery::parse("숲 성수")));
        assert!(!index_serves(pg, &SearchQuery::parse("숲 a")));
        assert!(!index_serves(
            DatabaseBackend::Sqlite,
            &SearchQuery::parse("이웃스토어")
        ));
    }

    #[test]
    fn terms_of_two_letters_or_more_take_the_pair_index() {
        let mut p = Params { values: Vec::new() };
        let pg = DatabaseBackend::Postgres;
        assert_eq!(
            pairs_of_all(&mut p, pg, &["두레"], "al.name"),
            "tambang_bigrams(al.name) @> tambang_bigrams($1) AND "
        );
        assert_eq!(pairs_of_all(&mut p, pg, &["숲"], "al.name"), "");
        assert_eq!(
            pairs_of_all(&mut p, pg, &["두레박", "숲", "성수"], "r.title, r.body"),
            "tambang_bigrams(r.title, r.body) @> tambang_bigrams($2, $3) AND "
        );
        assert_eq!(
            pairs_of_all(&mut p, DatabaseBackend::Sqlite, &["두레"], "al.name"),
            ""
        );
        assert_eq!(p.values.len(), 3);
    }
}
