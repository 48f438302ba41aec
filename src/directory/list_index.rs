//! The list page of a kind answered from memory: every entry of the kind as a few small codes
//! (district, status, the kind's detail facets, last verification), in each of the list's
//! orders. Counting the facets in SQL read every entry of the kind once per facet — five
//! `GROUP BY`s over 50,000 enterprises at 100,000 entries, 60–90 ms each on SQLite — and a page
//! deep in "recently updated" order sorted the whole kind; here both are one pass over a few
//! megabytes, and only the page's 50 rows come from the database.
//!
//! An index is loaded per kind through a [`crate::web::cache::PageCache`], so it is dropped as
//! soon as any write moves the change stamp and the next list page loads it again: a list page
//! never shows data older than the last committed write.
//!
//! [`super::filters::list_filtered`] and [`super::filters::facets`] remain the SQL statement
//! of the same rules (the JSON API and the CSV export page through them); a test runs both on
//! generated data and compares every page and count.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, Statement};

use crate::directory::filters::{Facets, ListFilter, Sort};
use crate::directory::queries::{ListedEntry, entries_by_id};
use crate::domain::EntryKind;
use crate::entities::entry;
use crate::error::{AppError, AppResult};
use crate::web::pagination::Pager;

/// "No value" (SQL NULL, or no detail row) in a code column.
const NULL: u32 = 0;

/// Distinct values of one text column, numbered from 1 (0 is NULL).
#[derive(Debug, Default)]
struct Values {
    names: Vec<String>,
    codes: HashMap<String, u32>,
}

impl Values {
    fn code(&mut self, v: Option<&str>) -> u32 {
        let Some(v) = v else { return NULL };
        if let Some(&c) = self.codes.get(v) {
            return c;
        }
        // Four billion distinct values of one column are beyond any directory (and memory).
        let c = u32::try_from(self.names.len() + 1).unwrap_or(u32::MAX);
        self.names.push(v.to_string());
        self.codes.insert(v.to_string(), c);
        c
    }

    fn name(&self, code: usize) -> Option<&str> {
        self.names.get(code.checked_sub(1)?).map(String::as_str)
    }

    /// What a filter on `v` requires: its code, or `None` when no entry has that value.
    fn wanted(&self, v: &str) -> Option<u32> {
        self.codes.get(v).copied()
    }
}

/// One entry of the kind.
#[derive(Debug, Clone, Copy)]
struct Row {
    id: i64,
    district: Option<i64>,
    verified: Option<NaiveDate>,
    /// `status`, then the kind's detail columns (see [`detail_columns`]).
    codes: [u32; COLUMNS],
}

/// Code columns of a row: the status and up to three detail facets.
const COLUMNS: usize = 4;
const STATUS: usize = 0;

/// The detail table and facet columns of each kind, in code-column order from 1.
fn detail_columns(kind: EntryKind) -> Option<(&'static str, [&'static str; 3])> {
    match kind {
        EntryKind::Enterprise => Some((
            "enterprise_details",
            ["cert_type", "social_purpose", "service_field"],
        )),
        EntryKind::Outlet => Some(("outlet_details", ["channel", "", ""])),
        EntryKind::Center => Some(("center_details", ["operating_mode", "", ""])),
        _ => None,
    }
}

/// Every entry of one kind, ready to be filtered, counted and paged.
#[derive(Debug)]
pub struct ListIndex {
    kind: EntryKind,
    /// In name order (the database's `ORDER BY name, id`).
    rows: Vec<Row>,
    /// Positions in `rows` by `updated_at` newest first, then id.
    by_updated: Vec<u32>,
    /// Positions in `rows` by `last_verified_on` oldest first, never verified before all,
    /// then id.
    by_verified: Vec<u32>,
    values: [Values; COLUMNS],
}

/// A filter as codes: for each column, `None` when it does not filter, `Some(None)` when it
/// asks for a value no entry has, else `Some(Some(code))`.
struct Wanted {
    district: Option<i64>,
    codes: [Option<Option<u32>>; COLUMNS],
    not_verified_since: Option<NaiveDate>,
}

/// The facet a row fails, when it fails exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fails {
    None,
    District,
    Column(usize),
    More,
}

impl Wanted {
    fn of(index: &ListIndex, f: &ListFilter) -> Wanted {
        let kind = index.kind;
        let mut codes = [None; COLUMNS];
        let want = |col: usize, v: Option<&str>| v.map(|v| index.values[col].wanted(v));
        codes[STATUS] = want(STATUS, f.status.map(|s| s.as_str()));
        match kind {
            EntryKind::Enterprise => {
                codes[1] = want(1, f.cert_type.map(|v| v.as_str()));
                codes[2] = want(2, f.social_purpose.map(|v| v.as_str()));
                codes[3] = want(3, f.service_field.as_deref());
            }
            EntryKind::Outlet => codes[1] = want(1, f.channel.map(|v| v.as_str())),
            EntryKind::Center => codes[1] = want(1, f.operating_mode.map(|v| v.as_str())),
            _ => {}
        }
        Wanted {
            district: f.district,
            codes,
            not_verified_since: f.not_verified_since,
        }
    }

