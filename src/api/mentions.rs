//! Mentions as JSON: detect them in any text (for other tools), and list a report's.

use axum::Json;
use axum::extract::State;
use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{ApiError, ApiJson, ApiResult};
use crate::app::AppState;
use crate::auth::extract::{Ctx, RequireUser};
use crate::directory::queries::entries_by_id;
use crate::entities::{entry, mention};
use crate::error::AppError;
use crate::web::slug_path::SlugPath;

/// Text to look for mentions in.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DetectInput {
    /// Any Korean text, up to 200,000 characters.
    pub text: String,
}

/// One mention: a span of the text (character offsets into its NFC form) and what it names.
#[derive(Debug, Serialize, ToSchema)]
pub struct MentionView {
    /// The stored mention's id (for confirm and reject); absent in detection results.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub start: usize,
    pub end: usize,
    pub surface: String,
    /// The entry's slug; absent for a new-entry candidate.
    pub entry_slug: Option<String>,
    pub entry_name: Option<String>,
    /// exact_name, alias, abbreviation_rule, fuzzy, candidate (or manual for stored ones).
    pub method: String,
    pub confidence: f64,
    /// For detection: whether Tambang would confirm it without review. For a report's
    /// mentions: the stored state (suggested, confirmed, rejected).
    pub state: String,
    pub candidate_kind: Option<String>,
}

/// `POST /api/v1/mentions/detect`
#[utoipa::path(
    post, path = "/mentions/detect", tag = "mentions",
    request_body = DetectInput,
    responses(
        (status = 200, body = [MentionView]),
        (status = 401, body = crate::error::ErrorEnvelope),
        (status = 422, body = crate::error::ErrorEnvelope),
    ),
    security(("bearer" = []))
)]
pub async fn detect_mentions(
    State(state): State<AppState>,
    RequireUser(_): RequireUser,
    ApiJson(input): ApiJson<DetectInput>,
) -> ApiResult<Vec<MentionView>> {
    let text = crate::domain::text::nfc(&input.text);
    if text.chars().count() > crate::reports::input::MAX_BODY_CHARS {
        return Err(
            AppError::BadRequest("text is too long (200,000 characters at most)".into()).into(),
        );
    }
    state.mentions.refresh(&state.db).await?;
    let found = state.mentions.find(&text);
    let entries = entries_by_id(&state.db, found.iter().filter_map(|m| m.entry_id)).await?;
    Ok(Json(
        found
            .into_iter()
            .map(|m| {
                let e = m.entry_id.and_then(|id| entries.get(&id));
                MentionView {
                    id: None,
                    start: m.start,
                    end: m.end,
                    state: if m.auto_confirm() {
                        "confirmed"
                    } else {
                        "suggested"
                    }
                    .into(),
                    surface: m.surface.to_string(),
                    entry_slug: e.map(|e| e.slug.clone()),
                    entry_name: e.map(|e| e.name.clone()),
                    method: serde_json::to_value(m.method)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    confidence: f64::from(m.confidence),
                    candidate_kind: m.candidate_kind.map(|k| k.as_str().to_string()),
                }
            })
            .collect(),
    ))
}

/// `GET /api/v1/reports/{slug}/mentions`
#[utoipa::path(
    get, path = "/reports/{slug}/mentions", tag = "mentions",
    params(("slug" = String, Path, description = "The report's slug")),
    responses((status = 200, description = "Confirmed mentions (editors also get suggested and rejected ones)", body = [MentionView]), (status = 404, body = crate::error::ErrorEnvelope))
)]
pub async fn list_report_mentions(
    State(state): State<AppState>,
    ctx: Ctx,
    slug: Result<SlugPath, AppError>,
) -> Result<Json<Vec<MentionView>>, ApiError> {
    let SlugPath(slug) = slug?;
    let r = crate::api::reports::readable_report(&state, &ctx, &slug).await?;
    let rows = crate::linking::store::of_report(&state.db, r.id).await?;
    let entries = entries_by_id(&state.db, rows.iter().filter_map(|m| m.entry_id)).await?;
    Ok(Json(
        rows.into_iter()
            .filter(|m| ctx.can_edit() || m.state == "confirmed")
            .map(|m| MentionView::of(m, &entries))
            .collect(),
    ))
}

impl MentionView {
    /// The view of a stored mention, its entry looked up in `entries`.
    pub fn of(m: mention::Model, entries: &HashMap<i64, entry::Model>) -> Self {
        let e = m.entry_id.and_then(|id| entries.get(&id));
        MentionView {
            id: Some(m.id),
            start: m.start_char.max(0) as usize,
            end: m.end_char.max(0) as usize,
            surface: m.surface,
            entry_slug: e.map(|e| e.slug.clone()),
            entry_name: e.map(|e| e.name.clone()),
            method: m.method,
            confidence: m.confidence,
            state: m.state,
            candidate_kind: m.candidate_kind,
        }
    }

    /// The view of one stored mention.
    pub async fn stored(db: &impl ConnectionTrait, m: mention::Model) -> Result<Self, AppError> {
        let entries = entries_by_id(db, m.entry_id).await?;
        Ok(MentionView::of(m, &entries))
    }
}
