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
use crate::import::apply::{ImportReport, run};
use crate::import::map::Mapping;

/// `import` sub-commands.
#[derive(Debug, Subcommand)]
pub enum ImportWhat {
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
    /// Import an enterprise list (CSV/TSV in UTF-8, UTF-8 with BOM, UTF-16 or CP949).
    Enterprises {
        file: PathBuf,
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

/// Runs an `import` command.
pub async fn import(url: &str, what: ImportWhat) -> Result<(), AppError> {
    match what {
        ImportWhat::Report { file, publish } => import_report(url, &file, publish).await,
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
    let mut progress = |n: usize| {
        println!("… {n} rows read");
        let _ = std::io::stdout().flush();
    };
    let report = run(&db, &Actor::system("cli"), &bytes, &opts, &mut progress).await?;
    print_report(&report, &opts);
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

fn print_report(r: &ImportReport, opts: &ImportOptions) {
    println!(
        "encoding: {}  delimiter: {}  header line: {}",
        r.encoding, r.delimiter, r.header_line
    );
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
    if !r.missing.is_empty() {
        println!("not in this edition ({}):", r.missing.len());
        for (_, name) in r.missing.iter().take(50) {
            println!("  {name}");
        }
    }
    println!(
        "rows: {}  new: {}  updated: {}  unchanged: {}  conflict: {}  rejected: {}  skipped: {}{}",
        r.total,
        r.new,
        r.updated,
        r.unchanged,
        r.conflict,
        r.rejected,
        r.skipped,
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
