//! Real-browser journeys: headless Chromium (Debian's `chromium` + `chromium-driver`) driven
//! through WebDriver (fantoccini) against the real server on a free loopback port, over a fresh
//! SQLite database with the demo data. Every journey runs twice: with JavaScript on, and with
//! JavaScript switched off in the browser (the app must work without it). The final page of
//! each journey is saved as a PNG under `target/e2e/`.
//!
//! Without chromedriver on the machine the test is skipped with a note, unless
//! `TAMBANG_E2E_REQUIRED=1` (set by `.ci/run`, which installs the packages), where a missing
//! driver is a failure.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use http_body_util::BodyExt;
use serde_json::json;
use tambang::domain::Role;

use crate::helpers::{Backend, PASSWORD, serve, spawn_app};

const EDITOR: &str = "e2e-editor@example.org";

/// A WebDriver-speaking chromedriver child process, killed on drop.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn find_program(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Ok(p) = std::env::var(env) {
        return Some(PathBuf::from(p));
    }
    candidates.iter().map(PathBuf::from).find(|p| p.exists())
}

fn start_driver() -> Option<Driver> {
    let required = std::env::var("TAMBANG_E2E_REQUIRED").is_ok_and(|v| v == "1");
    let driver = find_program(
        "CHROMEDRIVER",
        &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"],
    );
    let browser = find_program(
        "CHROMIUM",
        &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
    );
    let (Some(driver), Some(_)) = (driver, browser) else {
        assert!(
            !required,
            "TAMBANG_E2E_REQUIRED=1 but chromium/chromedriver are not installed"
        );
        eprintln!(
            "chromium or chromedriver not installed (apt-get install -y chromium chromium-driver): browser journeys skipped"
        );
        return None;
    };
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    Some(Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    })
}

/// One browser session with its own fresh profile.
async fn open_browser(driver: &Driver, javascript: bool, profile: &Path) -> Client {
    let browser = find_program(
        "CHROMIUM",
        &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
    )
    .expect("chromium");
    let mut args = vec![
        "--headless".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--no-first-run".into(),
        "--lang=ko-KR".into(),
        "--window-size=1280,1400".into(),
        format!("--user-data-dir={}", profile.display()),
    ];
    if !javascript {
        args.push("--blink-settings=scriptEnabled=false".into());
    }
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": browser,
            "args": args,
            // A Korean user's browser: the app follows Accept-Language.
            "prefs": if javascript {
                json!({ "intl.accept_languages": "ko-KR,ko" })
            } else {
                json!({
                    "intl.accept_languages": "ko-KR,ko",
                    "profile.managed_default_content_settings.javascript": 2,
                })
            },
        },
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match ClientBuilder::new(connector.clone())
            .capabilities(caps.clone())
            .connect(&driver.url)
            .await
        {
            Ok(c) => return c,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("cannot start a WebDriver session at {}: {e}", driver.url),
        }
    }
}

fn percent_decode(s: &str) -> String {
    String::from_utf8(tambang::web::url::percent_decode(s.as_bytes())).expect("UTF-8 path")
}

/// What a journey needs: the browser, where the app is, and where screenshots go.
struct Journey<'a> {
    b: &'a Client,
    base: &'a str,
    mode: &'static str,
    shots: &'a Path,
}

