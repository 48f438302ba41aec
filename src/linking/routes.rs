//! Reviewing mentions: confirm, reject, link to another entry, and re-run suggestions.
//! All editor-only and listed in `auth::policy::WRITE_ROUTES`.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::extract::{Ctx, RequireEditor};
use crate::directory::write::resolve_entry;
use crate::entities::report;
use crate::error::{AppError, AppResult};
use crate::linking::review;
use crate::linking::views::LinkAttempt;
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

/// Links a span to another entry (by name, alias or slug) and confirms it. A name that
/// names no entry, or several, brings the report page back with the reason beside the field
/// and what was typed still in it.
async fn link_mention(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(user): RequireEditor,
    IdPath(id): IdPath,
    HtmlForm(input): HtmlForm<LinkInput>,
) -> AppResult<Response> {
    let m = review::find(&state.db, id).await?;
    let target = if input.other.trim().is_empty() {
        Err("연결할 항목의 이름, 별칭 또는 주소를 입력해 주세요.".to_string())
    } else {
        resolve_entry(&state.db, &input.other).await?
    };
    match target {
        Ok(target) => {
            let m = review::link_to(&state.db, &user.actor(), m, target.id).await?;
            Ok(back_to_report(&state, m.report_id).await?.into_response())
        }
        Err(error) => {
            let r = report::Entity::find_by_id(m.report_id)
                .one(&state.db)
                .await?
                .ok_or(AppError::NotFound)?;
            let attempt = LinkAttempt {
                mention_id: m.id,
                other: input.other,
                error,
            };
            let page = crate::reports::routes::report_markup(&state, &ctx, &r.slug, Some(&attempt))
                .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
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
