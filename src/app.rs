//! Application state, the whole URL map in one place, and the server loop.

use std::net::SocketAddr;

use axum::Router;
use axum::routing::get;
use sea_orm::DatabaseConnection;

use crate::error::AppError;
use crate::web::assets::{STYLESHEET_PATH, stylesheet};

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
}

/// The full router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(crate::home::show_home))
        .route("/healthz", get(healthz))
        .route(STYLESHEET_PATH, get(stylesheet))
        .merge(crate::directory::routes::routes())
        .merge(crate::reports::routes::routes())
        .fallback(not_found)
        .with_state(state)
}

/// `GET /healthz`: 200 when the database answers.
async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<&'static str, AppError> {
    state.db.ping().await?;
    Ok("ok")
}

async fn not_found() -> AppError {
    AppError::NotFound
}

/// Migrates, optionally loads the demo into an empty database, and serves until Ctrl-C.
pub async fn serve(url: &str, bind: SocketAddr, load_demo: bool) -> Result<(), AppError> {
    let db = crate::db::connect_and_migrate(url).await?;
    crate::demo::ensure_districts(&db).await?;
    if load_demo && crate::demo::is_empty(&db).await? {
        let summary = crate::demo::load(&db).await?;
        tracing::info!("{summary}");
    }
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| AppError::Config(format!("cannot listen on {bind}: {e}")))?;
    println!("Tambang is serving on http://{bind}/ (Ctrl-C to stop)");
    axum::serve(listener, router(AppState { db }))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| AppError::Internal(format!("server stopped: {e}")))
}