impl Journey<'_> {
    async fn go(&self, path: &str) {
        self.b
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("goto {path}: {e}"));
    }

    async fn source(&self) -> String {
        self.b.source().await.expect("page source")
    }

    /// The current path, percent-decoded (Korean slugs as the pages write them).
    async fn path(&self) -> String {
        let url = self.b.current_url().await.expect("url");
        percent_decode(url.path())
    }

    async fn fill(&self, css: &str, text: &str) {
        let field = self
            .b
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("field {css}: {e}"));
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("type");
    }

    async fn choose(&self, select_css: &str, value: &str) {
        self.b
            .find(Locator::Css(select_css))
            .await
            .unwrap_or_else(|e| panic!("select {select_css}: {e}"))
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("option {value} of {select_css}: {e}"));
    }

    async fn click(&self, css: &str) {
        let button = self
            .b
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("button {css}: {e}"));
        self.submit(&button).await;
    }

    /// Clicks a submit button and waits until the browser has left the page (the old
    /// document's root goes stale), so the next look is at the answer, not the form.
    async fn submit(&self, button: &fantoccini::elements::Element) {
        let old = self.b.find(Locator::Css("html")).await.expect("root");
        button.click().await.expect("click");
        let deadline = Instant::now() + Duration::from_secs(20);
        while old.attr("lang").await.is_ok() {
            assert!(Instant::now() < deadline, "the form was not submitted");
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
    }

    /// The field errors and notices on the page (for failure messages).
    async fn errors(&self) -> String {
        let mut out = Vec::new();
        for e in self
            .b
            .find_all(Locator::Css(".error-text, .notice"))
            .await
            .unwrap_or_default()
        {
            out.push(e.text().await.unwrap_or_default());
        }
        out.join(" | ")
    }

    async fn screenshot(&self, name: &str) {
        let png = self.b.screenshot().await.expect("screenshot");
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        std::fs::write(self.shots.join(format!("{name}-{}.png", self.mode)), png)
            .expect("save screenshot");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_journeys() {
    let Some(driver) = start_driver() else { return };
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("e2e");
    std::fs::create_dir_all(&shots).expect("target/e2e");
    for (javascript, mode) in [(true, "js"), (false, "nojs")] {
        let profile = tempfile::tempdir().expect("profile dir");
        let app = spawn_app(Backend::Sqlite).await;
        app.add_user(EDITOR, Role::Editor).await;
        let base = serve(&app).await;
        let b = open_browser(&driver, javascript, profile.path()).await;
        let j = Journey {
            b: &b,
            base: &base,
            mode,
            shots: &shots,
        };
        javascript_is(&j, javascript).await;
        sign_in(&j).await;
        enterprise_outlet_and_link(&j).await;
        seed_report_review(&j).await;
        photo_upload(&j).await;
        csv_import_wizard(&j).await;
        compare_and_map(&j).await;
        b.close().await.expect("close browser");
    }
}

/// The JavaScript switch really works: a page whose script sets the title.
async fn javascript_is(j: &Journey<'_>, on: bool) {
    j.b.goto("data:text/html,<title>off</title><script>document.title='on'</script>")
        .await
        .expect("data url");
    let title = j.b.title().await.expect("title");
    assert_eq!(
        title,
        if on { "on" } else { "off" },
        "JavaScript {}",
        j.mode
    );
}

async fn sign_in(j: &Journey<'_>) {
    j.go("/login").await;
    j.fill("#f-email", EDITOR).await;
    j.fill("#f-password", PASSWORD).await;
    j.click("form[action='/login'] button[type=submit]").await;
    let page = j.source().await;
    assert!(
        page.contains("action=\"/logout\"") && page.contains(EDITOR),
        "signed in ({}): {page}",
        j.mode
    );
    assert!(
        page.contains("lang=\"ko\""),
        "Korean pages for a Korean browser"
    );
    assert_ne!(j.path().await, "/login");
    j.screenshot("1-signed-in").await;
}

async fn enterprise_outlet_and_link(j: &Journey<'_>) {
    j.go("/entries/new?kind=enterprise").await;
    j.fill("#f-name", "햇살두부협동조합").await;
    j.choose("#f-district", "11200").await;
    j.fill("#f-address", "서울특별시 성동구 왕십리로 100").await;
    // Forgot the type: the error sits next to the field and what was typed stays.
    j.click("form.stacked button[type=submit]").await;
    let again = j.source().await;
    assert!(
        again.contains("기업 유형을 골라 주세요") && again.contains("왕십리로 100"),
        "error next to the field, input kept: {}",
        j.errors().await
    );
    j.choose("#f-cert_type", "cooperative").await;
    j.click("form.stacked button[type=submit]").await;
    let enterprise_path = j.path().await;
    assert!(
        enterprise_path.starts_with("/e/"),
        "enterprise saved: {enterprise_path}: {}",
        j.errors().await
    );
    assert!(j.source().await.contains("햇살두부협동조합"));

    j.go("/entries/new?kind=outlet").await;
    j.fill("#f-name", "햇살장터 성수점").await;
    j.choose("#f-district", "11200").await;
    j.choose("#f-channel", "offline_store").await;
    j.click("form.stacked button[type=submit]").await;
    let outlet_path = j.path().await;
    assert!(
        outlet_path.starts_with("/e/"),
        "outlet saved: {outlet_path}: {}",
        j.errors().await
    );

    // On the outlet's page: the enterprise sells at this outlet (link pointing in).
    j.choose("#f-link_type", "sells_at").await;
    j.choose("#f-direction", "in").await;
    j.fill("#f-other", "햇살두부협동조합").await;
    j.click("form[action$='/links'] button[type=submit]").await;
    let page = j.source().await;
    assert!(
        page.contains("입점 기업"),
        "link label on the outlet: {page}"
    );
    assert!(page.contains("햇살두부협동조합"));
    // And the enterprise sees the outlet.
    j.go(&enterprise_path).await;
    assert!(j.source().await.contains("햇살장터 성수점"));
    j.screenshot("2-enterprise-linked").await;
}

fn seed_text() -> Option<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed");
    let file = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .min()?;
    std::fs::read_to_string(file).ok()
}

async fn seed_report_review(j: &Journey<'_>) {
    let Some(text) = seed_text() else {
        eprintln!("../shared/seed missing: seed journey skipped");
        return;
    };
    j.go("/reports/import").await;
    j.fill("#f-text", &text).await;
    j.click("form[action='/reports/import'] button[type=submit]")
        .await;
    // The pre-filled report form: the parser found the author and the visit date.
    let form = j.source().await;
    assert!(form.contains("2023-12-11"), "visit date suggested");
    j.choose("#f-state", "published").await;
    j.click("form.stacked button[type=submit]").await;
    let report_path = j.path().await;
    assert!(
        report_path.starts_with("/reports/"),
        "report saved: {report_path}: {}",
        j.errors().await
    );

    // Two suggestions wait for review (the 성동/용산 short forms): confirm one, reject one.
    let rows =
        j.b.find_all(Locator::Css("#mentions tbody tr"))
            .await
            .expect("review rows");
    assert!(rows.len() >= 2, "suggestions to review: {}", rows.len());
    let first = &rows[0];
    let entry_href = first
        .find(Locator::Css("td:nth-child(2) a"))
        .await
        .expect("suggested entry")
        .attr("href")
        .await
        .expect("href")
        .expect("an entry link");
    let confirm = first
        .find(Locator::Css("form[action$='/confirm'] button"))
        .await
        .expect("confirm button");
    j.submit(&confirm).await;
    let before =
        j.b.find_all(Locator::Css("#mentions tbody tr"))
            .await
            .expect("rows")
            .len();
    assert_eq!(
        before,
        rows.len() - 1,
        "confirmed suggestion left the queue"
    );
    j.click("#mentions tbody tr form[action$='/reject'] button")
        .await;
    let after =
        j.b.find_all(Locator::Css("#mentions tbody tr"))
            .await
            .expect("rows")
            .len();
    assert_eq!(
        after,
        before - 1,
        "rejected suggestion left the queue: {} {}",
        j.path().await,
        j.errors().await
    );
    j.screenshot("3-report-reviewed").await;

    // The confirmed entry's page links back to the report.
    j.b.goto(&format!("{}{entry_href}", j.base))
        .await
        .expect("entry page");
    let entry_page = j.source().await;
    assert!(
        entry_page.contains(&format!("href=\"{report_path}\"")),
        "backlink to {report_path} on {entry_href}"
    );
    j.screenshot("4-backlink").await;
}

/// A CP949 list in the ministry's layout with a column the synonyms do not know (`대표 이름`), one
/// row with a bad 사업자등록번호.
/// A photo over the 10 MB limit comes back with the reason beside the file field and the
/// caption and credit still typed in; the file chosen again, it is stored with them.
async fn photo_upload(j: &Journey<'_>) {
    let dir = tempfile::tempdir().expect("temp");
    let big = dir.path().join("큰사진.png");
    let mut bytes = crate::photos::png(8, 8);
    bytes.resize(11 * 1024 * 1024, 0);
    std::fs::write(&big, &bytes).expect("write big photo");
    let small = dir.path().join("성수동.png");
    std::fs::write(&small, crate::photos::png(40, 30)).expect("write photo");
    let caption = format!("성수동 소영씨스토어 매장 ({})", j.mode);
    j.go("/reports/seongdong-visit-2023-12/photos").await;
    let choose = |path: PathBuf| async move {
        j.b.find(Locator::Css("#f-file"))
            .await
            .expect("file input")
            .send_keys(path.to_str().expect("utf-8 path"))
            .await
            .expect("choose file");
    };
    choose(big).await;
    j.fill("#f-caption", &caption).await;
    j.fill("#f-credit", "성동구 사경센터").await;
    j.click("form[enctype='multipart/form-data'] div > button[type=submit]")
        .await;
    let refused = j.source().await;
    assert!(
        j.errors().await.contains("최대 10MB"),
        "the limit beside the file field ({}): {}",
        j.mode,
        j.errors().await
    );
    for (css, typed) in [
        ("#f-caption", caption.as_str()),
        ("#f-credit", "성동구 사경센터"),
    ] {
        let value =
            j.b.find(Locator::Css(css))
                .await
                .expect("field")
                .prop("value")
                .await
                .expect("value");
        assert_eq!(value.as_deref(), Some(typed), "{css} kept: {refused}");
    }
    j.screenshot("4b-photo-too-large").await;
    choose(small).await;
    j.click("form[enctype='multipart/form-data'] div > button[type=submit]")
        .await;
    let page = j.source().await;
    assert!(
        page.contains(&caption) && page.contains("/thumb"),
        "stored with its caption ({}): {}",
        j.mode,
        j.errors().await
    );
}

fn cp949_list(dir: &Path) -> PathBuf {
    let text = "사회적기업 인증현황 (2024년 6월)\r\n\
                지역,인증번호,기관명,대표 이름,소재지,사업자등록번호,인증일자\r\n\
                서울,제2024-101호,두레생활협동조합,김두레,서울특별시 성동구 성수이로 1,,2024-03-02\r\n\
                서울,제2024-102호,마을부엌사회적협동조합,이마을,서울특별시 용산구 한강대로 2,999-99-9999,2024-03-05\r\n\
                서울,제2024-103호,똠얌식당협동조합,박똠,서울특별시 광진구 능동로 3,,2024.04.01\r\n";
    let (bytes, _, unmappable) = encoding_rs::EUC_KR.encode(text);
    assert!(!unmappable);
    let path = dir.join("인증현황.csv");
    std::fs::write(&path, &bytes).expect("write list");
    path
}

async fn csv_import_wizard(j: &Journey<'_>) {
    let dir = tempfile::tempdir().expect("temp");
    let file = cp949_list(dir.path());
    j.go("/imports/new").await;
    j.b.find(Locator::Css("input[type=file]"))
        .await
        .expect("file input")
        .send_keys(file.to_str().expect("utf-8 path"))
        .await
        .expect("choose file");
    j.click("form[enctype='multipart/form-data'] button[type=submit]")
        .await;
    let preview = j.source().await;
    assert!(
        preview.contains("CP949") || preview.contains("EUC-KR") || preview.contains("cp949"),
        "detected encoding shown: {preview}"
    );
    // Map the unknown `대표 이름` column to the representative field, then look again.
    let selects =
        j.b.find_all(Locator::Css("form[action$='/mapping'] select"))
            .await
            .expect("mapping selects");
    let mut mapped = None;
    for s in &selects {
        let id = s.attr("id").await.expect("id").unwrap_or_default();
        let label =
            j.b.find(Locator::Css(&format!("label[for='{id}']")))
                .await
                .expect("label")
                .text()
                .await
                .expect("text");
        if label.trim() == "대표 이름" {
            s.select_by_value("representative")
                .await
                .expect("map 대표 이름");
            mapped = Some(id);
        }
    }
    let id = mapped.expect("the 대표 이름 column is offered for mapping");
    j.click("form[action$='/mapping'] button[type=submit]")
        .await;
    // The server kept the choice: the re-rendered form has it selected.
    let chosen =
        j.b.find(Locator::Css(&format!("#{id} option[selected]")))
            .await
            .expect("a selected option")
            .attr("value")
            .await
            .expect("value");
    assert_eq!(chosen.as_deref(), Some("representative"));
    j.click("form[action$='/apply'] button[type=submit]").await;
    let result = j.source().await;
    assert!(result.contains("가져오기 결과"), "result page: {result}");
    let link =
        j.b.find(Locator::Css("a[href$='/rejected.csv']"))
            .await
            .expect("rejected rows link");
    let href = link.attr("href").await.expect("href").expect("a link");
    // Download it with the browser's own cookies.
    let resp =
        j.b.raw_client_for(axum::http::Method::GET, &format!("{}{href}", j.base))
            .await
            .expect("download");
    assert_eq!(resp.status(), 200);
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    let csv = String::from_utf8_lossy(&bytes);
    assert!(csv.contains("999-99-9999"), "the bad row comes back: {csv}");
    assert!(csv.contains("마을부엌사회적협동조합"));
    j.screenshot("5-import-result").await;
    // The valid rows are in the directory.
    j.go("/search?q=두레생활").await;
    assert!(j.source().await.contains("두레생활협동조합"));
}

async fn compare_and_map(j: &Journey<'_>) {
    j.go("/compare?d=11200&d=11170&d=11215").await;
    let page = j.source().await;
    for name in ["성동구", "용산구", "광진구"] {
        assert!(page.contains(name), "{name} compared");
    }
    assert!(page.contains("<svg"), "a chart");
    j.screenshot("6-compare").await;
    let csv_href =
        j.b.find(Locator::Css("a[href^='/compare.csv']"))
            .await
            .expect("CSV link")
            .attr("href")
            .await
            .expect("href")
            .expect("a link");
    let resp =
        j.b.raw_client_for(axum::http::Method::GET, &format!("{}{csv_href}", j.base))
            .await
            .expect("CSV download");
    assert_eq!(resp.status(), 200);
    j.go("/map").await;
    let map = j.source().await;
    assert!(map.contains("<svg"), "the map");
    j.screenshot("7-map").await;
}
