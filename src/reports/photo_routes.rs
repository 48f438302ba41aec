//! Report photo routes. Reading follows the report's visibility (a draft's photos are as
//! hidden as the draft); every write is for editors and listed in `auth::policy::WRITE_ROUTES`
//! (uploads within `PHOTO_LIMIT`, which the guard enforces from `Content-Length` before reading
//! the body and again while it is read; the photo itself within `photo::MAX_PHOTO_BYTES`, checked
//! here so that a photo over it is refused beside the file field, the caption kept).

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::Markup;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::extract::{Ctx, RequireEditor};
use crate::auth::policy::PHOTO_LIMIT;
use crate::entities::{report, report_photo};
use crate::error::{AppError, AppResult};
use crate::reports::photo::{self, PhotoFormat, sanitize_file_name};
use crate::reports::photo_views::{UploadState, delete_photo_page, manage_page, photos_path};
use crate::reports::photo_write::{self, Direction, StoredFile};
use crate::reports::queries::{photos_of, visible_report};
use crate::web::form::{Confirm, FieldErrors, HtmlForm};
use crate::web::slug_path::{SlugIdPath, SlugPath};
use crate::web::upload::{self, Received};

/// The photo routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/reports/{slug}/photos",
            get(manage_photos)
                .post(upload_photo)
                .layer(DefaultBodyLimit::max(PHOTO_LIMIT)),
        )
        .route("/reports/{slug}/photos/{id}", get(photo_file))
        .route("/reports/{slug}/photos/{id}/thumb", get(photo_thumb))
        .route(
            "/reports/{slug}/photos/{id}/file",
            post(attach_photo_file).layer(DefaultBodyLimit::max(PHOTO_LIMIT)),
        )
        .route("/reports/{slug}/photos/{id}/edit", post(edit_photo))
        .route("/reports/{slug}/photos/{id}/move", post(move_photo))
        .route(
            "/reports/{slug}/photos/{id}/delete",
            get(confirm_delete_photo).post(delete_photo),
        )
}

async fn find_report(state: &AppState, slug: &str) -> AppResult<report::Model> {
    report::Entity::find()
        .filter(report::Column::Slug.eq(slug))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)
}

fn back_to(r: &report::Model, anchor: Option<i64>) -> Redirect {
    let base = photos_path(&r.slug);
    Redirect::to(&match anchor {
        Some(id) => format!("{base}#photo-{id}"),
        None => base,
    })
}

/// The photo page for editors.
async fn manage_photos(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(_): RequireEditor,
    SlugPath(slug): SlugPath,
) -> AppResult<Markup> {
    let r = find_report(&state, &slug).await?;
    let photos = photos_of(&state.db, r.id).await?;
    Ok(manage_page(&ctx, &r, &photos, &UploadState::default()))
}

/// The fields of an upload form.
#[derive(Default)]
struct Upload {
    file: Option<Received>,
    caption: String,
    credit: String,
}

async fn read_upload(mut form: Multipart) -> AppResult<Upload> {
    let multipart_error = upload::unreadable(PHOTO_LIMIT);
    let mut out = Upload::default();
    while let Some(mut field) = form.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("file") => {
                let file = upload::read_file(&mut field, photo::MAX_PHOTO_BYTES)
                    .await
                    .map_err(multipart_error)?;
                if !file.is_empty() {
                    out.file = Some(file);
                }
            }
            Some("caption") => out.caption = field.text().await.map_err(multipart_error)?,
            Some("credit") => out.credit = field.text().await.map_err(multipart_error)?,
            _ => {}
        }
    }
    Ok(out)
}

/// A caption or credit as stored: one clean line, capped, `None` when empty.
fn clean_text(raw: &str, max_chars: usize) -> Option<String> {
    let line = crate::domain::text::clean_line(raw);
    let capped: String = line.chars().take(max_chars).collect();
    Some(capped).filter(|s| !s.is_empty())
}

/// Checks the uploaded file; the error is the message to show next to the file field.
fn check_file(file: Option<Received>) -> Result<StoredFile, (StatusCode, String)> {
    let Some(Received { name, size, bytes }) = file else {
        return Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            "사진 파일을 골라 주세요 (choose a photo file)".into(),
        ));
    };
    if size > photo::MAX_PHOTO_BYTES {
        let e = photo::PhotoError::TooLarge { bytes: size };
        return Err((StatusCode::PAYLOAD_TOO_LARGE, e.to_string()));
    }
    match photo::process(&bytes) {
        Ok(p) => Ok(StoredFile {
            file_name: sanitize_file_name(&name, p.format),
            bytes,
            photo: p,
        }),
        Err(e @ photo::PhotoError::TooLarge { .. }) => {
            Err((StatusCode::PAYLOAD_TOO_LARGE, e.to_string()))
        }
        Err(e) => Err((StatusCode::UNPROCESSABLE_ENTITY, e.to_string())),
    }
}

