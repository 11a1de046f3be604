//! Flags of the vulnerability database and the scan policy (`--ignore-unfixed`, ignore files),
//! shared by `bulwark image`, `fs`, `rootfs`, `sbom` and `db`, turned into the library's types.

use std::path::{Path, PathBuf};
use std::time::Duration;

use bulwark_scan::db::Database;
use bulwark_scan::ignore::{IgnoreRules, Policy};

use super::UsageError;
use crate::output::{GateArgs, Ui};

/// Where the vulnerability database lives and which repositories `db update` uses.
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
    #[command(flatten)]
    pub net: super::net::NetArgs,
    /// CVE data downloaded with the OSV archives to rate records that carry no severity: URLs
    /// of NVD CVE API 2.0 feeds (`nvdcve-2.0-<year>.json.gz`) or of any file `db import`
    /// reads; `none` for no CVE data. Default: NVD's yearly feeds when the OSV data comes
    /// from osv.dev, none with `--db-repository`.
    #[arg(
        long = "cve-feed",
        value_name = "URL",
        env = "BULWARK_CVE_FEED",
        value_delimiter = ',',
        global = true
    )]
    pub cve_feed: Vec<String>,
}

impl DbArgs {
    /// The database file in effect.
    pub fn path(&self) -> anyhow::Result<PathBuf> {
        self.db_path
            .clone()
            .or_else(bulwark_scan::db::default_path)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "no cache directory (HOME unset?): pass --db-path or BULWARK_DB_PATH"
                )
            })
    }

    /// The database settings (`update`: refresh it when old; `max_age`: how old is old).
    pub fn database(&self, update: bool, max_age: Duration, ui: Ui) -> anyhow::Result<Database> {
        Ok(Database {
            path: self.path()?,
            repositories: self.db_repository.clone(),
            max_age,
            update,
            timeouts: self.net.timeouts(),
            notifier: super::net::notifier(ui),
            cve_feeds: if self.cve_feed.is_empty() {
                None
            } else {
                Some(
                    self.cve_feed
                        .iter()
                        .filter(|u| !u.eq_ignore_ascii_case("none"))
                        .cloned()
                        .collect(),
                )
            },
        })
    }
}

/// Vulnerability flags of the scanning commands.
#[derive(Debug, Clone, clap::Args)]
pub struct VulnArgs {
    /// Drop vulnerabilities that have no fixed version yet.
    #[arg(long, env = "BULWARK_IGNORE_UNFIXED")]
    pub ignore_unfixed: bool,
    /// Ignore file: Bulwark's YAML (id, reason, paths, purls, expires) or a `.trivyignore`
    /// ID list; IDs are vulnerability IDs or aliases, secret rule IDs or check codes (default:
    /// `.bulwarkignore.yaml` and `.trivyignore` in the current directory).
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
    /// Report database lookup errors as warnings instead of failing the scan (exit 3): the
    /// packages whose lookup failed are then not checked.
    #[arg(long)]
    pub tolerate_db_errors: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

impl VulnArgs {
    /// The database settings these flags give.
    pub fn database(&self, ui: Ui) -> anyhow::Result<Database> {
        self.db
            .database(!(self.skip_db_update || self.offline), self.db_max_age, ui)
    }

    /// The scan policy: `--severity` (from the gate flags), `--ignore-unfixed`, ignore files.
    pub fn policy(&self, gate: &GateArgs) -> anyhow::Result<Policy> {
        Ok(Policy {
            severity: gate.filter(),
            ignore_unfixed: self.ignore_unfixed,
            // In the current directory, where a user keeps them (as Trivy).
            ignore: IgnoreRules::load(&self.ignorefile, Path::new(""))
                .map_err(|e| UsageError(e.to_string()))?,
        })
    }
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
