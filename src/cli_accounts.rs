//! `tambang user …` and `tambang token …`: account management from the command line.
//! Changes are audited with the actor `cli`.

use std::io::{BufRead, IsTerminal};

use clap::Subcommand;
use sea_orm::DatabaseConnection;

use crate::audit::Actor;
use crate::auth::{tokens, users};
use crate::domain::{Email, Role};
use crate::error::{AppError, AppResult};

/// `tambang user` sub-commands.
#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Create a user. Asks for the password twice on a terminal.
    Add {
        email: String,
        /// admin, editor or viewer.
        #[arg(long, default_value = "viewer")]
        role: String,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input instead of asking.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users with their roles.
    List,
    /// Change a user's role.
    SetRole { email: String, role: String },
    /// Set a new password (signs the user out everywhere).
    ResetPassword {
        email: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

/// `tambang token` sub-commands.
#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Create a token for an editor or admin; the token is printed alone on the last line.
    Create {
        email: String,
        #[arg(long)]
        name: String,
    },
    /// List tokens (of one user, or everyone's).
    List { email: Option<String> },
    /// Revoke a token by its id (see `token list`).
    Revoke { id: i64 },
}

fn cli_actor() -> Actor {
    Actor::system("cli")
}

fn parse_email(s: &str) -> AppResult<Email> {
    Email::parse(s).map_err(|e| AppError::BadRequest(format!("{e}: {s}")))
}

fn parse_role(s: &str) -> AppResult<Role> {
    Role::from_label(s).ok_or_else(|| {
        AppError::BadRequest(format!("unknown role {s:?}: use admin, editor or viewer"))
    })
}

async fn existing_user(
    db: &DatabaseConnection,
    email: &str,
) -> AppResult<crate::entities::user::Model> {
    let email = parse_email(email)?;
    users::find_by_email(db, &email)
        .await?
        .ok_or_else(|| AppError::BadRequest(format!("no user with e-mail {email}")))
}

/// Reads a new password: from stdin's first line, or twice from the terminal without echo.
fn read_new_password(from_stdin: bool) -> AppResult<String> {
    let io = |e: std::io::Error| AppError::BadRequest(format!("cannot read the password: {e}"));
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(io)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password("Password: ").map_err(io)?;
    let second = rpassword::prompt_password("Password again: ").map_err(io)?;
    if first != second {
        return Err(AppError::BadRequest("the two passwords differ".into()));
    }
    Ok(first)
}

/// Runs a `user` sub-command.
pub async fn user(url: &str, action: UserAction) -> AppResult<()> {
    let db = crate::db::connect_and_migrate(url).await?;
    match action {
        UserAction::Add {
            email,
            role,
            name,
            password_stdin,
        } => {
            let email = parse_email(&email)?;
            let role = parse_role(&role)?;
            let password = read_new_password(password_stdin)?;
            let u = users::create(&db, &cli_actor(), &email, name, role, &password).await?;
            println!("created {} ({})", u.email, role.as_str());
        }
        UserAction::List => {
            for u in users::list(&db).await? {
                let last = u.last_login_at.map_or("-".to_string(), |t| {
                    t.format("%Y-%m-%d %H:%M UTC").to_string()
                });
                println!(
                    "{:<6} {:<8} {:<40} last sign-in {last}",
                    u.id, u.role, u.email
                );
            }
        }
        UserAction::SetRole { email, role } => {
            let role = parse_role(&role)?;
            let u = existing_user(&db, &email).await?;
            users::set_role(&db, &cli_actor(), u, role).await?;
            println!("{email} is now {}", role.as_str());
        }
        UserAction::ResetPassword {
            email,
            password_stdin,
        } => {
            let u = existing_user(&db, &email).await?;
            let password = read_new_password(password_stdin)?;
            users::set_password(&db, &cli_actor(), u, &password, None).await?;
            println!("password of {email} changed; all its sessions ended");
        }
    }
    Ok(())
}

/// Runs a `token` sub-command.
pub async fn token(url: &str, action: TokenAction) -> AppResult<()> {
    let db = crate::db::connect_and_migrate(url).await?;
    match action {
        TokenAction::Create { email, name } => {
            let owner = existing_user(&db, &email).await?;
            let role: Role = owner.role.parse().unwrap_or(Role::Viewer);
            if role.rank() < Role::Editor.rank() {
                return Err(AppError::BadRequest(format!(
                    "{email} is a {role}: only editors and admins get tokens"
                )));
            }
            let (row, secret) = tokens::create(&db, &cli_actor(), &owner, &name).await?;
            println!(
                "token {} ({}) for {email}; it is shown only now:",
                row.id, row.name
            );
            println!("{secret}");
        }
        TokenAction::List { email } => {
            let owner = match email {
                Some(e) => Some(existing_user(&db, &e).await?.id),
                None => None,
            };
            for t in tokens::list(&db, owner).await? {
                let state = if t.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                let used = t.last_used_at.map_or("never".to_string(), |u| {
                    u.format("%Y-%m-%d %H:%M UTC").to_string()
                });
                println!(
                    "{:<6} user {:<6} {state:<8} last used {used:<16} {}",
                    t.id, t.user_id, t.name
                );
            }
        }
        TokenAction::Revoke { id } => {
            tokens::revoke(&db, &cli_actor(), id, None)
                .await
                .map_err(|e| match e {
                    AppError::NotFound => AppError::BadRequest(format!("no token with id {id}")),
                    other => other,
                })?;
            println!("token {id} revoked");
        }
    }
    Ok(())
}
