//! `tambang import enterprises FILE`: the import pipeline from the command line, with plain
//! progress lines and a summary; exits non-zero when rows were rejected.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::audit::Actor;
use crate::domain::CertType;
use crate::entities::import;
use crate::error::AppError;
use crate::import::ImportOptions;
use crate::import::apply::{ImportReport, Progress, run};
use crate::import::map::Mapping;

/// `import` sub-commands.
#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// Load district outlines from a GeoJSON FeatureCollection (WGS84 longitude/latitude;
    /// features matched by code and name, e.g. SIG_CD + SIG_KOR_NM).
    Boundaries { file: PathBuf },
    /// Import population, area and year per district (CSV with a district name or SIG_CD
    /// code column and a population column), for per-resident figures.
    DistrictFigures {
        file: PathBuf,
        /// The year of the figures, when the file has no year column.
        #[arg(long)]
        year: Option<i32>,
    },
    /// Import the plain text of a published visit report (a blog post) as a report; the
    /// mentions it contains are suggested (and sure ones confirmed).
    Report {
        file: PathBuf,
        /// Publish it at once (default: a draft to review).
        #[arg(long)]
        publish: bool,
    },
    /// Import an enterprise list (CSV/TSV in UTF-8, UTF-8 with BOM, UTF-16 or CP949, or an
    /// .xlsx workbook).
    Enterprises {
        file: PathBuf,
        /// The sheet of an .xlsx workbook (default: the first worksheet).
        #[arg(long)]
        sheet: Option<String>,
        /// Work out and print everything, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Apply nothing if any row is rejected.
        #[arg(long)]
        strict: bool,
        /// Name of the list (e.g. "고용노동부 인증현황"); a later edition with the same name is
        /// compared with this one.
        #[arg(long)]
        source: Option<String>,
        /// Reuse the column mapping of the last import of this source.
        #[arg(long)]
        mapping: Option<String>,
        /// Type of rows that neither state it nor carry a 인증번호 (e.g. village, cooperative).
        #[arg(long, default_value = "general")]
        cert_type: String,
        /// Mark entries missing from this edition of --source as closed (never deleted).
        #[arg(long, requires = "source")]
        close_missing: bool,
    },
}

/// `export` sub-commands.
#[derive(Debug, Subcommand)]
pub enum ExportWhat {
    /// Entries of one kind (or all), with the list's filters. Includes phone and e-mail.
    Entries {
        /// district, center, enterprise, outlet, partner, program or place (default: all).
        #[arg(long)]
        kind: Option<String>,
        /// active, closed or unknown.
        #[arg(long, default_value = "")]
        status: String,
        /// Enterprises: certified, pre_regional, cooperative, …
        #[arg(long, default_value = "")]
        cert_type: String,
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormatArg,
        /// CSV only: utf-8 (with a BOM, for Excel) or cp949 (characters CP949 lacks become
        /// '?' and are listed on stderr).
        #[arg(long, value_enum, default_value = "utf-8")]
        encoding: ExportEncodingArg,
        /// Output file (default: standard output).
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
    },
}

/// `--format`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExportFormatArg {
    Csv,
    Geojson,
    Json,
}

/// `--encoding`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExportEncodingArg {
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    #[value(name = "cp949", alias = "euc-kr")]
    Cp949,
}

/// Runs an `export` command.
pub async fn export(url: &str, what: ExportWhat) -> Result<(), AppError> {
    use crate::api::export::{CsvEncoding, ExportFormat, write_export};
    let ExportWhat::Entries {
        kind,
        status,
        cert_type,
        format,
        encoding,
        output,
    } = what;
    let format = match (format, encoding) {
        (ExportFormatArg::Csv, ExportEncodingArg::Utf8) => ExportFormat::Csv(CsvEncoding::Utf8Bom),
        (ExportFormatArg::Csv, ExportEncodingArg::Cp949) => ExportFormat::Csv(CsvEncoding::Cp949),
        (_, ExportEncodingArg::Cp949) => {
            return Err(AppError::Config(
                "--encoding cp949 is for CSV only: JSON and GeoJSON are always UTF-8".into(),
            ));
        }
        (ExportFormatArg::Geojson, _) => ExportFormat::GeoJson,
        (ExportFormatArg::Json, _) => ExportFormat::Json,
    };
    let params = crate::api::entries::ListParams {
        kind,
        status,
        cert_type,
        ..Default::default()
    };
    params.kind()?;
    let db = crate::db::connect_and_migrate(url).await?;
    let summary = match &output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| AppError::Config(format!("cannot create {}: {e}", path.display())))?;
            let mut w = std::io::BufWriter::new(file);
            write_export(&db, &params, format, &mut w).await?
        }
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout());
            write_export(&db, &params, format, &mut w).await?
        }
    };
    for (slug, c) in summary.replaced.iter().take(50) {
        eprintln!(
            "warning: {slug}: '{c}' (U+{:04X}) is not in CP949, written as '?'",
            u32::from(*c)
        );
    }
    if summary.replaced.len() > 50 {
        eprintln!("… {} more", summary.replaced.len() - 50);
    }
    eprintln!(
        "exported {} entries{}",
        summary.entries,
        output
            .as_ref()
            .map(|p| format!(" to {}", p.display()))
            .unwrap_or_default()
    );
    Ok(())
}

