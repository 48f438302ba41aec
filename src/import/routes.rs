//! The import wizard for editors: upload (multipart, stored in the database as a staged
//! import so any app instance can continue), detection + mapping + preview, apply, result,
//! and the rejected rows as CSV. Every POST here is in `auth::policy::WRITE_ROUTES`.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use maud::Markup;
use sea_orm::{ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use serde_json::json;

use crate::app::AppState;
use crate::audit;
use crate::auth::extract::{Ctx, RequireEditor};
use crate::auth::policy::UPLOAD_LIMIT;
use crate::domain::CertType;
use crate::entities::{import, import_row_error};
use crate::error::{AppError, AppResult};
use crate::import::ImportOptions;
use crate::import::apply::{run, sha256_hex};
use crate::import::map::{Mapping, field_named};
use crate::import::{export, views};
use crate::web::form::HtmlForm;
use crate::web::upload::{self, Received};

/// The wizard's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/imports/new", get(new_import))
        .route(
            "/imports",
            post(upload_import).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/imports/{id}", get(show_import))
        .route("/imports/{id}/mapping", post(update_mapping))
        .route("/imports/{id}/apply", post(apply_import))
        .route("/imports/{id}/rejected.csv", get(rejected_csv))
}

/// The upload form.
async fn new_import(ctx: Ctx, RequireEditor(_): RequireEditor) -> Markup {
    views::upload_page(&ctx, &views::UploadForm::default())
}

/// Stores the uploaded file as a staged import and shows its preview.
async fn upload_import(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(user): RequireEditor,
    mut form: Multipart,
) -> AppResult<Response> {
    let mut file: Option<Received> = None;
    let mut typed = views::UploadForm::default();
    let unreadable = upload::unreadable(UPLOAD_LIMIT);
    while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("file") => {
                let keep = views::UPLOAD_MIB * 1024 * 1024;
                file = Some(
                    upload::read_file(&mut field, keep)
                        .await
                        .map_err(unreadable)?,
                );
            }
            Some("source") => typed.source = field.text().await.map_err(unreadable)?,
            Some("cert_type") => typed.cert_type = field.text().await.map_err(unreadable)?,
            _ => {}
        }
    }
    // Refused beside the file field, with the list's name and type kept.
    let refuse = |status: StatusCode, error: String| {
        let form = views::UploadForm {
            error: Some(error),
            ..typed.clone()
        };
        Ok((status, views::upload_page(&ctx, &form)).into_response())
    };
    let Some(file) = file.filter(|f| !f.is_empty()) else {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "파일을 골라 주세요 (choose a file)".into(),
        );
    };
    if file.size > views::UPLOAD_MIB * 1024 * 1024 {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "파일이 너무 큽니다: {}, 최대 {}MB (file too large)",
                upload::megabytes(file.size),
                views::UPLOAD_MIB
            ),
        );
    }
    if let Err(e) = crate::import::decode::decode(&file.bytes) {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, e.to_string());
    }
    let source = crate::domain::text::clean_line(&typed.source);
    let file_name = Some(file.name)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "upload.csv".into());
    let model = import::ActiveModel {
        kind: Set("enterprises".into()),
        source: Set(Some(source).filter(|s| !s.is_empty())),
        file_name: Set(crate::domain::text::clean_line(&file_name)),
        sha256: Set(sha256_hex(&file.bytes)),
        status: Set("staged".into()),
        created_by: Set(Some(user.id)),
        started_at: Set(Utc::now()),
        payload: Set(Some(file.bytes)),
        summary: Set(Some(json!({ "cert_type": typed.cert_type }))),
        ..Default::default()
    };
    let rec = audit::insert(&state.db, &user.actor(), model).await?;
    Ok(Redirect::to(&format!("/imports/{}", rec.id)).into_response())
}

async fn find(state: &AppState, id: i64) -> AppResult<import::Model> {
    import::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)
}

fn options_of(rec: &import::Model) -> ImportOptions {
    let mut o = ImportOptions::new(&rec.file_name);
    o.source = rec.source.clone();
    o.overrides = rec
        .mapping
        .as_ref()
        .map(Mapping::overrides_from_json)
        .unwrap_or_default();
    o.default_cert_type = rec
        .summary
        .as_ref()
        .and_then(|s| s.get("cert_type"))
        .and_then(|v| v.as_str())
        .and_then(CertType::from_label)
        .unwrap_or(CertType::General);
    o.staged_id = Some(rec.id);
    o
}

