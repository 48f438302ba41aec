//! Reports through the API: list with filters, read, create, replace, delete, and deciding on
//! a report's mentions. Validation is the web form's (`reports::input::parse_report`, via
//! `report_input`), writes are `reports::write` (audited, one transaction), and mentions are
//! re-suggested after every save as on the web.
//!
//! Who sees what, as on the web pages: everyone reads published reports and planned visits
//! (they are announced on /visits/upcoming and in /visits.ics); editors and admins also
//! drafts. Named participants only for signed-in callers.

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::entries::{DEFAULT_PER_PAGE, MAX_PER_PAGE};
use crate::api::mentions::MentionView;
use crate::api::report_input::{ReportBody, to_form_input};
use crate::api::report_views::{ReportDetail, ReportList};
use crate::api::{ApiError, ApiJson, ApiResult};
use crate::app::AppState;
use crate::auth::extract::{Ctx, RequireAdmin, RequireEditor};
use crate::domain::ReportState;
use crate::entities::report;
use crate::error::AppError;
use crate::linking::review;
use crate::reports::input::parse_report;
use crate::reports::queries::{self, ReportFilter};
use crate::reports::write::{self, ReportOutcome};
use crate::web::form::FieldErrors;
use crate::web::pagination::PageQuery;
use crate::web::slug_path::SlugPath;
use crate::web::url::encode_component;

/// The report states `ctx` may read.
pub fn readable(ctx: &Ctx) -> &'static [ReportState] {
    if ctx.can_edit() {
        &[
            ReportState::Published,
            ReportState::Planned,
            ReportState::Draft,
        ]
    } else {
        &[ReportState::Published, ReportState::Planned]
    }
}

/// The report with `slug` if `ctx` may read it, else 404.
pub async fn readable_report(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
) -> Result<report::Model, AppError> {
    report::Entity::find()
        .filter(report::Column::Slug.eq(slug))
        .one(&state.db)
        .await?
        .filter(|r| readable(ctx).iter().any(|s| s.as_str() == r.state))
        .ok_or(AppError::NotFound)
}

/// The query string of the report list.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ReportListParams {
    /// `published`, `planned` or `draft` (within what the caller may see).
    pub state: String,
    /// Reports carrying this tag.
    pub tag: String,
    /// Text in the title or body.
    pub q: String,
    /// 1-based page number (default 1).
    pub page: Option<String>,
    /// 1 to 200 (default 50; larger values are clamped).
    pub per_page: Option<String>,
}

/// `GET /api/v1/reports`: a page of reports, newest visit first.
#[utoipa::path(
    get, path = "/reports", tag = "reports", params(ReportListParams),
    responses(
        (status = 200, body = ReportList),
        (status = 422, description = "Unknown state", body = crate::error::ErrorEnvelope),
    )
)]
pub async fn list_reports(
    State(state): State<AppState>,
    ctx: Ctx,
    params: Result<Query<ReportListParams>, QueryRejection>,
) -> ApiResult<ReportList> {
    let Query(p) = params
        .map_err(|_| AppError::BadRequest("쿼리 문자열을 읽을 수 없습니다 (bad query)".into()))?;
    let wanted = match p.state.trim() {
        "" => None,
        s => Some(ReportState::from_label(s).ok_or_else(|| {
            let mut f = FieldErrors::default();
            f.add(
                "state",
                "알 수 없는 상태입니다 (published, planned, draft).",
            );
            AppError::Invalid(f)
        })?),
    };
    let filter = ReportFilter {
        state: wanted,
        tag: Some(p.tag.clone()),
        q: Some(p.q.clone()),
    };
    let page = PageQuery {
        page: p.page.clone(),
    }
    .number();
    let per_page = p
        .per_page
        .as_deref()
        .and_then(|n| n.trim().parse::<u64>().ok())
        .unwrap_or(DEFAULT_PER_PAGE)
        .clamp(1, MAX_PER_PAGE);
    let (rows, pager) =
        queries::list_filtered(&state.db, readable(&ctx), &filter, page, per_page).await?;
    Ok(Json(ReportList::new(&rows, pager)))
}

/// The full view of the report with `slug`, as `ctx` may see it.
async fn detail(state: &AppState, ctx: &Ctx, slug: &str) -> Result<ReportDetail, AppError> {
    let r = readable_report(state, ctx, slug).await?;
    let page = queries::report_page(&state.db, &r.slug, true, None, false)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(ReportDetail::new(page, ctx.can_see_contacts()))
}

