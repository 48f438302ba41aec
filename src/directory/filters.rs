//! List-page filters and their facet counts. Each facet is counted with every *other* filter
//! applied, so the numbers next to the options say what choosing them would show.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::sea_query::NullOrdering;
use sea_orm::sea_query::{Expr, ExprTrait, Func, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select,
};
use serde::Deserialize;

use crate::directory::queries::{ListedEntry, entries_by_id};
use crate::domain::{
    CenterMode, CertType, EntryKind, EntryStatus, OutletChannel, SocialPurpose, parse_date,
};
use crate::entities::{center_detail, enterprise_detail, entry, outlet_detail};
use crate::error::AppResult;
use crate::web::pagination::Pager;

/// The query string of a list page, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub page: Option<String>,
    pub district: String,
    pub status: String,
    pub cert_type: String,
    pub social_purpose: String,
    pub service_field: String,
    pub channel: String,
    pub operating_mode: String,
    pub not_verified_since: String,
    pub sort: String,
}

/// How a list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Name,
    RecentlyUpdated,
    LeastRecentlyVerified,
}

impl Sort {
    /// (query value, Korean label) of every order.
    pub const ALL: [(Sort, &'static str, &'static str); 3] = [
        (Sort::Name, "name", "이름순"),
        (Sort::RecentlyUpdated, "updated", "최근 수정순"),
        (
            Sort::LeastRecentlyVerified,
            "verified",
            "오래전에 확인한 순",
        ),
    ];
    fn parse(s: &str) -> Self {
        Sort::ALL
            .iter()
            .find(|(_, v, _)| *v == s)
            .map_or(Sort::Name, |(s, _, _)| *s)
    }
    /// The English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Sort::Name => "By name",
            Sort::RecentlyUpdated => "Recently updated",
            Sort::LeastRecentlyVerified => "Least recently verified",
        }
    }

    /// The query value.
    pub fn as_str(self) -> &'static str {
        Sort::ALL
            .iter()
            .find(|(s, _, _)| *s == self)
            .map_or("name", |(_, v, _)| v)
    }
}

/// Parsed filters; values that do not parse are ignored (a list page never fails on them).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ListFilter {
    pub district: Option<i64>,
    pub status: Option<EntryStatus>,
    pub cert_type: Option<CertType>,
    pub social_purpose: Option<SocialPurpose>,
    pub service_field: Option<String>,
    pub channel: Option<OutletChannel>,
    pub operating_mode: Option<CenterMode>,
    pub not_verified_since: Option<NaiveDate>,
    pub sort: Sort,
}

impl ListQuery {
    /// The filters this query asks for.
    pub fn filter(&self) -> ListFilter {
        let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        ListFilter {
            district: self.district.trim().parse().ok(),
            status: EntryStatus::from_label(&self.status),
            cert_type: CertType::from_label(&self.cert_type),
            social_purpose: SocialPurpose::from_label(&self.social_purpose),
            service_field: some(&self.service_field).map(|s| s.chars().take(100).collect()),
            channel: OutletChannel::from_label(&self.channel),
            operating_mode: CenterMode::from_label(&self.operating_mode),
            not_verified_since: parse_date(&self.not_verified_since).ok(),
            sort: Sort::parse(&self.sort),
        }
    }
}

/// Which facet to leave out when counting that facet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Facet {
    None,
    District,
    Status,
    CertType,
    SocialPurpose,
    ServiceField,
    Channel,
    OperatingMode,
}