async fn refused(
    state: &AppState,
    ctx: &Ctx,
    r: &report::Model,
    status: StatusCode,
    up: UploadState,
) -> AppResult<Response> {
    let photos = photos_of(&state.db, r.id).await?;
    Ok((status, manage_page(ctx, r, &photos, &up)).into_response())
}

/// Adds a photo (multipart: `file`, `caption`, `credit`).
async fn upload_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(user): RequireEditor,
    SlugPath(slug): SlugPath,
    form: Multipart,
) -> AppResult<Response> {
    let r = find_report(&state, &slug).await?;
    let upload = read_upload(form).await?;
    let (caption, credit) = (
        clean_text(&upload.caption, 300),
        clean_text(&upload.credit, 200),
    );
    match check_file(upload.file) {
        Ok(file) => {
            let row =
                photo_write::add_photo(&state.db, &user.actor(), r.id, &file, caption, credit)
                    .await?;
            Ok(back_to(&r, Some(row.id)).into_response())
        }
        Err((status, message)) => {
            let mut errors = FieldErrors::default();
            errors.add("file", message);
            let up = UploadState {
                caption: upload.caption,
                credit: upload.credit,
                errors,
                target: None,
            };
            refused(&state, &ctx, &r, status, up).await
        }
    }
}

/// Stores a file for an existing photo (multipart: `file`).
async fn attach_photo_file(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(user): RequireEditor,
    SlugIdPath(slug, id): SlugIdPath,
    form: Multipart,
) -> AppResult<Response> {
    let r = find_report(&state, &slug).await?;
    let current = photo_write::find_photo(&state.db, r.id, id).await?;
    let upload = read_upload(form).await?;
    match check_file(upload.file) {
        Ok(file) => {
            photo_write::attach_file(&state.db, &user.actor(), &current, &file).await?;
            Ok(back_to(&r, Some(id)).into_response())
        }
        Err((status, message)) => {
            let mut errors = FieldErrors::default();
            errors.add("file", message);
            let up = UploadState {
                errors,
                target: Some(id),
                ..Default::default()
            };
            refused(&state, &ctx, &r, status, up).await
        }
    }
}

#[derive(Deserialize)]
struct TextInput {
    #[serde(default)]
    caption: String,
    #[serde(default)]
    credit: String,
}

/// Changes a photo's caption and credit.
async fn edit_photo(
    State(state): State<AppState>,
    RequireEditor(user): RequireEditor,
    SlugIdPath(slug, id): SlugIdPath,
    HtmlForm(input): HtmlForm<TextInput>,
) -> AppResult<Redirect> {
    let r = find_report(&state, &slug).await?;
    let current = photo_write::find_photo(&state.db, r.id, id).await?;
    let caption = clean_text(&input.caption, 300);
    if caption.is_none() && current.data.is_none() && current.file_name.is_empty() {
        return Err(AppError::BadRequest(
            "파일이 없는 사진에는 설명이 있어야 합니다. 지우려면 삭제를 누르세요 \
             (a photo without a file needs a caption; use Delete to remove it)"
                .into(),
        ));
    }
    photo_write::update_text(
        &state.db,
        &user.actor(),
        &current,
        caption,
        clean_text(&input.credit, 200),
    )
    .await?;
    Ok(back_to(&r, Some(id)))
}

#[derive(Deserialize)]
struct MoveInput {
    direction: String,
}

/// Moves a photo one place up or down.
async fn move_photo(
    State(state): State<AppState>,
    RequireEditor(user): RequireEditor,
    SlugIdPath(slug, id): SlugIdPath,
    HtmlForm(input): HtmlForm<MoveInput>,
) -> AppResult<Redirect> {
    let r = find_report(&state, &slug).await?;
    let dir = match input.direction.as_str() {
        "up" => Direction::Up,
        "down" => Direction::Down,
        _ => {
            return Err(AppError::BadRequest(
                "방향은 up 또는 down 입니다 (direction must be up or down)".into(),
            ));
        }
    };
    photo_write::move_photo(&state.db, &user.actor(), r.id, id, dir).await?;
    Ok(back_to(&r, Some(id)))
}

