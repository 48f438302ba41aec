//! `GET /admin/geo` (editors and admins): entries whose stored district disagrees with the
//! district their coordinates lie in, entries without a district whose coordinates name one,
//! and entries whose coordinates lie outside every loaded boundary — each with a link to edit.

use std::collections::HashMap;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use maud::{Markup, html};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::app::AppState;
use crate::auth::extract::{Ctx, RequireEditor};
use crate::boundary::Boundaries;
use crate::domain::EntryKind;
use crate::entities::entry;
use crate::error::AppResult;
use crate::web::layout::page;
use crate::web::url::entry_path;

/// Rows shown per list (the counts are always complete).
pub const SHOWN: usize = 500;

/// `/admin/geo`
pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/geo", get(show_conflicts))
}

/// One entry whose place needs a look.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub entry_id: i64,
    pub slug: String,
    pub name: String,
    /// The stored district's name.
    pub stored: Option<String>,
    /// The district the coordinates lie in.
    pub located: Option<String>,
    pub lat: f64,
    pub lng: f64,
}

/// The three lists of the page.
#[derive(Debug, Default)]
pub struct Conflicts {
    /// Stored district ≠ the district of the coordinates.
    pub disagree: Vec<Conflict>,
    /// No stored district; the coordinates lie in one.
    pub unset: Vec<Conflict>,
    /// Coordinates outside every loaded boundary.
    pub outside: Vec<Conflict>,
}

/// Every entry with coordinates (districts themselves excepted) checked against `boundaries`.
pub async fn find_conflicts(
    db: &impl ConnectionTrait,
    boundaries: &Boundaries,
) -> AppResult<Conflicts> {
    let mut out = Conflicts::default();
    if boundaries.is_empty() {
        return Ok(out);
    }
    let names: HashMap<i64, String> = entry::Entity::find()
        .filter(entry::Column::Kind.eq(EntryKind::District.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let rows = entry::Entity::find()
        .filter(entry::Column::Kind.ne(EntryKind::District.as_str()))
        .filter(entry::Column::Lat.is_not_null())
        .filter(entry::Column::Lng.is_not_null())
        .order_by_asc(entry::Column::Name)
        .all(db)
        .await?;
    for e in rows {
        let (Some(lat), Some(lng)) = (e.lat, e.lng) else {
            continue;
        };
        let area = boundaries.district_at(lat, lng);
        let conflict = |located: Option<String>| Conflict {
            entry_id: e.id,
            slug: e.slug.clone(),
            name: e.name.clone(),
            stored: e.district_id.and_then(|d| names.get(&d).cloned()),
            located,
            lat,
            lng,
        };
        match (e.district_id, area) {
            (_, None) => out.outside.push(conflict(None)),
            (None, Some(a)) => out.unset.push(conflict(Some(a.name.clone()))),
            (Some(d), Some(a)) if d != a.entry_id => {
                out.disagree.push(conflict(Some(a.name.clone())));
            }
            _ => {}
        }
    }
    Ok(out)
}

async fn show_conflicts(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(_): RequireEditor,
) -> AppResult<Markup> {
    let boundaries = state.boundaries.get(&state.db).await?;
    let found = find_conflicts(&state.db, &boundaries).await?;
    Ok(page(
        &ctx,
        "주소·좌표 불일치",
        html! {
            h1 { "주소·좌표 불일치 " span.en { "Address / coordinate conflicts" } }
            @if boundaries.is_empty() {
                p.notice {
                    "자치구 경계가 아직 없습니다. " code { "tambang import boundaries FILE.geojson" } "으로 불러오세요. "
                    span.en { "No district boundaries are loaded yet." }
                }
            } @else {
                p { "경계가 있는 자치구 " strong { (boundaries.areas.len()) } "곳. "
                    span.en { (boundaries.areas.len()) " districts have a boundary." } }
                (section(&ctx, "자치구가 좌표와 다름", "Stored district differs from the coordinates", &found.disagree))
                (section(&ctx, "자치구 없음 (좌표로는 있음)", "No district set; the coordinates lie in one", &found.unset))
                (section(&ctx, "어느 경계에도 들지 않는 좌표", "Coordinates outside every loaded boundary", &found.outside))
            }
        },
    ))
}

fn section(ctx: &Ctx, ko: &str, en: &str, rows: &[Conflict]) -> Markup {
    html! {
        h2 { (ko) " (" (rows.len()) ") " span.en { (en) } }
        @if rows.is_empty() {
            p { (ctx.t("없습니다.", "None.")) }
        } @else {
            table {
                thead { tr {
                    th { (ctx.t("이름", "Name")) }
                    th { (ctx.t("저장된 자치구", "Stored district")) }
                    th { (ctx.t("좌표의 자치구", "District of the coordinates")) }
                    th { (ctx.t("좌표", "Coordinates")) }
                    th {}
                } }
                tbody {
                    @for c in rows.iter().take(SHOWN) {
                        tr {
                            td { a href=(entry_path(&c.slug)) { (c.name) } }
                            td { (c.stored.as_deref().unwrap_or("—")) }
                            td { (c.located.as_deref().unwrap_or("—")) }
                            td { (format!("{:.5}, {:.5}", c.lat, c.lng)) }
                            td { a href={ (entry_path(&c.slug)) "/edit" } { (ctx.t("고치기", "Edit")) } }
                        }
                    }
                }
            }
            @if rows.len() > SHOWN {
                p { (ctx.t(&format!("처음 {SHOWN}건만 보입니다.", ), &format!("Only the first {SHOWN} are shown."))) }
            }
        }
    }
}
