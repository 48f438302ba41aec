//! API tokens for scripts: named, shown once, stored as a SHA-256, revocable.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};

use crate::audit::{self, Actor};
use crate::auth::crypto::{fingerprint, random_token};
use crate::entities::{api_token, user};
use crate::error::{AppError, AppResult};

/// Every token starts with this, so a leaked one is recognisable in logs and scanners.
pub const PREFIX: &str = "tambang_";

/// Creates a token for `owner`; returns the row and the secret (shown once, never stored).
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    owner: &user::Model,
    name: &str,
) -> AppResult<(api_token::Model, String)> {
    let name = crate::domain::text::clean_line(name);
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::BadRequest(
            "토큰 이름을 1~100자로 입력해 주세요.".into(),
        ));
    }
    let secret = format!("{PREFIX}{}", random_token()?);
    let model = api_token::ActiveModel {
        user_id: Set(owner.id),
        name: Set(name),
        token_hash: Set(fingerprint(&secret)),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    };
    let row = audit::insert(db, actor, model).await?;
    Ok((row, secret))
}

/// Tokens of one user (or of everyone), newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    owner: Option<i64>,
) -> AppResult<Vec<api_token::Model>> {
    let mut q = api_token::Entity::find();
    if let Some(uid) = owner {
        q = q.filter(api_token::Column::UserId.eq(uid));
    }
    Ok(q.order_by_desc(api_token::Column::CreatedAt)
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await?)
}

/// Revokes a token; `owner` restricts it to that user's tokens. Revoking twice is harmless.
pub async fn revoke(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    owner: Option<i64>,
) -> AppResult<api_token::Model> {
    let token = api_token::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if owner.is_some_and(|uid| uid != token.user_id) {
        return Err(AppError::NotFound);
    }
    if token.revoked_at.is_some() {
        return Ok(token);
    }
    let mut model = token.clone().into_active_model();
    model.revoked_at = Set(Some(Utc::now()));
    audit::update(db, actor, &token, model).await
}

/// The active user behind a bearer secret; records when the token was last used.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    secret: &str,
) -> AppResult<Option<user::Model>> {
    let Some(token) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(fingerprint(secret)))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(owner) = user::Entity::find_by_id(token.user_id).one(db).await? else {
        return Ok(None);
    };
    if owner.disabled {
        return Ok(None);
    }
    let mut model = token.into_active_model();
    model.last_used_at = Set(Some(Utc::now()));
    model.update(db).await?;
    Ok(Some(owner))
}
