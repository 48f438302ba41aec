//! Application state, the whole URL map in one place, and the server loop.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use sea_orm::DatabaseConnection;

use crate::auth::guard::{guard, security_headers};
use crate::auth::policy::FORM_LIMIT;
use crate::error::AppError;
use crate::web::assets::{stylesheet, stylesheet_path};

/// Settings fixed at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Mark cookies `Secure` even when no proxy says the request came over https.
    pub secure_cookies: bool,
    /// Confirm high-confidence exact mentions without review.
    pub auto_confirm_mentions: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            secure_cookies: false,
            auto_confirm_mentions: true,
        }
    }
}

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    /// The database's change stamp, which every cache below checks before use.
    pub stamps: Arc<crate::audit::stamp::Stamps>,
    /// The mention dictionary, shared by every request of this instance.
    pub mentions: Arc<crate::linking::index::MentionIndex>,
    /// Today's district figures, shared until a write changes them.
    pub figures: Arc<crate::compare::cache::FiguresCache>,
    /// District boundaries for point-in-polygon, parsed once per instance.
    pub boundaries: Arc<crate::boundary::BoundaryCache>,
    /// Recent searches' results (and their rendered HTML), shared until a write changes them.
    pub searches: Arc<crate::web::cache::PageCache<crate::search::routes::CachedSearch>>,
    /// Recently shown entry pages' data, shared until a write changes them.
    pub entry_pages:
        Arc<crate::web::cache::PageCache<Option<crate::directory::queries::EntryPage>>>,
    /// Recently shown list pages (rows and facet counts), shared until a write changes them.
    pub lists: Arc<crate::web::cache::PageCache<crate::directory::routes::ListData>>,
    /// Each kind's entries as facet codes in every list order, until a write changes them.
    pub list_indexes: Arc<crate::web::cache::PageCache<crate::directory::list_index::ListIndex>>,
    /// The home page's counts and report lists, until a write changes them.
    pub home: Arc<crate::web::cache::PageCache<crate::home::HomeData>>,
    /// The visit network (as readers and as editors see it), until a write changes it.
    pub visits: Arc<crate::web::cache::PageCache<crate::reports::visits::VisitData>>,
    /// Recently shown pages of the reports list (as readers and as editors see it), until a
    /// write changes them.
    pub report_lists: Arc<crate::web::cache::PageCache<crate::reports::queries::ReportLines>>,
    /// Recently shown report pages as readers who cannot edit see them (rendered), until a
    /// write changes anything.
    pub report_pages: Arc<crate::web::cache::PageCache<crate::reports::routes::RenderedReport>>,
}

/// Searches kept by each instance (about 30 KB each at most).
const SEARCHES_CACHED: usize = 500;
/// Entry pages kept by each instance (a few KB each; report bodies are not kept).
const ENTRY_PAGES_CACHED: usize = 2_000;
/// List pages kept by each instance (50 rows and the facet counts, about 60 KB each).
const LISTS_CACHED: usize = 200;
/// Pages of the reports list kept by each instance (50 titles, 5–8 KB each): every page of
/// 10,000 reports as readers and as editors see them.
const REPORT_LISTS_CACHED: usize = 400;
/// Report pages kept by each instance, rendered: 20–35 KB for a body of 6,000 characters
/// with a route map, more with a long body. At most 500 of them and at most 8 MiB together:
/// 500 pages at 100,000 entries (with route maps, before their outlines were written in whole
/// pixels) took the server's peak from 123 to 155 MiB, over the 150 MB target.
const REPORT_PAGES_CACHED: usize = 500;
/// See [`REPORT_PAGES_CACHED`].
const REPORT_PAGES_BYTES: usize = 8 << 20;

impl AppState {
    /// State with default settings.
    pub fn new(db: DatabaseConnection) -> Self {
        AppState::with_settings(db, Settings::default())
    }

    /// State with `settings` and empty caches.
    pub fn with_settings(db: DatabaseConnection, settings: Settings) -> Self {
        AppState {
            stamps: Arc::new(crate::audit::stamp::Stamps::new(db.clone())),
            db,
            settings: Arc::new(settings),
            mentions: Arc::default(),
            figures: Arc::default(),
            boundaries: Arc::default(),
            searches: Arc::new(crate::web::cache::PageCache::new(SEARCHES_CACHED)),
            entry_pages: Arc::new(crate::web::cache::PageCache::new(ENTRY_PAGES_CACHED)),
            lists: Arc::new(crate::web::cache::PageCache::new(LISTS_CACHED)),
            list_indexes: Arc::new(crate::web::cache::PageCache::new(
                crate::domain::EntryKind::ALL.len(),
            )),
            home: Arc::new(crate::web::cache::PageCache::new(1)),
            visits: Arc::new(crate::web::cache::PageCache::new(2)),
            report_lists: Arc::new(crate::web::cache::PageCache::new(REPORT_LISTS_CACHED)),
            report_pages: Arc::new(crate::web::cache::PageCache::with_budget(
                REPORT_PAGES_CACHED,
                REPORT_PAGES_BYTES,
                crate::reports::routes::RenderedReport::weight,
            )),
        }
    }
}

