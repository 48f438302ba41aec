//! `/compare`, `/compare.csv` and `/map`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use maud::Markup;

use crate::app::AppState;
use crate::auth::extract::Ctx;
use crate::compare::cache::{Rings, Today};
use crate::compare::figures::{DistrictFigures, today_kst};
use crate::compare::rows::{Figure, all_figures, show};
use crate::compare::svg::MapArea;
use crate::compare::views::{compare_page, coverage_page, map_page};
use crate::domain::parse_date;
use crate::error::{AppError, AppResult};
use crate::web::form::FieldErrors;

/// The researcher routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/compare", get(show_compare))
        .route("/compare.csv", get(download_compare))
        .route("/map", get(show_map))
        .route("/coverage", get(show_coverage))
}

/// What a compare, CSV or map request asks for.
#[derive(Debug, Default, Clone)]
pub struct CompareQuery {
    /// District codes, 2–6 kept.
    pub codes: Vec<String>,
    pub figure: Option<String>,
    /// The as-of date as typed (kept in the form when it is refused).
    pub as_of_input: String,
}

/// `d`, `figure` and `as_of` from the query string.
fn parse_query(raw: Option<&str>) -> CompareQuery {
    let pairs: Vec<(String, String)> = raw
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let mut q = CompareQuery::default();
    for (k, v) in pairs {
        match k.as_str() {
            "d" if !q.codes.contains(&v) && q.codes.len() < 6 => q.codes.push(v.trim().to_string()),
            "figure" if q.figure.is_none() => q.figure = Some(v),
            "as_of" if q.as_of_input.is_empty() => q.as_of_input = v.trim().to_string(),
            _ => {}
        }
    }
    q
}

