//! `bulwark db`: download (`update`), import local OSV data (`import`) and inspect (`status`)
//! the vulnerability database.

use std::path::PathBuf;

use anyhow::Context;
use bulwark_vulndb::{Progress, UpdateOutcome};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use super::UsageError;
use super::vuln::{DbArgs, VulnArgs};
use crate::output::Ui;
use bulwark_scan::db::{Opened, default_ecosystems};

/// Flags for `bulwark db`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: DbCommand,
    #[command(flatten)]
    pub db: DbArgs,
}

/// `bulwark db` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum DbCommand {
    /// Download osv.dev's per-ecosystem archives (conditionally) and rebuild the database.
    Update {
        /// OSV ecosystems to download (repeatable; default: the distributions and language
        /// ecosystems Bulwark matches).
        #[arg(long = "ecosystem", value_name = "NAME")]
        ecosystems: Vec<String>,
        /// Accept an archive that yields no records or a database with less than half the
        /// records of the one it replaces (refused otherwise, exit 3, old database kept).
        #[arg(long)]
        force: bool,
    },
    /// Build the database from local OSV data: directories of JSON records, `all.zip`
    /// archives, tarballs; CVE data (NVD CVE API 2.0 records or feeds, CVE JSON 5 records)
    /// mixed in rates records that carry no severity. Replaces the existing database, but
    /// never with one that holds no records (exit 3, old database kept).
    Import {
        /// OSV and CVE sources.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Accept a source that yields no records, or a database with less than half the
        /// records of the one it replaces.
        #[arg(long)]
        force: bool,
    },
    /// Show the database's age, size, sources and record counts.
    Status {
        /// Output format: table or json.
        #[arg(short = 'f', long, default_value = "table")]
        format: String,
    },
}

/// Turns update progress events into a progress bar (terminal) or nothing (piped, `--quiet`).
pub struct ProgressReporter {
    bar: Option<ProgressBar>,
}

/// A reporter for `ui`: a spinner/bar on an interactive stderr, silent otherwise.
pub fn progress_reporter(ui: Ui) -> ProgressReporter {
    let bar = ui.progress().then(|| {
        let bar = ProgressBar::new_spinner();
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {msg} {bytes}/{total_bytes} ({bytes_per_sec})")
        {
            bar.set_style(style);
        }
        bar
    });
    ProgressReporter { bar }
}

impl ProgressReporter {
    /// Shows one event.
    pub fn event(&mut self, p: &Progress) {
        if let (Progress::Warning(w), None) = (p, &self.bar) {
            // Warnings are never silenced, not even without a terminal or with --quiet.
            eprintln!("bulwark: warning: {w}");
            return;
        }
        let Some(bar) = &self.bar else { return };
        match p {
            Progress::Requesting { ecosystem, .. } => {
                bar.set_position(0);
                bar.set_message(format!("{ecosystem}: requesting"));
            }
            Progress::Downloading {
                ecosystem,
                bytes,
                total,
            } => {
                if let Some(t) = total {
                    bar.set_length(*t);
                }
                bar.set_position(*bytes);
                bar.set_message(format!("{ecosystem}: downloading"));
            }
            Progress::NotModified { ecosystem } => {
                bar.println(format!("{ecosystem}: up to date"));
            }
            Progress::Retrying {
                url,
                attempt,
                error,
                delay,
            } => bar.println(format!(
                "{url}: attempt {attempt} failed ({error}); retrying in {delay:?}"
            )),
            Progress::NextMirror { failed } => {
                bar.println(format!("{failed}: trying the next mirror"));
            }
            Progress::Compiling => bar.set_message("compiling the database"),
            Progress::Warning(w) => bar.println(format!("warning: {w}")),
        }
        bar.tick();
    }

