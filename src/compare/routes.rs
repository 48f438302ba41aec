//! `/compare`, `/compare.csv` and `/map`.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::Markup;
use sea_orm::EntityTrait;

use crate::app::AppState;
use crate::auth::extract::Ctx;
use crate::compare::figures::{DistrictFigures, all_districts};
use crate::compare::rows::{Figure, all_figures, show};
use crate::compare::svg::{MapArea, rings_of};
use crate::compare::views::{compare_page, coverage_page, map_page};
use crate::entities::district_detail;
use crate::error::AppResult;

/// The researcher routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/compare", get(show_compare))
        .route("/compare.csv", get(download_compare))
        .route("/map", get(show_map))
        .route("/coverage", get(show_coverage))
}

/// `d` (district codes, 2–6 kept) and `figure` from the query string.
fn parse_query(raw: Option<&str>) -> (Vec<String>, Option<String>) {
    let pairs: Vec<(String, String)> = raw
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let mut codes: Vec<String> = Vec::new();
    for (k, v) in &pairs {
        if k == "d" && !codes.contains(v) && codes.len() < 6 {
            codes.push(v.trim().to_string());
        }
    }
    let figure = pairs
        .into_iter()
        .find(|(k, _)| k == "figure")
        .map(|(_, v)| v);
    (codes, figure)
}

fn chosen<'a>(all: &'a [DistrictFigures], codes: &[String]) -> Vec<&'a DistrictFigures> {
    codes
        .iter()
        .filter_map(|c| all.iter().find(|f| &f.code == c))
        .collect()
}

fn pick_figure(figs: &[Figure], key: Option<&str>) -> usize {
    key.and_then(|k| figs.iter().position(|f| f.key == k))
        .unwrap_or(1)
}

fn canonical_query(codes: &[String], figure: &str) -> String {
    let mut pairs: Vec<(&str, &str)> = codes.iter().map(|c| ("d", c.as_str())).collect();
    pairs.push(("figure", figure));
    serde_urlencoded::to_string(&pairs).unwrap_or_default()
}

/// The comparison table, stand-outs and a chart.
async fn show_compare(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Markup> {
    let (codes, figure) = parse_query(raw.as_deref());
    let all = all_districts(&state.db).await?;
    let figs = all_figures();
    let chart = &figs[pick_figure(&figs, figure.as_deref())];
    let chosen = chosen(&all, &codes);
    let query = canonical_query(&codes, &chart.key);
    Ok(compare_page(&ctx, &all, &chosen, &figs, chart, &query))
}

/// Quotes a CSV cell and neutralises spreadsheet formulas (= + - @ at the start).
fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The comparison as CSV (UTF-8 with BOM so Excel reads Korean).
async fn download_compare(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let (codes, _) = parse_query(raw.as_deref());
    let all = all_districts(&state.db).await?;
    let chosen = chosen(&all, &codes);
    let mut out = String::from("\u{feff}");
    let header: Vec<String> = std::iter::once("수치 (figure)".to_string())
        .chain(chosen.iter().map(|c| c.district.name.clone()))
        .collect();
    out.push_str(
        &header
            .iter()
            .map(|h| csv_cell(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    let pop: Vec<String> = std::iter::once("인구 (population)".to_string())
        .chain(
            chosen
                .iter()
                .map(|c| c.population.map(|p| p.to_string()).unwrap_or_default()),
        )
        .collect();
    out.push_str(
        &pop.iter()
            .map(|h| csv_cell(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    for fig in all_figures() {
        let row: Vec<String> = std::iter::once(format!("{} ({})", fig.label_ko, fig.label_en))
            .chain(chosen.iter().map(|c| match (fig.value)(c) {
                Some(v) => show(&fig, Some(v)),
                None => String::new(),
            }))
            .collect();
        out.push_str(
            &row.iter()
                .map(|h| csv_cell(h))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"tambang-compare.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

/// Which districts have a center.
async fn show_coverage(State(state): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let all = all_districts(&state.db).await?;
    Ok(coverage_page(&ctx, &all))
}

/// The map of one figure.
async fn show_map(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Markup> {
    let (_, figure) = parse_query(raw.as_deref());
    let all = all_districts(&state.db).await?;
    let figs = all_figures();
    let fig = &figs[pick_figure(&figs, figure.as_deref())];
    let boundaries: std::collections::HashMap<i64, String> = district_detail::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .filter_map(|d| Some((d.entry_id, d.boundary_geojson?)))
        .collect();
    let areas: Vec<MapArea> = all
        .iter()
        .filter_map(|f| {
            Some(MapArea {
                name: f.district.name.clone(),
                lat: f.district.lat?,
                lng: f.district.lng?,
                rings: boundaries
                    .get(&f.district.id)
                    .map(|g| rings_of(g))
                    .unwrap_or_default(),
                value: (fig.value)(f),
                href: format!("/e/{}", crate::web::url::encode_component(&f.district.slug)),
            })
        })
        .collect();
    Ok(map_page(&ctx, &figs, fig, &areas, &all))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_keeps_up_to_six_distinct_codes() {
        let (codes, fig) = parse_query(Some(
            "d=11200&d=11170&d=11200&figure=kind-outlet&d=1&d=2&d=3&d=4&d=5",
        ));
        assert_eq!(codes, vec!["11200", "11170", "1", "2", "3", "4"]);
        assert_eq!(fig.as_deref(), Some("kind-outlet"));
    }

    #[test]
    fn csv_cells_are_formula_safe() {
        assert_eq!(csv_cell("=1+1"), "\"'=1+1\"");
        assert_eq!(csv_cell("a\"b"), "\"a\"\"b\"");
    }
}
