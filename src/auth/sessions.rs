//! Sessions kept in the database, so that several app instances share them. The browser holds
//! a random id; the table holds only its SHA-256.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};

use crate::auth::crypto::{fingerprint, random_token};
use crate::entities::{session, user};
use crate::error::AppResult;

/// A session ends after this long without a request…
pub const IDLE_TIMEOUT: Duration = Duration::hours(8);
/// …and in any case this long after sign-in.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::days(7);
/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// Starts a session for `user`; returns the id for the cookie (never stored).
pub async fn create(
    db: &impl ConnectionTrait,
    user: &user::Model,
    ip: Option<String>,
    user_agent: Option<String>,
) -> AppResult<String> {
    let id = random_token()?;
    let now = Utc::now();
    session::ActiveModel {
        id_hash: Set(fingerprint(&id)),
        user_id: Set(user.id),
        csrf_token: Set(random_token()?),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + ABSOLUTE_TIMEOUT),
        ip: Set(ip),
        user_agent: Set(user_agent.map(|ua| ua.chars().take(255).collect())),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// The live session and its user for a cookie value; expired sessions are deleted.
pub async fn load(
    db: &impl ConnectionTrait,
    cookie_id: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<(session::Model, user::Model)>> {
    let hash = fingerprint(cookie_id);
    let Some(s) = session::Entity::find_by_id(hash.clone()).one(db).await? else {
        return Ok(None);
    };
    if s.expires_at <= now || s.last_seen_at + IDLE_TIMEOUT <= now {
        session::Entity::delete_by_id(hash).exec(db).await?;
        return Ok(None);
    }
    let Some(u) = user::Entity::find_by_id(s.user_id).one(db).await? else {
        return Ok(None);
    };
    if u.disabled {
        return Ok(None);
    }
    let s = if now - s.last_seen_at >= TOUCH_EVERY {
        let mut m = s.into_active_model();
        m.last_seen_at = Set(now);
        m.update(db).await?
    } else {
        s
    };
    Ok(Some((s, u)))
}

/// Ends one session.
pub async fn delete(db: &impl ConnectionTrait, id_hash: &str) -> AppResult<()> {
    session::Entity::delete_by_id(id_hash.to_string())
        .exec(db)
        .await?;
    Ok(())
}

/// Removes every expired session (run at start-up; `load` also removes them one by one).
pub async fn purge_expired(db: &impl ConnectionTrait) -> AppResult<u64> {
    let now = Utc::now();
    let res = session::Entity::delete_many()
        .filter(
            session::Column::ExpiresAt
                .lte(now)
                .or(session::Column::LastSeenAt.lte(now - IDLE_TIMEOUT)),
        )
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}