/// The as-of date: `None` for today (an empty field), or why it is refused (Korean, English).
pub fn parse_as_of(
    input: &str,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, (&'static str, &'static str)> {
    if input.is_empty() {
        return Ok(None);
    }
    let date = parse_date(input).map_err(|_| {
        (
            "날짜를 2024-06-30 형식으로 입력해 주세요.",
            "Enter the date as 2024-06-30.",
        )
    })?;
    if date > today {
        return Err((
            "미래 날짜의 수치는 아직 없습니다. 오늘이나 지난 날짜를 고르세요.",
            "There are no figures for a future date yet: pick today or a past date.",
        ));
    }
    Ok(Some(date))
}

/// The as-of field of the compare and map forms.
#[derive(Debug, Default, Clone)]
pub struct AsOfField {
    /// What was typed.
    pub input: String,
    /// The date the figures describe, when one was chosen and accepted.
    pub date: Option<NaiveDate>,
    pub errors: FieldErrors,
    pub today: NaiveDate,
}

fn as_of_field(ctx: &Ctx, q: &CompareQuery) -> AsOfField {
    let today = today_kst();
    let mut field = AsOfField {
        input: q.as_of_input.clone(),
        today,
        ..Default::default()
    };
    match parse_as_of(&q.as_of_input, today) {
        Ok(date) => field.date = date,
        Err((ko, en)) => field.errors.add("as_of", ctx.t(ko, en)),
    }
    field
}

/// The figures of every district, today's or a past day's, from the shared cache.
pub async fn figures_for(state: &AppState, as_of: Option<NaiveDate>) -> AppResult<Figures> {
    let today = state.figures.today(&state.stamps, &state.db).await?;
    Ok(match as_of {
        None => Figures::Today(today),
        Some(date) => Figures::Past(
            state.figures.past(&state.stamps, &state.db, date).await?,
            today,
        ),
    })
}

/// Figures for one request, with today's cached boundaries either way.
pub enum Figures {
    Today(Arc<Today>),
    Past(Arc<Vec<DistrictFigures>>, Arc<Today>),
}

impl Figures {
    fn all(&self) -> &[DistrictFigures] {
        match self {
            Figures::Today(t) => &t.figures,
            Figures::Past(f, _) => f,
        }
    }
    fn rings(&self) -> &HashMap<i64, Rings> {
        match self {
            Figures::Today(t) | Figures::Past(_, t) => &t.rings,
        }
    }
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

fn canonical_query(codes: &[String], figure: &str, as_of: Option<NaiveDate>) -> String {
    let mut pairs: Vec<(&str, String)> = codes.iter().map(|c| ("d", c.clone())).collect();
    pairs.push(("figure", figure.to_string()));
    if let Some(d) = as_of {
        pairs.push(("as_of", d.to_string()));
    }
    serde_urlencoded::to_string(&pairs).unwrap_or_default()
}

/// A page, or the same page with 400 when the as-of field was refused.
fn with_field_status(field: &AsOfField, page: Markup) -> Response {
    if field.errors.is_empty() {
        page.into_response()
    } else {
        (StatusCode::BAD_REQUEST, page).into_response()
    }
}

/// `GET /compare`: the comparison table, stand-outs and a chart.
pub async fn compare_response(
    state: &AppState,
    ctx: &Ctx,
    raw: Option<&str>,
) -> AppResult<Response> {
    let q = parse_query(raw);
    let field = as_of_field(ctx, &q);
    let got = figures_for(state, field.date).await?;
    let all = got.all();
    let figs = all_figures();
    let chart = &figs[pick_figure(&figs, q.figure.as_deref())];
    let chosen = chosen(all, &q.codes);
    let query = canonical_query(&q.codes, &chart.key, field.date);
    let page = compare_page(ctx, all, &chosen, &figs, chart, &query, &field);
    Ok(with_field_status(&field, page))
}

async fn show_compare(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    compare_response(&state, &ctx, raw.as_deref()).await
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

fn csv_line(out: &mut String, cells: impl IntoIterator<Item = String>) {
    out.push_str(
        &cells
            .into_iter()
            .map(|c| csv_cell(&c))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
}

/// `GET /compare.csv`: the comparison as CSV (UTF-8 with BOM so Excel reads Korean).
pub async fn compare_csv(state: &AppState, raw: Option<&str>) -> AppResult<Response> {
    let q = parse_query(raw);
    let as_of = parse_as_of(&q.as_of_input, today_kst())
        .map_err(|(ko, en)| AppError::BadRequest(format!("as_of: {ko} ({en})")))?;
    let got = figures_for(state, as_of).await?;
    let chosen = chosen(got.all(), &q.codes);
    let mut out = String::from("\u{feff}");
    csv_line(
        &mut out,
        std::iter::once("수치 (figure)".to_string())
            .chain(chosen.iter().map(|c| c.district.name.clone())),
    );
    let day = as_of.unwrap_or_else(today_kst).to_string();
    csv_line(
        &mut out,
        std::iter::once("기준일 (as of)".to_string()).chain(chosen.iter().map(|_| day.clone())),
    );
    csv_line(
        &mut out,
        std::iter::once("인구 (population)".to_string()).chain(
            chosen
                .iter()
                .map(|c| c.population.map(|p| p.to_string()).unwrap_or_default()),
        ),
    );
    for fig in all_figures() {
        csv_line(
            &mut out,
            std::iter::once(format!("{} ({})", fig.label_ko, fig.label_en)).chain(
                chosen.iter().map(|c| match (fig.value)(c) {
                    Some(v) => show(&fig, Some(v)),
                    None => String::new(),
                }),
            ),
        );
    }
    let disposition = match as_of {
        Some(d) => format!("attachment; filename=\"tambang-compare-{d}.csv\""),
        None => "attachment; filename=\"tambang-compare.csv\"".to_string(),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        out,
    )
        .into_response())
}

async fn download_compare(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    compare_csv(&state, raw.as_deref()).await
}

/// Which districts have a center.
async fn show_coverage(State(state): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let today = state.figures.today(&state.stamps, &state.db).await?;
    Ok(coverage_page(&ctx, &today.figures))
}

/// `GET /map`: the map of one figure.
pub async fn map_response(state: &AppState, ctx: &Ctx, raw: Option<&str>) -> AppResult<Response> {
    let q = parse_query(raw);
    let field = as_of_field(ctx, &q);
    let got = figures_for(state, field.date).await?;
    let all = got.all();
    let figs = all_figures();
    let fig = &figs[pick_figure(&figs, q.figure.as_deref())];
    let areas: Vec<MapArea> = all
        .iter()
        .filter_map(|f| {
            Some(MapArea {
                name: f.district.name.clone(),
                lat: f.district.lat?,
                lng: f.district.lng?,
                rings: got.rings().get(&f.district.id).cloned().unwrap_or_default(),
                value: (fig.value)(f),
                href: format!("/e/{}", crate::web::url::encode_component(&f.district.slug)),
            })
        })
        .collect();
    let page = map_page(ctx, &figs, fig, &areas, all, &field);
    Ok(with_field_status(&field, page))
}

async fn show_map(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    map_response(&state, &ctx, raw.as_deref()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_keeps_up_to_six_distinct_codes() {
        let q = parse_query(Some(
            "d=11200&d=11170&d=11200&figure=kind-outlet&d=1&d=2&d=3&d=4&d=5&as_of=2024-06-30",
        ));
        assert_eq!(q.codes, vec!["11200", "11170", "1", "2", "3", "4"]);
        assert_eq!(q.figure.as_deref(), Some("kind-outlet"));
        assert_eq!(q.as_of_input, "2024-06-30");
    }

    #[test]
    fn as_of_is_empty_a_past_date_or_refused() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(parse_as_of("", today), Ok(None));
        assert_eq!(
            parse_as_of("2024-06-30", today),
            Ok(NaiveDate::from_ymd_opt(2024, 6, 30))
        );
        assert_eq!(
            parse_as_of("2026-11-25", today),
            Ok(Some(today)),
            "today is allowed"
        );
        assert!(
            parse_as_of("2026-11-26", today)
                .unwrap_err()
                .0
                .contains("미래")
        );
        assert!(
            parse_as_of("2024-02-30", today)
                .unwrap_err()
                .0
                .contains("형식")
        );
        assert!(parse_as_of("어제", today).is_err());
    }

    #[test]
    fn csv_cells_are_formula_safe() {
        assert_eq!(csv_cell("=1+1"), "\"'=1+1\"");
        assert_eq!(csv_cell("a\"b"), "\"a\"\"b\"");
    }
}
