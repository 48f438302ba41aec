//! `spawn_app` and friends: the real router over a throwaway database.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, Set};
use tambang::app::{AppState, router};
use tambang::entities::{entry, report};
use tower::ServiceExt;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Declares `mod $name { sqlite, postgres }` tests that run `$name(Backend)` on each backend.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name($crate::helpers::Backend::Sqlite).await;
                }
                #[tokio::test]
                async fn postgres() {
                    if $crate::helpers::postgres_url().is_none() {
                        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
                        return;
                    }
                    super::$name($crate::helpers::Backend::Postgres).await;
                }
            }
        )*
    };
}

/// The PostgreSQL server to create test databases on.
pub fn postgres_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// Owns the throwaway database and removes it when the test ends (also on panic).
pub enum DbGuard {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let DbGuard::Postgres { admin_url, name } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs inside the test's runtime: use a separate thread with its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    let admin = sea_orm::Database::connect(&admin_url).await.ok()?;
                    admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await
                        .ok()?;
                    admin.close().await.ok()
                })
            })
            .join();
        }
    }
}

/// A fresh, migrated, empty database (districts and demo not loaded).
pub async fn fresh_db(backend: Backend) -> (DatabaseConnection, String, DbGuard) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = tambang::config::sqlite_url(&dir.path().join("tambang.db"));
            let db = tambang::db::connect_and_migrate(&url)
                .await
                .expect("sqlite");
            (db, url, DbGuard::Sqlite(dir))
        }
        Backend::Postgres => {
            let admin_url = postgres_url().expect("TEST_DATABASE_URL");
            let name = format!(
                "tambang_t_{}_{}",
                std::process::id(),
                NEXT_DB.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            );
            let admin = sea_orm::Database::connect(&admin_url)
                .await
                .expect("postgres admin");
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await
                .expect("drop old");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create db");
            admin.close().await.ok();
            let url = with_database(&admin_url, &name);
            let guard = DbGuard::Postgres { admin_url, name };
            let db = tambang::db::connect_and_migrate(&url)
                .await
                .expect("postgres");
            (db, url, guard)
        }
    }
}

/// Reverts the schema to just before the migration called `name`, however many came after.
pub async fn down_to_before(db: &DatabaseConnection, name: &str) {
    use migration::{Migrator, MigratorTrait};
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    let at = names
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("no migration {name}"));
    Migrator::down(db, Some((names.len() - at) as u32))
        .await
        .unwrap_or_else(|e| panic!("down to before {name}: {e}"));
}

/// The pool over `url` closed and opened again, as `tambang::db::connect_and_migrate` hands
/// it back after migrating. A test that moves the schema down or up through a pool and then
/// uses it reopens it first: SQLite's connections opened while the migrations ran keep the
/// schema they read then, and one that read it before a table existed can fail "no such
/// table" now and then under load.
pub async fn reopened(db: DatabaseConnection, url: &str) -> DatabaseConnection {
    db.close().await.expect("pool closed");
    tambang::db::connect(url).await.expect("pool reopened")
}

/// The form token as the first part of a multipart `body` of `content_type`, where a browser
/// sends it (the upload forms put their hidden `csrf` field first) and the guard reads it.
pub fn token_first(csrf: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let boundary = content_type
        .split_once("boundary=")
        .map(|(_, b)| b.trim_matches('"'))
        .expect("a multipart content type");
    let mut out =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n")
            .into_bytes();
    out.extend_from_slice(body);
    out
}

static NEXT_DB: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The same server URL pointing at another database.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

/// The app over a fresh database with the demo data loaded.
pub struct TestApp {
    pub router: Router,
    #[allow(dead_code)]
    pub state: AppState,
    pub db: DatabaseConnection,
    #[allow(dead_code)]
    pub url: String,
    _guard: DbGuard,
}

/// Starts the real router on a fresh database with districts and demo data.
pub async fn spawn_app(backend: Backend) -> TestApp {
    let (db, url, guard) = fresh_db(backend).await;
    tambang::demo::load(&db).await.expect("demo data loads");
    let state = AppState::new(db.clone());
    tambang::linking::relink_unlinked(&state)
        .await
        .expect("demo mentions");
    TestApp {
        router: router(state.clone()),
        state,
        db,
        url,
        _guard: guard,
    }
}

impl TestApp {
    /// GET a path; returns the status and the body as text.
    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let request = Request::get(path).body(Body::empty()).expect("request");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("response");
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (
            status,
            String::from_utf8(bytes.to_vec()).expect("utf-8 body"),
        )
    }

    /// GET a page that must answer 200.
    pub async fn get_html(&self, path: &str) -> String {
        let (status, body) = self.get(path).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    }
}

/// The app on a real socket.
pub async fn serve(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = app.router.clone();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .expect("server");
    });
    format!("http://{addr}")
}

