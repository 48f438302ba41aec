//! `tambang import district-figures FILE`: population, area and year per district from a CSV
//! (same decoding as the enterprise import: UTF-8 with or without BOM, UTF-16, CP949), matched
//! by SIG_CD code or by district name. Bad rows are reported with their line and skipped.

use sea_orm::{DatabaseConnection, EntityTrait, IntoActiveModel, Set};

use crate::audit::{self, Actor};
use crate::entities::district_detail;
use crate::error::{AppError, AppResult};

/// What an import did.
#[derive(Debug, Default)]
pub struct FiguresSummary {
    pub updated: usize,
    pub unchanged: usize,
    /// (line, reason)
    pub rejected: Vec<(usize, String)>,
}

fn norm(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

fn column(headers: &[String], names: &[&str]) -> Option<usize> {
    headers
        .iter()
        .position(|h| names.iter().any(|n| norm(h).starts_with(n)))
}

fn number(s: &str) -> Option<f64> {
    let cleaned: String = s
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '명' | '㎢'))
        .collect();
    cleaned
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
}

/// Imports the figures in `bytes`; `year` overrides a missing year column.
pub async fn import(
    db: &DatabaseConnection,
    actor: &Actor,
    bytes: &[u8],
    year: Option<i32>,
) -> AppResult<FiguresSummary> {
    let decoded =
        crate::import::decode::decode(bytes).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let text = decoded.text;
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let delimiter = [b'\t', b';', b',']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let district_names = ["자치구", "구", "시군구", "district", "행정구역", "지역"];
    let code_names = ["sig_cd", "코드", "code", "시군구코드"];
    let (mut headers, mut cols) = (Vec::new(), None);
    let mut summary = FiguresSummary::default();
    let districts: Vec<(district_detail::Model, String)> = {
        let details = district_detail::Entity::find().all(db).await?;
        let names =
            crate::directory::queries::entries_by_id(db, details.iter().map(|d| d.entry_id))
                .await?;
        details
            .into_iter()
            .filter_map(|d| names.get(&d.entry_id).map(|e| (d.clone(), e.name.clone())))
            .collect()
    };
    let txn = crate::db::begin_write(db).await?;
    for (i, record) in reader.records().enumerate() {
        let line = i + 1;
        let Ok(record) = record else {
            summary
                .rejected
                .push((line, "CSV 행을 읽을 수 없습니다".into()));
            continue;
        };
        let cells: Vec<String> = record.iter().map(crate::domain::text::clean_line).collect();
        let Some((name_col, code_col, pop_col, area_col, year_col)) = cols else {
            // Still above the header: title rows are skipped until a district column appears.
            let d = column(&cells, &district_names);
            let c = column(&cells, &code_names);
            let p = column(&cells, &["인구", "population", "주민"]);
            if (d.is_some() || c.is_some()) && p.is_some() {
                cols = Some((
                    d,
                    c,
                    p,
                    column(&cells, &["면적", "area"]),
                    column(&cells, &["연도", "기준", "year"]),
                ));
                headers = cells;
            }
            continue;
        };
        if cells.iter().all(|c| c.is_empty())
            || cells
                .iter()
                .any(|c| c.contains("합계") || c == "계" || c.contains("소계"))
        {
            continue;
        }
        let cell = |c: Option<usize>| {
            c.and_then(|c| cells.get(c))
                .map(String::as_str)
                .unwrap_or("")
        };
        let code = cell(code_col);
        let name = cell(name_col)
            .trim_start_matches("서울특별시")
            .trim_start_matches("서울")
            .trim();
        let found = districts
            .iter()
            .find(|(d, n)| (!code.is_empty() && d.code == code) || (!name.is_empty() && n == name));
        let Some((detail, _)) = found else {
            summary.rejected.push((
                line,
                format!(
                    "자치구를 찾을 수 없습니다: '{}'",
                    if code.is_empty() { name } else { code }
                ),
            ));
            continue;
        };
        let Some(population) = number(cell(pop_col)).map(|p| p.round() as i64) else {
            summary.rejected.push((
                line,
                format!("인구를 숫자로 읽을 수 없습니다: '{}'", cell(pop_col)),
            ));
            continue;
        };
        let area = number(cell(area_col));
        let row_year = cell(year_col)
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse::<i32>()
            .ok()
            .or(year);
        let mut m = detail.clone().into_active_model();
        m.population = Set(Some(population));
        m.population_year = Set(row_year);
        if area.is_some() {
            m.area_km2 = Set(area);
        }
        if detail.population == Some(population)
            && detail.population_year == row_year
            && (area.is_none() || detail.area_km2 == area)
        {
            summary.unchanged += 1;
            continue;
        }
        audit::update(&txn, actor, detail, m).await?;
        summary.updated += 1;
    }
    if cols.is_none() {
        return Err(AppError::BadRequest(format!(
            "머리글 행을 찾지 못했습니다: 자치구(또는 코드)와 인구 열이 필요합니다 (headers seen: {})",
            headers.join(", ")
        )));
    }
    txn.commit().await?;
    Ok(summary)
}