/// Runs an `import` command.
pub async fn import(url: &str, what: ImportWhat) -> Result<(), AppError> {
    match what {
        ImportWhat::Report { file, publish } => import_report(url, &file, publish).await,
        ImportWhat::Boundaries { file } => import_boundaries(url, &file).await,
        ImportWhat::DistrictFigures { file, year } => {
            import_district_figures(url, &file, year).await
        }
        enterprises => import_enterprises(url, enterprises).await,
    }
}

/// `tambang import report FILE [--publish]`.
async fn import_report(url: &str, file: &std::path::Path, publish: bool) -> Result<(), AppError> {
    let bytes = std::fs::read(file)
        .map_err(|e| AppError::Config(format!("cannot read {}: {e}", file.display())))?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t.trim_start_matches('\u{feff}').to_string(),
        Err(e) => encoding_rs::EUC_KR.decode(e.as_bytes()).0.into_owned(),
    };
    let parsed = crate::blogpost::parse_post(&text);
    let (mut input, notes) = crate::reports::import_page::prefill(&parsed);
    input.state = if publish { "published" } else { "draft" }.into();
    let draft = crate::reports::input::parse_report(&input).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(|(f, m)| format!("{f}: {m}")).collect();
        AppError::BadRequest(format!(
            "the post could not be read as a report: {}",
            list.join("; ")
        ))
    })?;
    let db = crate::db::connect_and_migrate(url).await?;
    let state = crate::app::AppState::new(db);
    let report =
        match crate::reports::write::create_report(&state.db, &Actor::system("cli"), &draft).await?
        {
            crate::reports::write::ReportOutcome::Saved(r) => r,
            crate::reports::write::ReportOutcome::Invalid(errors) => {
                let list: Vec<String> = errors.iter().map(|(f, m)| format!("{f}: {m}")).collect();
                return Err(AppError::BadRequest(list.join("; ")));
            }
            crate::reports::write::ReportOutcome::Conflict(_) => {
                return Err(AppError::internal("unexpected conflict"));
            }
        };
    crate::linking::relink_report(&state, &report).await?;
    let mentions = crate::linking::store::of_report(&state.db, report.id).await?;
    let confirmed = mentions.iter().filter(|m| m.state == "confirmed").count();
    println!(
        "report {} ({}) saved as {}",
        report.slug, report.title, report.state
    );
    for n in notes {
        println!("  {n}");
    }
    println!(
        "mentions: {} found, {confirmed} confirmed, {} to review",
        mentions.len(),
        mentions.len() - confirmed
    );
    Ok(())
}

/// `tambang import boundaries FILE.geojson`.
async fn import_boundaries(url: &str, file: &std::path::Path) -> Result<(), AppError> {
    let bytes = std::fs::read(file)
        .map_err(|e| AppError::Config(format!("cannot read {}: {e}", file.display())))?;
    let db = crate::db::connect_and_migrate(url).await?;
    crate::demo::ensure_districts(&db).await?;
    let s = crate::boundary::import::import(&db, &Actor::system("cli"), &bytes).await?;
    println!(
        "boundaries: {} updated, {} unchanged",
        s.updated.len(),
        s.unchanged.len()
    );
    if !s.other.is_empty() {
        println!(
            "not districts of the directory, skipped ({}): {}",
            s.other.len(),
            s.other.join(", ")
        );
    }
    if !s.missing.is_empty() {
        println!(
            "districts without a boundary in this file ({}): {}",
            s.missing.len(),
            s.missing.join(", ")
        );
    }
    Ok(())
}

/// `tambang import district-figures FILE [--year N]`.
async fn import_district_figures(
    url: &str,
    file: &std::path::Path,
    year: Option<i32>,
) -> Result<(), AppError> {
    let bytes = std::fs::read(file)
        .map_err(|e| AppError::Config(format!("cannot read {}: {e}", file.display())))?;
    let db = crate::db::connect_and_migrate(url).await?;
    crate::demo::ensure_districts(&db).await?;
    let s =
        crate::compare::district_figures::import(&db, &Actor::system("cli"), &bytes, year).await?;
    for (line, reason) in &s.rejected {
        println!("line {line}: {reason}");
    }
    println!(
        "district figures: {} updated, {} unchanged, {} rejected",
        s.updated,
        s.unchanged,
        s.rejected.len()
    );
    if s.rejected.is_empty() {
        Ok(())
    } else {
        Err(AppError::BadRequest(format!(
            "{} rows were rejected",
            s.rejected.len()
        )))
    }
}