/// Percent-encodes a path segment (Korean slugs in URLs).
pub fn encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn with_database_swaps_the_path() {
    assert_eq!(
        with_database("postgres://u@h:5432/test", "x"),
        "postgres://u@h:5432/x"
    );
    assert_eq!(
        with_database("postgres://u@h/test?sslmode=disable", "x"),
        "postgres://u@h/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
}

/// A browser-like client: keeps cookies, sends the CSRF token with every form.
pub struct Client<'a> {
    app: &'a TestApp,
    pub cookies: std::collections::BTreeMap<String, String>,
}

/// A response as the tests look at it.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    /// The redirect target, if any.
    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    /// A new client with an empty cookie jar.
    pub fn client(&self) -> Client<'_> {
        Client {
            app: self,
            cookies: Default::default(),
        }
    }

    /// Creates a user directly (as the CLI would).
    pub async fn add_user(
        &self,
        email: &str,
        role: tambang::domain::Role,
    ) -> tambang::entities::user::Model {
        let email = tambang::domain::Email::parse(email).unwrap();
        tambang::auth::users::create(
            &self.db,
            &tambang::audit::Actor::system("test"),
            &email,
            None,
            role,
            PASSWORD,
        )
        .await
        .unwrap()
    }

    /// A signed-in client for a new user with `role`.
    pub async fn signed_in(&self, email: &str, role: tambang::domain::Role) -> Client<'_> {
        self.add_user(email, role).await;
        let mut c = self.client();
        let r = c.login(email, PASSWORD).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login of {email}: {}",
            r.body
        );
        c
    }
}

/// The password every test user gets.
pub const PASSWORD: &str = "correct horse battery";

impl Client<'_> {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn absorb(&mut self, headers: &axum::http::HeaderMap) {
        for v in headers.get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap();
            let (k, val) = pair.split_once('=').unwrap();
            if v.contains("Max-Age=0") || val.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), val.to_string());
            }
        }
    }

    /// Sends any request with the jar's cookies; stores the cookies it sets.
    pub async fn send(&mut self, mut request: Request<Body>) -> Reply {
        let jar = self.cookie_header();
        if !jar.is_empty() {
            request.headers_mut().insert("cookie", jar.parse().unwrap());
        }
        let response = self
            .app
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        self.absorb(&headers);
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// GET a path.
    pub async fn get(&mut self, path: &str) -> Reply {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    /// The CSRF token, fetching a page first if the jar has none yet.
    pub async fn csrf(&mut self) -> String {
        if !self.cookies.contains_key("tambang_csrf") {
            self.get("/healthz").await;
        }
        self.cookies
            .get("tambang_csrf")
            .cloned()
            .expect("csrf cookie issued")
    }

    /// POST a form without touching the CSRF field (for CSRF tests).
    pub async fn post_raw(&mut self, path: &str, body: String) -> Reply {
        let request = Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// POST a form with the right CSRF token.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        self.form(axum::http::Method::POST, path, fields).await
    }

    /// Sends a form with any method and the right CSRF token (the policy matrix walks
    /// POST, PUT and DELETE routes alike).
    pub async fn form(
        &mut self,
        method: axum::http::Method,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Reply {
        let csrf = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        let body = serde_urlencoded::to_string(&all).unwrap();
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// Signs in through the form.
    pub async fn login(&mut self, email: &str, password: &str) -> Reply {
        self.post_form("/login", &[("email", email), ("password", password)])
            .await
    }
}

/// A new report in `state`, written straight through sea-orm.
pub async fn insert_report(app: &TestApp, slug: &str, title: &str, state: &str, body: &str) {
    insert_visited_report(app, slug, title, state, body, None).await;
}

/// [`insert_report`] with the visit's date and time, returning the stored row.
pub async fn insert_visited_report(
    app: &TestApp,
    slug: &str,
    title: &str,
    state: &str,
    body: &str,
    visited_at: Option<chrono::NaiveDateTime>,
) -> report::Model {
    let now = chrono::Utc::now();
    report::ActiveModel {
        slug: Set(slug.into()),
        title: Set(title.into()),
        state: Set(state.into()),
        body: Set(body.into()),
        visited_at: Set(visited_at),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("insert report")
}

/// A new entry of `kind` named `name`, written straight through sea-orm.
pub async fn insert_entry(app: &TestApp, kind: &str, slug: &str, name: &str) -> entry::Model {
    insert_entry_at(app, kind, slug, name, None).await
}

/// [`insert_entry`] at `(lat, lng)`.
pub async fn insert_entry_at(
    app: &TestApp,
    kind: &str,
    slug: &str,
    name: &str,
    at: Option<(f64, f64)>,
) -> entry::Model {
    let now = chrono::Utc::now();
    entry::ActiveModel {
        kind: Set(kind.into()),
        slug: Set(slug.into()),
        name: Set(name.into()),
        lat: Set(at.map(|(lat, _)| lat)),
        lng: Set(at.map(|(_, lng)| lng)),
        status: Set("active".into()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("insert entry")
}
