//! Sign-in, sign-out and the account page (password, API tokens).

use crate::web::slug_path::IdPath;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::Markup;
use sea_orm::EntityTrait;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::crypto::{dummy_hash, random_token, verify_password};
use crate::auth::extract::{Ctx, RequireEditor, RequireUser};
use crate::auth::views::{AccountPage, LoginForm, account_page, login_page};
use crate::auth::{cookies, sessions, throttle, tokens, users};
use crate::domain::Email;
use crate::entities::user;
use crate::error::{AppError, AppResult};
use crate::web::form::HtmlForm;
use crate::web::url::safe_next;

/// `/login`, `/logout`, `/account…`
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(show_login).post(login))
        .route("/logout", post(logout))
        .route("/account", get(show_account))
        .route("/account/password", post(change_password))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

#[derive(Debug, Default, Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Shows the sign-in form.
async fn show_login(ctx: Ctx, Query(q): Query<NextQuery>) -> Markup {
    let form = LoginForm {
        next: safe_next(q.next.as_deref()),
        ..Default::default()
    };
    login_page(&ctx, &form)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LoginInput {
    email: String,
    password: String,
    next: Option<String>,
}

/// Checks the password (throttled) and starts a fresh session.
async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    HtmlForm(input): HtmlForm<LoginInput>,
) -> AppResult<Response> {
    let mut form = LoginForm {
        email: input.email.trim().to_string(),
        next: safe_next(input.next.as_deref()),
        ..Default::default()
    };
    let email = match Email::parse(&input.email) {
        Ok(e) => e,
        Err(e) => {
            form.errors.add("email", e.to_string());
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, login_page(&ctx, &form)).into_response());
        }
    };
    if input.password.is_empty() {
        form.errors.add("password", "비밀번호를 입력해 주세요.");
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, login_page(&ctx, &form)).into_response());
    }
    if throttle::is_blocked(&state.db, email.as_str(), &ctx.client_ip).await? {
        form.notice = Some(format!(
            "로그인 시도가 너무 많습니다. {}분 뒤에 다시 시도해 주세요. (Too many attempts)",
            throttle::WINDOW.num_minutes()
        ));
        return Ok((StatusCode::TOO_MANY_REQUESTS, login_page(&ctx, &form)).into_response());
    }
    let account = users::find_by_email(&state.db, &email).await?;
    let stored = account
        .as_ref()
        .map_or_else(|| dummy_hash().to_string(), |u| u.password_hash.clone());
    let password = input.password;
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .map_err(AppError::internal)?;
    let Some(account) = account.filter(|u| matches && !u.disabled) else {
        throttle::record_failure(&state.db, email.as_str(), &ctx.client_ip).await?;
        form.notice =
            Some("이메일 또는 비밀번호가 올바르지 않습니다. (Wrong e-mail or password)".into());
        return Ok((StatusCode::UNAUTHORIZED, login_page(&ctx, &form)).into_response());
    };
    throttle::clear(&state.db, email.as_str()).await?;
    start_session(&state, &ctx, &headers, &account, &form.next).await
}

/// A new session id at every sign-in (the old one, if any, is ended), and a new CSRF token.
async fn start_session(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    account: &user::Model,
    next: &str,
) -> AppResult<Response> {
    if let Some(old) = ctx.user.as_ref().and_then(|u| u.session.as_deref()) {
        sessions::delete(&state.db, old).await?;
    }
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let sid = sessions::create(&state.db, account, Some(ctx.client_ip.clone()), agent).await?;
    users::touch_login(&state.db, account).await?;
    let secure = state.settings.secure_cookies || cookies::request_is_https(headers);
    let mut response = Redirect::to(next).into_response();
    let h = response.headers_mut();
    h.append(
        header::SET_COOKIE,
        cookies::set(cookies::SESSION, &sid, secure),
    );
    h.append(
        header::SET_COOKIE,
        cookies::set(cookies::CSRF, &random_token()?, secure),
    );
    Ok(response)
}

/// Ends the current session.
async fn logout(
    State(state): State<AppState>,
    RequireUser(user): RequireUser,
) -> AppResult<Response> {
    if let Some(s) = &user.session {
        sessions::delete(&state.db, s).await?;
    }
    let mut response = Redirect::to("/").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookies::clear(cookies::SESSION));
    Ok(response)
}

async fn account_data(state: &AppState, user_id: i64) -> AppResult<AccountPage> {
    Ok(AccountPage {
        tokens: tokens::list(&state.db, Some(user_id)).await?,
        ..Default::default()
    })
}

/// The account page.
async fn show_account(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireUser(user): RequireUser,
) -> AppResult<Markup> {
    let page = account_data(&state, user.id).await?;
    Ok(account_page(&ctx, &page))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PasswordInput {
    current: String,
    new: String,
    confirm: String,
}

/// Changes the user's own password; other sessions end.
async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireUser(user): RequireUser,
    HtmlForm(input): HtmlForm<PasswordInput>,
) -> AppResult<Response> {
    let mut page = account_data(&state, user.id).await?;
    let account = user::Entity::find_by_id(user.id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = input.current.clone();
    let stored = account.password_hash.clone();
    let ok = tokio::task::spawn_blocking(move || verify_password(&current, &stored))
        .await
        .map_err(AppError::internal)?;
    if !ok {
        page.password_errors
            .add("current", "지금 비밀번호가 맞지 않습니다.");
    }
    if let Err(msg) = users::check_new_password(&input.new) {
        page.password_errors.add("new", msg);
    } else if input.new != input.confirm {
        page.password_errors
            .add("confirm", "새 비밀번호가 서로 다릅니다.");
    }
    if !page.password_errors.is_empty() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, account_page(&ctx, &page)).into_response());
    }
    users::set_password(
        &state.db,
        &user.actor(),
        account,
        &input.new,
        user.session.as_deref(),
    )
    .await?;
    page.notice = Some("비밀번호를 바꿨습니다. 다른 기기의 로그인은 모두 끝났습니다.".into());
    Ok(account_page(&ctx, &page).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TokenInput {
    name: String,
}

/// Creates an API token and shows its secret once.
async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(user): RequireEditor,
    HtmlForm(input): HtmlForm<TokenInput>,
) -> AppResult<Response> {
    let owner = user::Entity::find_by_id(user.id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    match tokens::create(&state.db, &user.actor(), &owner, &input.name).await {
        Ok((_, secret)) => {
            let mut page = account_data(&state, user.id).await?;
            page.new_token = Some(secret);
            Ok(account_page(&ctx, &page).into_response())
        }
        Err(AppError::BadRequest(msg)) => {
            let mut page = account_data(&state, user.id).await?;
            page.token_errors.add("name", msg);
            page.token_name = input.name;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, account_page(&ctx, &page)).into_response())
        }
        Err(e) => Err(e),
    }
}

/// Revokes one of the user's own tokens.
async fn revoke_token(
    State(state): State<AppState>,
    RequireEditor(user): RequireEditor,
    IdPath(id): IdPath,
) -> AppResult<Redirect> {
    tokens::revoke(&state.db, &user.actor(), id, Some(user.id)).await?;
    Ok(Redirect::to("/account"))
}
