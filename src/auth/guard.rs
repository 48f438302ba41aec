//! The guard every request passes through (installed on the whole router): it resolves the
//! user from the session cookie or a bearer token, issues the CSRF cookie, and for every
//! state-changing request enforces `policy::WRITE_ROUTES`, the body size limit and the CSRF
//! check — so no handler can forget them.

use std::net::SocketAddr;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use crate::app::AppState;
use crate::auth::cookies;
use crate::auth::crypto::{constant_time_eq, random_token};
use crate::auth::extract::{Ctx, SessionUser, deny};
use crate::auth::policy;
use crate::auth::{sessions, tokens, upload_token};
use crate::domain::Role;
use crate::entities::user;
use crate::error::AppError;
use crate::web::lang;

fn session_user(u: user::Model, session: Option<String>) -> SessionUser {
    SessionUser {
        id: u.id,
        role: u.role.parse().unwrap_or(Role::Viewer),
        email: u.email,
        display_name: u.display_name,
        session,
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// True when a raw or percent-encoded NUL is in `s`.
fn has_nul(s: &str) -> bool {
    s.contains('\0') || s.as_bytes().windows(3).any(|w| w == b"%00")
}

fn error_for(path: &str, err: AppError) -> Response {
    if path.starts_with("/api/") {
        err.into_json_response()
    } else {
        err.into_response()
    }
}

/// The middleware function (see the module doc).
pub async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    // A NUL character is never meaningful in Tambang's text, and PostgreSQL cannot store or
    // compare one ("invalid byte sequence"): refuse it in the address up front.
    if has_nul(req.uri().query().unwrap_or_default()) || has_nul(&path) {
        return error_for(
            &path,
            AppError::BadRequest(
                "주소에 쓸 수 없는 문자(NUL, %00)가 있습니다 (the address contains a NUL character)"
                    .into(),
            ),
        );
    }
    let client_ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string());

    // 1. Who is asking.
    let mut clear_session = false;
    let via_bearer = bearer(req.headers()).map(str::to_string);
    let user = if let Some(secret) = &via_bearer {
        match tokens::authenticate(&state.db, secret).await {
            Ok(Some(u)) => Some(session_user(u, None)),
            Ok(None) => {
                let err = crate::error::json_error(
                    axum::http::StatusCode::UNAUTHORIZED,
                    "invalid_token",
                    "토큰이 없거나 취소되었습니다 (invalid or revoked token)",
                );
                return err;
            }
            Err(e) => return error_for(&path, e),
        }
    } else if let Some(sid) = cookies::read(req.headers(), cookies::SESSION) {
        match sessions::load(&state.db, &sid, Utc::now()).await {
            Ok(Some((s, u))) => Some(session_user(u, Some(s.id_hash))),
            Ok(None) => {
                clear_session = true;
                None
            }
            Err(e) => return error_for(&path, e),
        }
    } else {
        None
    };

    // 2. The CSRF token (double-submit cookie), issued on first contact.
    let existing =
        cookies::read(req.headers(), cookies::CSRF).filter(|t| cookies::is_well_formed(t));
    let (csrf, issue_csrf) = match existing {
        Some(t) => (t, false),
        None => match random_token() {
            Ok(t) => (t, true),
            Err(e) => return error_for(&path, e),
        },
    };

    // 3. Writes: a rule must exist, the role must suffice, the body must fit, and browser
    //    requests must repeat the CSRF token.
    if !policy::is_safe(req.method()) {
        let matched = req
            .extensions()
            .get::<MatchedPath>()
            .map(|m| m.as_str().to_string());
        let Some(rule) = matched
            .as_deref()
            .and_then(|m| policy::lookup(req.method(), m))
        else {
            if matched.is_some() {
                // Either the route has no such method, or someone added a write route without
                // deciding who may use it: refuse both.
                tracing::warn!(%path, method = %req.method(), "no write policy for this route (policy::WRITE_ROUTES)");
                return error_for(&path, AppError::MethodNotAllowed);
            }
            return error_for(&path, AppError::NotFound);
        };
        if rule.access.min_rank() > 0
            && !user
                .as_ref()
                .is_some_and(|u| u.has_rank(rule.access.min_rank()))
        {
            return deny(&path, user.as_ref(), None);
        }
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > rule.max_body as u64) {
            return error_for(&path, AppError::TooLarge(rule.max_body));
        }
        let (parts, body) = req.into_parts();
        let matches = |submitted: Option<&str>| {
            !issue_csrf && submitted.is_some_and(|s| constant_time_eq(s, &csrf))
        };
        let csrf_ok = |body: &[u8]| {
            via_bearer.is_some() || matches(submitted_csrf(&parts.headers, body).as_deref())
        };
        let body = if rule.streamed && !carries_token(&parts.headers) {
            // An upload: its token is a header, or the form's first field, read before the
            // rest (`upload_token`); the route reads the body within the limit.
            let body = if csrf_ok(&[]) {
                body
            } else {
                let taken = match upload_token::boundary(&parts.headers) {
                    Some(boundary) => upload_token::take(body, &boundary).await,
                    None => None,
                };
                match taken {
                    Some((token, body)) if matches(Some(&token)) => body,
                    _ => return error_for(&path, AppError::Csrf),
                }
            };
            Body::new(http_body_util::Limited::new(body, rule.max_body))
        } else {
            let bytes = match to_bytes(body, rule.max_body).await {
                Ok(b) => b,
                Err(_) => return error_for(&path, AppError::TooLarge(rule.max_body)),
            };
            if !csrf_ok(&bytes) {
                return error_for(&path, AppError::Csrf);
            }
            Body::from(bytes)
        };
        req = Request::from_parts(parts, body);
    }

    let secure = state.settings.secure_cookies || cookies::request_is_https(req.headers());
    let chosen_lang = lang::from_query(req.uri().query());
    let lang = chosen_lang.unwrap_or_else(|| lang::negotiate(req.headers()));
    let query = req.uri().query().unwrap_or_default().to_string();
    req.extensions_mut().insert(Ctx {
        user,
        csrf: csrf.clone(),
        client_ip,
        lang,
        query,
    });
    let mut response = next.run(req).await;
    if issue_csrf {
        response.headers_mut().append(
            header::SET_COOKIE,
            cookies::set(cookies::CSRF, &csrf, secure),
        );
    }
    if let Some(l) = chosen_lang {
        response.headers_mut().append(
            header::SET_COOKIE,
            cookies::set(lang::COOKIE, l.tag(), secure),
        );
    }
    if clear_session && !response.headers().contains_key(header::SET_COOKIE) {
        response
            .headers_mut()
            .append(header::SET_COOKIE, cookies::clear(cookies::SESSION));
    }
    response
}

/// True when the body may carry the CSRF token: an URL-encoded form.
fn carries_token(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
}

/// The token a request submits: the `X-CSRF-Token` header or a URL-encoded form's `csrf`
/// field (an upload's is read by `upload_token`). Never the query string: a token in a URL
/// stays in logs and history.
fn submitted_csrf(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    if let Some(h) = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        return Some(h.to_string());
    }
    if !carries_token(headers) {
        return None;
    }
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v)
}

/// Adds the security headers to every response.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