    /// Clears the bar.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// Opens the database for a scan (updating it first when old, unless `--skip-db-update` or
/// `--offline`), with a progress bar on a terminal.
pub fn open_for_scan(args: &VulnArgs, ui: Ui) -> anyhow::Result<bulwark_vulndb::Store> {
    let db = args.database(ui)?;
    let mut progress = progress_reporter(ui);
    let opened = db.open(&mut |p| progress.event(&p));
    progress.finish();
    let (store, how) = opened?;
    match how {
        Opened::AsIs => {}
        Opened::Updated => ui.note(&format!(
            "vulnerability database updated ({})",
            db.path.display()
        )),
        Opened::UpdateFailed(e) => ui.warn(&format!(
            "cannot update the vulnerability database: {e}; using the existing one ({})",
            db.path.display()
        )),
    }
    Ok(store)
}

/// Names every rejected document (file and why) on stderr, even with `--quiet`.
fn tell_rejected(stats: &bulwark_vulndb::ImportStats, ui: Ui) {
    for r in &stats.rejected {
        ui.warn(&format!("skipped {}: {}", r.file, r.reason));
    }
    let listed = stats.rejected.len() as u64;
    let total = stats.malformed + stats.too_large;
    if total > listed {
        ui.warn(&format!("and {} more rejected document(s)", total - listed));
    }
}

/// Runs `bulwark db ...`.
pub fn run(args: &Args, ui: Ui) -> anyhow::Result<i32> {
    let path = args.db.path()?;
    match &args.command {
        DbCommand::Update { ecosystems, force } => {
            let ecos = if ecosystems.is_empty() {
                default_ecosystems()
            } else {
                ecosystems.clone()
            };
            let mut opts = args
                .db
                .database(true, std::time::Duration::ZERO, ui)?
                .update_options(ecos);
            opts.force = *force;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            let mut progress = progress_reporter(ui);
            let result = bulwark_vulndb::update(&opts, &mut |p| progress.event(&p));
            progress.finish();
            let outcome = result.with_context(|| {
                format!(
                    "cannot update the vulnerability database {}",
                    path.display()
                )
            })?;
            if let UpdateOutcome::Updated(m) = &outcome {
                tell_rejected(&m.stats, ui);
            }
            if !ui.quiet {
                match outcome {
                    UpdateOutcome::Updated(m) => eprintln!(
                        "bulwark: database {} updated: {} records, {} packages",
                        path.display(),
                        m.stats.records,
                        m.stats.packages
                    ),
                    _ => eprintln!("bulwark: database {} is up to date", path.display()),
                }
            }
            Ok(0)
        }
        DbCommand::Import { paths, force } => {
            for p in paths {
                if !p.exists() {
                    return Err(
                        UsageError(format!("{}: no such file or directory", p.display())).into(),
                    );
                }
            }
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            let report = bulwark_vulndb::import_with(
                paths,
                &path,
                &bulwark_vulndb::ImportOptions { force: *force },
            )
            .with_context(|| format!("cannot import into {}", path.display()))?;
            for w in &report.warnings {
                ui.warn(&format!("{w} (accepted with --force)"));
            }
            let m = report.meta;
            tell_rejected(&m.stats, ui);
            if !ui.quiet {
                eprintln!(
                    "bulwark: imported {} records ({} withdrawn skipped, {} malformed, {} too large; \
                     {} CVE records, {} rated IDs) into {}",
                    m.stats.records,
                    m.stats.withdrawn,
                    m.stats.malformed,
                    m.stats.too_large,
                    m.stats.cve_records,
                    m.stats.rated_ids,
                    path.display()
                );
            }
            Ok(0)
        }
        DbCommand::Status { format } => {
            let st = bulwark_vulndb::status(&path).with_context(|| {
                format!(
                    "no usable vulnerability database at {} (run `bulwark db update` or `bulwark db import`)",
                    path.display()
                )
            })?;
            let m = &st.metadata;
            match format.as_str() {
                "json" => {
                    let v = json!({
                        "path": st.path.display().to_string(),
                        "size_bytes": st.size_bytes,
                        "age_seconds": st.age.map(|a| a.as_secs()),
                        "built_at_unix": m.built_at_unix,
                        "format_version": m.format_version,
                        "builder": m.builder,
                        "packages": st.packages,
                        "records": m.stats.records,
                        "withdrawn": m.stats.withdrawn,
                        "malformed": m.stats.malformed,
                        "too_large": m.stats.too_large,
                        "rejected": m.stats.rejected.iter().map(|r| json!({
                            "file": r.file, "id": r.id, "reason": r.reason,
                        })).collect::<Vec<_>>(),
                        "cve_records": m.stats.cve_records,
                        "rated_ids": m.stats.rated_ids,
                        "records_per_ecosystem": m.stats.records_per_ecosystem,
                        "sources": m.sources.iter().map(|s| json!({
                            "kind": s.kind, "location": s.location, "ecosystem": s.ecosystem,
                            "etag": s.etag, "last_modified": s.last_modified, "records": s.records,
                        })).collect::<Vec<_>>(),
                    });
                    crate::outln!("{}", serde_json::to_string_pretty(&v)?);
                }
                "table" => {
                    crate::outln!("Path:       {}", st.path.display());
                    crate::outln!("Size:       {} bytes", st.size_bytes);
                    match st.age {
                        Some(a) => crate::outln!(
                            "Age:        {}h{:02}m",
                            a.as_secs() / 3600,
                            (a.as_secs() / 60) % 60
                        ),
                        None => crate::outln!("Age:        unknown"),
                    }
                    crate::outln!(
                        "Records:    {} ({} withdrawn skipped, {} malformed, {} too large)",
                        m.stats.records,
                        m.stats.withdrawn,
                        m.stats.malformed,
                        m.stats.too_large
                    );
                    crate::outln!(
                        "CVE data:   {} records; ratings for {} IDs",
                        m.stats.cve_records,
                        m.stats.rated_ids
                    );
                    crate::outln!("Packages:   {}", st.packages);
                    crate::outln!();
                    crate::outln!("{:<24} {:>10}", "Ecosystem", "Records");
                    for (eco, n) in &m.stats.records_per_ecosystem {
                        crate::outln!("{eco:<24} {n:>10}");
                    }
                    if !m.stats.rejected.is_empty() {
                        crate::outln!();
                        crate::outln!("Rejected at import:");
                        for r in &m.stats.rejected {
                            crate::outln!("  {}: {}", r.file, r.reason);
                        }
                    }
                    if !m.sources.is_empty() {
                        crate::outln!();
                        crate::outln!("Sources:");
                        for s in &m.sources {
                            crate::outln!("  {} {} ({} records)", s.kind, s.location, s.records);
                        }
                    }
                }
                other => {
                    return Err(UsageError(format!(
                        "unknown format `{other}` (use table or json)"
                    ))
                    .into());
                }
            }
            Ok(0)
        }
    }
}