    /// Whether the row is outside the list whatever facet is left out (the verification
    /// date is a filter, not a facet).
    fn excluded(&self, r: &Row) -> bool {
        self.not_verified_since
            .is_some_and(|date| r.verified.is_some_and(|v| v >= date))
    }

    fn fails(&self, r: &Row) -> Fails {
        let mut fails = Fails::None;
        let mut note = |f: Fails| {
            fails = if fails == Fails::None { f } else { Fails::More };
        };
        if let Some(d) = self.district
            && r.district != Some(d)
        {
            note(Fails::District);
        }
        for (col, want) in self.codes.iter().enumerate() {
            if let Some(want) = want
                && *want != Some(r.codes[col])
            {
                note(Fails::Column(col));
            }
        }
        fails
    }

    fn matches(&self, r: &Row) -> bool {
        !self.excluded(r) && self.fails(r) == Fails::None
    }
}

/// The statement reading every entry of `kind` as one row of three JSON arrays: the entries
/// as `[id, district_id, status, last_verified_on, detail facets…]` in no particular order,
/// their ids in name order and their ids newest change first. The orders are the database's
/// own (its collation for names, its comparison of stored timestamps), as in
/// [`super::filters::list_filtered`].
///
/// One row, because the driver's cost is per row: 50,000 enterprises as rows took 640 ms at
/// 100,000 entries. The entries in table order, because following the name index to each row
/// was most of what remained (SQLite: `NOT INDEXED`, 75 ms instead of 200 ms), and the orders
/// apart, because sorting inside the aggregate took longer than reading twice from the indexes.
fn load_statement(db: &impl ConnectionTrait, kind: EntryKind) -> Statement {
    let backend = db.get_database_backend();
    let (join, details) = match detail_columns(kind) {
        Some((table, cols)) => (
            format!(" LEFT JOIN {table} d ON d.entry_id = e.id"),
            cols.map(|c| {
                if c.is_empty() {
                    "NULL".to_string()
                } else {
                    format!("d.{c}")
                }
            }),
        ),
        None => (
            String::new(),
            ["NULL".to_string(), "NULL".to_string(), "NULL".to_string()],
        ),
    };
    let fields = format!(
        "e.id, e.district_id, e.status, e.last_verified_on, {}",
        details.join(", ")
    );
    let sql = if backend == sea_orm::DatabaseBackend::Postgres {
        format!(
            "SELECT \
             (SELECT coalesce(json_agg(json_build_array({fields})), '[]')::text \
              FROM entries e{join} WHERE e.kind = $1), \
             (SELECT coalesce(json_agg(id ORDER BY name, id), '[]')::text \
              FROM entries WHERE kind = $2), \
             (SELECT coalesce(json_agg(id ORDER BY updated_at DESC, id), '[]')::text \
              FROM entries WHERE kind = $3)"
        )
    } else {
        format!(
            "SELECT \
             (SELECT json_group_array(json_array({fields})) \
              FROM entries e NOT INDEXED{join} WHERE e.kind = $1), \
             (SELECT json_group_array(id ORDER BY name, id) FROM entries WHERE kind = $2), \
             (SELECT json_group_array(id ORDER BY updated_at DESC, id) \
              FROM entries WHERE kind = $3)"
        )
    };
    let kind = kind.as_str();
    Statement::from_sql_and_values(backend, sql, [kind.into(), kind.into(), kind.into()])
}

/// One entry as [`load_statement`] writes it (text borrowed from the JSON where it can be).
#[derive(serde::Deserialize)]
struct Loaded<'a>(
    i64,
    Option<i64>,
    #[serde(borrow)] Cow<'a, str>,
    #[serde(borrow)] Option<Cow<'a, str>>,
    #[serde(borrow)] Option<Cow<'a, str>>,
    #[serde(borrow)] Option<Cow<'a, str>>,
    #[serde(borrow)] Option<Cow<'a, str>>,
);

