//! The vulnerability database a scan uses: where it lives, which ecosystems it holds by default,
//! and opening it fresh enough (updating it first when it is missing or old, unless offline).

use std::path::PathBuf;
use std::time::Duration;

use bulwark_vulndb::{Progress, Store, UpdateOptions, UpdateOutcome, VulnDbError};

/// Ecosystems `bulwark db update` downloads unless told otherwise: every ecosystem a scan
/// can query (the rows of bulwark-version's ecosystem table with a package type).
#[must_use]
pub fn default_ecosystems() -> Vec<String> {
    bulwark_version::ecosystem::default_downloads()
        .map(str::to_owned)
        .collect()
}

/// Where the database is and how it is kept fresh.
#[derive(Debug, Clone)]
pub struct Database {
    /// The store file.
    pub path: PathBuf,
    /// Base URLs serving `<Ecosystem>/all.zip`; the first is tried first, the others are
    /// mirrors. Empty: osv.dev.
    pub repositories: Vec<String>,
    /// Update before scanning when the store is older than this.
    pub max_age: Duration,
    /// `false` (`--skip-db-update`, `--offline`): use the store as it is.
    pub update: bool,
    /// Network deadlines of an update (`--timeout`, `--connect-timeout`, `--read-timeout`).
    pub timeouts: bulwark_net::Timeouts,
    /// Receives "still waiting" notices during an update.
    pub notifier: bulwark_net::Notifier,
    /// CVE data to download with the OSV archives (see [`Database::cve_feeds`]): `None`
    /// for the default, `Some(vec![])` for none.
    pub cve_feeds: Option<Vec<String>>,
}

/// The default store file: `<cache dir>/db/osv.db`.
#[must_use]
pub fn default_path() -> Option<PathBuf> {
    crate::default_cache_dir().map(|d| d.join("db").join("osv.db"))
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No store at the path and updating was off or failed.
    #[error(
        "no vulnerability database at {path}{}: run `bulwark db update` (downloads osv.dev \
         data) or `bulwark db import PATH` first",
        failed.as_ref().map(|e| format!(" and the update failed ({e})")).unwrap_or_default()
    )]
    Missing {
        /// The store file.
        path: PathBuf,
        /// The update error, when an update was tried.
        failed: Option<String>,
    },
    /// The store exists but cannot be read.
    #[error("cannot open the vulnerability database {path}: {source}")]
    Open {
        /// The store file.
        path: PathBuf,
        /// Why.
        source: VulnDbError,
    },
}

/// How opening went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// Used as it was (fresh enough, or updating was off).
    AsIs,
    /// Updated first.
    Updated,
    /// The update failed; the existing store is used (the message says why).
    UpdateFailed(String),
}

impl Database {
    /// Update settings for `ecosystems` with this store and these repositories.
    #[must_use]
    pub fn update_options(&self, ecosystems: Vec<String>) -> UpdateOptions {
        let mut opts = UpdateOptions::new(self.path.clone(), ecosystems);
        let mut repos = self
            .repositories
            .iter()
            .map(|u| u.trim_end_matches('/').to_owned());
        if let Some(first) = repos.next() {
            opts.base_url = first;
        }
        opts.mirrors = repos.collect();
        opts.timeouts = self.timeouts;
        opts.notifier = self.notifier.clone();
        opts.cve_feeds = self.cve_feeds();
        opts
    }

    /// The CVE data files an update downloads: those configured; by default NVD's yearly
    /// CVE API 2.0 feeds when the OSV data comes from osv.dev, none when it comes from
    /// repositories of your own (a mirror of osv.dev does not serve NVD's feeds: configure
    /// yours with `--cve-feed`).
    #[must_use]
    pub fn cve_feeds(&self) -> Vec<String> {
        match &self.cve_feeds {
            Some(feeds) => feeds.clone(),
            None if self.repositories.is_empty() => {
                bulwark_vulndb::nvd_feed_urls(bulwark_vulndb::NVD_FEED_BASE_URL)
            }
            None => Vec::new(),
        }
    }

    /// Opens the store, updating it first when it is missing or older than `max_age` (unless
    /// updating is off). A failed update falls back to an existing store ([`Opened::UpdateFailed`]);
    /// with no store at all it is an error that says what to run.
    pub fn open(&self, progress: &mut dyn FnMut(Progress)) -> Result<(Store, Opened), DbError> {
        let open = |path: &PathBuf| {
            Store::open(path).map_err(|source| DbError::Open {
                path: path.clone(),
                source,
            })
        };
        if !self.update {
            if !self.path.exists() {
                return Err(DbError::Missing {
                    path: self.path.clone(),
                    failed: None,
                });
            }
            return Ok((open(&self.path)?, Opened::AsIs));
        }
        let opts = self.update_options(default_ecosystems());
        match bulwark_vulndb::ensure_fresh(&opts, self.max_age, false, progress) {
            Ok((store, UpdateOutcome::Updated(_))) => Ok((store, Opened::Updated)),
            Ok((store, _)) => Ok((store, Opened::AsIs)),
            Err(e) if self.path.exists() => {
                Ok((open(&self.path)?, Opened::UpdateFailed(e.to_string())))
            }
            Err(e) => Err(DbError::Missing {
                path: self.path.clone(),
                failed: Some(e.to_string()),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list every release before the ecosystem table downloaded (hand-written in this
    /// file): the table must keep it, in this order, until a row is added on purpose.
    #[test]
    fn default_ecosystems_are_the_queryable_ones() {
        let expected = [
            "Debian",
            "Ubuntu",
            "Alpine",
            "Red Hat",
            "AlmaLinux",
            "Rocky Linux",
            "Oracle Linux",
            "SUSE",
            "openSUSE",
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
        assert_eq!(default_ecosystems(), expected);
    }
}
