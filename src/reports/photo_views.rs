//! Pure views for report photos: the grid on the report page and the editors' photo page
//! (upload, attach a file to a described photo, caption and credit, order, delete) — every
//! action a plain form, so it all works without JavaScript.

use maud::{Markup, html};

use crate::auth::extract::Ctx;
use crate::entities::report;
use crate::reports::photo::{MAX_PHOTO_BYTES, MAX_PIXELS, MAX_SIDE, THUMB_SIDE};
use crate::reports::queries::PhotoMeta;
use crate::web::form::{FieldErrors, confirm_controls};
use crate::web::layout::{csrf_field, page};
use crate::web::url::encode_component;

/// `/reports/{slug}/photos` with the slug percent-encoded.
pub fn photos_path(slug: &str) -> String {
    format!("/reports/{}/photos", encode_component(slug))
}

fn photo_path(slug: &str, p: &PhotoMeta) -> String {
    format!("{}/{}?v={}", photos_path(slug), p.id, p.version())
}

fn thumb_path(slug: &str, p: &PhotoMeta) -> String {
    format!("{}/{}/thumb?v={}", photos_path(slug), p.id, p.version())
}

fn alt_text(p: &PhotoMeta) -> &str {
    p.caption
        .as_deref()
        .filter(|c| !c.is_empty())
        .unwrap_or(&p.file_name)
}

/// One photo as a figure: the thumbnail linking to the full image (or a placeholder when the
/// file was never uploaded), the caption and the credit.
fn figure(ctx: &Ctx, slug: &str, p: &PhotoMeta) -> Markup {
    html! {
        figure.photo {
            @if p.has_file() {
                a href=(photo_path(slug, p)) {
                    img src=(thumb_path(slug, p)) alt=(alt_text(p)) loading="lazy"
                        width=[p.thumb_width] height=[p.thumb_height];
                }
            } @else {
                div.photo-missing {
                    (ctx.t("사진 파일 없음", "No photo file"))
                    @if ctx.can_edit() {
                        " — " a href=(photos_path(slug)) { (ctx.t("올려 주세요", "upload it")) }
                    }
                }
            }
            figcaption {
                @if let Some(c) = p.caption.as_deref().filter(|c| !c.is_empty()) { (c) }
                @if let Some(c) = &p.credit { br; span.muted { "사진출처. " (c) } }
            }
        }
    }
}

/// The photo grid of a report page.
pub fn photo_grid(ctx: &Ctx, slug: &str, photos: &[PhotoMeta]) -> Markup {
    html! {
        @if !photos.is_empty() || ctx.can_edit() {
            h2 { (ctx.t("사진", "Photos")) }
            @if !photos.is_empty() {
                div.photo-grid { @for p in photos { (figure(ctx, slug, p)) } }
            }
            @if ctx.can_edit() {
                p { a href=(photos_path(slug)) { (ctx.t("사진 올리기·관리", "Upload and manage photos")) } }
            }
        }
    }
}

/// What the upload form keeps after a refused upload, and where its error belongs.
#[derive(Debug, Default)]
pub struct UploadState {
    pub caption: String,
    pub credit: String,
    pub errors: FieldErrors,
    /// The photo whose attach-a-file form failed; `None` for the new-photo form.
    pub target: Option<i64>,
}

fn limits_note(ctx: &Ctx) -> Markup {
    let mb = MAX_PHOTO_BYTES / (1024 * 1024);
    let mp = MAX_PIXELS / 1_000_000;
    html! {
        p.muted {
            (ctx.t(
                &format!("JPEG, PNG, WebP · 한 장에 최대 {mb}MB · 한 변 최대 {MAX_SIDE}픽셀, {mp}메가픽셀 · 미리보기는 긴 변 {THUMB_SIDE}픽셀로 만듭니다. 파일 이름이 아니라 내용으로 형식을 확인합니다."),
                &format!("JPEG, PNG, WebP · at most {mb} MB each · at most {MAX_SIDE} px a side and {mp} megapixels · thumbnails are {THUMB_SIDE} px on the long side. The format is checked from the content, not the name."),
            ))
        }
    }
}

fn file_error(errors: &FieldErrors) -> Markup {
    html! {
        @if let Some(e) = errors.get("file") {
            span.error-text id="f-file-error" role="alert" { (e) }
        }
    }
}

fn text_field(label: &str, name: &str, id: &str, value: &str) -> Markup {
    html! {
        label for=(id) { (label) input id=(id) name=(name) type="text" value=(value); }
    }
}

