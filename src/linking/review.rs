//! Deciding on a stored mention: confirm, reject, or link it to another entry. The web review
//! forms (`linking::routes`) and the API (`api::mentions`) both go through these, so the two
//! cannot disagree on what a decision does or when it is refused.

use chrono::Utc;
use sea_orm::{ConnectionTrait, EntityTrait, IntoActiveModel, Set};

use crate::audit::{self, Actor};
use crate::domain::MentionState;
use crate::entities::mention;
use crate::error::{AppError, AppResult};

/// The mention with `id`, or 404.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> AppResult<mention::Model> {
    mention::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

async fn decide(
    db: &impl ConnectionTrait,
    actor: &Actor,
    m: mention::Model,
    to: MentionState,
    entry_id: Option<i64>,
) -> AppResult<mention::Model> {
    let mut a = m.clone().into_active_model();
    a.state = Set(to.as_str().to_string());
    if let Some(e) = entry_id {
        a.entry_id = Set(Some(e));
        a.method = Set("manual".into());
        a.confidence = Set(1.0);
    }
    a.updated_at = Set(Utc::now());
    audit::update(db, actor, &m, a).await
}

/// Confirms a suggestion. A new-entry candidate (no entry) cannot be confirmed: it has to be
/// linked to an entry instead.
pub async fn confirm(
    db: &impl ConnectionTrait,
    actor: &Actor,
    m: mention::Model,
) -> AppResult<mention::Model> {
    if m.entry_id.is_none() {
        return Err(AppError::BadRequest(
            "연결할 항목이 없는 후보입니다. ‘다른 항목에 연결’을 쓰거나 항목을 먼저 만드세요 \
             (a candidate without an entry cannot be confirmed; link it instead)."
                .into(),
        ));
    }
    decide(db, actor, m, MentionState::Confirmed, None).await
}

/// Rejects a mention; it will not be suggested again while its text stays.
pub async fn reject(
    db: &impl ConnectionTrait,
    actor: &Actor,
    m: mention::Model,
) -> AppResult<mention::Model> {
    decide(db, actor, m, MentionState::Rejected, None).await
}

/// Points the mention at `entry_id` and confirms it.
pub async fn link_to(
    db: &impl ConnectionTrait,
    actor: &Actor,
    m: mention::Model,
    entry_id: i64,
) -> AppResult<mention::Model> {
    decide(db, actor, m, MentionState::Confirmed, Some(entry_id)).await
}
