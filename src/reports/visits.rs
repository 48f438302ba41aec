//! The visit network: which entry visited which, when, how often, and whether the visit was
//! returned. A report with visitors V and hosts H is one visit from each v to each h. Only
//! published reports count, plus planned visits for editors; drafts never.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::directory::queries::entries_by_id;
use crate::domain::ReportState;
use crate::entities::{entry, report, report_entry, takeaway};
use crate::error::AppResult;

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
    let mut out: Vec<VisitPair> = by_pair
        .iter()
        .map(|(&(visitor, host), list)| {
            let mut reports = list.clone();
            reports.sort_by_key(|r| (r.visited_at.is_none(), r.visited_at));
            VisitPair {
                visitor,
                host,
                reports,
                reciprocated: by_pair.contains_key(&(host, visitor)),
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

/// Everything the visits page shows.
#[derive(Debug, Clone, Default)]
pub struct VisitNetwork {
    pub pairs: Vec<VisitPair>,
    pub entries: HashMap<i64, entry::Model>,
    pub most_visited: Vec<(i64, usize)>,
    pub takeaways: Vec<VisitTakeaway>,
}

/// The visit network over the reports in `states`.
pub async fn network(db: &impl ConnectionTrait, states: &[ReportState]) -> AppResult<VisitNetwork> {
    let rows = report::Entity::find()
        .filter(report::Column::State.is_in(states.iter().map(|s| s.as_str())))
        .order_by_asc(report::Column::VisitedAt)
        .order_by_asc(report::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let roles = report_entry::Entity::find()
        .filter(report_entry::Column::ReportId.is_in(ids.clone()))
        .all(db)
        .await?;
    let visits: Vec<(i64, Visit)> = rows
        .iter()
        .map(|r| {
            let of = |role: &str| {
                roles
                    .iter()
                    .filter(|x| x.report_id == r.id && x.role == role)
                    .map(|x| x.entry_id)
                    .collect::<Vec<_>>()
            };
            let v = VisitReport {
                slug: r.slug.clone(),
                title: r.title.clone(),
                state: r.state.clone(),
                visited_at: r.visited_at,
            };
            (r.id, (v, of("visitor"), of("host")))
        })
        .filter(|(_, (_, v, h))| !v.is_empty() && !h.is_empty())
        .collect();
    let pairs = pairs(&visits.iter().map(|(_, x)| x.clone()).collect::<Vec<_>>());
    let entries = entries_by_id(db, pairs.iter().flat_map(|p| [p.visitor, p.host])).await?;
    let visit_reports: HashMap<i64, VisitReport> =
        visits.into_iter().map(|(id, (v, _, _))| (id, v)).collect();
    let takeaways = takeaway::Entity::find()
        .filter(takeaway::Column::ReportId.is_in(visit_reports.keys().copied().collect::<Vec<_>>()))
        .order_by_asc(takeaway::Column::ReportId)
        .order_by_asc(takeaway::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|t| {
            let report = visit_reports.get(&t.report_id)?.clone();
            Some(VisitTakeaway {
                takeaway: t,
                report,
            })
        })
        .collect();
    Ok(VisitNetwork {
        most_visited: most_visited(&pairs),
        pairs,
        entries,
        takeaways,
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