/// Deletes a photo.
async fn delete_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(user): RequireEditor,
    SlugIdPath(slug, id): SlugIdPath,
    HtmlForm(input): HtmlForm<Confirm>,
) -> AppResult<Response> {
    let r = find_report(&state, &slug).await?;
    if !input.ticked() {
        let meta = photo_meta(&state, &r, id).await?;
        let page = delete_photo_page(&ctx, &r, &meta, &Confirm::unticked(&ctx));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let current = photo_write::find_photo(&state.db, r.id, id).await?;
    photo_write::delete_photo(&state.db, &user.actor(), current).await?;
    Ok(back_to(&r, None).into_response())
}

/// One photo of report `r` as the pages show it; not found when it is not that report's.
async fn photo_meta(
    state: &AppState,
    r: &report::Model,
    id: i64,
) -> AppResult<crate::reports::queries::PhotoMeta> {
    photos_of(&state.db, r.id)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(AppError::NotFound)
}

/// The photo delete confirmation (editors).
async fn confirm_delete_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(_): RequireEditor,
    SlugIdPath(slug, id): SlugIdPath,
) -> AppResult<Markup> {
    let r = find_report(&state, &slug).await?;
    let meta = photo_meta(&state, &r, id).await?;
    Ok(delete_photo_page(&ctx, &r, &meta, &FieldErrors::default()))
}

#[derive(Deserialize)]
struct VersionQuery {
    v: Option<String>,
}

/// The full image.
async fn photo_file(
    State(state): State<AppState>,
    ctx: Ctx,
    SlugIdPath(slug, id): SlugIdPath,
    Query(q): Query<VersionQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    serve(&state, &ctx, &slug, id, false, q.v.as_deref(), &headers).await
}

/// The thumbnail.
async fn photo_thumb(
    State(state): State<AppState>,
    ctx: Ctx,
    SlugIdPath(slug, id): SlugIdPath,
    Query(q): Query<VersionQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    serve(&state, &ctx, &slug, id, true, q.v.as_deref(), &headers).await
}

/// Serves the image or its thumbnail: 404 unless the reader may see the report and the file
/// exists; `Content-Type` from the stored bytes' magic, `nosniff`, an ETag from the file's
/// SHA-256 (304 for a matching `If-None-Match`), and year-long immutable caching when the URL
/// carries the current version (`?v=`), revalidation otherwise. Caches are `private`: a
/// draft's photo must not sit in a shared cache.
async fn serve(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: i64,
    thumb: bool,
    version: Option<&str>,
    headers: &HeaderMap,
) -> AppResult<Response> {
    let r = visible_report(&state.db, slug, ctx.can_edit())
        .await?
        .ok_or(AppError::NotFound)?;
    let sha: Option<Option<String>> = report_photo::Entity::find_by_id(id)
        .select_only()
        .column(report_photo::Column::Sha256)
        .filter(report_photo::Column::ReportId.eq(r.id))
        .filter(report_photo::Column::ContentType.is_not_null())
        .into_tuple()
        .one(&state.db)
        .await?;
    let sha = sha.ok_or(AppError::NotFound)?.unwrap_or_default();
    let etag = format!("\"{}{}\"", if thumb { "t-" } else { "" }, &sha);
    let current = version.is_some_and(|v| !v.is_empty() && sha.starts_with(v));
    let cache = if current {
        "private, max-age=31536000, immutable"
    } else {
        "private, no-cache"
    };
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let column = if thumb {
            report_photo::Column::Thumbnail
        } else {
            report_photo::Column::Data
        };
        let row: Option<(String, Option<Vec<u8>>)> = report_photo::Entity::find_by_id(id)
            .select_only()
            .column(report_photo::Column::FileName)
            .column(column)
            .into_tuple()
            .one(&state.db)
            .await?;
        let (file_name, bytes) = row.ok_or(AppError::NotFound)?;
        let bytes = bytes.ok_or(AppError::NotFound)?;
        // The type is what the bytes are; anything else is never served as an image.
        let format = photo::sniff(&bytes).ok_or(AppError::NotFound)?;
        let mut res = bytes.into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.mime()),
        );
        if !thumb && let Ok(v) = HeaderValue::from_str(&disposition(&file_name, format)) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        res
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}

/// `inline` with an ASCII fallback name and the UTF-8 name (RFC 6266 / 5987).
fn disposition(file_name: &str, format: PhotoFormat) -> String {
    let safe = sanitize_file_name(file_name, format);
    let ascii: String = safe
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "inline; filename=\"{ascii}\"; filename*=UTF-8''{}",
        crate::web::url::encode_component(&safe)
    )
}