fn one_photo(
    ctx: &Ctx,
    slug: &str,
    p: &PhotoMeta,
    n: usize,
    last: usize,
    up: &UploadState,
) -> Markup {
    let base = format!("{}/{}", photos_path(slug), p.id);
    let failed_here = up.target == Some(p.id);
    html! {
        li.photo-row id={ "photo-" (p.id) } {
            (figure(ctx, slug, p))
            div.photo-actions {
                @if !p.file_name.is_empty() {
                    p.muted {
                        (p.file_name)
                        @if let (Some(w), Some(h)) = (p.width, p.height) { " · " (w) "×" (h) }
                        @if let Some(b) = p.byte_size { " · " (crate::error::mib(b as usize)) }
                    }
                }
                form.stacked method="post" action={ (base) "/edit" } {
                    (csrf_field(ctx))
                    (text_field(ctx.t("설명", "Caption"), "caption", &format!("caption-{}", p.id), p.caption.as_deref().unwrap_or("")))
                    (text_field(ctx.t("사진출처", "Credit"), "credit", &format!("credit-{}", p.id), p.credit.as_deref().unwrap_or("")))
                    button type="submit" { (ctx.t("설명 저장", "Save caption")) }
                }
                form.stacked method="post" enctype="multipart/form-data" action={ (base) "/file" } {
                    // First: the guard reads an upload's token from its first field.
                    (csrf_field(ctx))
                    div class=[failed_here.then_some("field-error")] {
                        label for={ "file-" (p.id) } {
                            @if p.has_file() { (ctx.t("파일 바꾸기", "Replace the file")) }
                            @else { (ctx.t("이 설명의 사진 파일 올리기", "Upload the file for this caption")) }
                            input id={ "file-" (p.id) } name="file" type="file" accept="image/jpeg,image/png,image/webp" required;
                        }
                        @if failed_here { (file_error(&up.errors)) }
                    }
                    button type="submit" { (ctx.t("올리기", "Upload")) }
                }
                div.inline-actions {
                    @if n > 0 {
                        form.inline method="post" action={ (base) "/move" } {
                            (csrf_field(ctx))
                            input type="hidden" name="direction" value="up";
                            button type="submit" { "↑ " (ctx.t("위로", "Up")) }
                        }
                    }
                    @if n < last {
                        form.inline method="post" action={ (base) "/move" } {
                            (csrf_field(ctx))
                            input type="hidden" name="direction" value="down";
                            button type="submit" { "↓ " (ctx.t("아래로", "Down")) }
                        }
                    }
                    a.danger href={ (base) "/delete" } { (ctx.t("삭제…", "Delete…")) }
                }
            }
        }
    }
}

/// `GET /reports/{slug}/photos/{id}/delete` (editors): the photo, what deleting it loses, and
/// a form that deletes only with its box ticked.
pub fn delete_photo_page(
    ctx: &Ctx,
    r: &report::Model,
    p: &PhotoMeta,
    errors: &FieldErrors,
) -> Markup {
    let back = format!("{}#photo-{}", photos_path(&r.slug), p.id);
    page(
        ctx,
        ctx.t("사진 삭제", "Delete a photo"),
        html! {
            h1 { (ctx.t("사진 삭제", "Delete a photo")) }
            p { a href=(back) { "← " (r.title) } }
            (figure(ctx, &r.slug, p))
            p {
                @if p.has_file() {
                    (ctx.t(
                        "사진 파일과 설명, 사진출처가 함께 지워집니다. 파일은 변경 기록에 남지 않아 되돌릴 수 없습니다.",
                        "The file, its caption and credit are deleted. The history does not keep the file: this cannot be undone.",
                    ))
                } @else {
                    (ctx.t("이 사진 설명과 사진출처가 지워집니다.", "This caption and its credit are deleted."))
                }
            }
            form.stacked method="post" action={ (photos_path(&r.slug)) "/" (p.id) "/delete" } {
                (csrf_field(ctx))
                (confirm_controls(ctx, html! { (ctx.t("이 사진을 삭제합니다.", "Delete this photo.")) }, errors, &back))
            }
        },
    )
}

/// `GET /reports/{slug}/photos` (editors).
pub fn manage_page(ctx: &Ctx, r: &report::Model, photos: &[PhotoMeta], up: &UploadState) -> Markup {
    let title = format!("{} — {}", r.title, ctx.t("사진", "Photos"));
    let report_href = format!("/reports/{}", encode_component(&r.slug));
    let last = photos.len().saturating_sub(1);
    let new_failed = up.target.is_none() && !up.errors.is_empty();
    page(
        ctx,
        &title,
        html! {
            p.muted {
                a href=(report_href) { (r.title) } " · "
                a href={ (report_href) "/edit" } { (ctx.t("보고서 수정", "Edit report")) }
            }
            h1 { (title) }
            h2 { (ctx.t("새 사진 올리기", "Upload a photo")) }
            (limits_note(ctx))
            form.stacked method="post" enctype="multipart/form-data" action=(photos_path(&r.slug)) {
                // First: the guard reads an upload's token from its first field.
                (csrf_field(ctx))
                div class=[new_failed.then_some("field-error")] {
                    label for="f-file" {
                        (ctx.t("사진 파일", "Photo file"))
                        input id="f-file" name="file" type="file" accept="image/jpeg,image/png,image/webp" required
                            aria-invalid=[new_failed.then_some("true")]
                            aria-describedby=[new_failed.then_some("f-file-error")];
                    }
                    @if new_failed {
                        (file_error(&up.errors))
                        span.muted { " " (ctx.t("파일을 다시 골라 주세요. 설명과 출처는 그대로 있습니다.", "Choose the file again; caption and credit are kept.")) }
                    }
                }
                (text_field(ctx.t("설명", "Caption"), "caption", "f-caption", if up.target.is_none() { &up.caption } else { "" }))
                (text_field(ctx.t("사진출처 (예: 서울경제)", "Credit (e.g. 서울경제)"), "credit", "f-credit", if up.target.is_none() { &up.credit } else { "" }))
                div { button type="submit" { (ctx.t("올리기", "Upload")) } }
            }
            h2 { (ctx.t("이 보고서의 사진", "This report's photos")) " (" (photos.len()) ")" }
            @if photos.is_empty() {
                p.muted { (ctx.t("아직 사진이 없습니다.", "No photos yet.")) }
            } @else {
                p.muted { (ctx.t(
                    "파일 없이 설명만 있는 사진(블로그 글에서 가져온 것)에는 파일을 올려 붙일 수 있습니다. 설명만 있는 사진은 보고서 수정 화면의 ‘사진 설명’ 칸에서도 고칠 수 있습니다.",
                    "Captions without a file (from a pasted blog post) can get their file here; they are also listed in the report form's photo-captions field.",
                )) }
                ol.plain.photo-list {
                    @for (n, p) in photos.iter().enumerate() { (one_photo(ctx, &r.slug, p, n, last, up)) }
                }
            }
        },
    )
}
