//! Vulnerability scanning shared by `bulwark image`, `fs`, `rootfs` and `sbom`: database
//! freshness, detection, and the CI policy (`--severity`, `--ignore-unfixed`, ignore files).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use bulwark_catalog::{OsInfo, Package};
use bulwark_report::{ExitPolicy, Report, Severity};
use bulwark_scan::Inventory;
use bulwark_scan::detect::{DetectOptions, detect_packages};
use bulwark_scan::ignore::{Date, IgnoreRules, VulnPolicy};
use bulwark_vulndb::{Store, UpdateOptions, UpdateOutcome};
use serde_json::json;

use super::UsageError;
use crate::output::Ui;

/// Ecosystems `bulwark db update` downloads unless `--ecosystem` says otherwise.
pub const DEFAULT_ECOSYSTEMS: &[&str] = &[
    "Debian",
    "Ubuntu",
    "Alpine",
    "Red Hat",
    "AlmaLinux",
    "Rocky Linux",
    "SUSE",
    "Wolfi",
    "Chainguard",
    "PyPI",
    "npm",
    "Go",
    "crates.io",
    "Maven",
    "RubyGems",
    "NuGet",
    "Packagist",
];

/// Where the vulnerability database lives and how it is kept fresh.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArgs {
    /// The OSV database file (default: `<cache dir>/db/osv.db`).
    #[arg(long, value_name = "FILE", env = "BULWARK_DB_PATH", global = true)]
    pub db_path: Option<PathBuf>,
    /// Base URL(s) serving `<Ecosystem>/all.zip` (osv.dev's bucket by default); later ones are
    /// mirrors tried when the first fails.
    #[arg(
        long,
        value_name = "URL",
        env = "BULWARK_DB_REPOSITORY",
        value_delimiter = ',',
        global = true
    )]
    pub db_repository: Vec<String>,
}

impl DbArgs {
    /// The database file in effect.
    pub fn path(&self) -> anyhow::Result<PathBuf> {
        if let Some(p) = &self.db_path {
            return Ok(p.clone());
        }
        bulwark_scan::default_cache_dir()
            .map(|d| d.join("db").join("osv.db"))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "no cache directory (HOME unset?): pass --db-path or BULWARK_DB_PATH"
                )
            })
    }

    /// Update settings for `ecosystems` with this database path and repositories.
    pub fn update_options(&self, ecosystems: Vec<String>) -> anyhow::Result<UpdateOptions> {
        let mut opts = UpdateOptions::new(self.path()?, ecosystems);
        let mut repos = self
            .db_repository
            .iter()
            .map(|u| u.trim_end_matches('/').to_owned());
        if let Some(first) = repos.next() {
            opts.base_url = first;
        }
        opts.mirrors = repos.collect();
        Ok(opts)
    }
}

/// Vulnerability flags of the scanning commands.
#[derive(Debug, Clone, clap::Args)]
pub struct VulnArgs {
    /// Report only these severities (comma-separated, e.g. `CRITICAL,HIGH`).
    #[arg(long, value_name = "LIST", env = "BULWARK_SEVERITY", value_delimiter = ',', value_parser = parse_severity)]
    pub severity: Vec<Severity>,
    /// Drop vulnerabilities that have no fixed version yet.
    #[arg(long, env = "BULWARK_IGNORE_UNFIXED")]
    pub ignore_unfixed: bool,
    /// Ignore file: Bulwark's YAML (id, reason, paths, purls, expires) or a `.trivyignore`
    /// ID list (default: `.bulwarkignore.yaml` and `.trivyignore` in the current directory).
    #[arg(long, value_name = "FILE", env = "BULWARK_IGNOREFILE")]
    pub ignorefile: Vec<PathBuf>,
    /// Never update the database; use it as it is.
    #[arg(long, env = "BULWARK_SKIP_DB_UPDATE")]
    pub skip_db_update: bool,
    /// Do not use the network for vulnerability data (implies --skip-db-update).
    #[arg(long, env = "BULWARK_OFFLINE")]
    pub offline: bool,
    /// Update the database before scanning when it is older than this (`24h`, `90m`, `7d`).
    #[arg(long, value_name = "DURATION", default_value = "24h", value_parser = parse_duration)]
    pub db_max_age: Duration,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Parses one severity name (`CRITICAL`, `high`, ...).
fn parse_severity(s: &str) -> Result<Severity, String> {
    s.trim().parse::<Severity>().map_err(|e| e.to_string())
}

/// Parses `24h`, `90m`, `7d`, `30s` (a bare number is hours).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s.find(|c: char| !c.is_ascii_digit()).map_or((s, "h"), |i| {
        (s.get(..i).unwrap_or(""), s.get(i..).unwrap_or(""))
    });
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration like 24h, 90m, 7d"))?;
    let secs = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        "d" => n.saturating_mul(86_400),
        _ => return Err(format!("`{s}`: unknown unit `{unit}` (use s, m, h or d)")),
    };
    Ok(Duration::from_secs(secs))
}

/// Trivy's exit policy for vulnerability scans: exit 0 with findings unless `--exit-code N`
/// is given, then N when any finding remains after filtering.
pub fn exit_policy(exit_code: Option<i32>) -> ExitPolicy {
    ExitPolicy {
        threshold: exit_code.map(|_| Severity::Unknown),
        exit_code: exit_code.unwrap_or(bulwark_report::EXIT_FINDINGS),
    }
}

const HINT: &str =
    "run `bulwark db update` (downloads osv.dev data) or `bulwark db import PATH` first";