async fn import_enterprises(url: &str, what: ImportWhat) -> Result<(), AppError> {
    let ImportWhat::Enterprises {
        file,
        sheet,
        dry_run,
        strict,
        source,
        mapping,
        cert_type,
        close_missing,
    } = what
    else {
        return Err(AppError::internal("not an enterprise import"));
    };
    let bytes = std::fs::read(&file)
        .map_err(|e| AppError::Config(format!("cannot read {}: {e}", file.display())))?;
    let db = crate::db::connect_and_migrate(url).await?;
    crate::demo::ensure_districts(&db).await?;
    let file_name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut opts = ImportOptions::new(&file_name);
    opts.dry_run = dry_run;
    opts.strict = strict;
    opts.source = source;
    opts.close_missing = close_missing;
    opts.sheet = sheet;
    opts.default_cert_type = CertType::from_label(&cert_type)
        .ok_or_else(|| AppError::Config(format!("unknown --cert-type: {cert_type}")))?;
    if let Some(name) = mapping {
        let saved = import::Entity::find()
            .filter(import::Column::Source.eq(name.as_str()))
            .order_by_desc(import::Column::Id)
            .one(&db)
            .await?
            .and_then(|i| i.mapping)
            .ok_or_else(|| AppError::Config(format!("no saved mapping named {name}")))?;
        opts.overrides = Mapping::overrides_from_json(&saved);
    }
    let mut progress = progress_reporter();
    let report = run(&db, &Actor::system("cli"), &bytes, &opts, &mut progress).await?;
    print_report(&report, &opts);
    if report.applied {
        // The import is committed; a failed merge only leaves search slower until the next.
        match crate::search::compact::compact(&db).await {
            Ok(done) => println!("{}", crate::search::compact::summary(&done)),
            Err(e) => eprintln!("warning: compacting the search indexes failed: {e}"),
        }
    }
    if report.rejected > 0 {
        return Err(AppError::Config(format!(
            "{} row(s) rejected{}",
            report.rejected,
            if strict && !dry_run {
                "; nothing was applied (--strict)"
            } else {
                ""
            }
        )));
    }
    Ok(())
}

/// Rows between two plain progress lines (when stderr is not a terminal).
pub const PLAIN_PROGRESS_EVERY: usize = 10_000;

/// An indicatif bar over the file's bytes when stderr is a terminal; otherwise a plain
/// `… N rows read` line on stderr every `PLAIN_PROGRESS_EVERY` rows.
fn progress_reporter() -> impl FnMut(Progress) + Send {
    use std::io::IsTerminal;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {percent:>3}% {msg} ({elapsed}, 남은 시간 {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let mut last_line = 0;
    move |p: Progress| match &bar {
        Some(bar) => {
            bar.set_length(p.total);
            bar.set_position(p.done);
            bar.set_message(format!("{} rows", p.rows));
            if p.finished {
                bar.finish_and_clear();
            }
        }
        None => {
            if p.rows / PLAIN_PROGRESS_EVERY > last_line {
                last_line = p.rows / PLAIN_PROGRESS_EVERY;
                eprintln!("… {} rows read", p.rows);
                let _ = std::io::stderr().flush();
            }
        }
    }
}

fn print_report(r: &ImportReport, opts: &ImportOptions) {
    match &r.sheet {
        Some(sheet) => println!("sheet: {sheet}  header row: {}", r.header_line),
        None => println!(
            "encoding: {}  delimiter: {}  header line: {}",
            r.encoding, r.delimiter, r.header_line
        ),
    }
    if let Some(m) = &r.mapping {
        let cols: Vec<String> = m
            .headers
            .iter()
            .zip(&m.fields)
            .map(|(h, f)| format!("{h}→{}", f.unwrap_or("extra")))
            .collect();
        println!("mapping: {}", cols.join(", "));
    }
    for e in &r.errors {
        println!(
            "line {}: {}{}: {}",
            e.line,
            e.column.as_deref().unwrap_or("-"),
            e.value
                .as_deref()
                .map(|v| format!(" \"{v}\""))
                .unwrap_or_default(),
            e.reason
        );
    }
    for w in &r.warnings {
        println!("line {}: warning: {}: {}", w.line, w.name, w.message);
    }
    if r.warnings_total > r.warnings.len() {
        println!("… {} more warnings", r.warnings_total - r.warnings.len());
    }
    if !r.missing.is_empty() {
        println!("not in this edition ({}):", r.missing.len());
        for (_, name) in r.missing.iter().take(50) {
            println!("  {name}");
        }
    }
    println!(
        "rows: {}  new: {}  updated: {}  unchanged: {}  conflict: {}  rejected: {}  skipped: {}  warnings: {}{}",
        r.total,
        r.new,
        r.updated,
        r.unchanged,
        r.conflict,
        r.rejected,
        r.skipped,
        r.warnings_total,
        if r.closed > 0 {
            format!("  closed: {}", r.closed)
        } else {
            String::new()
        }
    );
    println!(
        "{}",
        if opts.dry_run {
            "dry run: nothing was written"
        } else if r.applied {
            "applied"
        } else {
            "nothing was applied"
        }
    );
}
