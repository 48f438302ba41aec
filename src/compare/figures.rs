//! District figures for researchers: one read-only pass over the directory and the reports,
//! a fixed number of grouped queries whatever the number of districts.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Statement};

use crate::domain::{CertType, EntryKind, OutletChannel};
use crate::entities::{center_detail, district_detail, entry};
use crate::error::AppResult;

/// Everything the compare page says about one district.
#[derive(Debug, Clone)]
pub struct DistrictFigures {
    pub district: entry::Model,
    pub code: String,
    pub population: Option<i64>,
    pub centers: Vec<(entry::Model, Option<center_detail::Model>)>,
    pub by_kind: HashMap<EntryKind, i64>,
    pub by_cert: HashMap<CertType, i64>,
    pub by_channel: HashMap<OutletChannel, i64>,
    pub reports_hosted: i64,
    pub visits_made: i64,
    pub verified_recently: i64,
    pub entries_total: i64,
}

impl DistrictFigures {
    /// Enterprises per 10,000 residents, when the population is known.
    pub fn enterprises_per_10k(&self) -> Option<f64> {
        let pop = self.population.filter(|p| *p > 0)? as f64;
        Some(*self.by_kind.get(&EntryKind::Enterprise).unwrap_or(&0) as f64 * 10_000.0 / pop)
    }
    /// Share of the district's entries verified in the last 12 months (0–1).
    pub fn verified_share(&self) -> Option<f64> {
        (self.entries_total > 0).then(|| self.verified_recently as f64 / self.entries_total as f64)
    }
    /// The year the district's first center opened, if known.
    pub fn center_opened(&self) -> Option<NaiveDate> {
        self.centers
            .iter()
            .filter_map(|(_, d)| d.as_ref()?.opened_on)
            .min()
    }
}

async fn grouped(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> AppResult<Vec<(i64, String, i64)>> {
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), sql, values);
    let rows = db.query_all_raw(stmt).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let district: i64 = row.try_get_by_index(0)?;
        let key: Option<String> = row.try_get_by_index(1)?;
        let n: i64 = row.try_get_by_index(2)?;
        out.push((district, key.unwrap_or_default(), n));
    }
    Ok(out)
}

/// Figures for every district, by code.
pub async fn all_districts(db: &impl ConnectionTrait) -> AppResult<Vec<DistrictFigures>> {
    let details = district_detail::Entity::find()
        .order_by_asc(district_detail::Column::Code)
        .all(db)
        .await?;
    let districts =
        crate::directory::queries::entries_by_id(db, details.iter().map(|d| d.entry_id)).await?;
    let mut figures: Vec<DistrictFigures> = details
        .iter()
        .filter_map(|d| {
            Some(DistrictFigures {
                district: districts.get(&d.entry_id)?.clone(),
                code: d.code.clone(),
                population: d.population,
                centers: Vec::new(),
                by_kind: HashMap::new(),
                by_cert: HashMap::new(),
                by_channel: HashMap::new(),
                reports_hosted: 0,
                visits_made: 0,
                verified_recently: 0,
                entries_total: 0,
            })
        })
        .collect();
    let index: HashMap<i64, usize> = figures
        .iter()
        .enumerate()
        .map(|(i, f)| (f.district.id, i))
        .collect();
    let mut at = |id: i64| index.get(&id).copied();

    let kinds = grouped(db, "SELECT district_id, kind, COUNT(*) FROM entries WHERE district_id IS NOT NULL GROUP BY district_id, kind", vec![]).await?;
    for (d, kind, n) in kinds {
        if let (Some(i), Ok(k)) = (at(d), kind.parse::<EntryKind>()) {
            figures[i].by_kind.insert(k, n);
            figures[i].entries_total += n;
        }
    }
    let certs = grouped(
        db,
        "SELECT e.district_id, x.cert_type, COUNT(*) FROM entries e JOIN enterprise_details x ON x.entry_id = e.id \
         WHERE e.district_id IS NOT NULL GROUP BY e.district_id, x.cert_type",
        vec![],
    )
    .await?;
    for (d, cert, n) in certs {
        if let (Some(i), Ok(c)) = (at(d), cert.parse::<CertType>()) {
            figures[i].by_cert.insert(c, n);
        }
    }
    let channels = grouped(
        db,
        "SELECT e.district_id, x.channel, COUNT(*) FROM entries e JOIN outlet_details x ON x.entry_id = e.id \
         WHERE e.district_id IS NOT NULL GROUP BY e.district_id, x.channel",
        vec![],
    )
    .await?;
    for (d, ch, n) in channels {
        if let (Some(i), Ok(c)) = (at(d), ch.parse::<OutletChannel>()) {
            figures[i].by_channel.insert(c, n);
        }
    }
    // A visit counts for the district of the host (or visiting) entry, or the district itself.
    let roles = grouped(
        db,
        "SELECT COALESCE(e.district_id, e.id), re.role, COUNT(DISTINCT re.report_id) FROM report_entries re \
         JOIN entries e ON e.id = re.entry_id JOIN reports r ON r.id = re.report_id \
         WHERE r.state <> 'draft' GROUP BY COALESCE(e.district_id, e.id), re.role",
        vec![],
    )
    .await?;
    for (d, role, n) in roles {
        if let Some(i) = at(d) {
            match role.as_str() {
                "host" => figures[i].reports_hosted += n,
                "visitor" => figures[i].visits_made += n,
                _ => {}
            }
        }
    }
    let since = (Utc::now() - Duration::days(365)).date_naive();
    let verified = grouped(
        db,
        "SELECT district_id, 'v', COUNT(*) FROM entries WHERE district_id IS NOT NULL AND last_verified_on >= $1 GROUP BY district_id",
        vec![since.into()],
    )
    .await?;
    for (d, _, n) in verified {
        if let Some(i) = at(d) {
            figures[i].verified_recently = n;
        }
    }
    let centers = entry::Entity::find()
        .filter(entry::Column::Kind.eq(EntryKind::Center.as_str()))
        .order_by_asc(entry::Column::Name)
        .all(db)
        .await?;
    let center_details: HashMap<i64, center_detail::Model> = center_detail::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.entry_id, c))
        .collect();
    for c in centers {
        if let Some(i) = c.district_id.and_then(&mut at) {
            let detail = center_details.get(&c.id).cloned();
            figures[i].centers.push((c, detail));
        }
    }
    Ok(figures)
}
