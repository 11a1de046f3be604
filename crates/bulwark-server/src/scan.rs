//! Every call the server makes into the scan libraries, in one place.
//!
//! Pulling and inventorying go through `bulwark-oci` and `bulwark-scan` as `bulwark image`
//! does; matching runs `bulwark_scan::pipeline::scan` on the stored packages, so a report equals
//! the CLI's on the same digest without pulling the image again.

use std::path::{Path, PathBuf};

use bulwark_catalog::{OsInfo, Package, Subject};
use bulwark_oci::{Credential, CredentialStore, ImageSource, RegistryOptions, ResolveOptions};
use bulwark_report::{Artifact, ArtifactKind, Finding};
use bulwark_scan::ignore::Policy;
use bulwark_scan::pipeline::{self, ScanRequest, Scanners, Target};
use bulwark_scan::sbom::SbomFormat;
use bulwark_scan::{LayerCache, LayerInfo, ScanOptions};
use bulwark_vulndb::Store;
use serde::{Deserialize, Serialize};
use sha2::Digest as _;

/// What is kept of a scanned image: enough to answer reports, write SBOMs and re-match
/// against a newer database without pulling the image again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredInventory {
    /// The scanned image's name (`HOST/REPOSITORY@DIGEST`).
    pub name: String,
    /// Its manifest digest.
    pub digest: Option<String>,
    /// Its config digest.
    pub config_digest: Option<String>,
    /// Its operating system.
    pub os: Option<OsInfo>,
    /// Every package with PURL and evidence.
    pub packages: Vec<Package>,
    /// Its layers, base first.
    pub layers: Vec<LayerInfo>,
}

/// Why a scan failed, with the kind used in metrics and logs.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ScanFailure {
    /// `auth`, `registry`, `image`, `database`.
    pub kind: &'static str,
    /// What happened, naming the image.
    pub message: String,
}

/// Where to pull one image from and how.
#[derive(Clone)]
pub struct PullTarget {
    /// `HOST[:PORT]/REPOSITORY@DIGEST`.
    pub reference: String,
    /// Plain HTTP to the registry.
    pub insecure: bool,
    /// Credentials of this scan only (Harbor's scan request); `None`: the server's own
    /// (environment, Docker config).
    pub credential: Option<Credential>,
}

impl std::fmt::Debug for PullTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PullTarget")
            .field("reference", &self.reference)
            .field("insecure", &self.insecure)
            .field("credential", &self.credential.as_ref().map(|_| "***"))
            .finish()
    }
}

/// Pulls `target` from its registry and inventories it (per-layer cache under `cache_dir`).
pub fn inventory(
    target: &PullTarget,
    cache_dir: Option<&Path>,
    timeouts: bulwark_net::Timeouts,
) -> Result<StoredInventory, ScanFailure> {
    let credentials = match &target.credential {
        Some(c) => CredentialStore {
            explicit: Some(c.clone()),
            use_env: false,
            docker_config: None,
            ignore_docker_config: true,
        },
        None => CredentialStore::standard(),
    };
    let opts = ResolveOptions {
        sources: vec![ImageSource::Registry],
        registry: RegistryOptions {
            insecure: target.insecure,
            credentials,
            timeouts,
            ..RegistryOptions::default()
        },
        ..ResolveOptions::default()
    };
    let image = bulwark_oci::open_image(&target.reference, &opts).map_err(|e| ScanFailure {
        kind: match e {
            bulwark_oci::OciError::Unauthorized { .. } => "auth",
            bulwark_oci::OciError::Transport { .. } | bulwark_oci::OciError::Registry { .. } => {
                "registry"
            }
            _ => "image",
        },
        message: format!("cannot pull {}: {e}", target.reference),
    })?;
    let scan = ScanOptions {
        cache: cache_dir.map(LayerCache::new),
        ..ScanOptions::default()
    };
    let inv = bulwark_scan::scan_image(&image, &scan).map_err(|e| ScanFailure {
        kind: "image",
        message: format!("cannot scan {}: {e}", target.reference),
    })?;
    // As `bulwark image` does: a layer with absolute or `..` paths was not written by a
    // container builder, and its inventory would differ from what a runtime unpacks.
    for (report, layer) in inv.reports.iter().zip(&inv.layers) {
        if let Some(s) = report.suspicious_paths.first() {
            return Err(ScanFailure {
                kind: "image",
                message: format!(
                    "image {}: layer #{} {} has an unsafe tar entry `{}` ({})",
                    target.reference, layer.index, layer.digest, s.raw, s.reason
                ),
            });
        }
    }
    Ok(StoredInventory {
        name: inv.subject.name,
        digest: inv.subject.digest,
        config_digest: inv.subject.config_digest,
        os: inv.os,
        packages: inv.packages,
        layers: inv.layers,
    })
}

impl StoredInventory {
    /// The scanned thing, as the SBOM writers take it.
    pub fn subject(&self) -> Subject {
        Subject {
            name: self.name.clone(),
            kind: bulwark_catalog::SubjectKind::Image,
            digest: self.digest.clone(),
            config_digest: self.config_digest.clone(),
        }
    }
}

/// An opened vulnerability database and the version results are keyed by.
#[derive(Debug)]
pub struct VulnDb {
    /// The compiled OSV store.
    pub store: Store,
    /// Content version: a hash of the store's metadata (sources, counts, build time).
    pub version: String,
    /// When it was built (Unix seconds).
    pub built_at_unix: u64,
}

