//! OSV vulnerability data for Bulwark.
//!
//! * [`import()`]: compile OSV records from directories, zips (osv.dev `all.zip`) and
//!   tarballs into one read-only store file.
//! * [`update()`] / [`ensure_fresh`]: download osv.dev per-ecosystem archives with
//!   conditional requests, retries and mirrors, then swap the store atomically.
//! * [`Store::open`] / [`status`]: open the store (reads only an 80-byte header) and report
//!   its metadata.
//! * [`match_package`]: evaluate an installed package against the store (OSV range
//!   semantics, source-package matching for distributions, alias merging, severity).
//!
//! Version ordering comes from `bulwark-version` through the small [`VersionScheme`] trait.

pub mod advisory;
pub mod cve;
pub mod cvss;
pub mod cvss4;
pub mod ecosystem;
pub mod error;
pub mod import;
pub mod matcher;
pub mod model;
pub mod query;
pub mod range;
pub mod ratings;
pub mod severity;
pub mod store;
pub mod synth;
pub mod update;
pub mod versions;

pub use advisory::{Advisory, Affected, Event, Range, RangeKind, SeverityEntry};
pub use ecosystem::{EcosystemKey, normalize_name};
pub use error::VulnDbError;
pub use import::{ImportOptions, ImportReport, Importer, SourceKind, import, import_with};
pub use matcher::{
    Diagnostics, Evidence, Match, match_advisories, match_package, match_package_with,
};
pub use model::{OsvRecord, RecordError, parse_record};
pub use query::PackageQuery;
pub use range::evaluate_range;
pub use ratings::{Rank, Rating};
pub use severity::{Severity, SeveritySource};
pub use store::{
    ImportStats, Metadata, Rejected, SourceInfo, Store, archive_dir, remove_stale_temp_files,
};
pub use update::{
    NVD_FEED_BASE_URL, OSV_BASE_URL, Progress, UpdateOptions, UpdateOutcome, ensure_fresh,
    nvd_feed_urls, store_age, update,
};
pub use versions::{BulwarkVersions, ParsedVersion, VersionScheme};

/// Summary of a store for `bulwark db status`.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// The store file.
    pub path: std::path::PathBuf,
    /// Size in bytes.
    pub size_bytes: u64,
    /// Time since the store was built or last confirmed current.
    pub age: Option<std::time::Duration>,
    /// Number of (ecosystem, package) keys.
    pub packages: u64,
    /// Stored metadata (sources, counts, build time).
    pub metadata: Metadata,
}

/// Opens the store at `db_path` and reports its metadata.
pub fn status(db_path: &std::path::Path) -> Result<Status, VulnDbError> {
    let store = Store::open(db_path)?;
    let size_bytes = std::fs::metadata(db_path)
        .map_err(|e| VulnDbError::Io {
            path: db_path.to_owned(),
            source: e,
        })?
        .len();
    let metadata = store.metadata()?.clone();
    Ok(Status {
        path: db_path.to_owned(),
        size_bytes,
        age: store_age(db_path),
        packages: store
            .package_count()
            .saturating_sub(metadata.stats.rated_ids),
        metadata,
    })
}
