//! Aliases and links of an entry through the API (editors). The bodies use the HTML forms'
//! field names, so field errors from `directory::write` name the fields that were sent.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::entries::find_entry;
use crate::api::views::{AliasView, LinkView};
use crate::api::{ApiError, ApiJson};
use crate::app::AppState;
use crate::auth::extract::RequireEditor;
use crate::directory::queries::{self, LinkView as StoredLink};
use crate::directory::write::{self, LinkInput};
use crate::error::AppError;
use crate::web::slug_path::SlugPath;

/// A new alias.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct AliasInput {
    /// The other name (1–300 characters, not the entry's own name).
    pub alias_name: String,
    /// `abbreviation`, `former_name`, `romanization`, `misspelling` or `other`.
    pub alias_type: String,
}

/// `{slug}` and a numeric `{id}`; anything else names nothing (404).
fn slug_and_id(raw: Result<Path<(String, String)>, impl Sized>) -> Result<(String, i64), AppError> {
    let Path((slug, id)) = raw.map_err(|_| AppError::NotFound)?;
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    Ok((crate::domain::text::nfc(&slug), id))
}

/// `POST /api/v1/entries/{slug}/aliases`: adds an alias; 201 with it.
#[utoipa::path(
    post, path = "/entries/{slug}/aliases", tag = "aliases and links",
    params(("slug" = String, Path)),
    request_body = AliasInput,
    responses(
        (status = 201, body = AliasView),
        (status = 401, body = crate::error::ErrorEnvelope),
        (status = 403, body = crate::error::ErrorEnvelope),
        (status = 404, body = crate::error::ErrorEnvelope),
        (status = 422, description = "Field errors (`alias_name`, `alias_type`)", body = crate::error::ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn add_alias(
    State(state): State<AppState>,
    RequireEditor(user): RequireEditor,
    slug: Result<SlugPath, AppError>,
    ApiJson(input): ApiJson<AliasInput>,
) -> Result<(StatusCode, Json<AliasView>), ApiError> {
    let SlugPath(slug) = slug?;
    let owner = find_entry(&state, &slug).await?;
    let added = write::add_alias(
        &state.db,
        &user.actor(),
        &owner,
        &input.alias_name,
        &input.alias_type,
    )
    .await?
    .map_err(AppError::Invalid)?;
    Ok((StatusCode::CREATED, Json(AliasView::from(added))))
}

/// `DELETE /api/v1/entries/{slug}/aliases/{id}`: removes one of the entry's aliases.
#[utoipa::path(
    delete, path = "/entries/{slug}/aliases/{id}", tag = "aliases and links",
    params(("slug" = String, Path), ("id" = i64, Path, description = "The alias id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, body = crate::error::ErrorEnvelope),
        (status = 403, body = crate::error::ErrorEnvelope),
        (status = 404, description = "No such entry, or the alias is not the entry's", body = crate::error::ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn remove_alias(
    State(state): State<AppState>,
    RequireEditor(user): RequireEditor,
    path: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
) -> Result<StatusCode, ApiError> {
    let (slug, id) = slug_and_id(path)?;
    let owner = find_entry(&state, &slug).await?;
    write::remove_alias(&state.db, &user.actor(), &owner, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/entries/{slug}/links`: links the entry to another; 201 with the link as
/// seen from this entry.
#[utoipa::path(
    post, path = "/entries/{slug}/links", tag = "aliases and links",
    params(("slug" = String, Path)),
    request_body = crate::api::openapi::LinkInputSchema,
    responses(
        (status = 201, body = LinkView),
        (status = 401, body = crate::error::ErrorEnvelope),
        (status = 403, body = crate::error::ErrorEnvelope),
        (status = 404, body = crate::error::ErrorEnvelope),
        (status = 422, description = "Field errors (`link_type`, `other`, `since`)", body = crate::error::ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn add_link(
    State(state): State<AppState>,
    RequireEditor(user): RequireEditor,
    slug: Result<SlugPath, AppError>,
    ApiJson(input): ApiJson<LinkInput>,
) -> Result<(StatusCode, Json<LinkView>), ApiError> {
    let SlugPath(slug) = slug?;
    let this = find_entry(&state, &slug).await?;
    let added = write::add_link(&state.db, &user.actor(), &this, &input)
        .await?
        .map_err(AppError::Invalid)?;
    let outgoing = added.from_id == this.id;
    let other_id = if outgoing { added.to_id } else { added.from_id };
    let other = queries::entries_by_id(&state.db, [other_id])
        .await?
        .remove(&other_id)
        .ok_or(AppError::NotFound)?;
    let view = LinkView::from(&StoredLink {
        link: added,
        other,
        outgoing,
    });
    Ok((StatusCode::CREATED, Json(view)))
}

/// `DELETE /api/v1/entries/{slug}/links/{id}`: removes a link touching the entry (either
/// direction).
#[utoipa::path(
    delete, path = "/entries/{slug}/links/{id}", tag = "aliases and links",
    params(("slug" = String, Path), ("id" = i64, Path, description = "The link id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, body = crate::error::ErrorEnvelope),
        (status = 403, body = crate::error::ErrorEnvelope),
        (status = 404, description = "No such entry, or the link does not touch it", body = crate::error::ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn remove_link(
    State(state): State<AppState>,
    RequireEditor(user): RequireEditor,
    path: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
) -> Result<StatusCode, ApiError> {
    let (slug, id) = slug_and_id(path)?;
    let owner = find_entry(&state, &slug).await?;
    write::remove_link(&state.db, &user.actor(), &owner, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