/// Opens the database at `path`; the error names the file and what to do.
pub fn open_db(path: &Path) -> Result<VulnDb, ScanFailure> {
    let fail = |e: String| ScanFailure {
        kind: "database",
        message: format!(
            "cannot open the vulnerability database {}: {e} (run `bulwark db update` or `bulwark db import PATH`)",
            path.display()
        ),
    };
    let store = Store::open(path).map_err(|e| fail(e.to_string()))?;
    let meta = store.metadata().map_err(|e| fail(e.to_string()))?;
    let text = serde_json::to_vec(meta).map_err(|e| fail(e.to_string()))?;
    let hash = sha2::Sha256::digest(&text);
    let version = hash.iter().take(8).fold(String::new(), |mut s, b| {
        use std::fmt::Write as _;
        let _ = write!(s, "{b:02x}");
        s
    });
    let built_at_unix = meta.built_at_unix;
    Ok(VulnDb {
        store,
        version,
        built_at_unix,
    })
}

/// The vulnerability findings of `inv` against `db`, exactly as `bulwark image --format json
/// --scanners vuln` lists them without filters: the same pipeline the CLI runs, on the stored
/// packages instead of the image's layers. Lookup errors fail the match: a result that could
/// not see must not look clean.
pub fn vulnerabilities(inv: &StoredInventory, db: &VulnDb) -> Result<Vec<Finding>, ScanFailure> {
    let options = ScanOptions::default();
    let policy = Policy::default();
    let request = ScanRequest {
        target: Target::Packages {
            name: &inv.name,
            os: inv.os.as_ref(),
            packages: &inv.packages,
        },
        scanners: Scanners {
            vuln: true,
            secret: false,
            config: false,
        },
        options: &options,
        store: Some(&db.store),
        policy: &policy,
        today: bulwark_scan::time::Date::today_utc(),
        tolerate_db_errors: false,
    };
    let mut result = pipeline::scan(&request).map_err(|e| ScanFailure {
        kind: "database",
        message: format!("cannot match {}: {e}", inv.name),
    })?;
    if let Some(e) = result.errors.first() {
        return Err(ScanFailure {
            kind: "database",
            message: format!(
                "vulnerability lookup failed for {} ({} error(s)): {e}",
                inv.name,
                result.errors.len()
            ),
        });
    }
    // Locations inside the image, as `bulwark image` gives them.
    result.artifact = Some(Artifact {
        kind: ArtifactKind::Image,
        name: inv.name.clone(),
    });
    Ok(result.vulnerability_findings())
}

/// Writes the SBOM of `inv` (packages only, as `bulwark image -f cyclonedx|spdx-json` without
/// the vulnerability scanner).
pub fn sbom(inv: &StoredInventory, format: SbomFormat, timestamp: &str) -> String {
    let subject = inv.subject();
    bulwark_scan::sbom::write(
        format,
        bulwark_scan::sbom::SbomSubject {
            subject: &subject,
            os: inv.os.as_ref(),
            packages: &inv.packages,
        },
        &[],
        timestamp,
    )
}

/// The default database path (`<cache dir>/db/osv.db`), as the CLI's.
pub fn default_db_path() -> Option<PathBuf> {
    bulwark_scan::db::default_path()
}

/// The default result store: an embedded file, `<cache dir>/server/bulwark-server.db`.
pub fn default_store() -> Option<String> {
    default_cache_dir().map(|c| {
        c.join("server")
            .join("bulwark-server.db")
            .display()
            .to_string()
    })
}

/// The default number of concurrent jobs: one per CPU.
#[must_use]
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// The default cache directory, as the CLI's.
pub fn default_cache_dir() -> Option<PathBuf> {
    bulwark_scan::default_cache_dir()
}

/// Brings the database at `path` up to date when older than `max_age` (downloads osv.dev's
/// archives, as `bulwark db update`); `Ok(true)` when it changed.
pub fn update_db(
    path: &Path,
    max_age: std::time::Duration,
    timeouts: bulwark_net::Timeouts,
) -> Result<bool, ScanFailure> {
    // The CLI's database settings with its defaults: osv.dev's archives of every ecosystem
    // the matcher knows, NVD's CVE data to rate the records that carry no severity.
    let db = bulwark_scan::db::Database {
        path: path.to_path_buf(),
        repositories: Vec::new(),
        max_age,
        update: true,
        timeouts,
        notifier: bulwark_net::Notifier::none(),
        cve_feeds: None,
    };
    let opts = db.update_options(bulwark_scan::db::default_ecosystems());
    bulwark_vulndb::ensure_fresh(&opts, max_age, false, &mut |_| {})
        .map(|(_, outcome)| matches!(outcome, bulwark_vulndb::UpdateOutcome::Updated(_)))
        .map_err(|e| ScanFailure {
            kind: "database",
            message: format!(
                "cannot update the vulnerability database {}: {e}",
                path.display()
            ),
        })
}

/// The manifest digest `image` points at in its registry (the platform manifest of an index,
/// as a scan would pick it), using the server's own credentials.
pub fn resolve_digest(
    image: &str,
    insecure: bool,
    timeouts: bulwark_net::Timeouts,
) -> Result<String, ScanFailure> {
    let opts = ResolveOptions {
        sources: vec![ImageSource::Registry],
        registry: RegistryOptions {
            insecure,
            timeouts,
            ..RegistryOptions::default()
        },
        ..ResolveOptions::default()
    };
    let img = bulwark_oci::open_image(image, &opts).map_err(|e| ScanFailure {
        kind: "registry",
        message: format!("cannot resolve {image} in its registry: {e}"),
    })?;
    img.manifest_digest
        .map(|d| d.to_string())
        .ok_or_else(|| ScanFailure {
            kind: "registry",
            message: format!("the registry gave no manifest digest for {image}"),
        })
}