impl ListIndex {
    /// Reads every entry of `kind` (one query, one row).
    pub async fn load(db: &impl ConnectionTrait, kind: EntryKind) -> AppResult<ListIndex> {
        let row = db
            .query_one_raw(load_statement(db, kind))
            .await?
            .ok_or_else(|| AppError::internal("list index query returned no row"))?;
        let json = |i: usize| -> AppResult<String> { Ok(row.try_get_by_index(i)?) };
        let mut values: [Values; COLUMNS] = Default::default();
        let unordered: Vec<Row> = {
            let text = json(0)?;
            let loaded: Vec<Loaded<'_>> =
                serde_json::from_str(&text).map_err(AppError::internal)?;
            let mut rows = Vec::with_capacity(loaded.len());
            for Loaded(id, district, status, verified, d1, d2, d3) in loaded {
                let verified = match verified {
                    Some(v) => Some(v.parse::<NaiveDate>().map_err(AppError::internal)?),
                    None => None,
                };
                let mut codes = [NULL; COLUMNS];
                codes[STATUS] = values[STATUS].code(Some(&status));
                for (col, v) in [d1, d2, d3].iter().enumerate() {
                    codes[col + 1] = values[col + 1].code(v.as_deref());
                }
                rows.push(Row {
                    id,
                    district,
                    verified,
                    codes,
                });
            }
            rows
        };
        let by_name: Vec<i64> = serde_json::from_str(&json(1)?).map_err(AppError::internal)?;
        let by_updated: Vec<i64> = serde_json::from_str(&json(2)?).map_err(AppError::internal)?;

        let at: HashMap<i64, usize> = unordered
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id, i))
            .collect();
        // An entry added between the statement's reads is in one list and not the other; the
        // index is dropped at the next write-stamp check anyway, so it is simply left out.
        let rows: Vec<Row> = by_name
            .iter()
            .filter_map(|id| at.get(id).map(|&i| unordered[i]))
            .collect();
        drop(unordered);
        let position: HashMap<i64, u32> = rows
            .iter()
            .enumerate()
            .filter_map(|(p, r)| Some((r.id, u32::try_from(p).ok()?)))
            .collect();
        let by_updated: Vec<u32> = by_updated
            .iter()
            .filter_map(|id| position.get(id).copied())
            .collect();
        let mut by_verified: Vec<u32> = (0..rows.len())
            .filter_map(|p| u32::try_from(p).ok())
            .collect();
        // `None` sorts before any date: never verified is the least recently verified.
        by_verified.sort_by_key(|&p| (rows[p as usize].verified, rows[p as usize].id));
        Ok(ListIndex {
            kind,
            rows,
            by_updated,
            by_verified,
            values,
        })
    }

    /// Ids of the entries on page `page` (from 1) of the list `f` asks for, in its order,
    /// and the pager.
    pub fn page(&self, f: &ListFilter, page: u64, per_page: u64) -> (Vec<i64>, Pager) {
        let wanted = Wanted::of(self, f);
        let in_order: Box<dyn Iterator<Item = &Row>> = match f.sort {
            Sort::Name => Box::new(self.rows.iter()),
            Sort::RecentlyUpdated => {
                Box::new(self.by_updated.iter().map(|&p| &self.rows[p as usize]))
            }
            Sort::LeastRecentlyVerified => {
                Box::new(self.by_verified.iter().map(|&p| &self.rows[p as usize]))
            }
        };
        let mut pager = Pager {
            page,
            per_page,
            total: 0,
        };
        let from = pager.offset();
        let mut ids = Vec::new();
        for r in in_order.filter(|r| wanted.matches(r)) {
            if pager.total >= from && (ids.len() as u64) < per_page {
                ids.push(r.id);
            }
            pager.total += 1;
        }
        (ids, pager)
    }

    /// The facet counts for `f`: each facet counted with every other filter applied.
    pub fn facets(&self, f: &ListFilter) -> Facets {
        let wanted = Wanted::of(self, f);
        let mut district: HashMap<i64, i64> = HashMap::new();
        let mut counts: [Vec<i64>; COLUMNS] =
            std::array::from_fn(|col| vec![0; self.values[col].names.len() + 1]);
        for r in self.rows.iter().filter(|r| !wanted.excluded(r)) {
            let fails = wanted.fails(r);
            if matches!(fails, Fails::None | Fails::District)
                && let Some(d) = r.district
            {
                *district.entry(d).or_default() += 1;
            }
            for (col, c) in counts.iter_mut().enumerate() {
                if matches!(fails, Fails::None) || fails == Fails::Column(col) {
                    c[r.codes[col] as usize] += 1;
                }
            }
        }
        let named = |col: usize| -> Vec<(String, i64)> {
            counts[col]
                .iter()
                .enumerate()
                .skip(1)
                .filter(|&(_, &n)| n > 0)
                .filter_map(|(code, &n)| Some((self.values[col].name(code)?.to_string(), n)))
                .collect()
        };
        let mut out = Facets::default();
        if self.kind != EntryKind::District {
            out.district = district.into_iter().collect();
            out.district.sort_unstable();
        }
        out.status = named(STATUS).into_iter().collect();
        match self.kind {
            EntryKind::Enterprise => {
                out.cert_type = named(1).into_iter().collect();
                out.social_purpose = named(2).into_iter().collect();
                let mut fields = named(3);
                fields.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                fields.truncate(50);
                out.service_field = fields;
            }
            EntryKind::Outlet => out.channel = named(1).into_iter().collect(),
            EntryKind::Center => out.operating_mode = named(1).into_iter().collect(),
            _ => {}
        }
        out
    }

    /// Page `page` of the list with its rows read from the database (one query for the rows,
    /// one for their districts).
    pub async fn listed(
        &self,
        db: &impl ConnectionTrait,
        f: &ListFilter,
        page: u64,
        per_page: u64,
    ) -> AppResult<(Vec<ListedEntry>, Pager)> {
        let (ids, pager) = self.page(f, page, per_page);
        let mut found = entries_by_id(db, ids.iter().copied()).await?;
        let rows: Vec<entry::Model> = ids.iter().filter_map(|id| found.remove(id)).collect();
        Ok((super::filters::with_districts(db, rows).await?, pager))
    }
}
