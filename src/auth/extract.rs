//! What a handler knows about the request's user. The guard middleware resolves it once per
//! request; handlers take `Ctx` (anyone) or `RequireUser` / `RequireEditor` / `RequireAdmin`,
//! whose rejection is a redirect to the sign-in page (HTML), a 401 (API) or a 403.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use crate::audit::Actor;
use crate::domain::Role;
use crate::error::{AppError, json_error};

/// A signed-in user (by session cookie or API token).
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub id: i64,
    pub email: String,
    pub display_name: Option<String>,
    pub role: Role,
    /// The session's id hash, when signed in through the browser.
    pub session: Option<String>,
}

impl SessionUser {
    /// The audit trail's name for this user.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.id),
            name: self.email.clone(),
        }
    }
    /// True when the user's role reaches `rank` (see `Role::rank`).
    pub fn has_rank(&self, rank: u8) -> bool {
        self.role.rank() >= rank
    }
}

/// The request context every page needs: the user, if any, the CSRF token for forms and the
/// client's address.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub user: Option<SessionUser>,
    pub csrf: String,
    pub client_ip: String,
    /// The interface language.
    pub lang: crate::web::lang::Lang,
    /// The request's query string (without `?`), for links back to the same page such as the
    /// language switch.
    pub query: String,
}

impl Ctx {
    /// Nobody signed in and no form token (error pages).
    pub fn anonymous() -> Self {
        Ctx {
            user: None,
            csrf: String::new(),
            client_ip: "unknown".into(),
            lang: crate::web::lang::Lang::Ko,
            query: String::new(),
        }
    }
    /// Picks Korean or English text for this request.
    pub fn t<'a>(&self, ko: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(ko, en)
    }

    /// A day in this request's language (`web::format::date_in`).
    pub fn date(&self, d: chrono::NaiveDate) -> String {
        crate::web::format::date_in(self.lang, d)
    }

    /// A day and time in this request's language (`web::format::datetime_in`).
    pub fn datetime(&self, dt: chrono::NaiveDateTime) -> String {
        crate::web::format::datetime_in(self.lang, dt)
    }

    /// A count of people: 7명, or 7 people.
    pub fn people(&self, n: impl std::fmt::Display) -> String {
        match self.lang {
            crate::web::lang::Lang::Ko => format!("{n}명"),
            crate::web::lang::Lang::En => format!("{n} people"),
        }
    }

    /// True for editors and admins.
    pub fn can_edit(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.has_rank(Role::Editor.rank()))
    }

    /// True for admins.
    pub fn is_admin(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.has_rank(Role::Admin.rank()))
    }

    /// True when contact details (phone, e-mail, named people) may be shown.
    pub fn can_see_contacts(&self) -> bool {
        self.user.is_some()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or_else(|| {
            AppError::internal("request context missing: guard middleware not installed")
        })
    }
}

/// The response for a request that lacks the needed role.
pub fn deny(parts_path: &str, user: Option<&SessionUser>, next: Option<&str>) -> Response {
    let api = parts_path.starts_with("/api/");
    match (user, api) {
        (None, true) => {
            let mut r = json_error(
                axum::http::StatusCode::UNAUTHORIZED,
                "unauthorized",
                "로그인이 필요합니다. Authorization: Bearer 토큰을 보내 주세요.",
            );
            r.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
            r
        }
        (None, false) => {
            let target = match next {
                Some(n) => format!("/login?next={}", crate::web::url::encode_component(n)),
                None => "/login".to_string(),
            };
            Redirect::to(&target).into_response()
        }
        (Some(_), true) => AppError::Forbidden.into_json_response(),
        (Some(_), false) => AppError::Forbidden.into_response(),
    }
}

async fn require(parts: &mut Parts, rank: u8) -> Result<SessionUser, Response> {
    let ctx = parts.extensions.get::<Ctx>().cloned().ok_or_else(|| {
        AppError::internal("request context missing: guard middleware not installed")
            .into_response()
    })?;
    match ctx.user {
        Some(u) if u.has_rank(rank) => Ok(u),
        other => {
            // Inside a nested router `parts.uri` lacks the prefix (`/api/v1`): use the original.
            let uri = parts
                .extensions
                .get::<axum::extract::OriginalUri>()
                .map_or_else(|| parts.uri.clone(), |o| o.0.clone());
            let path = uri.path().to_string();
            let next = uri.path_and_query().map(|pq| pq.as_str().to_string());
            Err(deny(&path, other.as_ref(), next.as_deref()))
        }
    }
}

macro_rules! require_extractor {
    ($(#[$doc:meta])* $name:ident, $rank:expr) => {
        $(#[$doc])*
        pub struct $name(pub SessionUser);

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = Response;

            async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
                require(parts, $rank).await.map($name)
            }
        }
    };
}

require_extractor!(
    /// Any signed-in user.
    RequireUser,
    Role::Viewer.rank()
);
require_extractor!(
    /// An editor or an admin.
    RequireEditor,
    Role::Editor.rank()
);
require_extractor!(
    /// An admin.
    RequireAdmin,
    Role::Admin.rank()
);
