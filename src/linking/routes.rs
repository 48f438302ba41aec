//! Reviewing mentions: confirm, reject, link to another entry, and re-run suggestions.
//! All editor-only and listed in `auth::policy::WRITE_ROUTES`.

use axum::Router;
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::post;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::extract::RequireEditor;
use crate::directory::write::resolve_entry;
use crate::entities::report;
use crate::error::{AppError, AppResult};
use crate::linking::review;
use crate::web::form::HtmlForm;
use crate::web::slug_path::{IdPath, SlugPath};
use crate::web::url::encode_component;

/// The review routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/mentions/{id}/confirm", post(confirm_mention))
        .route("/mentions/{id}/reject", post(reject_mention))
        .route("/mentions/{id}/link", post(link_mention))
        .route("/reports/{slug}/relink", post(relink_report))
}

async fn back_to_report(state: &AppState, report_id: i64) -> AppResult<Redirect> {
    let r = report::Entity::find_by_id(report_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&format!(
        "/reports/{}#mentions",
        encode_component(&r.slug)
    )))
}

/// Confirms a suggestion (a candidate with no entry cannot be confirmed: link it instead).
async fn confirm_mention(
    State(state): State<AppState>,
    RequireEditor(user): RequireEditor,
    IdPath(id): IdPath,
) -> AppResult<Redirect> {
    let m = review::find(&state.db, id).await?;
    let m = review::confirm(&state.db, &user.actor(), m).await?;
    back_to_report(&state, m.report_id).await
}

/// Rejects a suggestion; it will not be suggested again while its text stays.
async fn reject_mention(
    State(state): State<AppState>,
    RequireEditor(user): RequireEditor,
    IdPath(id): IdPath,
) -> AppResult<Redirect> {
    let m = review::find(&state.db, id).await?;
    let m = review::reject(&state.db, &user.actor(), m).await?;
    back_to_report(&state, m.report_id).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LinkInput {
    other: String,
}

/// Links a span to another entry (by name, alias or slug) and confirms it.
async fn link_mention(
    State(state): State<AppState>,
    RequireEditor(user): RequireEditor,
    IdPath(id): IdPath,
    HtmlForm(input): HtmlForm<LinkInput>,
) -> AppResult<Redirect> {
    let target = resolve_entry(&state.db, &input.other)
        .await?
        .map_err(AppError::BadRequest)?;
    let m = review::find(&state.db, id).await?;
    let m = review::link_to(&state.db, &user.actor(), m, target.id).await?;
    back_to_report(&state, m.report_id).await
}

/// Runs the suggestions again (after directory changes).
async fn relink_report(
    State(state): State<AppState>,
    RequireEditor(_): RequireEditor,
    SlugPath(slug): SlugPath,
) -> AppResult<Redirect> {
    let r = report::Entity::find()
        .filter(report::Column::Slug.eq(slug))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    super::relink_report(&state, &r).await?;
    back_to_report(&state, r.id).await
}
