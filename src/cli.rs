//! The `tambang` command line: serve, migrate, demo, accounts, imports and bench.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use migration::{Migrator, MigratorTrait};

use crate::config::Config;
use crate::error::AppError;

/// Tambang (탐방) — directory and field-visit log of the social economy.
#[derive(Debug, Parser)]
#[command(name = "tambang", version, about)]
pub struct Cli {
    /// Database URL: postgres://USER@HOST/DB or sqlite://FILE. Default: tambang.db in --data-dir.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Folder for the default SQLite database file.
    #[arg(long, env = "TAMBANG_DATA_DIR", default_value = ".", global = true)]
    pub data_dir: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate, load the demo data into an empty database, and serve the web app.
    Serve {
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Do not load the demo data into an empty database.
        #[arg(long)]
        no_demo: bool,
        /// Always mark cookies Secure (set this when users reach Tambang over https; behind a
        /// proxy that sends `X-Forwarded-Proto: https` it happens per request anyway).
        #[arg(long, env = "TAMBANG_SECURE_COOKIES")]
        secure_cookies: bool,
    },
    /// Apply, revert or list schema migrations.
    Migrate {
        #[arg(value_enum, default_value_t = MigrateAction::Up)]
        action: MigrateAction,
        /// With `down`: how many migrations to revert (default 1).
        #[arg(long, conflicts_with = "all")]
        steps: Option<u32>,
        /// With `down`: revert every migration.
        #[arg(long)]
        all: bool,
    },
    /// Load the demo data (Seoul's districts and the founding visit report). Safe to repeat.
    Demo,
    /// Fill a fresh database with generated data and time search and page queries.
    Bench {
        /// Number of entries to generate (reports: 1% of that).
        #[arg(long, value_enum, default_value = "10k")]
        size: crate::bench::run::BenchSize,
        /// Requests timed per operation.
        #[arg(long, default_value_t = 1000)]
        queries: usize,
        /// Seed of the data and request generators.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Delete everything in the database first (SQLite: the file; PostgreSQL: all tables).
        #[arg(long)]
        fresh: bool,
        /// Allow a PostgreSQL database whose name does not end in `_bench`.
        #[arg(long)]
        force: bool,
        /// Visit reports to generate (default: 1% of the entries).
        #[arg(long)]
        reports: Option<usize>,
        /// District boundaries (GeoJSON with SIG_CD) to load, so the map is a choropleth.
        #[arg(long)]
        boundaries: Option<std::path::PathBuf>,
        /// Time the data a previous run generated (same size) instead of generating it.
        #[arg(long, conflicts_with = "fresh")]
        reuse: bool,
        /// Seconds of wrk load per route in the HTTP phase (0 skips the phase).
        #[arg(long, default_value_t = 30)]
        http_secs: u64,
        /// Open connections during the HTTP phase.
        #[arg(long, default_value_t = 32)]
        connections: u32,
    },
    /// Time the import of a generated CP949 list in the public 인증현황 layout next to the
    /// sqlite3 shell's `.import` of the same rows (the floor), with peak memory.
    BenchImport {
        /// Rows of the generated list.
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Delete everything in the database first (SQLite: the file; PostgreSQL: all tables).
        #[arg(long)]
        fresh: bool,
        /// Allow a PostgreSQL database whose name does not end in `_bench`.
        #[arg(long)]
        force: bool,
    },
    /// Re-time only the linking phase of `bench` over a database it generated: the dictionary
    /// rebuild and linking a 10,000-character report next to a bare Aho-Corasick scan, with
    /// as many timed scans as asked (for a steadier ratio, or for a profiler to sample).
    BenchLinking {
        /// Timed calls of each of exact linking, full linking and the bare scan, in turns.
        #[arg(long, default_value_t = 1000)]
        scans: usize,
    },
    /// Read the `FIGURE` lines of bench logs and write the growth table (markdown) and one SVG
    /// chart per backend.
    BenchReport {
        /// Logs of `tambang bench` and `tambang bench-import` runs (any other lines are ignored).
        #[arg(required = true)]
        logs: Vec<PathBuf>,
        /// Folder for growth.md and growth-BACKEND.svg.
        #[arg(long, default_value = "target/bench")]
        out: PathBuf,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        action: crate::cli_accounts::UserAction,
    },
    /// Write a consistent copy of the SQLite database to FILE while the app may keep running
    /// (on PostgreSQL: prints the pg_dump command to use).
    Backup { file: PathBuf },
    /// Restore a backup FILE into an empty --data-dir.
    Restore { file: PathBuf },
    /// Rebuild the mention dictionary and re-suggest the mentions of every report.
    Mentions {
        #[command(subcommand)]
        action: MentionsAction,
    },
    /// Import a public list into the directory, or a visit report's text.
    Import {
        #[command(subcommand)]
        what: crate::cli_import::ImportWhat,
    },
    /// Export directory entries (CSV in UTF-8 or CP949, GeoJSON, JSON).
    Export {
        #[command(subcommand)]
        what: crate::cli_import::ExportWhat,
    },
    /// Manage API tokens for scripts.
    Token {
        #[command(subcommand)]
        action: crate::cli_accounts::TokenAction,
    },
}

/// `mentions` sub-actions.
#[derive(Debug, Clone, Copy, Subcommand)]
pub enum MentionsAction {
    /// Build the dictionary from the directory and re-suggest every report's mentions.
    Rebuild,
}

