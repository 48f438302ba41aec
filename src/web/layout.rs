//! The one page shell every HTML page goes through, and the error pages.

use axum::http::StatusCode;
use maud::{DOCTYPE, Markup, Render, html};

use crate::auth::extract::Ctx;
use crate::domain::EntryKind;
use crate::error::AppError;
use crate::web::lang::{Lang, switch_href};

/// The hidden CSRF field every form carries.
pub fn csrf_field(ctx: &Ctx) -> Markup {
    html! { input type="hidden" name="csrf" value=(ctx.csrf); }
}

/// Wraps `body` in the site's layout: head, navigation (with the signed-in user), footer.
/// `body` is anything maud renders: built markup, or kept HTML as `PreEscaped(&str)`, which is
/// then copied once, into the page.
pub fn page(ctx: &Ctx, title: &str, body: impl Render) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · 탐방 Tambang" }
                link rel="stylesheet" href=(crate::web::assets::stylesheet_path());
            }
            body {
                header.site {
                    a.brand href="/" { "탐방" span.en { "Tambang" } }
                    nav aria-label=(ctx.t("주요 메뉴", "Main menu")) {
                        @for kind in EntryKind::ALL {
                            a href={ "/" (kind.plural()) } { (ctx.t(kind.label_ko(), kind.label_en())) }
                        }
                        a href="/reports" { (ctx.t("탐방 보고서", "Reports")) }
                        a href="/visits" { (ctx.t("방문 관계", "Visits")) }
                        a href="/compare" { (ctx.t("비교", "Compare")) }
                    }
                    (crate::search::views::search_form(ctx, "site-q", ""))
                    div.account {
                        @if let Some(user) = &ctx.user {
                            a href="/account" { (user.email) } " " span.muted { (ctx.t(user.role.label_ko(), user.role.label_en())) }
                            @if user.role == crate::domain::Role::Admin { " " a href="/admin" { (ctx.t("관리", "Admin")) } }
                            form.inline method="post" action="/logout" {
                                (csrf_field(ctx))
                                button type="submit" { (ctx.t("로그아웃", "Sign out")) }
                            }
                        } @else {
                            a href="/login" { (ctx.t("로그인", "Sign in")) }
                        }
                        " "
                        @if ctx.lang == Lang::Ko {
                            a href=(switch_href(&ctx.query, Lang::En)) lang="en" hreflang="en" { "English" }
                        } @else {
                            a href=(switch_href(&ctx.query, Lang::Ko)) lang="ko" hreflang="ko" { "한국어" }
                        }
                    }
                }
                main { (body) }
                footer.site {
                    p { "탐방 Tambang — 사회적경제 디렉터리와 현장 탐방 기록 · directory and field-visit log of the social economy" }
                }
            }
        }
    }
}

/// A styled error page; internal details never reach the user (they are logged).
pub fn error_page(status: StatusCode, err: &AppError) -> Markup {
    let too_large;
    let (title, message): (&str, &str) = match err {
        AppError::NotFound => (
            "페이지를 찾을 수 없습니다",
            "주소가 바뀌었거나 삭제된 항목일 수 있습니다. (Not found)",
        ),
        AppError::Csrf => (
            "보안 확인에 실패했습니다",
            "페이지를 새로 고친 뒤 다시 제출해 주세요. (CSRF token missing or invalid)",
        ),
        AppError::Forbidden => (
            "권한이 없습니다",
            "이 작업을 할 수 있는 역할이 아닙니다. (Forbidden)",
        ),
        AppError::TooLarge(limit) => {
            let max = crate::error::mib(*limit);
            too_large = format!(
                "보낸 내용이 너무 큽니다: 최대 {max}. 더 작은 파일로 다시 시도해 주세요. \
                 (Payload too large: at most {max})"
            );
            ("요청이 너무 큽니다", too_large.as_str())
        }
        AppError::BadRequest(msg) => ("잘못된 요청입니다", msg.as_str()),
        _ if status.is_client_error() => (
            "잘못된 요청입니다",
            "입력한 주소나 값을 확인해 주세요. (Bad request)",
        ),
        _ => (
            "일시적인 오류가 발생했습니다",
            "잠시 후 다시 시도해 주세요. 문제가 계속되면 관리자에게 알려 주세요. (Internal error)",
        ),
    };
    page(
        &Ctx::anonymous(),
        title,
        html! {
            section.error {
                h1 { (title) }
                p { (message) }
                p { a href="/" { "첫 화면으로 (Home)" } }
            }
        },
    )
}
