//! OSV record model (ossf/osv-schema 1.7), parsed tolerantly.
//!
//! Only the fields Bulwark uses are typed; unknown fields are ignored, missing optional
//! fields default to empty. `database_specific` / `ecosystem_specific` stay as raw JSON
//! values because their shape differs per source.

use serde::Deserialize;
use serde_json::Value;

/// One OSV vulnerability record as published (e.g. `GHSA-…`, `PYSEC-…`, `DSA-…`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OsvRecord {
    /// Schema version the record claims (informational).
    pub schema_version: Option<String>,
    /// The record's identifier, e.g. `GO-2021-0067`.
    pub id: String,
    /// RFC 3339 time of last modification (golang/vulndb uses `0001-01-01T00:00:00Z`; accepted as-is).
    pub modified: Option<String>,
    /// RFC 3339 time of publication.
    pub published: Option<String>,
    /// When set, the record was withdrawn and must not be matched.
    pub withdrawn: Option<String>,
    /// IDs of the same vulnerability in other databases (CVE, GHSA, …).
    pub aliases: Vec<String>,
    /// IDs of related but different vulnerabilities.
    pub related: Vec<String>,
    /// IDs of upstream vulnerabilities this record derives from (schema 1.7).
    pub upstream: Vec<String>,
    /// One-line summary.
    pub summary: Option<String>,
    /// Long description (Markdown).
    pub details: Option<String>,
    /// Record-level severities.
    pub severity: Vec<OsvSeverity>,
    /// Affected packages.
    pub affected: Vec<OsvAffected>,
    /// Reference links.
    pub references: Vec<OsvReference>,
    /// Credits (kept only to accept the field).
    pub credits: Vec<Value>,
    /// Source-specific data (e.g. GHSA `severity`).
    pub database_specific: Option<Value>,
    /// Fields of CVE data documents (NVD CVE API 2.0, CVE JSON 5), never of OSV records:
    /// their presence sends the document to the CVE reader (the `cve` module).
    #[serde(rename = "dataType")]
    pub cve_data_type: Option<serde::de::IgnoredAny>,
    /// See `cve_data_type`.
    #[serde(rename = "cveMetadata")]
    pub cve_metadata: Option<serde::de::IgnoredAny>,
    /// See `cve_data_type`.
    #[serde(rename = "vulnStatus")]
    pub nvd_vuln_status: Option<serde::de::IgnoredAny>,
    /// See `cve_data_type`.
    #[serde(rename = "sourceIdentifier")]
    pub nvd_source_identifier: Option<serde::de::IgnoredAny>,
    /// See `cve_data_type`.
    #[serde(rename = "vulnerabilities")]
    pub nvd_vulnerabilities: Option<serde::de::IgnoredAny>,
}

impl OsvRecord {
    /// True when the document has the fields of CVE data rather than of an OSV record.
    pub fn looks_like_cve_data(&self) -> bool {
        self.cve_data_type.is_some()
            || self.cve_metadata.is_some()
            || self.nvd_vuln_status.is_some()
            || self.nvd_source_identifier.is_some()
            || self.nvd_vulnerabilities.is_some()
    }
}

/// A severity entry: `type` (`CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`) and `score`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OsvSeverity {
    /// Severity type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Vector string or rating word.
    pub score: String,
}

/// One `affected[]` entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OsvAffected {
    /// The package this entry is about.
    pub package: Option<OsvPackage>,
    /// Per-package severities.
    pub severity: Vec<OsvSeverity>,
    /// Version ranges.
    pub ranges: Vec<OsvRange>,
    /// Enumerated affected versions.
    pub versions: Vec<String>,
    /// Ecosystem-specific data (Ubuntu `binaries`, Debian `urgency`, Go `imports`).
    pub ecosystem_specific: Option<Value>,
    /// Source-specific data.
    pub database_specific: Option<Value>,
}

/// `affected[].package`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OsvPackage {
    /// OSV ecosystem string, e.g. `Debian:12`, `PyPI`, `Red Hat:enterprise_linux:9::appstream`.
    pub ecosystem: String,
    /// Package name in that ecosystem (source package for distros).
    pub name: String,
    /// Optional package URL.
    pub purl: Option<String>,
}

/// `affected[].ranges[]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OsvRange {
    /// `SEMVER`, `ECOSYSTEM` or `GIT`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Repository for GIT ranges.
    pub repo: Option<String>,
    /// Events in the order given.
    pub events: Vec<OsvEvent>,
    /// Source-specific data.
    pub database_specific: Option<Value>,
}

/// One range event; exactly one field is expected to be set.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OsvEvent {
    /// First affected version (`0` = since the beginning).
    pub introduced: Option<String>,
    /// First fixed version.
    pub fixed: Option<String>,
    /// Last affected version (inclusive).
    pub last_affected: Option<String>,
    /// Upper limit (exclusive) of the range.
    pub limit: Option<String>,
}

/// A reference link.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OsvReference {
    /// Reference type (`ADVISORY`, `FIX`, `WEB`, …).
    #[serde(rename = "type")]
    pub kind: String,
    /// The URL.
    pub url: String,
}

/// Why a record was rejected by [`parse_record`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The bytes are not valid JSON or do not have the OSV shape.
    #[error("not an OSV record: {0}")]
    Malformed(String),
    /// The record has no `id`.
    #[error("OSV record has no id")]
    MissingId,
}

/// Parses one OSV JSON document. Tolerant: unknown fields are ignored, missing lists
/// default to empty; only non-JSON input, wrong field types or a missing `id` fail.
pub fn parse_record(bytes: &[u8]) -> Result<OsvRecord, RecordError> {
    let rec: OsvRecord =
        serde_json::from_slice(bytes).map_err(|e| RecordError::Malformed(e.to_string()))?;
    if rec.id.trim().is_empty() {
        return Err(RecordError::MissingId);
    }
    Ok(rec)
}

/// Best-effort extraction of an `id` from a document that failed to parse, so the
/// import report can name it.
pub(crate) fn sniff_id(bytes: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(bytes).ok()?;
    v.get("id")?.as_str().map(str::to_owned)
}
