//! Concurrency drill: many clients over loopback HTTP against the real server for a bounded
//! time — editors creating and editing entries and reports, viewers searching and reading —
//! on SQLite and on PostgreSQL. It must end with zero 5xx answers, no "database is locked",
//! and every write the server acknowledged present afterwards, with its content.
//!
//! CI runs a short budget; the full drill of issue #8 (50 clients, 60 s) is
//! `TAMBANG_DRILL_SECS=60 cargo test --test app drill -- --nocapture`.
//! `TAMBANG_DRILL_CLIENTS` sets the number of clients (default 50, a fifth of them editors).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tambang::domain::Role;
use tambang::entities::{entry, report};

use crate::both_backends;
use crate::helpers::{Backend, PASSWORD, serve, spawn_app};

both_backends!(drill);

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

type Http = HttpClient<HttpConnector, Full<Bytes>>;

/// One simulated user: a cookie jar and the CSRF token.
struct User {
    http: Http,
    base: String,
    cookies: BTreeMap<String, String>,
}

/// What the drill saw, shared by every client.
#[derive(Default)]
struct Tally {
    requests: AtomicU64,
    server_errors: AtomicU64,
    locked: AtomicU64,
    writes: AtomicU64,
}

struct Answer {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

impl User {
    fn new(http: &Http, base: &str) -> Self {
        User {
            http: http.clone(),
            base: base.to_string(),
            cookies: BTreeMap::new(),
        }
    }

    async fn send(
        &mut self,
        method: Method,
        path: &str,
        form: Option<String>,
        t: &Tally,
    ) -> Answer {
        let mut req = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req = req.header("cookie", jar.join("; "));
        }
        let body = match form {
            Some(f) => {
                req = req.header("content-type", "application/x-www-form-urlencoded");
                Full::new(Bytes::from(f))
            }
            None => Full::new(Bytes::new()),
        };
        let resp = self
            .http
            .request(req.body(body).expect("request"))
            .await
            .unwrap_or_else(|e| panic!("{path}: connection failed: {e}"));
        for v in resp.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap_or_default();
            if let Some((k, val)) = v.split(';').next().and_then(|p| p.split_once('=')) {
                if val.is_empty() || v.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), val.to_string());
                }
            }
        }
        let status = resp.status();
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        t.requests.fetch_add(1, Ordering::Relaxed);
        if status.is_server_error() {
            t.server_errors.fetch_add(1, Ordering::Relaxed);
            eprintln!("5xx on {path}: {status} {}", &body[..body.len().min(300)]);
        }
        if body.contains("database is locked") || body.contains("database table is locked") {
            t.locked.fetch_add(1, Ordering::Relaxed);
        }
        Answer {
            status,
            location,
            body,
        }
    }

    async fn get(&mut self, path: &str, t: &Tally) -> Answer {
        self.send(Method::GET, path, None, t).await
    }

    async fn post(&mut self, path: &str, fields: &[(&str, &str)], t: &Tally) -> Answer {
        if !self.cookies.contains_key("tambang_csrf") {
            self.get("/healthz", t).await;
        }
        let csrf = self
            .cookies
            .get("tambang_csrf")
            .cloned()
            .expect("csrf cookie");
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        let form = serde_urlencoded::to_string(&all).expect("form");
        self.send(Method::POST, path, Some(form), t).await
    }
}

/// What an editor had acknowledged: entry name → the description last saved, report titles.
#[derive(Default)]
struct Acked {
    entries: BTreeMap<String, String>,
    reports: Vec<String>,
}

async fn editor(mut u: User, id: usize, deadline: Instant, t: Arc<Tally>) -> Acked {
    let email = format!("drill-editor-{id}@example.org");
    let r = u
        .post("/login", &[("email", &email), ("password", PASSWORD)], &t)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "login {email}: {}", r.body);
    let mut acked = Acked::default();
    let mut n = 0;
    while Instant::now() < deadline {
        n += 1;
        let name = format!("드릴 공방 {id}-{n}");
        let r = u
            .post(
                "/entries",
                &[
                    ("kind", "place"),
                    ("name", &name),
                    ("status", "active"),
                    ("district", "11200"),
                    ("description", "처음 설명"),
                    ("confirm_duplicates", "1"),
                ],
                &t,
            )
            .await;
        if r.status != StatusCode::SEE_OTHER {
            assert!(r.status.is_client_error(), "create {name}: {}", r.status);
            continue;
        }
        t.writes.fetch_add(1, Ordering::Relaxed);
        acked.entries.insert(name.clone(), "처음 설명".into());
        let entry_path = r.location.expect("entry location");
        // Edit what was just created (its version is 1).
        let described = format!("고친 설명 {id}-{n}: 성수동 수제화 거리 옆");
        let r = u
            .post(
                &format!("{entry_path}/edit"),
                &[
                    ("kind", "place"),
                    ("version", "1"),
                    ("name", &name),
                    ("status", "active"),
                    ("district", "11200"),
                    ("description", &described),
                    ("confirm_duplicates", "1"),
                ],
                &t,
            )
            .await;
        if r.status == StatusCode::SEE_OTHER {
            t.writes.fetch_add(1, Ordering::Relaxed);
            acked.entries.insert(name.clone(), described);
        }
        if n % 3 == 0 {
            let title = format!("드릴 탐방 보고 {id}-{n}");
            let body =
                format!("{name}와 성동구사회적경제지원센터를 방문했습니다. 와디즈에서 판매합니다.");
            let r = u
                .post(
                    "/reports",
                    &[
                        ("title", &title),
                        ("state", "published"),
                        ("author", "드릴"),
                        ("body", &body),
                        ("version", "0"),
                    ],
                    &t,
                )
                .await;
            if r.status == StatusCode::SEE_OTHER {
                t.writes.fetch_add(1, Ordering::Relaxed);
                acked.reports.push(title);
            } else {
                assert!(r.status.is_client_error(), "report {title}: {}", r.body);
            }
        }
    }
    acked
}