/// `GET /api/v1/reports/{slug}`
#[utoipa::path(
    get, path = "/reports/{slug}", tag = "reports",
    params(("slug" = String, Path, description = "The report's slug (Korean slugs percent-encoded)")),
    responses(
        (status = 200, description = "Named participants only for signed-in callers", body = ReportDetail),
        (status = 404, body = crate::error::ErrorEnvelope),
    )
)]
pub async fn show_report(
    State(state): State<AppState>,
    ctx: Ctx,
    slug: Result<SlugPath, AppError>,
) -> ApiResult<ReportDetail> {
    let SlugPath(slug) = slug?;
    Ok(Json(detail(&state, &ctx, &slug).await?))
}

/// Parses the body the way the web form is parsed; reference and form errors together.
async fn parse_body(
    state: &AppState,
    body: &ReportBody,
) -> Result<crate::reports::input::ReportDraft, AppError> {
    let (input, mut errors) = to_form_input(&state.db, body).await?;
    match parse_report(&input) {
        Ok(d) if errors.is_empty() => Ok(d),
        Ok(_) => Err(AppError::Invalid(errors)),
        Err(more) => {
            for (field, message) in more.iter() {
                if errors.get(field).is_none() {
                    errors.add(field, message.to_string());
                }
            }
            Err(AppError::Invalid(errors))
        }
    }
}

