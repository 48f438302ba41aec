//! The benchmark's HTTP phase: the real server in a second process, loaded by `wrk` from a
//! third, on loopback.
//!
//! `tambang serve --no-demo` is started on a free loopback port over the benchmark database;
//! the time from spawning it to the first `200` answer of `/` is its start-up figure. On
//! SQLite it is first started once *cold*: the database file's pages are dropped from the
//! operating system's cache beforehand (`posix_fadvise(DONTNEED)`, no privileges needed), as
//! after a reboot, and every page the start-up and the first page need is read from disk
//! (PostgreSQL's files and buffers are its server's, so there only the warm start is timed).
//! Then `wrk` (Debian package `wrk`) runs against one route at a time — home page, search,
//! entry page, list page, report page, compare page, reports list — for a fixed number of
//! seconds with a fixed number of connections, cycling through request paths drawn from the
//! generated data (the same mix as the in-process phase), each of which was first requested
//! once (it must answer 200, and the caches are then warm). Afterwards the server's peak
//! resident memory (`VmHWM`) is read from `/proc` and the server is stopped with SIGINT, the
//! way Ctrl-C stops it.
//!
//! Nothing here asserts a time: it measures and prints. Without `wrk` on PATH the phase is
//! skipped with a note (start-up and memory are still measured).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::bench::measure::Material;
use crate::bench::words::Rng;
use crate::error::{AppError, AppResult};

/// How hard and how long to load each route.
#[derive(Debug, Clone, Copy)]
pub struct HttpOptions {
    /// Seconds per route.
    pub secs: u64,
    /// Open connections.
    pub connections: u32,
}

/// One route under load.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RouteLoad {
    pub route: String,
    pub requests: u64,
    pub requests_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Answers that were not 2xx/3xx, plus socket errors and timeouts.
    pub failures: u64,
}

/// What the HTTP phase measured.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct HttpFigures {
    /// From spawning `tambang serve` to the first `200` of `/`.
    pub start_to_first_response_ms: f64,
    /// The same from a cold page cache (SQLite only: the database file evicted first).
    pub cold_start_to_first_response_ms: Option<f64>,
    /// Resident memory right after that first response.
    pub rss_after_start_mib: f64,
    /// Peak resident memory of the server over the whole phase.
    pub peak_rss_mib: f64,
    /// Empty when `wrk` is not installed.
    pub routes: Vec<RouteLoad>,
}

/// The server process; SIGINT (then SIGKILL) when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-INT", &pid]).status();
        for _ in 0..100 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free port on 127.0.0.1 (free when asked; the server binds it a moment later).
fn free_port() -> AppResult<u16> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(AppError::internal)?;
    Ok(l.local_addr().map_err(AppError::internal)?.port())
}

/// The status code of `GET path`, or `None` when nothing answers yet.
fn get_status(port: u16, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 12];
    s.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// A `/proc/PID/status` figure in MiB (`VmRSS`, `VmHWM`).
