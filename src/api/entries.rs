//! Entries through the API: list with filters, read by slug or id, create, update (optimistic
//! concurrency through `version`), archive and delete. Handlers are thin: they parse with
//! `directory::input`, write with `directory::write` and read with `directory::queries`.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use sea_orm::EntityTrait;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::views::{DuplicateView, EntryDetail, EntryList};
use crate::api::{ApiError, ApiJson, ApiResult};
use crate::app::AppState;
use crate::auth::extract::{Ctx, RequireAdmin, RequireEditor};
use crate::directory::filters::{ListQuery, list_filtered};
use crate::directory::input::{EntryInput, parse_entry};
use crate::directory::queries;
use crate::directory::write::{self, SaveOutcome};
use crate::domain::EntryKind;
use crate::entities::{district_detail, entry};
use crate::error::AppError;
use crate::web::form::FieldErrors;
use crate::web::pagination::PageQuery;
use crate::web::slug_path::{IdPath, SlugPath};
use crate::web::url::encode_component;

/// Entries per page unless `per_page` says otherwise, and the most it may say.
pub const DEFAULT_PER_PAGE: u64 = 50;
/// The largest `per_page` honoured; larger values are clamped.
pub const MAX_PER_PAGE: u64 = 200;

/// The query string of the list and the exports. Unknown filter values are ignored, as on
/// the list pages.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `district`, `center`, `enterprise`, `outlet`, `partner`, `program` or `place`
    /// (required for the list, optional for the exports).
    pub kind: Option<String>,
    /// District entry id.
    pub district: String,
    /// `active`, `closed` or `unknown`.
    pub status: String,
    /// Enterprises: `certified`, `pre_regional`, `cooperative`, …
    pub cert_type: String,
    /// Enterprises: `jobs`, `services`, `community`, `mixed`, `creative`, `other`.
    pub social_purpose: String,
    /// Enterprises: exact service field.
    pub service_field: String,
    /// Outlets: `offline_store`, `online_mall`, `crowdfunding`, `joint_shop`, …
    pub channel: String,
    /// Centers: `consigned` or `direct`.
    pub operating_mode: String,
    /// Entries last verified before this date (YYYY-MM-DD) or never.
    pub not_verified_since: String,
    /// `name` (default), `updated` or `verified`.
    pub sort: String,
    /// 1-based page number (default 1).
    pub page: Option<String>,
    /// 1 to 200 (default 50; larger values are clamped).
    pub per_page: Option<String>,
}

impl ListParams {
    /// The directory's list query (filters and page).
    pub fn list_query(&self) -> ListQuery {
        ListQuery {
            page: self.page.clone(),
            district: self.district.clone(),
            status: self.status.clone(),
            cert_type: self.cert_type.clone(),
            social_purpose: self.social_purpose.clone(),
            service_field: self.service_field.clone(),
            channel: self.channel.clone(),
            operating_mode: self.operating_mode.clone(),
            not_verified_since: self.not_verified_since.clone(),
            sort: self.sort.clone(),
        }
    }

    /// The kind asked for; an unknown kind is a field error, an absent one is `None`.
    pub fn kind(&self) -> Result<Option<EntryKind>, AppError> {
        match self.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            None => Ok(None),
            Some(k) => EntryKind::from_label(k).map(Some).ok_or_else(|| {
                kind_error("알 수 없는 종류입니다 (district, center, enterprise, outlet, partner, program, place).")
            }),
        }
    }
}

fn kind_error(message: &str) -> AppError {
    let mut fields = FieldErrors::default();
    fields.add("kind", message);
    AppError::Invalid(fields)
}