/// Opens the database, updating it first when it is missing or older than `--db-max-age`
/// (unless `--skip-db-update`/`--offline`). A failed update falls back to an existing
/// database with a warning; with no database at all the scan fails with a hint.
pub fn open_store(args: &VulnArgs, ui: Ui) -> anyhow::Result<Store> {
    let path = args.db.path()?;
    if args.skip_db_update || args.offline {
        if !path.exists() {
            anyhow::bail!("no vulnerability database at {}: {HINT}", path.display());
        }
        return Store::open(&path)
            .with_context(|| format!("cannot open the vulnerability database {}", path.display()));
    }
    let opts = args
        .db
        .update_options(DEFAULT_ECOSYSTEMS.iter().map(|s| (*s).to_owned()).collect())?;
    let mut progress = super::db::progress_reporter(ui);
    match bulwark_vulndb::ensure_fresh(&opts, args.db_max_age, false, &mut |p| progress.event(&p)) {
        Ok((store, outcome)) => {
            progress.finish();
            if !ui.quiet && matches!(outcome, UpdateOutcome::Updated(_)) {
                eprintln!(
                    "bulwark: vulnerability database updated ({})",
                    path.display()
                );
            }
            Ok(store)
        }
        Err(e) => {
            progress.finish();
            if path.exists() {
                eprintln!(
                    "bulwark: warning: cannot update the vulnerability database: {e}; using the existing one ({})",
                    path.display()
                );
                Store::open(&path).with_context(|| {
                    format!("cannot open the vulnerability database {}", path.display())
                })
            } else {
                anyhow::bail!(
                    "no vulnerability database at {} and the update failed ({e}): {HINT}",
                    path.display()
                )
            }
        }
    }
}

/// Reads the ignore files: those given, else `.bulwarkignore.yaml` / `.bulwarkignore.yml`
/// and `.trivyignore` in the current directory when present.
pub fn load_ignore_rules(files: &[PathBuf]) -> anyhow::Result<IgnoreRules> {
    let explicit = !files.is_empty();
    let candidates: Vec<PathBuf> = if explicit {
        files.to_vec()
    } else {
        [".bulwarkignore.yaml", ".bulwarkignore.yml", ".trivyignore"]
            .iter()
            .map(PathBuf::from)
            .filter(|p| p.is_file())
            .collect()
    };
    let mut rules = IgnoreRules::default();
    for path in candidates {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| UsageError(format!("cannot read ignore file {}: {e}", path.display())))?;
        rules.extend(parse_ignore_file(&path, &text)?);
    }
    Ok(rules)
}

fn parse_ignore_file(path: &Path, text: &str) -> anyhow::Result<IgnoreRules> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ext == "yaml" || ext == "yml" {
        Ok(IgnoreRules::parse_yaml(text, path).map_err(|e| UsageError(e.to_string()))?)
    } else {
        Ok(IgnoreRules::parse_trivyignore(text, path))
    }
}

/// Vulnerability findings of an inventory, filtered by the policy flags; suppressed findings
/// are kept in `Report::suppressed` with their reason.
pub fn vulnerability_report(inv: &Inventory, args: &VulnArgs, ui: Ui) -> anyhow::Result<Report> {
    packages_report(&inv.subject.name, inv.os.as_ref(), &inv.packages, args, ui)
}

/// As [`vulnerability_report`] for packages without an inventory (an SBOM).
pub fn packages_report(
    subject: &str,
    os: Option<&OsInfo>,
    packages: &[Package],
    args: &VulnArgs,
    ui: Ui,
) -> anyhow::Result<Report> {
    let ignore = load_ignore_rules(&args.ignorefile)?;
    let store = open_store(args, ui)?;
    let detection = detect_packages(subject, os, packages, &store, &DetectOptions::default());
    let d = &detection.diagnostics;
    if !ui.quiet {
        for u in &d.unsupported {
            eprintln!("bulwark: note: not checked for vulnerabilities: {u}");
        }
    }
    for e in &d.errors {
        eprintln!("bulwark: warning: vulnerability lookup failed: {e}");
    }
    let policy = VulnPolicy {
        severities: args.severity.clone(),
        ignore_unfixed: args.ignore_unfixed,
        ignore,
    };
    let mut report = Report::default();
    let outcome = policy.apply(detection.findings, Date::today_utc(), &mut report);
    for w in &outcome.warnings {
        eprintln!("bulwark: warning: {w}");
    }
    for rule in detection.rules {
        if report.findings.iter().any(|f| f.code == rule.code)
            || report
                .suppressed
                .iter()
                .any(|s| s.finding.code == rule.code)
        {
            report.add_rule(rule);
        }
    }
    let meta = store.metadata().ok();
    report.metadata.insert(
        "vulnerability_db".into(),
        json!({
            "path": store.path().display().to_string(),
            "built_at_unix": meta.map(|m| m.built_at_unix),
            "packages_checked": d.packages_checked,
            "skipped_os_owned": d.skipped_os_owned,
            "not_checked": d.unsupported,
            "git_ranges_skipped": d.git_ranges_skipped,
            "dropped_by_severity": outcome.dropped_severity,
            "dropped_unfixed": outcome.dropped_unfixed,
        }),
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("24h"), Ok(Duration::from_hours(24)));
        assert_eq!(parse_duration("90m"), Ok(Duration::from_mins(90)));
        assert_eq!(parse_duration("2"), Ok(Duration::from_hours(2)));
        assert!(parse_duration("1y").is_err());
        assert!(parse_duration("h").is_err());
    }
}