fn proc_mib(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// True when `wrk` can be run.
pub fn wrk_available() -> bool {
    Command::new("wrk")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Starts the server over `url`, measures start-up, loads each route and reads peak memory.
pub fn run(
    url: &str,
    material: &Material,
    codes: &[String],
    rng: &mut Rng,
    opts: HttpOptions,
    scratch: &Path,
) -> AppResult<HttpFigures> {
    let cold = match crate::bench::run::sqlite_path(url) {
        Some(path) => {
            evict(&[format!("{path}-wal"), path])?;
            let (server, first) = start(url)?;
            drop(server);
            Some(first.as_secs_f64() * 1000.0)
        }
        None => None,
    };
    let (server, first) = start(url)?;
    let (port, pid) = (server.port, server.child.id());
    let mut figures = HttpFigures {
        start_to_first_response_ms: first.as_secs_f64() * 1000.0,
        cold_start_to_first_response_ms: cold,
        rss_after_start_mib: proc_mib(pid, "VmRSS:"),
        ..Default::default()
    };
    if wrk_available() {
        for (route, paths) in route_paths(material, codes, rng) {
            if paths.is_empty() {
                continue;
            }
            // Every path must answer 200 before it is put under load (a 404 would be fast
            // noise). Asking each once also warms the server's page caches, so wrk measures the
            // steady state of paths people keep opening; the first, uncached answer of each is
            // what the in-process phase times.
            if let Some(bad) = paths.iter().find(|p| get_status(port, p) != Some(200)) {
                return Err(AppError::internal(format!(
                    "{route}: {bad} does not answer 200"
                )));
            }
            figures
                .routes
                .push(load_route(port, route, &paths, opts, scratch)?);
        }
    } else {
        println!("wrk is not installed (apt-get install -y wrk): HTTP load skipped");
    }
    figures.peak_rss_mib = proc_mib(pid, "VmHWM:");
    drop(server);
    Ok(figures)
}

/// Spawns `tambang serve` over `url` on a free loopback port and waits for its first `200`
/// of `/`: the server and how long that took.
fn start(url: &str) -> AppResult<(Server, Duration)> {
    let port = free_port()?;
    let exe = std::env::current_exe().map_err(AppError::internal)?;
    let started = Instant::now();
    let child = Command::new(exe)
        .args(["serve", "--no-demo", "--bind", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| AppError::internal(format!("cannot start the server: {e}")))?;
    let mut server = Server { child, port };
    loop {
        if get_status(port, "/") == Some(200) {
            return Ok((server, started.elapsed()));
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(AppError::internal(format!(
                "the server exited before answering ({status})"
            )));
        }
        if started.elapsed() > Duration::from_secs(120) {
            return Err(AppError::internal("the server did not answer within 120 s"));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Drops `files`' pages from the operating system's page cache (written out first, since
/// only clean pages can be dropped): the next reads come from the disk, as after a reboot.
fn evict(files: &[String]) -> AppResult<()> {
    use std::os::fd::AsRawFd;
    for path in files {
        let Ok(file) = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
        else {
            continue; // no write-ahead log: nothing to drop
        };
        file.sync_all().map_err(AppError::internal)?;
        // SAFETY: a plain system call on a descriptor this function owns; it reads no memory.
        let rc = unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
        if rc != 0 {
            return Err(AppError::internal(format!(
                "cannot drop {path} from the page cache (error {rc})"
            )));
        }
    }
    Ok(())
}

/// Request paths per route: the same mix of inputs as the in-process phase.
fn route_paths(m: &Material, codes: &[String], rng: &mut Rng) -> Vec<(&'static str, Vec<String>)> {
    const N: usize = 500;
    let search = crate::bench::measure::search_queries(rng, m, N)
        .into_iter()
        .map(|q| format!("/search?q={}", encode(&q)))
        .collect();
    let entries = pick_paths(rng, &m.entry_slugs, N, "/e/");
    let lists = (0..N)
        .map(|_| {
            let page = rng.range(1, 3);
            if rng.chance(50) && !m.districts.is_empty() {
                format!(
                    "/enterprises?district={}&page={page}",
                    rng.pick(&m.districts)
                )
            } else {
                format!("/enterprises?page={page}")
            }
        })
        .collect();
    let reports = pick_paths(rng, &m.report_slugs, N, "/reports/");
    let compare = if codes.len() < 3 {
        Vec::new()
    } else {
        (0..N)
            .map(|_| {
                let mut picked: Vec<&String> = Vec::new();
                while picked.len() < 3 {
                    let c = rng.pick(codes);
                    if !picked.contains(&c) {
                        picked.push(c);
                    }
                }
                let d: Vec<String> = picked.iter().map(|c| format!("d={c}")).collect();
                format!("/compare?{}", d.join("&"))
            })
            .collect()
    };
    // Drawn last, so the routes above get the paths they got before this route was timed.
    let report_pages = m
        .report_slugs
        .len()
        .div_ceil(crate::web::pagination::PER_PAGE as usize);
    let report_lists = if report_pages == 0 {
        Vec::new()
    } else {
        (0..N)
            .map(|_| format!("/reports?page={}", rng.range(1, report_pages as i64)))
            .collect()
    };
    vec![
        // The first page everyone opens; one path.
        ("home page", vec!["/".to_string()]),
        ("search", search),
        ("entry page", entries),
        ("list page", lists),
        ("report page", reports),
        ("compare page", compare),
        ("reports list", report_lists),
    ]
}

/// `n` paths `prefix` + a random slug of `slugs` (none when there are no slugs).
fn pick_paths(rng: &mut Rng, slugs: &[String], n: usize, prefix: &str) -> Vec<String> {
    if slugs.is_empty() {
        return Vec::new();
    }
    (0..n)
        .map(|_| format!("{prefix}{}", encode(rng.pick::<String>(slugs))))
        .collect()
}

/// Percent-encodes everything but unreserved ASCII.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A wrk script that cycles through `paths`.
fn lua_script(paths: &[String]) -> String {
    let list: Vec<String> = paths.iter().map(|p| format!("{p:?}")).collect();
    format!(
        "local paths = {{ {} }}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  \
         return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n",
        list.join(",\n")
    )
}

fn load_route(
    port: u16,
    route: &str,
    paths: &[String],
    opts: HttpOptions,
    scratch: &Path,
) -> AppResult<RouteLoad> {
    let script = scratch.join(format!("wrk-{}.lua", route.replace(' ', "-")));
    std::fs::write(&script, lua_script(paths)).map_err(AppError::internal)?;
    let out = Command::new("wrk")
        .args([
            "-t1",
            &format!("-c{}", opts.connections),
            &format!("-d{}s", opts.secs),
            "--timeout",
            "10s",
            "--latency",
            "-s",
        ])
        .arg(&script)
        .arg(format!("http://127.0.0.1:{port}"))
        .output()
        .map_err(|e| AppError::internal(format!("cannot run wrk: {e}")))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(AppError::internal(format!(
            "wrk failed on {route}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    parse_wrk(route, &text)
        .ok_or_else(|| AppError::internal(format!("cannot read wrk's output:\n{text}")))
}

/// Milliseconds from a wrk duration such as `812.00us`, `4.21ms` or `1.02s`.
fn wrk_ms(s: &str) -> Option<f64> {
    if let Some(v) = s.strip_suffix("us") {
        return Some(v.parse::<f64>().ok()? / 1000.0);
    }
    if let Some(v) = s.strip_suffix("ms") {
        return v.parse().ok();
    }
    if let Some(v) = s.strip_suffix('m') {
        return Some(v.parse::<f64>().ok()? * 60_000.0);
    }
    Some(s.strip_suffix('s')?.parse::<f64>().ok()? * 1000.0)
}

/// Reads `wrk --latency` output.
fn parse_wrk(route: &str, text: &str) -> Option<RouteLoad> {
    let mut r = RouteLoad {
        route: route.to_string(),
        ..Default::default()
    };
    let mut seen_rate = false;
    for line in text.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["50%", v] => r.p50_ms = wrk_ms(v)?,
            ["99%", v] => r.p99_ms = wrk_ms(v)?,
            ["Requests/sec:", v] => {
                r.requests_per_s = v.parse().ok()?;
                seen_rate = true;
            }
            [n, "requests", "in", ..] => r.requests = n.parse().ok()?,
            ["Non-2xx", "or", "3xx", "responses:", n] => r.failures += n.parse::<u64>().ok()?,
            ["Socket", "errors:", rest @ ..] => {
                r.failures += rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum::<u64>();
            }
            _ => {}
        }
    }
    seen_rate.then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WRK: &str = "Running 2s test @ http://127.0.0.1:4000
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.12ms    2.10ms  30.00ms   70.00%
    Req/Sec     6.25k   300.00     7.00k    80.00%
  Latency Distribution
     50%  812.00us
     75%    6.00ms
     90%    7.50ms
     99%    1.02s
  12500 requests in 2.00s, 80.20MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   6250.31
Transfer/sec:     40.10MB
";

    #[test]
    fn reads_wrk_latency_output() {
        let r = parse_wrk("search", WRK).expect("parsed");
        assert_eq!(r.requests, 12_500);
        assert!((r.requests_per_s - 6250.31).abs() < 1e-9);
        assert!((r.p50_ms - 0.812).abs() < 1e-9);
        assert!((r.p99_ms - 1020.0).abs() < 1e-9);
        assert_eq!(r.failures, 7);
        assert!(parse_wrk("x", "unable to connect").is_none());
    }

    #[test]
    fn paths_are_percent_encoded_for_lua() {
        assert_eq!(encode("성수 a&b"), "%EC%84%B1%EC%88%98%20a%26b");
        let s = lua_script(&["/search?q=%22x".into()]);
        assert!(s.contains("\"/search?q=%22x\""), "{s}");
    }
}
