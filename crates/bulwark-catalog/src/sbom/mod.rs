//! SBOM documents: CycloneDX 1.6 JSON and SPDX 2.3 JSON writers (deterministic: sorted
//! packages, content-derived serial numbers, injected timestamp) and readers for CycloneDX and
//! SPDX JSON written by Bulwark, Syft or Trivy.

mod cyclonedx;
mod license;
mod read;
mod spdx;

pub use cyclonedx::{write_cyclonedx, write_cyclonedx_with_vulnerabilities};
pub use read::{SbomDocument, SbomError, SbomFormat, read_sbom};

pub use spdx::write_spdx;

use sha2::{Digest, Sha256};

use crate::model::{OsInfo, Package};

/// Property names shared by writers and readers (Syft uses `syft:location:0:layerID` etc.).
pub mod props {
    /// Digest of the layer a package was found in.
    pub const LAYER_DIGEST: &str = "bulwark:layer:digest";
    /// File the package was read from.
    pub const PACKAGE_PATH: &str = "bulwark:package:path";
    /// Bulwark package type (`deb`, `python`, ...).
    pub const PACKAGE_TYPE: &str = "bulwark:package:type";
    /// OS package owning this language package's files.
    pub const OWNED_BY: &str = "bulwark:package:owned-by";
    /// Source package name.
    pub const SOURCE_NAME: &str = "bulwark:package:source-name";
    /// Source package version.
    pub const SOURCE_VERSION: &str = "bulwark:package:source-version";
    /// Image manifest digest.
    pub const IMAGE_DIGEST: &str = "bulwark:image:digest";
    /// Image config digest.
    pub const IMAGE_CONFIG: &str = "bulwark:image:config-digest";
}

/// What an SBOM describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectKind {
    /// A container image.
    Image,
    /// A directory or root filesystem.
    Directory,
}

/// The scanned thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// Image reference or directory path as the user gave it.
    pub name: String,
    /// Image or directory.
    pub kind: SubjectKind,
    /// Image manifest digest (`sha256:...`).
    pub digest: Option<String>,
    /// Image config digest.
    pub config_digest: Option<String>,
}

/// Everything a writer needs. `timestamp` is injected (RFC 3339, `YYYY-MM-DDTHH:MM:SSZ`) so
/// output is reproducible in tests.
#[derive(Debug, Clone, Copy)]
pub struct SbomInput<'a> {
    /// The scanned thing.
    pub subject: &'a Subject,
    /// Its operating system, if detected.
    pub os: Option<&'a OsInfo>,
    /// Packages (any order; writers sort).
    pub packages: &'a [Package],
    /// Creation time.
    pub timestamp: &'a str,
    /// Tool name and version recorded as creator (`bulwark`, `0.1.0`).
    pub tool: (&'a str, &'a str),
}

/// A known vulnerability of packages in the SBOM, written as a CycloneDX `vulnerabilities[]`
/// entry (one per vulnerability ID; `affects` lists every package it was found in).
#[derive(Debug, Clone, Default)]
pub struct SbomVulnerability<'a> {
    /// Primary ID (`CVE-2024-1234`, `GHSA-...`, `DSA-...`).
    pub id: String,
    /// Other IDs of the same vulnerability (CVE, GHSA, distro advisories).
    pub aliases: Vec<String>,
    /// Advisory URL of the record that matched.
    pub url: Option<String>,
    /// Summary or details.
    pub description: String,
    /// CycloneDX severity: `critical`, `high`, `medium`, `low`, `info`, `none` or `unknown`.
    pub severity: String,
    /// Who rated it (`Debian`, `GHSA`, `NVD`, ...), when known.
    pub rating_source: Option<String>,
    /// CVSS vector the severity was computed from, when it was.
    pub cvss_vector: Option<String>,
    /// Base score of that vector.
    pub cvss_score: Option<f64>,
    /// Versions that fix it (empty: no fix known).
    pub fixed_versions: Vec<String>,
    /// Affected packages of the SBOM; each must be one of [`SbomInput::packages`].
    pub affects: Vec<&'a Package>,
}

pub(crate) fn sorted(packages: &[Package]) -> Vec<&Package> {
    let mut v: Vec<&Package> = packages.iter().collect();
    v.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.location.layer_digest.cmp(&b.location.layer_digest))
    });
    v
}

/// Short stable hash of a package's identity and evidence (used in refs and SPDX IDs).
pub(crate) fn package_hash(p: &Package) -> String {
    let mut h = Sha256::new();
    for part in [
        p.kind.as_str(),
        &p.name,
        &p.version,
        &p.purl,
        &p.location.path,
        p.location.layer_digest.as_deref().unwrap_or(""),
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    hex(&h.finalize()[..8])
}

pub(crate) fn hex(b: &[u8]) -> String {
    use std::fmt::Write;
    b.iter()
        .fold(String::with_capacity(b.len() * 2), |mut s, x| {
            let _ = write!(s, "{x:02x}");
            s
        })
}

/// A UUID-shaped identifier derived from `content` (version nibble 5, RFC 4122 variant).
pub(crate) fn content_uuid(content: &[u8]) -> String {
    let d = Sha256::digest(content);
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}
