//! Admin pages. Every handler takes `RequireAdmin`; the write routes are also in the policy.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use maud::Markup;
use sea_orm::EntityTrait;
use serde::Deserialize;

use crate::admin::views::{self, NewUserForm};
use crate::app::AppState;
use crate::audit::queries::{RecentFilter, recent};
use crate::auth::extract::{Ctx, RequireAdmin};
use crate::auth::users;
use crate::domain::{Email, Role};
use crate::entities::user;
use crate::error::{AppError, AppResult};
use crate::web::form::HtmlForm;
use crate::web::slug_path::IdPath;

/// `/admin…`
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(show_admin))
        .route("/admin/users", get(list_users).post(create_user))
        .route("/admin/users/{id}/role", post(set_role))
        .route("/admin/audit", get(list_changes))
}

/// The admin index.
async fn show_admin(ctx: Ctx, RequireAdmin(_): RequireAdmin) -> Markup {
    views::admin_index(&ctx)
}

/// Users and their roles.
async fn list_users(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireAdmin(_): RequireAdmin,
) -> AppResult<Markup> {
    let users = users::list(&state.db).await?;
    Ok(views::users_page(&ctx, &users, &NewUserForm::default()))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NewUserInput {
    email: String,
    display_name: String,
    role: String,
    password: String,
}

/// Creates a user with a first password.
async fn create_user(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireAdmin(admin): RequireAdmin,
    HtmlForm(input): HtmlForm<NewUserInput>,
) -> AppResult<Response> {
    let mut form = NewUserForm {
        email: input.email.trim().to_string(),
        display_name: input.display_name.trim().to_string(),
        role: input.role.clone(),
        ..Default::default()
    };
    let email = Email::parse(&input.email)
        .map_err(|e| form.errors.add("email", e.to_string()))
        .ok();
    let role = input
        .role
        .parse::<Role>()
        .map_err(|_| form.errors.add("role", "역할을 고르세요."))
        .ok();
    if let Err(msg) = users::check_new_password(&input.password) {
        form.errors.add("password", msg);
    }
    if let (Some(email), Some(role), true) = (email, role, form.errors.is_empty()) {
        let name = Some(form.display_name.clone()).filter(|n| !n.is_empty());
        match users::create(
            &state.db,
            &admin.actor(),
            &email,
            name,
            role,
            &input.password,
        )
        .await
        {
            Ok(_) => return Ok(Redirect::to("/admin/users").into_response()),
            Err(AppError::BadRequest(msg)) => form.errors.add("email", msg),
            Err(e) => return Err(e),
        }
    }
    let users = users::list(&state.db).await?;
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        views::users_page(&ctx, &users, &form),
    )
        .into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RoleInput {
    role: String,
}

/// Changes a user's role. An admin cannot demote themself (someone must stay admin).
async fn set_role(
    State(state): State<AppState>,
    RequireAdmin(admin): RequireAdmin,
    IdPath(id): IdPath,
    HtmlForm(input): HtmlForm<RoleInput>,
) -> AppResult<Redirect> {
    let role = input
        .role
        .parse::<Role>()
        .map_err(|_| AppError::BadRequest("알 수 없는 역할입니다.".into()))?;
    let target = user::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if target.id == admin.id && role != Role::Admin {
        return Err(AppError::BadRequest(
            "자기 자신의 관리자 역할은 내릴 수 없습니다.".into(),
        ));
    }
    users::set_role(&state.db, &admin.actor(), target, role).await?;
    Ok(Redirect::to("/admin/users"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ChangesQuery {
    user: String,
    from: String,
    to: String,
}

/// Recent changes across the app, filterable by user and date.
async fn list_changes(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireAdmin(_): RequireAdmin,
    Query(q): Query<ChangesQuery>,
) -> AppResult<Markup> {
    let date = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let filter = RecentFilter {
        user_id: q.user.trim().parse().ok(),
        from: date(&q.from),
        to: date(&q.to),
    };
    let rows = recent(&state.db, &filter, 200).await?;
    let users = users::list(&state.db).await?;
    Ok(views::changes_page(&ctx, &rows, &users, &filter))
}