fn filtered(kind: EntryKind, f: &ListFilter, skip: Facet) -> Select<entry::Entity> {
    let mut q = entry::Entity::find().filter(entry::Column::Kind.eq(kind.as_str()));
    if skip != Facet::District
        && let Some(d) = f.district
    {
        q = q.filter(entry::Column::DistrictId.eq(d));
    }
    if skip != Facet::Status
        && let Some(s) = f.status
    {
        q = q.filter(entry::Column::Status.eq(s.as_str()));
    }
    if let Some(date) = f.not_verified_since {
        q = q.filter(
            entry::Column::LastVerifiedOn
                .lt(date)
                .or(entry::Column::LastVerifiedOn.is_null()),
        );
    }
    let mut enterprise: Vec<SimpleExpr> = Vec::new();
    if skip != Facet::CertType
        && let Some(v) = f.cert_type
    {
        enterprise.push(enterprise_detail::Column::CertType.eq(v.as_str()));
    }
    if skip != Facet::SocialPurpose
        && let Some(v) = f.social_purpose
    {
        enterprise.push(enterprise_detail::Column::SocialPurpose.eq(v.as_str()));
    }
    if skip != Facet::ServiceField
        && let Some(v) = &f.service_field
    {
        enterprise.push(enterprise_detail::Column::ServiceField.eq(v.as_str()));
    }
    if kind == EntryKind::Enterprise && !enterprise.is_empty() {
        let mut sub = enterprise_detail::Entity::find()
            .select_only()
            .column(enterprise_detail::Column::EntryId);
        for cond in enterprise {
            sub = sub.filter(cond);
        }
        q = q.filter(entry::Column::Id.in_subquery(sub.into_query()));
    }
    if kind == EntryKind::Outlet
        && skip != Facet::Channel
        && let Some(v) = f.channel
    {
        let sub = outlet_detail::Entity::find()
            .select_only()
            .column(outlet_detail::Column::EntryId)
            .filter(outlet_detail::Column::Channel.eq(v.as_str()));
        q = q.filter(entry::Column::Id.in_subquery(sub.into_query()));
    }
    if kind == EntryKind::Center
        && skip != Facet::OperatingMode
        && let Some(v) = f.operating_mode
    {
        let sub = center_detail::Entity::find()
            .select_only()
            .column(center_detail::Column::EntryId)
            .filter(center_detail::Column::OperatingMode.eq(v.as_str()));
        q = q.filter(entry::Column::Id.in_subquery(sub.into_query()));
    }
    q
}

fn ids(q: Select<entry::Entity>) -> sea_orm::sea_query::SelectStatement {
    q.select_only().column(entry::Column::Id).into_query()
}

fn count_expr() -> SimpleExpr {
    SimpleExpr::from(Func::count(Expr::col(sea_orm::sea_query::Asterisk)))
}

/// Counts per value of each facet that applies to `kind`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Facets {
    pub district: Vec<(i64, i64)>,
    pub status: HashMap<String, i64>,
    pub cert_type: HashMap<String, i64>,
    pub social_purpose: HashMap<String, i64>,
    pub service_field: Vec<(String, i64)>,
    pub channel: HashMap<String, i64>,
    pub operating_mode: HashMap<String, i64>,
}

async fn group_entries(
    db: &impl ConnectionTrait,
    kind: EntryKind,
    f: &ListFilter,
    skip: Facet,
    col: entry::Column,
) -> AppResult<Vec<(Option<String>, i64)>> {
    Ok(filtered(kind, f, skip)
        .select_only()
        .column_as(Expr::col(col).cast_as("TEXT"), "v")
        .column_as(count_expr(), "n")
        .group_by(col)
        .into_tuple()
        .all(db)
        .await?)
}

macro_rules! group_detail {
    ($db:expr, $kind:expr, $f:expr, $skip:expr, $module:ident, $col:ident) => {{
        let rows: Vec<(Option<String>, i64)> = $module::Entity::find()
            .select_only()
            .column($module::Column::$col)
            .column_as(count_expr(), "n")
            .filter($module::Column::EntryId.in_subquery(ids(filtered($kind, $f, $skip))))
            .group_by($module::Column::$col)
            .into_tuple()
            .all($db)
            .await?;
        rows.into_iter()
            .filter_map(|(v, n)| v.map(|v| (v, n)))
            .collect::<Vec<_>>()
    }};
}