/// `migrate` sub-actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MigrateAction {
    Up,
    Down,
    Status,
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> Result<(), AppError> {
    let config = Config {
        database_url: cli.database_url,
        data_dir: cli.data_dir,
    };
    let url = config.database_url();
    match cli.command {
        Command::Serve {
            bind,
            no_demo,
            secure_cookies,
        } => {
            let settings = crate::app::Settings {
                secure_cookies,
                ..Default::default()
            };
            crate::app::serve(&url, bind, !no_demo, settings).await
        }
        Command::Migrate { action, steps, all } => migrate(&url, action, steps, all).await,
        Command::Demo => {
            let db = crate::db::connect_and_migrate(&url).await?;
            let summary = crate::demo::load(&db).await?;
            println!("{summary}");
            Ok(())
        }
        Command::Bench {
            size,
            queries,
            seed,
            fresh,
            force,
            reports,
            boundaries,
            reuse,
            http_secs,
            connections,
        } => {
            let opts = crate::bench::run::BenchOptions {
                size,
                queries,
                seed,
                fresh,
                force,
                reports,
                boundaries,
                reuse,
                http_secs,
                connections,
            };
            crate::bench::run::run(&url, &opts).await
        }
        Command::BenchImport {
            rows,
            seed,
            fresh,
            force,
        } => crate::bench::import_list::run_import_bench(&url, rows, seed, fresh, force).await,
        Command::BenchLinking { scans } => crate::bench::run::run_linking(&url, scans).await,
        Command::BenchReport { logs, out } => bench_report(&logs, &out),
        Command::User { action } => crate::cli_accounts::user(&url, action).await,
        Command::Token { action } => crate::cli_accounts::token(&url, action).await,
        Command::Import { what } => crate::cli_import::import(&url, what).await,
        Command::Export { what } => crate::cli_import::export(&url, what).await,
        Command::Backup { file } => {
            println!("{}", crate::backup::backup(&url, &file).await?);
            Ok(())
        }
        Command::Restore { file } => {
            if config
                .database_url
                .as_deref()
                .is_some_and(|u| !u.starts_with("sqlite:"))
            {
                return Err(AppError::Config(
                    "restore works on SQLite data directories; use pg_restore for PostgreSQL"
                        .into(),
                ));
            }
            println!("{}", crate::backup::restore(&file, &config.data_dir).await?);
            Ok(())
        }
        Command::Mentions {
            action: MentionsAction::Rebuild,
        } => {
            let db = crate::db::connect_and_migrate(&url).await?;
            let state = crate::app::AppState::new(db);
            let n = state.mentions.rebuild(&state.db).await?;
            let reports = crate::linking::relink_all(&state).await?;
            println!(
                "mention dictionary rebuilt for {n} entries; mentions re-suggested in {reports} reports"
            );
            Ok(())
        }
    }
}

/// `tambang bench-report`: figures from logs → growth.md and one chart per backend.
fn bench_report(logs: &[PathBuf], out: &std::path::Path) -> Result<(), AppError> {
    use crate::bench::report::{growth_chart_svg, growth_table, read_figures};
    let mut text = String::new();
    for log in logs {
        let bytes = std::fs::read(log)
            .map_err(|e| AppError::Config(format!("cannot read {}: {e}", log.display())))?;
        text.push_str(&String::from_utf8_lossy(&bytes));
        text.push('\n');
    }
    let figures = read_figures(&text).map_err(AppError::Config)?;
    if figures.is_empty() {
        return Err(AppError::Config(
            "no FIGURE lines in these logs (they come from tambang bench and bench-import)".into(),
        ));
    }
    std::fs::create_dir_all(out)
        .map_err(|e| AppError::Config(format!("cannot create {}: {e}", out.display())))?;
    let write = |name: String, body: String| {
        let path = out.join(name);
        std::fs::write(&path, body)
            .map_err(|e| AppError::Config(format!("cannot write {}: {e}", path.display())))?;
        println!("wrote {}", path.display());
        Ok::<_, AppError>(())
    };
    let table = growth_table(&figures);
    println!("{table}");
    write("growth.md".into(), table)?;
    let mut backends: Vec<&str> = figures.iter().map(|f| f.backend.as_str()).collect();
    backends.sort_unstable();
    backends.dedup();
    for backend in backends {
        write(
            format!("growth-{backend}.svg"),
            growth_chart_svg(&figures, backend),
        )?;
    }
    Ok(())
}

async fn migrate(
    url: &str,
    action: MigrateAction,
    steps: Option<u32>,
    all: bool,
) -> Result<(), AppError> {
    let db = crate::db::connect(url).await?;
    let fail = |e: sea_orm::DbErr| AppError::Config(format!("migration failed: {e}"));
    match action {
        MigrateAction::Up => {
            Migrator::up(&db, None).await.map_err(fail)?;
            println!("schema is up to date");
        }
        MigrateAction::Down => {
            let steps = if all { None } else { Some(steps.unwrap_or(1)) };
            Migrator::down(&db, steps).await.map_err(fail)?;
            println!(
                "reverted {}",
                steps.map_or("all migrations".into(), |n| format!("{n} migration(s)"))
            );
        }
        MigrateAction::Status => {
            for m in Migrator::get_migration_with_status(&db)
                .await
                .map_err(fail)?
            {
                println!(
                    "{:<10} {}",
                    format!("{:?}", m.status()).to_lowercase(),
                    m.name()
                );
            }
        }
    }
    Ok(())
}