/// A staged import's preview (a dry run), or a finished import's result.
async fn show_import(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(user): RequireEditor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let rec = find(&state, id).await?;
    if rec.status != "staged" {
        let errs = import_row_error::Entity::find()
            .filter(import_row_error::Column::ImportId.eq(id))
            .order_by_asc(import_row_error::Column::Line)
            .all(&state.db)
            .await?;
        return Ok(views::result_page(&ctx, &rec, &errs).into_response());
    }
    let mut opts = options_of(&rec);
    opts.dry_run = true;
    let bytes = rec.payload.clone().unwrap_or_default();
    match run(&state.db, &user.actor(), &bytes, &opts, &mut |_| {}).await {
        Ok(report) => Ok(views::staged_page(&ctx, &rec, &report).into_response()),
        Err(AppError::BadRequest(msg)) => {
            let form = views::UploadForm {
                source: rec.source.clone().unwrap_or_default(),
                cert_type: options_of(&rec).default_cert_type.as_str().to_string(),
                error: Some(msg),
            };
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                views::upload_page(&ctx, &form),
            )
                .into_response())
        }
        Err(e) => Err(e),
    }
}

/// Saves the chosen column mapping (`col_N` = field) and shows the preview again.
async fn update_mapping(
    State(state): State<AppState>,
    RequireEditor(user): RequireEditor,
    Path(id): Path<i64>,
    HtmlForm(form): HtmlForm<BTreeMap<String, String>>,
) -> AppResult<Redirect> {
    let rec = find(&state, id).await?;
    if rec.status != "staged" {
        return Err(AppError::BadRequest("이미 반영된 가져오기입니다.".into()));
    }
    let bytes = rec.payload.clone().unwrap_or_default();
    let decoded =
        crate::import::decode::decode(&bytes).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let sniffed = crate::import::sniff::sniff(&decoded.text)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let overrides: serde_json::Map<String, serde_json::Value> = sniffed
        .headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let f = form.get(&format!("col_{i}")).and_then(|f| field_named(f));
            (
                h.clone(),
                f.map_or(serde_json::Value::String(String::new()), Into::into),
            )
        })
        .collect();
    let mut m = rec.clone().into_active_model();
    m.mapping = Set(Some(serde_json::Value::Object(overrides)));
    audit::update(&state.db, &user.actor(), &rec, m).await?;
    Ok(Redirect::to(&format!("/imports/{id}")))
}

/// Applies a staged import.
async fn apply_import(
    State(state): State<AppState>,
    RequireEditor(user): RequireEditor,
    Path(id): Path<i64>,
    HtmlForm(form): HtmlForm<BTreeMap<String, String>>,
) -> AppResult<Redirect> {
    let rec = find(&state, id).await?;
    if rec.status != "staged" {
        return Ok(Redirect::to(&format!("/imports/{id}")));
    }
    let mut opts = options_of(&rec);
    opts.strict = form.contains_key("strict");
    opts.close_missing = form.contains_key("close_missing") && opts.source.is_some();
    let bytes = rec.payload.clone().unwrap_or_default();
    let report = run(&state.db, &user.actor(), &bytes, &opts, &mut |_| {}).await?;
    let target = report.import_id.unwrap_or(id);
    if !report.applied {
        // Strict refusal: the attempt is recorded separately; the staged file stays usable.
        return Ok(Redirect::to(&format!("/imports/{target}")));
    }
    // The search indexes are merged after the response, off the request.
    let db = state.db.clone();
    tokio::spawn(async move { crate::search::compact::compact_logged(&db).await });
    Ok(Redirect::to(&format!("/imports/{id}")))
}

/// The rejected rows of an import as a UTF-8 (BOM) CSV.
async fn rejected_csv(
    State(state): State<AppState>,
    RequireEditor(_): RequireEditor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let rec = find(&state, id).await?;
    let errs = import_row_error::Entity::find()
        .filter(import_row_error::Column::ImportId.eq(rec.id))
        .order_by_asc(import_row_error::Column::Line)
        .all(&state.db)
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"import-{id}-rejected.csv\""),
            ),
        ],
        export::rejected_csv(&errs),
    )
        .into_response())
}