/// The facet counts for a list page.
pub async fn facets(
    db: &impl ConnectionTrait,
    kind: EntryKind,
    f: &ListFilter,
) -> AppResult<Facets> {
    let mut out = Facets::default();
    if kind != EntryKind::District {
        out.district = group_entries(db, kind, f, Facet::District, entry::Column::DistrictId)
            .await?
            .into_iter()
            .filter_map(|(v, n)| Some((v?.parse().ok()?, n)))
            .collect();
    }
    out.status = group_entries(db, kind, f, Facet::Status, entry::Column::Status)
        .await?
        .into_iter()
        .filter_map(|(v, n)| Some((v?, n)))
        .collect();
    match kind {
        EntryKind::Enterprise => {
            out.cert_type =
                group_detail!(db, kind, f, Facet::CertType, enterprise_detail, CertType)
                    .into_iter()
                    .collect();
            out.social_purpose = group_detail!(
                db,
                kind,
                f,
                Facet::SocialPurpose,
                enterprise_detail,
                SocialPurpose
            )
            .into_iter()
            .collect();
            let mut fields = group_detail!(
                db,
                kind,
                f,
                Facet::ServiceField,
                enterprise_detail,
                ServiceField
            );
            fields.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            fields.truncate(50);
            out.service_field = fields;
        }
        EntryKind::Outlet => {
            out.channel = group_detail!(db, kind, f, Facet::Channel, outlet_detail, Channel)
                .into_iter()
                .collect();
        }
        EntryKind::Center => {
            out.operating_mode = group_detail!(
                db,
                kind,
                f,
                Facet::OperatingMode,
                center_detail,
                OperatingMode
            )
            .into_iter()
            .collect();
        }
        _ => {}
    }
    Ok(out)
}

/// One page of entries matching the filters, in the chosen order.
pub async fn list_filtered(
    db: &impl ConnectionTrait,
    kind: EntryKind,
    f: &ListFilter,
    page: u64,
    per_page: u64,
) -> AppResult<(Vec<ListedEntry>, Pager)> {
    let query = filtered(kind, f, Facet::None);
    let total = query.clone().count(db).await?;
    let pager = Pager {
        page,
        per_page,
        total,
    };
    let ordered = match f.sort {
        Sort::Name => query.order_by_asc(entry::Column::Name),
        Sort::RecentlyUpdated => query.order_by_desc(entry::Column::UpdatedAt),
        // Never verified is the least recently verified, on both backends (PostgreSQL would
        // put NULLs last).
        Sort::LeastRecentlyVerified => query.order_by_with_nulls(
            entry::Column::LastVerifiedOn,
            Order::Asc,
            NullOrdering::First,
        ),
    };
    let rows = ordered
        .order_by_asc(entry::Column::Id)
        .offset(pager.offset())
        .limit(per_page)
        .all(db)
        .await?;
    Ok((with_districts(db, rows).await?, pager))
}

/// `rows` with their districts (one query for all of them).
pub(crate) async fn with_districts(
    db: &impl ConnectionTrait,
    rows: Vec<entry::Model>,
) -> AppResult<Vec<ListedEntry>> {
    let districts = entries_by_id(db, rows.iter().filter_map(|e| e.district_id)).await?;
    Ok(rows
        .into_iter()
        .map(|e| ListedEntry {
            district: e.district_id.and_then(|d| districts.get(&d).cloned()),
            entry: e,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_filter_values_are_ignored() {
        let q = ListQuery {
            district: "x".into(),
            status: "closed".into(),
            cert_type: "인증 사회적기업".into(),
            not_verified_since: "2024.01.01".into(),
            sort: "'; DROP TABLE".into(),
            ..Default::default()
        };
        let f = q.filter();
        assert_eq!(f.district, None);
        assert_eq!(f.status, Some(EntryStatus::Closed));
        assert_eq!(f.cert_type, Some(CertType::Certified));
        assert_eq!(f.not_verified_since, NaiveDate::from_ymd_opt(2024, 1, 1));
        assert_eq!(f.sort, Sort::Name);
    }
}
