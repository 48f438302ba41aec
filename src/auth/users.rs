//! Accounts: creating users, roles and passwords. Every change is audited.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};

use crate::audit::{self, Actor};
use crate::auth::crypto::hash_password;
use crate::domain::{Email, Role};
use crate::entities::{session, user};
use crate::error::{AppError, AppResult};

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted (argon2 would take any length; this bounds the work).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Checks a new password against the policy; the message is shown next to the field.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        Err(format!(
            "비밀번호는 {MIN_PASSWORD_CHARS}자 이상이어야 합니다."
        ))
    } else if n > MAX_PASSWORD_CHARS {
        Err(format!(
            "비밀번호는 {MAX_PASSWORD_CHARS}자 이하여야 합니다."
        ))
    } else {
        Ok(())
    }
}

/// Hashes off the async threads (argon2 takes tens of milliseconds by design).
pub async fn hash_blocking(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(AppError::internal)?
}

/// The user with this e-mail, if any.
pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &Email,
) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?)
}

/// All users by e-mail.
pub async fn list(db: &impl ConnectionTrait) -> AppResult<Vec<user::Model>> {
    Ok(user::Entity::find()
        .order_by_asc(user::Column::Email)
        .all(db)
        .await?)
}

/// Number of users.
pub async fn count(db: &impl ConnectionTrait) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(user::Entity::find().count(db).await?)
}

/// Creates a user; a taken e-mail is a `BadRequest` with a readable message.
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    email: &Email,
    display_name: Option<String>,
    role: Role,
    password: &str,
) -> AppResult<user::Model> {
    check_new_password(password).map_err(AppError::BadRequest)?;
    if find_by_email(db, email).await?.is_some() {
        return Err(AppError::BadRequest(format!(
            "이미 등록된 이메일입니다: {email}"
        )));
    }
    let hash = hash_blocking(password.to_string()).await?;
    let now = Utc::now();
    let model = user::ActiveModel {
        email: Set(email.as_str().to_string()),
        display_name: Set(display_name),
        password_hash: Set(hash),
        role: Set(role.as_str().to_string()),
        disabled: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        password_changed_at: Set(Some(now)),
        last_login_at: Set(None),
        ..Default::default()
    };
    audit::insert(db, actor, model).await
}

/// Changes a user's role.
pub async fn set_role(
    db: &impl ConnectionTrait,
    actor: &Actor,
    before: user::Model,
    role: Role,
) -> AppResult<user::Model> {
    let mut model = before.clone().into_active_model();
    model.role = Set(role.as_str().to_string());
    model.updated_at = Set(Utc::now());
    audit::update(db, actor, &before, model).await
}

/// Sets a new password and signs the user out everywhere except `keep_session` (the
/// session that made the change, if any).
pub async fn set_password(
    db: &impl ConnectionTrait,
    actor: &Actor,
    before: user::Model,
    password: &str,
    keep_session: Option<&str>,
) -> AppResult<user::Model> {
    check_new_password(password).map_err(AppError::BadRequest)?;
    let hash = hash_blocking(password.to_string()).await?;
    let now = Utc::now();
    let mut model = before.clone().into_active_model();
    model.password_hash = Set(hash);
    model.password_changed_at = Set(Some(now));
    model.updated_at = Set(now);
    let row = audit::update(db, actor, &before, model).await?;
    let mut others = session::Entity::delete_many().filter(session::Column::UserId.eq(row.id));
    if let Some(keep) = keep_session {
        others = others.filter(session::Column::IdHash.ne(keep));
    }
    others.exec(db).await?;
    Ok(row)
}

/// Records a successful sign-in.
pub async fn touch_login(db: &impl ConnectionTrait, user: &user::Model) -> AppResult<()> {
    let mut model = user.clone().into_active_model();
    model.last_login_at = Set(Some(Utc::now()));
    model.update(db).await?;
    Ok(())
}
