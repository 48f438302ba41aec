//! "Import text": paste a published blog post; the parser's findings pre-fill the report form
//! as suggestions the editor confirms before saving. Nothing is saved by this step.

use axum::Router;
use axum::routing::get;
use maud::{Markup, html};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::extract::{Ctx, RequireEditor};
use crate::blogpost::{ParsedPost, parse_post};
use crate::reports::edit_views::{ReportForm, report_form_page};
use crate::reports::input::ReportInput;
use crate::web::form::{FieldErrors, HtmlForm, textarea};
use crate::web::layout::{csrf_field, page};

/// `/reports/import`
pub fn routes() -> Router<AppState> {
    Router::new().route("/reports/import", get(show_import).post(parse_import))
}

/// The paste form.
async fn show_import(ctx: Ctx, RequireEditor(_): RequireEditor) -> Markup {
    import_page(&ctx, "", &FieldErrors::default())
}

fn import_page(ctx: &Ctx, text: &str, errors: &FieldErrors) -> Markup {
    page(
        ctx,
        "블로그 글 가져오기",
        html! {
            h1 { "블로그 글 가져오기 " span.en { "Import a blog post" } }
            p { "게시된 탐방 후기의 글을 통째로 붙여 넣으세요. 제목, 작성자, 작성일, 탐방 일시, 참가자 수, 사진 출처를 찾아 보고서 양식에 채워 드립니다. 저장 전에 확인하고 고칠 수 있습니다." }
            form.stacked method="post" action="/reports/import" {
                (csrf_field(ctx))
                (textarea("글 내용", "text", text, errors))
                div { button type="submit" { "읽어 오기" } }
            }
        },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PasteInput {
    text: String,
}

/// The report form a parsed post fills in, and the notes that say where each value came from.
pub fn prefill(parsed: &ParsedPost) -> (ReportInput, Vec<String>) {
    let mut notes = Vec::new();
    let mut input = ReportInput {
        title: parsed.title.clone().unwrap_or_default(),
        author: parsed.author.clone().unwrap_or_default(),
        published_on: parsed
            .published_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
        body: parsed.body.clone(),
        state: "draft".into(),
        ..Default::default()
    };
    if let Some(v) = &parsed.visited_at {
        input.visit_date = v.value.date().to_string();
        input.visit_time = v.value.format("%H:%M").to_string();
        notes.push(format!(
            "탐방 일시 {} — 근거: ‘{}’ (확신도 {:.0}%){}",
            v.value.format("%Y-%m-%d %H:%M"),
            v.evidence,
            v.confidence * 100.0,
            v.note
                .as_ref()
                .map(|n| format!(", {n}"))
                .unwrap_or_default()
        ));
    }
    if let Some(c) = &parsed.participant_count {
        input.participant_count = c.value.to_string();
        notes.push(format!("참가자 {}명 — 근거: ‘{}’", c.value, c.evidence));
    }
    if !parsed.photos.is_empty() {
        input.photos = parsed
            .photos
            .iter()
            .map(|p| match &p.credit {
                Some(c) => format!("{} | {c}", p.caption),
                None => p.caption.clone(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        notes.push(format!(
            "사진 설명 {}개를 찾았습니다 (사진출처는 크레딧으로).",
            parsed.photos.len()
        ));
    }
    if !parsed.dropped_lines.is_empty() {
        notes.push(format!(
            "페이지 머리글로 보고 뺀 줄: {}",
            parsed.dropped_lines.join(" / ")
        ));
    }
    (input, notes)
}

/// Parses the pasted text and shows the pre-filled report form (nothing saved yet).
async fn parse_import(
    ctx: Ctx,
    RequireEditor(_): RequireEditor,
    HtmlForm(paste): HtmlForm<PasteInput>,
) -> Markup {
    if paste.text.trim().is_empty() {
        let mut errors = FieldErrors::default();
        errors.add("text", "붙여 넣은 글이 없습니다.");
        return import_page(&ctx, "", &errors);
    }
    let parsed = parse_post(&paste.text);
    let (input, notes) = prefill(&parsed);
    report_form_page(
        &ctx,
        &ReportForm {
            input: &input,
            errors: &FieldErrors::default(),
            editing: None,
            conflict: None,
            notes: &notes,
        },
    )
}
