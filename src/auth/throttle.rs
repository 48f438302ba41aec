//! Throttling failed sign-ins per account and per address.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

use crate::entities::login_attempt;
use crate::error::AppResult;

/// The window failures are counted in.
pub const WINDOW: Duration = Duration::minutes(15);
/// Failures allowed per account within the window.
pub const PER_ACCOUNT: u64 = 5;
/// Failures allowed per address within the window (higher: offices share one address).
pub const PER_ADDRESS: u64 = 20;

/// True when another attempt for this account or from this address must wait.
pub async fn is_blocked(db: &impl ConnectionTrait, email: &str, ip: &str) -> AppResult<bool> {
    let since = Utc::now() - WINDOW;
    let by_account = login_attempt::Entity::find()
        .filter(login_attempt::Column::Email.eq(email))
        .filter(login_attempt::Column::At.gt(since))
        .count(db)
        .await?;
    if by_account >= PER_ACCOUNT {
        return Ok(true);
    }
    let by_address = login_attempt::Entity::find()
        .filter(login_attempt::Column::Ip.eq(ip))
        .filter(login_attempt::Column::At.gt(since))
        .count(db)
        .await?;
    Ok(by_address >= PER_ADDRESS)
}

/// Records a failed attempt (and forgets attempts older than the window).
pub async fn record_failure(db: &impl ConnectionTrait, email: &str, ip: &str) -> AppResult<()> {
    let now = Utc::now();
    login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::At.lte(now - WINDOW))
        .exec(db)
        .await?;
    login_attempt::ActiveModel {
        email: Set(email.chars().take(254).collect()),
        ip: Set(ip.chars().take(64).collect()),
        at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A successful sign-in clears the account's failures.
pub async fn clear(db: &impl ConnectionTrait, email: &str) -> AppResult<()> {
    login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::Email.eq(email))
        .exec(db)
        .await?;
    Ok(())
}
