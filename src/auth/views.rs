//! Views for sign-in and the account page.

use maud::{Markup, html};

use crate::auth::extract::Ctx;
use crate::entities::api_token;
use crate::web::form::{FieldErrors, input};
use crate::web::format::in_korea;
use crate::web::layout::{csrf_field, page};

/// What the sign-in form shows again after a failed attempt.
#[derive(Debug, Default)]
pub struct LoginForm {
    pub email: String,
    pub next: String,
    pub errors: FieldErrors,
    pub notice: Option<String>,
}

/// `GET /login`
pub fn login_page(ctx: &Ctx, form: &LoginForm) -> Markup {
    page(
        ctx,
        "로그인",
        html! {
            h1 { "로그인 " span.en { "Sign in" } }
            @if let Some(n) = &form.notice { p.notice.warn role="alert" { (n) } }
            form.stacked method="post" action="/login" {
                (csrf_field(ctx))
                input type="hidden" name="next" value=(form.next);
                (input("이메일 (E-mail)", "email", "email", &form.email, &form.errors))
                (input("비밀번호 (Password)", "password", "password", "", &form.errors))
                div { button type="submit" { "로그인" } }
            }
        },
    )
}

/// What the account page shows besides the user.
#[derive(Debug, Default)]
pub struct AccountPage {
    pub tokens: Vec<api_token::Model>,
    pub password_errors: FieldErrors,
    pub token_errors: FieldErrors,
    pub token_name: String,
    pub notice: Option<String>,
    /// A token just created: shown this once.
    pub new_token: Option<String>,
}

/// `GET /account`
pub fn account_page(ctx: &Ctx, p: &AccountPage) -> Markup {
    let Some(user) = &ctx.user else {
        return html! {};
    };
    let can_tokens = user.role.rank() >= crate::domain::Role::Editor.rank();
    page(
        ctx,
        "내 계정",
        html! {
            h1 { "내 계정 " span.en { "Account" } }
            @if let Some(n) = &p.notice { p.notice role="status" { (n) } }
            dl.facts {
                dt { "이메일" } dd { (user.email) }
                @if let Some(name) = &user.display_name { dt { "이름" } dd { (name) } }
                dt { "역할" } dd { (user.role.label_ko()) " (" (user.role.label_en()) ")" }
            }
            h2 { "비밀번호 바꾸기 " span.en { "Change password" } }
            p.muted { "바꾸면 다른 기기에서는 모두 로그아웃됩니다." }
            form.stacked method="post" action="/account/password" {
                (csrf_field(ctx))
                (input("지금 비밀번호", "current", "password", "", &p.password_errors))
                (input("새 비밀번호 (10자 이상)", "new", "password", "", &p.password_errors))
                (input("새 비밀번호 확인", "confirm", "password", "", &p.password_errors))
                div { button type="submit" { "비밀번호 바꾸기" } }
            }
            @if can_tokens {
                h2 { "API 토큰 " span.en { "API tokens" } }
                p.muted { "스크립트에서 " code { "Authorization: Bearer 토큰" } " 헤더로 /api/v1 을 쓸 수 있습니다. 토큰은 만들 때 한 번만 보입니다." }
                @if let Some(secret) = &p.new_token {
                    div.notice role="status" {
                        p { "새 토큰입니다. 지금 복사해 두세요. 다시 볼 수 없습니다." }
                        code.secret { (secret) }
                    }
                }
                @if !p.tokens.is_empty() {
                    table {
                        thead { tr { th { "이름" } th { "만든 때" } th { "마지막 사용" } th { "상태" } } }
                        tbody {
                            @for t in &p.tokens {
                                tr {
                                    td { (t.name) }
                                    td { (in_korea(t.created_at).format("%Y-%m-%d %H:%M")) }
                                    td { @if let Some(u) = t.last_used_at { (in_korea(u).format("%Y-%m-%d %H:%M")) } @else { "—" } }
                                    td {
                                        @if t.revoked_at.is_some() { "취소됨" } @else {
                                            form.inline method="post" action={ "/account/tokens/" (t.id) "/revoke" } {
                                                (csrf_field(ctx))
                                                button type="submit" { "취소하기" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                form.stacked method="post" action="/account/tokens" {
                    (csrf_field(ctx))
                    (input("새 토큰 이름 (예: 엑셀 연동)", "name", "text", &p.token_name, &p.token_errors))
                    div { button type="submit" { "토큰 만들기" } }
                }
            }
        },
    )
}