/// `POST /api/v1/reports` (editors): creates a report and suggests its mentions; 201 with
/// the report and `Location`.
#[utoipa::path(
    post, path = "/reports", tag = "reports",
    request_body(content = ReportBody, description = "The report; `title` is required, planned visits need `visit_date`."),
    responses(
        (status = 201, body = ReportDetail),
        (status = 401, body = crate::error::ErrorEnvelope),
        (status = 403, body = crate::error::ErrorEnvelope),
        (status = 422, description = "Field errors (`fields`)", body = crate::error::ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn create_report(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(user): RequireEditor,
    ApiJson(body): ApiJson<ReportBody>,
) -> Result<(StatusCode, HeaderMap, Json<ReportDetail>), ApiError> {
    let draft = parse_body(&state, &body).await?;
    let saved = match write::create_report(&state.db, &user.actor(), &draft).await? {
        ReportOutcome::Saved(r) => r,
        ReportOutcome::Invalid(f) => return Err(AppError::Invalid(f).into()),
        ReportOutcome::Conflict(_) => return Err(AppError::internal("conflict on create").into()),
    };
    crate::linking::relink_report(&state, &saved).await?;
    let mut headers = HeaderMap::new();
    let location = format!("/api/v1/reports/{}", encode_component(&saved.slug));
    if let Ok(v) = HeaderValue::from_str(&location) {
        headers.insert(header::LOCATION, v);
    }
    Ok((
        StatusCode::CREATED,
        headers,
        Json(detail(&state, &ctx, &saved.slug).await?),
    ))
}

/// `PUT /api/v1/reports/{slug}` (editors): replaces the report; `version` must be the one
/// read, else 409 with the stored report.
#[utoipa::path(
    put, path = "/reports/{slug}", tag = "reports",
    params(("slug" = String, Path)),
    request_body(content = ReportBody, description = "The whole report (absent fields become empty) with the `version` read."),
    responses(
        (status = 200, body = ReportDetail),
        (status = 401, body = crate::error::ErrorEnvelope),
        (status = 403, body = crate::error::ErrorEnvelope),
        (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, description = "A newer version exists (`current`)", body = crate::error::ErrorEnvelope),
        (status = 422, description = "Field errors (`fields`), including a missing `version`", body = crate::error::ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn update_report(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(user): RequireEditor,
    slug: Result<SlugPath, AppError>,
    ApiJson(body): ApiJson<ReportBody>,
) -> ApiResult<ReportDetail> {
    let SlugPath(slug) = slug?;
    let current = readable_report(&state, &ctx, &slug).await?;
    let draft = parse_body(&state, &body).await;
    let version = body.version.and_then(|v| i32::try_from(v).ok());
    let (draft, version) = match (draft, version) {
        (Ok(d), Some(v)) => (d, v),
        (result, version) => {
            let mut fields = match result {
                Err(AppError::Invalid(f)) => f,
                Err(other) => return Err(other.into()),
                Ok(_) => FieldErrors::default(),
            };
            if version.is_none() {
                fields.add("version", "읽어 온 버전(version)을 함께 보내 주세요.");
            }
            return Err(AppError::Invalid(fields).into());
        }
    };
    match write::update_report(&state.db, &user.actor(), &current, &draft, version).await? {
        ReportOutcome::Saved(saved) => {
            crate::linking::relink_report(&state, &saved).await?;
            Ok(Json(detail(&state, &ctx, &saved.slug).await?))
        }
        ReportOutcome::Invalid(f) => Err(AppError::Invalid(f).into()),
        ReportOutcome::Conflict(theirs) => {
            let now = detail(&state, &ctx, &theirs.slug).await?;
            Err(AppError::Conflict(serde_json::to_value(now).map_err(AppError::internal)?).into())
        }
    }
}

/// `DELETE /api/v1/reports/{slug}` (admins): deletes the report with its stops, takeaways,
/// participants and photos.
#[utoipa::path(
    delete, path = "/reports/{slug}", tag = "reports",
    params(("slug" = String, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = crate::error::ErrorEnvelope),
        (status = 403, body = crate::error::ErrorEnvelope),
        (status = 404, body = crate::error::ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn delete_report(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireAdmin(user): RequireAdmin,
    slug: Result<SlugPath, AppError>,
) -> Result<StatusCode, ApiError> {
    let SlugPath(slug) = slug?;
    let current = readable_report(&state, &ctx, &slug).await?;
    write::delete_report(&state.db, &user.actor(), current).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `{slug}` (NFC) and a positive `{id}`; anything else names nothing.
fn slug_and_id(
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<(String, i64), AppError> {
    let Path((slug, id)) = path.map_err(|_| AppError::NotFound)?;
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)?;
    Ok((crate::domain::text::nfc(&slug), id))
}

/// The mention `id` of the report `slug` (404 if it belongs to another report).
async fn report_mention(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: i64,
) -> Result<crate::entities::mention::Model, AppError> {
    let r = readable_report(state, ctx, slug).await?;
    let m = review::find(&state.db, id).await?;
    if m.report_id != r.id {
        return Err(AppError::NotFound);
    }
    Ok(m)
}

/// `POST /api/v1/reports/{slug}/mentions/{id}/confirm` (editors)
#[utoipa::path(
    post, path = "/reports/{slug}/mentions/{id}/confirm", tag = "mentions",
    params(("slug" = String, Path), ("id" = i64, Path, description = "The mention's id")),
    responses(
        (status = 200, body = MentionView),
        (status = 400, description = "A new-entry candidate has no entry to confirm", body = crate::error::ErrorEnvelope),
        (status = 401, body = crate::error::ErrorEnvelope),
        (status = 403, body = crate::error::ErrorEnvelope),
        (status = 404, body = crate::error::ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn confirm_mention(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(user): RequireEditor,
    path: Result<Path<(String, String)>, PathRejection>,
) -> ApiResult<MentionView> {
    let (slug, id) = slug_and_id(path)?;
    let m = report_mention(&state, &ctx, &slug, id).await?;
    let m = review::confirm(&state.db, &user.actor(), m).await?;
    Ok(Json(MentionView::stored(&state.db, m).await?))
}

/// `POST /api/v1/reports/{slug}/mentions/{id}/reject` (editors)
#[utoipa::path(
    post, path = "/reports/{slug}/mentions/{id}/reject", tag = "mentions",
    params(("slug" = String, Path), ("id" = i64, Path, description = "The mention's id")),
    responses(
        (status = 200, body = MentionView),
        (status = 401, body = crate::error::ErrorEnvelope),
        (status = 403, body = crate::error::ErrorEnvelope),
        (status = 404, body = crate::error::ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn reject_mention(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(user): RequireEditor,
    path: Result<Path<(String, String)>, PathRejection>,
) -> ApiResult<MentionView> {
    let (slug, id) = slug_and_id(path)?;
    let m = report_mention(&state, &ctx, &slug, id).await?;
    let m = review::reject(&state.db, &user.actor(), m).await?;
    Ok(Json(MentionView::stored(&state.db, m).await?))
}
