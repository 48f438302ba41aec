//! The one page shell every HTML page goes through, and the error pages.

use axum::http::StatusCode;
use maud::{DOCTYPE, Markup, html};

use crate::domain::EntryKind;

/// Wraps `body` in the site's layout: head, navigation, footer.
pub fn page(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="ko" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · 탐방 Tambang" }
                link rel="stylesheet" href=(crate::web::assets::STYLESHEET_PATH);
            }
            body {
                header.site {
                    a.brand href="/" { "탐방" span.en { "Tambang" } }
                    nav aria-label="주요 메뉴" {
                        @for kind in EntryKind::ALL {
                            a href={ "/" (kind.plural()) } { (kind.label_ko()) }
                        }
                        a href="/reports" { "탐방 보고서" }
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

/// A styled error page; details never reach the user (they are logged by the caller).
pub fn error_page(status: StatusCode) -> Markup {
    let (title, message) = match status {
        StatusCode::NOT_FOUND => (
            "페이지를 찾을 수 없습니다",
            "주소가 바뀌었거나 삭제된 항목일 수 있습니다. (Not found)",
        ),
        StatusCode::BAD_REQUEST => (
            "잘못된 요청입니다",
            "입력한 주소나 값을 확인해 주세요. (Bad request)",
        ),
        _ => (
            "일시적인 오류가 발생했습니다",
            "잠시 후 다시 시도해 주세요. 문제가 계속되면 관리자에게 알려 주세요. (Internal error)",
        ),
    };
    page(
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
