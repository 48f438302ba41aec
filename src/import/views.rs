//! Pages of the import wizard: upload, detection + mapping + preview, and the result.

use maud::{Markup, html};

use crate::auth::extract::Ctx;
use crate::entities::{import, import_row_error};
use crate::import::apply::ImportReport;
use crate::import::map::{FIELDS, Mapping};
use crate::web::layout::{csrf_field, page};

/// The largest file the wizard accepts, in MiB (stated on the form).
pub const UPLOAD_MIB: usize = 20;

/// What the upload form shows: the values chosen with the file, and why the file was refused.
#[derive(Debug, Clone)]
pub struct UploadForm {
    pub source: String,
    pub cert_type: String,
    pub error: Option<String>,
}

impl Default for UploadForm {
    fn default() -> Self {
        UploadForm {
            source: String::new(),
            cert_type: crate::domain::CertType::General.as_str().to_string(),
            error: None,
        }
    }
}

/// Step 1: choose a file.
pub fn upload_page(ctx: &Ctx, form: &UploadForm) -> Markup {
    let failed = form.error.is_some();
    page(
        ctx,
        "목록 가져오기",
        html! {
            h1 { "기업 목록 가져오기 " span.en { "Import an enterprise list" } }
            p { "CSV·TSV 파일 (UTF-8, UTF-8 BOM, UTF-16, CP949/EUC-KR), 최대 " (UPLOAD_MIB) "MB. 엑셀 통합 문서(.xlsx)는 첫 시트를 읽습니다 (an .xlsx workbook: its first sheet)." }
            form.stacked method="post" enctype="multipart/form-data" action="/imports" {
                // First: the guard reads an upload's token from its first field.
                (csrf_field(ctx))
                div class=[failed.then_some("field-error")] {
                    label for="f-file" { "파일 "
                        input id="f-file" type="file" name="file" required
                            aria-invalid=[failed.then_some("true")]
                            aria-describedby=[failed.then_some("f-file-error")];
                    }
                    @if let Some(e) = &form.error {
                        span.error-text id="f-file-error" role="alert" { (e) }
                        span.muted { " " (ctx.t("파일을 다시 골라 주세요. 목록 이름과 유형은 그대로 있습니다.", "Choose the file again; the list's name and type are kept.")) }
                    }
                }
                label for="f-source" { "목록 이름 (source, 같은 목록의 새 판과 비교) " input id="f-source" type="text" name="source" value=(form.source); }
                label for="f-cert-type" { "유형이 없는 행의 기업 유형 "
                    select id="f-cert-type" name="cert_type" {
                        @for t in crate::domain::CertType::ALL {
                            option value=(t.as_str()) selected[t.as_str() == form.cert_type] { (t.label_ko()) }
                        }
                    }
                }
                div { button type="submit" { "올리기 (Upload)" } }
            }
        },
    )
}

/// An import record's status as users read it. "running" is also what an import that was
/// killed mid-way leaves behind (its changes rolled back).
pub fn status_label(status: &str) -> String {
    match status {
        "staged" => "미리보기 중 (staged)".into(),
        "running" => "끝나지 않음 — 진행 중이거나 중단되어 반영되지 않음 (not finished)".into(),
        "applied" => "반영됨 (applied)".into(),
        "rejected" => "반영하지 않음: 오류 행이 있어 strict 모드로 중단 (rejected)".into(),
        other => other.to_string(),
    }
}

/// Step 2–3: what was detected, the mapping form, the preview and the apply button.
pub fn staged_page(ctx: &Ctx, rec: &import::Model, report: &ImportReport) -> Markup {
    page(
        ctx,
        "가져오기 미리보기",
        html! {
            h1 { "미리보기 " span.en { "Preview" } " — " (rec.file_name) }
            @if let Some(sheet) = &report.sheet {
                p { "엑셀 시트 (sheet) " strong { (sheet) } " · 머리글 " strong { (report.header_line) "행" } }
            } @else {
                p { "인코딩 " strong { (report.encoding) } " · 구분자 " strong { (report.delimiter) } " · 머리글 " strong { (report.header_line) "행" } }
            }
            @if let Some(m) = &report.mapping { (mapping_form(ctx, rec.id, m)) }
            (counts(report))
            h2 { "처음 행들 (first rows)" }
            table {
                thead { tr { th { "행" } th { "이름" } th { "결과" } th { "내용" } } }
                tbody { @for p in &report.preview { tr { td { (p.line) } td { (p.name) } td { (p.outcome) } td { (p.detail) @if let Some(w) = &p.warning { br; strong.warning { "⚠ " (w) } } } } } }
            }
            (errors(report.errors.iter().map(|e| (e.line, e.column.clone(), e.value.clone(), e.reason.clone()))))
            form method="post" action={ "/imports/" (rec.id) "/apply" } {
                (csrf_field(ctx))
                label { input type="checkbox" name="strict" value="1"; " 오류가 있으면 아무것도 반영하지 않기 (strict)" }
                label { input type="checkbox" name="close_missing" value="1"; " 이번 판에 없는 기업을 '종료'로 표시 (mark missing as closed)" }
                button type="submit" { "반영하기 (Apply)" }
            }
        },
    )
}