/// The full router: pages, API, and the guard and security headers around all of them.
pub fn router(state: AppState) -> Router {
    router_with(state, Router::new())
}

/// The full router with `extra` routes merged in *inside* the guard — the seam the tests use
/// to prove that a write route missing from the policy table is refused.
pub fn router_with(state: AppState, extra: Router<AppState>) -> Router {
    Router::new()
        .route("/", get(crate::home::show_home))
        .route("/healthz", get(healthz))
        .route(stylesheet_path(), get(stylesheet))
        .merge(crate::directory::routes::routes())
        .merge(crate::directory::edit_routes::routes())
        .merge(crate::reports::routes::routes())
        .merge(crate::reports::edit_routes::routes())
        .merge(crate::reports::photo_routes::routes())
        .merge(crate::reports::import_page::routes())
        .merge(crate::compare::routes::routes())
        .merge(crate::linking::routes::routes())
        .merge(crate::search::routes::routes())
        .merge(crate::auth::routes::routes())
        .merge(crate::admin::routes::routes())
        .merge(crate::boundary::routes::routes())
        .merge(crate::import::routes::routes())
        .nest("/api/v1", crate::api::routes())
        .merge(extra)
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), guard))
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
        .layer(from_fn(security_headers))
        .with_state(state)
}

/// `GET /healthz`: 200 when the database answers.
async fn healthz(State(state): State<AppState>) -> Result<&'static str, AppError> {
    state.db.ping().await?;
    Ok("ok")
}

async fn not_found() -> AppError {
    AppError::NotFound
}

/// Migrates, optionally loads the demo into an empty database, and serves until Ctrl-C.
pub async fn serve(
    url: &str,
    bind: SocketAddr,
    load_demo: bool,
    settings: Settings,
) -> Result<(), AppError> {
    let db = crate::db::connect_and_migrate(url).await?;
    crate::demo::ensure_districts(&db).await?;
    if load_demo && crate::demo::is_empty(&db).await? {
        let summary = crate::demo::load(&db).await?;
        tracing::info!("{summary}");
    }
    crate::auth::sessions::purge_expired(&db).await?;
    if crate::auth::users::count(&db).await? == 0 {
        println!("No users yet. Create the first admin with:");
        println!("  tambang user add you@example.org --role admin");
    }
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| AppError::Config(format!("cannot listen on {bind}: {e}")))?;
    println!("Tambang is serving on http://{bind}/ (Ctrl-C to stop)");
    let state = AppState::with_settings(db, settings);
    // The dictionary is built in the background so the server answers at once (at 100,000
    // entries the build takes about five seconds on two cores); a request that needs mentions before it is
    // ready waits for it (`MentionIndex::refresh`). Then reports without mentions (demo data,
    // imports; also ones that name nothing) are checked, so start-up does not grow with the
    // number of reports either.
    let background = state.clone();
    let start_up = tokio::spawn(async move {
        match background.mentions.rebuild(&background.db).await {
            Ok(n) => tracing::info!("mention dictionary built for {n} entries"),
            Err(e) => {
                tracing::error!(error = %e, "building the mention dictionary failed");
                return;
            }
        }
        match crate::linking::relink_unlinked(&background).await {
            Ok(0) => {}
            Ok(n) => tracing::info!("suggested mentions for {n} reports"),
            Err(e) => {
                tracing::error!(error = %e, "suggesting mentions for unlinked reports failed")
            }
        }
        // Search indexes a bulk write left in many segments (see `search::compact`).
        crate::search::compact::compact_logged(&background.db).await;
    });
    let served = axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(|e| AppError::Internal(format!("server stopped: {e}")));
    // Stopped while the start-up work still ran (Ctrl-C right after start): it is dropped here,
    // before the runtime shuts down and cancels its blocking build under it, which it would
    // report as a failed build.
    start_up.abort();
    let _ = start_up.await;
    served
}
