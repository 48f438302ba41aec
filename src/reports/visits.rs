//! The visit network: which entry visited which, when, how often, and whether the visit was
//! returned. A report with visitors V and hosts H is one visit from each v to each h. Only
//! published reports count, plus planned visits for editors; drafts never.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDateTime;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::directory::queries::entries_by_id;
use crate::domain::ReportState;
use crate::entities::{entry, report, report_entry, takeaway};
use crate::error::AppResult;
use crate::reports::queries::{ReportLine, lines};
use crate::web::pagination::Pager;

/// One report seen as a visit.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitReport {
    pub slug: String,
    pub title: String,
    pub state: String,
    pub visited_at: Option<NaiveDateTime>,
}

/// A report seen as a visit, with its visitors' and hosts' entry ids.
pub type Visit = (VisitReport, Vec<i64>, Vec<i64>);

/// All visits from one entry to another.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitPair {
    pub visitor: i64,
    pub host: i64,
    /// The reports, earliest visit first (undated last).
    pub reports: Vec<VisitReport>,
    /// True when the host also visited the visitor.
    pub reciprocated: bool,
}

/// Pairs from `(report, visitors, hosts)`, most visits first, then by ids. An entry listed as
/// both visitor and host of one report does not visit itself.
pub fn pairs(reports: &[Visit]) -> Vec<VisitPair> {
    let mut by_pair: BTreeMap<(i64, i64), Vec<VisitReport>> = BTreeMap::new();
    for (r, visitors, hosts) in reports {
        for v in visitors {
            for h in hosts.iter().filter(|h| *h != v) {
                let list = by_pair.entry((*v, *h)).or_default();
                if !list.contains(r) {
                    list.push(r.clone());
                }
            }
        }
    }
    let returned: HashSet<(i64, i64)> = by_pair
        .keys()
        .filter(|&&(v, h)| by_pair.contains_key(&(h, v)))
        .copied()
        .collect();
    let mut out: Vec<VisitPair> = by_pair
        .into_iter()
        .map(|((visitor, host), mut reports)| {
            reports.sort_by_key(|r| (r.visited_at.is_none(), r.visited_at));
            VisitPair {
                visitor,
                host,
                reports,
                reciprocated: returned.contains(&(visitor, host)),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.reports
            .len()
            .cmp(&a.reports.len())
            .then((a.visitor, a.host).cmp(&(b.visitor, b.host)))
    });
    out
}

/// How often each entry was visited (distinct reports), most first.
pub fn most_visited(pairs: &[VisitPair]) -> Vec<(i64, usize)> {
    let mut reports: HashMap<i64, Vec<&str>> = HashMap::new();
    for p in pairs {
        let list = reports.entry(p.host).or_default();
        for r in &p.reports {
            if !list.contains(&r.slug.as_str()) {
                list.push(&r.slug);
            }
        }
    }
    let mut out: Vec<(i64, usize)> = reports.into_iter().map(|(id, l)| (id, l.len())).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// A takeaway a visit produced.
#[derive(Debug, Clone)]
pub struct VisitTakeaway {
    pub takeaway: takeaway::Model,
    pub report: VisitReport,
}

/// Visitor → host pairs shown per page of the table.
pub const PAIRS_PER_PAGE: u64 = 50;
/// Pairs drawn in the graph: the most frequent, since hundreds of entries on one circle are
/// a blur (the table has them all).
pub const GRAPH_PAIRS: usize = 40;
/// Entries listed as the most visited.
pub const MOST_VISITED_SHOWN: usize = 20;
/// Takeaways listed (the latest visits' first); the rest are on `/takeaways`.
pub const TAKEAWAYS_SHOWN: usize = 100;

/// What the visits page shows: one page of the pairs, the graph's pairs, the most visited
/// entries and the takeaways, with how many there are of each.
#[derive(Debug, Clone, Default)]
pub struct VisitNetwork {
    /// The pairs of the requested page, most visits first.
    pub pairs: Vec<VisitPair>,
    /// Every visitor → host pair.
    pub pairs_total: u64,
    /// The page of the table shown (1-based).
    pub page: u64,
    /// The most frequent pairs, for the graph.
    pub graph: Vec<VisitPair>,
    /// The entries named on the page (pairs, graph, most visited).
    pub entries: HashMap<i64, entry::Model>,
    pub most_visited: Vec<(i64, usize)>,
    /// The latest visits' takeaways, at most [`TAKEAWAYS_SHOWN`].
    pub takeaways: Vec<VisitTakeaway>,
    pub takeaways_total: u64,
}

/// The whole network over the reports of some states, computed once per change stamp
/// ([`crate::app::AppState::visits`]): every pair, most visits first, the most visited
/// entries, and which visits' takeaways the page lists.
#[derive(Debug, Default)]
pub struct VisitData {
    pairs: Vec<VisitPair>,
    most_visited: Vec<(i64, usize)>,
    /// The visits whose takeaways are listed, latest first, with their reports.
    takeaway_reports: Vec<(i64, VisitReport)>,
    takeaways_total: u64,
}

/// The cache key of the network over `states`.
pub fn key(states: &[ReportState]) -> String {
    let names: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
    names.join(",")
}

/// Computes the network over the reports in `states`.
///
/// Reads the reports' titles and dates and their visitor and host rows only — never a body —
/// and groups the rows by report in one pass: at 100,000 entries and 8,000 published visits
/// the page had read every report whole (2 s, ~200 MB of bodies) and listed 10 MB of pairs.
pub async fn compute(db: &impl ConnectionTrait, states: &[ReportState]) -> AppResult<VisitData> {
    let states: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
    let of_states = || {
        Query::select()
            .column(report::Column::Id)
            .from(report::Entity)
            .and_where(report::Column::State.is_in(states.iter().copied()))
            .to_owned()
    };
    let rows = lines(
        report::Entity::find()
            .filter(report::Column::State.is_in(states.iter().copied()))
            .order_by_asc(report::Column::VisitedAt)
            .order_by_asc(report::Column::Id),
    )
    .all(db)
    .await?;
    // The roles of those reports, by a subquery rather than thousands of bound ids.
    let roles: Vec<(i64, i64, String)> = report_entry::Entity::find()
        .select_only()
        .columns([
            report_entry::Column::ReportId,
            report_entry::Column::EntryId,
            report_entry::Column::Role,
        ])
        .filter(report_entry::Column::Role.is_in(["visitor", "host"]))
        .filter(report_entry::Column::ReportId.in_subquery(of_states()))
        .into_tuple()
        .all(db)
        .await?;
    let mut sides: HashMap<i64, (Vec<i64>, Vec<i64>)> = HashMap::new();
    for (report_id, entry_id, role) in roles {
        let (visitors, hosts) = sides.entry(report_id).or_default();
        if role == "visitor" {
            visitors.push(entry_id);
        } else {
            hosts.push(entry_id);
        }
    }
    let mut visit_reports: HashMap<i64, VisitReport> = HashMap::new();
    let mut visits: Vec<Visit> = Vec::new();
    for ReportLine {
        id,
        slug,
        title,
        state,
        visited_at,
    } in rows
    {
        let Some((mut visitors, mut hosts)) = sides.remove(&id) else {
            continue;
        };
        if visitors.is_empty() || hosts.is_empty() {
            continue;
        }
        visitors.sort_unstable();
        hosts.sort_unstable();
        let v = VisitReport {
            slug,
            title,
            state,
            visited_at,
        };
        visit_reports.insert(id, v.clone());
        visits.push((v, visitors, hosts));
    }
    let pairs = pairs(&visits);
    drop(visits);
    let most_visited: Vec<(i64, usize)> = most_visited(&pairs)
        .into_iter()
        .take(MOST_VISITED_SHOWN)
        .collect();

    // Takeaways of the visits, latest visit first: enough visits for the page's list.
    let counts: Vec<(i64, i64)> = takeaway::Entity::find()
        .select_only()
        .column(takeaway::Column::ReportId)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(takeaway::Column::ReportId.in_subquery(of_states()))
        .group_by(takeaway::Column::ReportId)
        .into_tuple()
        .all(db)
        .await?;
    let counts: HashMap<i64, i64> = counts
        .into_iter()
        .filter(|(id, _)| visit_reports.contains_key(id))
        .collect();
    let takeaways_total = counts.values().map(|&n| n.max(0) as u64).sum();
    let mut with_takeaways: Vec<i64> = counts.keys().copied().collect();
    with_takeaways.sort_unstable_by_key(|id| {
        (
            std::cmp::Reverse(visit_reports[id].visited_at),
            std::cmp::Reverse(*id),
        )
    });
    let mut takeaway_reports = Vec::new();
    let mut listed = 0;
    for id in with_takeaways {
        if listed >= TAKEAWAYS_SHOWN as i64 {
            break;
        }
        listed += counts[&id];
        if let Some(r) = visit_reports.remove(&id) {
            takeaway_reports.push((id, r));
        }
    }
    Ok(VisitData {
        pairs,
        most_visited,
        takeaway_reports,
        takeaways_total,
    })
}

/// Page `page` of the network `data`, with the entries it names and its takeaways.
pub async fn network(
    db: &impl ConnectionTrait,
    data: &VisitData,
    page: u64,
) -> AppResult<VisitNetwork> {
    let pager = Pager {
        page,
        per_page: PAIRS_PER_PAGE,
        total: data.pairs.len() as u64,
    };
    let shown: Vec<VisitPair> = data
        .pairs
        .iter()
        .skip(usize::try_from(pager.offset()).unwrap_or(usize::MAX))
        .take(PAIRS_PER_PAGE as usize)
        .cloned()
        .collect();
    let graph: Vec<VisitPair> = data.pairs.iter().take(GRAPH_PAIRS).cloned().collect();
    let named = shown
        .iter()
        .chain(&graph)
        .flat_map(|p| [p.visitor, p.host])
        .chain(data.most_visited.iter().map(|&(id, _)| id));
    let entries = entries_by_id(db, named.collect::<HashSet<i64>>()).await?;
    let rank: HashMap<i64, usize> = data
        .takeaway_reports
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i))
        .collect();
    let mut takeaways: Vec<VisitTakeaway> = takeaway::Entity::find()
        .filter(takeaway::Column::ReportId.is_in(rank.keys().copied()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|t| {
            let report = data
                .takeaway_reports
                .get(*rank.get(&t.report_id)?)?
                .1
                .clone();
            Some(VisitTakeaway {
                takeaway: t,
                report,
            })
        })
        .collect();
    takeaways.sort_by_key(|t| (rank.get(&t.takeaway.report_id), t.takeaway.position));
    takeaways.truncate(TAKEAWAYS_SHOWN);
    Ok(VisitNetwork {
        pairs: shown,
        pairs_total: data.pairs.len() as u64,
        page,
        graph,
        entries,
        most_visited: data.most_visited.clone(),
        takeaways,
        takeaways_total: data.takeaways_total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visit(slug: &str, day: u32) -> VisitReport {
        VisitReport {
            slug: slug.into(),
            title: slug.into(),
            state: "published".into(),
            visited_at: chrono::NaiveDate::from_ymd_opt(2023, 12, day)
                .and_then(|d| d.and_hms_opt(10, 0, 0)),
        }
    }

    #[test]
    fn pairs_count_visits_and_notice_returns() {
        // 1 visits 2 twice; 2 visits 1 once; 3 visits 2 and 4 together.
        let p = pairs(&[
            (visit("b", 20), vec![1], vec![2]),
            (visit("a", 11), vec![1], vec![2]),
            (visit("c", 12), vec![2], vec![1]),
            (visit("d", 13), vec![3], vec![2, 4, 3]),
        ]);
        assert_eq!(p[0].visitor, 1);
        assert_eq!(p[0].host, 2);
        assert_eq!(
            p[0].reports
                .iter()
                .map(|r| r.slug.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert!(p[0].reciprocated);
        let from3: Vec<_> = p.iter().filter(|x| x.visitor == 3).collect();
        assert_eq!(from3.len(), 2, "no self-visit");
        assert!(from3.iter().all(|x| !x.reciprocated));
        assert_eq!(most_visited(&p)[0], (2, 3));
    }
}