const QUERIES: &[&str] = &[
    "성동",
    "사회적경제",
    "와디즈",
    "공방",
    "드릴",
    "수제화 거리",
    "소영씨",
    "협동조합",
    "ㅋ",
];

async fn viewer(mut u: User, id: usize, deadline: Instant, t: Arc<Tally>) {
    let mut n = id;
    while Instant::now() < deadline {
        n += 1;
        let q = QUERIES[n % QUERIES.len()];
        let path = format!("/search?q={}", crate::helpers::encode(q));
        let r = u.get(&path, &t).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        let path = match n % 4 {
            0 => "/reports".to_string(),
            1 => "/enterprises?sort=updated".to_string(),
            2 => format!("/e/{}", crate::helpers::encode("성동구사회적경제지원센터")),
            _ => "/places".to_string(),
        };
        let r = u.get(&path, &t).await;
        assert!(
            r.status == StatusCode::OK || r.status == StatusCode::NOT_FOUND,
            "{path}: {}",
            r.status
        );
    }
}

async fn drill(backend: Backend) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("error")
        .try_init();
    let secs = env_u64("TAMBANG_DRILL_SECS", 6);
    let clients = env_u64("TAMBANG_DRILL_CLIENTS", 50).max(2) as usize;
    let editors = (clients / 5).max(1);
    let app = spawn_app(backend).await;
    for i in 0..editors {
        app.add_user(&format!("drill-editor-{i}@example.org"), Role::Editor)
            .await;
    }
    let base = serve(&app).await;
    let http: Http = HttpClient::builder(TokioExecutor::new())
        .pool_max_idle_per_host(clients)
        .build_http();
    let tally = Arc::new(Tally::default());
    let start = Instant::now();
    let deadline = start + Duration::from_secs(secs);
    let mut editor_tasks = Vec::new();
    let mut viewer_tasks = Vec::new();
    for i in 0..clients {
        let u = User::new(&http, &base);
        let t = tally.clone();
        if i < editors {
            editor_tasks.push(tokio::spawn(editor(u, i, deadline, t)));
        } else {
            viewer_tasks.push(tokio::spawn(viewer(u, i, deadline, t)));
        }
    }
    let mut acked = Vec::new();
    for task in editor_tasks {
        acked.push(task.await.expect("editor client"));
    }
    for task in viewer_tasks {
        task.await.expect("viewer client");
    }
    let elapsed = start.elapsed().as_secs_f64();
    let requests = tally.requests.load(Ordering::Relaxed);
    let writes = tally.writes.load(Ordering::Relaxed);
    eprintln!(
        "drill {backend:?}: {clients} clients ({editors} editors) for {elapsed:.1} s: {requests} requests ({:.0}/s), {writes} acknowledged writes, {} 5xx, {} locked",
        requests as f64 / elapsed,
        tally.server_errors.load(Ordering::Relaxed),
        tally.locked.load(Ordering::Relaxed),
    );
    assert_eq!(tally.server_errors.load(Ordering::Relaxed), 0, "no 5xx");
    assert_eq!(
        tally.locked.load(Ordering::Relaxed),
        0,
        "no 'database is locked'"
    );
    assert!(writes > 0, "the drill wrote something");

    // Every acknowledged write is there, with the content last acknowledged.
    let stored: BTreeMap<String, Option<String>> = entry::Entity::find()
        .filter(entry::Column::Name.starts_with("드릴 공방 "))
        .all(&app.db)
        .await
        .expect("entries")
        .into_iter()
        .map(|e| (e.name, e.description))
        .collect();
    let titles: std::collections::BTreeSet<String> = report::Entity::find()
        .filter(report::Column::Title.starts_with("드릴 탐방 보고 "))
        .all(&app.db)
        .await
        .expect("reports")
        .into_iter()
        .map(|r| r.title)
        .collect();
    let mut entries = 0;
    for a in &acked {
        for (name, description) in &a.entries {
            entries += 1;
            assert_eq!(
                stored.get(name).map(|d| d.as_deref()),
                Some(Some(description.as_str())),
                "acknowledged entry {name}"
            );
        }
        for title in &a.reports {
            assert!(titles.contains(title), "acknowledged report {title}");
        }
    }
    assert_eq!(
        stored.len(),
        entries,
        "no entry beyond the acknowledged ones"
    );
}