/// The parsed query string; a malformed one is the client's error.
pub fn parse_params(
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<ListParams, AppError> {
    params
        .map(|Query(p)| p)
        .map_err(|_| AppError::BadRequest("쿼리 문자열을 읽을 수 없습니다 (bad query)".into()))
}

/// `GET /api/v1/entries`: one page of entries of a kind, filtered and sorted.
#[utoipa::path(
    get, path = "/entries", tag = "entries", params(ListParams),
    responses(
        (status = 200, body = EntryList),
        (status = 422, description = "Missing or unknown kind", body = crate::error::ErrorEnvelope),
    )
)]
pub async fn list_entries(
    State(state): State<AppState>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> ApiResult<EntryList> {
    let params = parse_params(params)?;
    let kind = params
        .kind()?
        .ok_or_else(|| kind_error("종류(kind)를 골라 주세요."))?;
    let query = params.list_query();
    let page = PageQuery {
        page: query.page.clone(),
    }
    .number();
    let per_page = params
        .per_page
        .as_deref()
        .and_then(|p| p.trim().parse::<u64>().ok())
        .unwrap_or(DEFAULT_PER_PAGE)
        .clamp(1, MAX_PER_PAGE);
    let (rows, pager) = list_filtered(&state.db, kind, &query.filter(), page, per_page).await?;
    Ok(Json(EntryList::new(rows, pager)))
}

/// The full view of the entry with `slug`.
pub async fn entry_detail(
    state: &AppState,
    slug: &str,
    contacts: bool,
) -> Result<EntryDetail, AppError> {
    let page = queries::entry_page(&state.db, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let code = match page.entry.district_id {
        Some(d) => district_detail::Entity::find_by_id(d)
            .one(&state.db)
            .await?
            .map(|d| d.code),
        None => None,
    };
    Ok(EntryDetail::new(page, code, contacts))
}

/// The entry with `slug`, or 404.
pub async fn find_entry(state: &AppState, slug: &str) -> Result<entry::Model, AppError> {
    queries::find_by_slug(&state.db, slug)
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /api/v1/entries/{slug}`
#[utoipa::path(
    get, path = "/entries/{slug}", tag = "entries",
    params(("slug" = String, Path, description = "The entry's slug (Korean slugs percent-encoded)")),
    responses(
        (status = 200, description = "Phone and e-mail only for signed-in callers", body = EntryDetail),
        (status = 404, body = crate::error::ErrorEnvelope),
    )
)]
pub async fn show_entry(
    State(state): State<AppState>,
    ctx: Ctx,
    slug: Result<SlugPath, AppError>,
) -> ApiResult<EntryDetail> {
    let SlugPath(slug) = slug?;
    Ok(Json(
        entry_detail(&state, &slug, ctx.can_see_contacts()).await?,
    ))
}

/// `GET /api/v1/entries/id/{id}`
#[utoipa::path(
    get, path = "/entries/id/{id}", tag = "entries",
    params(("id" = i64, Path, description = "The entry's numeric id")),
    responses(
        (status = 200, body = EntryDetail),
        (status = 404, body = crate::error::ErrorEnvelope),
    )
)]
pub async fn show_entry_by_id(
    State(state): State<AppState>,
    ctx: Ctx,
    id: Result<IdPath, AppError>,
) -> ApiResult<EntryDetail> {
    let IdPath(id) = id?;
    let e = entry::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(
        entry_detail(&state, &e.slug, ctx.can_see_contacts()).await?,
    ))
}

/// True for the JSON values a client may mean as "yes" (`true`, `1`, `"yes"`, `"on"`).
fn is_yes(raw: &str) -> bool {
    matches!(
        raw.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "yes" | "on"
    )
}

/// What a save came to, as the saved row or the error the API reports.
async fn saved_or_error(state: &AppState, outcome: SaveOutcome) -> Result<entry::Model, AppError> {
    match outcome {
        SaveOutcome::Saved(row) => Ok(*row),
        SaveOutcome::Invalid(fields) => Err(AppError::Invalid(fields)),
        SaveOutcome::Duplicates(list) => {
            let views: Vec<DuplicateView> = list.iter().map(DuplicateView::from).collect();
            Err(AppError::Duplicates(
                serde_json::to_value(views).map_err(AppError::internal)?,
            ))
        }
        SaveOutcome::Conflict(current) => {
            let detail = entry_detail(state, &current.slug, true).await?;
            Err(AppError::Conflict(
                serde_json::to_value(detail).map_err(AppError::internal)?,
            ))
        }
    }
}

/// `POST /api/v1/entries` (editors): creates an entry; 201 with the entry and `Location`.
#[utoipa::path(
    post, path = "/entries", tag = "entries",
    request_body(content = crate::api::openapi::EntryInputSchema, description = "The entry; `kind` and `name` are required, plus the kind's own required fields (enterprise: `cert_type`; outlet: `channel`; district: `code`)."),
    responses(
        (status = 201, body = EntryDetail),
        (status = 401, body = crate::error::ErrorEnvelope),
        (status = 403, body = crate::error::ErrorEnvelope),
        (status = 409, description = "Likely duplicates (`duplicates`); send again with `confirm_duplicates: true`", body = crate::error::ErrorEnvelope),
        (status = 422, description = "Field errors (`fields`)", body = crate::error::ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn create_entry(
    State(state): State<AppState>,
    RequireEditor(user): RequireEditor,
    ApiJson(input): ApiJson<EntryInput>,
) -> Result<(StatusCode, HeaderMap, Json<EntryDetail>), ApiError> {
    let kind = match input.kind.trim() {
        "" => return Err(kind_error("종류(kind)를 골라 주세요.").into()),
        k => EntryKind::from_label(k).ok_or_else(|| kind_error("알 수 없는 종류입니다."))?,
    };
    let draft = parse_entry(kind, &input).map_err(AppError::Invalid)?;
    let confirmed = is_yes(&input.confirm_duplicates);
    let outcome = write::create_entry(&state.db, &user.actor(), &draft, confirmed).await?;
    let row = saved_or_error(&state, outcome).await?;
    let mut headers = HeaderMap::new();
    let location = format!("/api/v1/entries/{}", encode_component(&row.slug));
    if let Ok(v) = HeaderValue::from_str(&location) {
        headers.insert(header::LOCATION, v);
    }
    let detail = entry_detail(&state, &row.slug, true).await?;
    Ok((StatusCode::CREATED, headers, Json(detail)))
}

/// `PUT /api/v1/entries/{slug}` (editors): replaces the entry's fields. `version` must be the
/// version read; if someone saved since, nothing is written and the reply is 409.
#[utoipa::path(
    put, path = "/entries/{slug}", tag = "entries",
    params(("slug" = String, Path)),
    request_body(content = crate::api::openapi::EntryInputSchema, description = "The whole entry (absent fields become empty) with the `version` read; `kind` cannot change."),
    responses(
        (status = 200, body = EntryDetail),
        (status = 401, body = crate::error::ErrorEnvelope),
        (status = 403, body = crate::error::ErrorEnvelope),
        (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, description = "A newer version exists (`current`), or likely duplicates (`duplicates`)", body = crate::error::ErrorEnvelope),
        (status = 422, description = "Field errors (`fields`), including a missing `version`", body = crate::error::ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn update_entry(
    State(state): State<AppState>,
    RequireEditor(user): RequireEditor,
    slug: Result<SlugPath, AppError>,
    ApiJson(input): ApiJson<EntryInput>,
) -> ApiResult<EntryDetail> {
    let SlugPath(slug) = slug?;
    let current = find_entry(&state, &slug).await?;
    let kind = current
        .kind
        .parse::<EntryKind>()
        .map_err(AppError::internal)?;
    let mut errors = FieldErrors::default();
    if !input.kind.trim().is_empty() && EntryKind::from_label(&input.kind) != Some(kind) {
        errors.add("kind", "종류는 바꿀 수 없습니다 (kind cannot change).");
    }
    let version = input.version.trim().parse::<i32>().ok();
    if version.is_none() {
        errors.add("version", "읽어 온 버전(version)을 함께 보내 주세요.");
    }
    let draft = match parse_entry(kind, &input) {
        Ok(d) => Some(d),
        Err(mut fields) => {
            for f in ["kind", "version"] {
                if let Some(m) = errors.get(f) {
                    fields.add(f, m.to_string());
                }
            }
            errors = fields;
            None
        }
    };
    let (Some(draft), Some(version), true) = (draft, version, errors.is_empty()) else {
        return Err(AppError::Invalid(errors).into());
    };
    let confirmed = is_yes(&input.confirm_duplicates);
    let outcome = write::update_entry(
        &state.db,
        &user.actor(),
        &current,
        &draft,
        version,
        confirmed,
    )
    .await?;
    let row = saved_or_error(&state, outcome).await?;
    Ok(Json(entry_detail(&state, &row.slug, true).await?))
}

/// `POST /api/v1/entries/{slug}/archive` (editors): marks the entry closed.
#[utoipa::path(
    post, path = "/entries/{slug}/archive", tag = "entries",
    params(("slug" = String, Path)),
    responses(
        (status = 200, body = EntryDetail),
        (status = 401, body = crate::error::ErrorEnvelope),
        (status = 403, body = crate::error::ErrorEnvelope),
        (status = 404, body = crate::error::ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn archive_entry(
    State(state): State<AppState>,
    RequireEditor(user): RequireEditor,
    slug: Result<SlugPath, AppError>,
) -> ApiResult<EntryDetail> {
    let SlugPath(slug) = slug?;
    let current = find_entry(&state, &slug).await?;
    let row = write::archive_entry(&state.db, &user.actor(), &current).await?;
    Ok(Json(entry_detail(&state, &row.slug, true).await?))
}

/// `DELETE /api/v1/entries/{slug}` (admins): deletes the entry with its details, aliases and
/// links.
#[utoipa::path(
    delete, path = "/entries/{slug}", tag = "entries",
    params(("slug" = String, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = crate::error::ErrorEnvelope),
        (status = 403, body = crate::error::ErrorEnvelope),
        (status = 404, body = crate::error::ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn delete_entry(
    State(state): State<AppState>,
    RequireAdmin(user): RequireAdmin,
    slug: Result<SlugPath, AppError>,
) -> Result<StatusCode, ApiError> {
    let SlugPath(slug) = slug?;
    let current = find_entry(&state, &slug).await?;
    write::delete_entry(&state.db, &user.actor(), current).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmation_needs_a_clear_yes() {
        assert!(is_yes("true") && is_yes(" 1 ") && is_yes("on"));
        assert!(!is_yes("false") && !is_yes("") && !is_yes("0"));
    }

    #[test]
    fn an_unknown_kind_is_a_field_error() {
        let p = ListParams {
            kind: Some("spaceship".into()),
            ..Default::default()
        };
        assert!(matches!(p.kind(), Err(AppError::Invalid(f)) if f.get("kind").is_some()));
        assert_eq!(ListParams::default().kind().ok(), Some(None));
    }
}