fn mapping_form(ctx: &Ctx, id: i64, m: &Mapping) -> Markup {
    html! {
        h2 { "열 연결 (column mapping)" }
        form method="post" action={ "/imports/" (id) "/mapping" } {
            (csrf_field(ctx))
            table {
                @for (i, h) in m.headers.iter().enumerate() {
                    @let current = m.fields.get(i).copied().flatten().unwrap_or("");
                    tr {
                        td { label for={ "col-" (i) } { (h) } }
                        td {
                            select id={ "col-" (i) } name={ "col_" (i) } {
                                option value="" selected[current.is_empty()] { "(그대로 보관 · extra)" }
                                @for (f, label) in FIELDS {
                                    option value=(f) selected[*f == current] { (label) " (" (f) ")" }
                                }
                            }
                        }
                    }
                }
            }
            button type="submit" { "연결 바꾸고 다시 보기 (Update preview)" }
        }
    }
}

fn counts(r: &ImportReport) -> Markup {
    html! {
        table.counts {
            tr { th { "전체 행" } td { (r.total) } }
            tr { th { "새 기업 (new)" } td { (r.new) } }
            tr { th { "바뀜 (update)" } td { (r.updated) } }
            tr { th { "그대로 (unchanged)" } td { (r.unchanged) } }
            tr { th { "충돌 (conflict)" } td { (r.conflict) } }
            tr { th { "거부 (rejected)" } td { (r.rejected) } }
            tr { th { "건너뜀 (blank/subtotal)" } td { (r.skipped) } }
            @if !r.missing.is_empty() { tr { th { "이전 판에만 있음 (missing)" } td { (r.missing.len()) } } }
        }
        @if !r.missing.is_empty() {
            p { "이전 판에 있었지만 이번 판에 없는 기업: " @for (i, (_, n)) in r.missing.iter().enumerate() { @if i > 0 { ", " } (n) } }
        }
    }
}

fn errors(rows: impl Iterator<Item = (u64, Option<String>, Option<String>, String)>) -> Markup {
    html! {
        h2 { "오류 (errors)" }
        table {
            thead { tr { th { "행" } th { "열" } th { "값" } th { "사유" } } }
            tbody {
                @for (line, col, val, reason) in rows {
                    tr { td { (line) } td { (col.unwrap_or_default()) } td { (val.unwrap_or_default()) } td { (reason) } }
                }
            }
        }
    }
}

/// The result of an applied (or strictly rejected) import.
pub fn result_page(ctx: &Ctx, rec: &import::Model, errs: &[import_row_error::Model]) -> Markup {
    let r = ImportReport {
        total: rec.rows_total as usize,
        new: rec.rows_new as usize,
        updated: rec.rows_updated as usize,
        unchanged: rec.rows_unchanged as usize,
        conflict: rec.rows_conflict as usize,
        rejected: rec.rows_rejected as usize,
        ..Default::default()
    };
    page(
        ctx,
        "가져오기 결과",
        html! {
            h1 { "가져오기 결과 " span.en { "Import result" } " — " (rec.file_name) }
            p { "상태 " strong { (status_label(&rec.status)) } " · 인코딩 " (rec.encoding.clone().unwrap_or_default()) }
            (counts(&r))
            @if !errs.is_empty() {
                p { a href={ "/imports/" (rec.id) "/rejected.csv" } { "거부된 행 CSV 내려받기 (rejected rows, CSV)" } }
            }
            (errors(errs.iter().map(|e| (u64::try_from(e.line).unwrap_or(0), e.column_name.clone(), e.value.clone(), e.reason.clone()))))
            p { a href="/imports/new" { "다른 파일 가져오기" } }
        },
    )
}
