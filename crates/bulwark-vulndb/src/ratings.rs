//! Severity ratings of vulnerability IDs, kept in the store so a record without a rating of
//! its own (most Go and PyPI records) can take one from another record of the same
//! vulnerability or from CVE data.
//!
//! At import every rated OSV record contributes its ratings under its own ID and each of its
//! aliases; every CVE record (NVD CVE API 2.0, CVE JSON 5, read by the `cve` module) contributes
//! its CVSS entries under its CVE ID. They are stored under the reserved ecosystem key
//! [`RATINGS_KEY`] (`~ratings\0<ID>`), one block per ID. A match whose own records carry no
//! rating looks up every one of its IDs and takes the best-ranked rating ([`Rank`]): another
//! OSV record (GHSA rating, then a CVSS vector, then a distribution's rating), then NVD, then
//! the CNA, then other CVE data providers (ADP containers, NVD secondary entries).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::OsvRecord;

/// The reserved ecosystem part of ratings keys. No OSV ecosystem starts with `~`, and `~`
/// sorts after them all, so the ratings blocks follow the package blocks in the file.
pub const RATINGS_KEY: &str = "~ratings";

/// Precedence of a rating; lower is preferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Rank {
    /// A GitHub advisory's own rating word (`database_specific.severity`).
    GhsaWord,
    /// A CVSS vector in an OSV record.
    OsvCvss,
    /// A distribution's rating word (Debian urgency, Ubuntu priority).
    Vendor,
    /// NVD's own CVSS (`nvd@nist.gov`, type `Primary`).
    Nvd,
    /// The CVE's CNA (CVE JSON 5 `containers.cna`).
    Cna,
    /// Other providers: CVE JSON 5 ADP containers, NVD `Secondary` entries.
    Other,
}

/// One rating of one vulnerability ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// Who rated: `NVD`, a CNA or ADP short name (`GitHub_M`, `CISA-ADP`), `GHSA`, a
    /// distribution (`Debian`), or the database of the OSV record (`PYSEC`, `GO`).
    pub origin: String,
    /// The record it was read from (`CVE-2023-1234`, `GHSA-…`, `DSA-…`).
    pub record: String,
    /// A CVSS vector or a rating word.
    pub score: String,
    /// Precedence.
    pub rank: Rank,
}

/// The database an OSV record ID belongs to, as shown to users (`GHSA-…` → `GHSA`,
/// `DSA-…`/`DLA-…`/`DEBIAN-…` → `Debian`, `USN-…`/`UBUNTU-…` → `Ubuntu`, else the prefix).
pub fn database_of(id: &str) -> String {
    let prefix = id.split('-').next().unwrap_or(id).to_ascii_uppercase();
    match prefix.as_str() {
        "DSA" | "DLA" | "DTSA" | "DEBIAN" => "Debian".to_owned(),
        "USN" | "UBUNTU" => "Ubuntu".to_owned(),
        "ALSA" | "ALBA" | "ALEA" => "AlmaLinux".to_owned(),
        "RLSA" | "RXSA" => "Rocky Linux".to_owned(),
        "RHSA" | "RHBA" | "RHEA" => "Red Hat".to_owned(),
        _ => prefix,
    }
}

fn word(v: Option<&Value>, field: &str) -> Option<String> {
    v?.get(field)?
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The ratings an OSV record offers to other records of the same vulnerability.
pub(crate) fn from_osv(rec: &OsvRecord) -> Vec<Rating> {
    let id = rec.id.trim();
    let mut out: Vec<Rating> = Vec::new();
    let mut push = |origin: String, score: &str, rank: Rank| {
        let r = Rating {
            origin,
            record: id.to_owned(),
            score: score.trim().to_owned(),
            rank,
        };
        if !r.score.is_empty() && !out.contains(&r) {
            out.push(r);
        }
    };
    if let Some(w) = word(rec.database_specific.as_ref(), "severity") {
        push("GHSA".to_owned(), &w, Rank::GhsaWord);
    }
    let db = database_of(id);
    let vectors = rec
        .severity
        .iter()
        .chain(rec.affected.iter().flat_map(|a| a.severity.iter()));
    for s in vectors {
        if crate::cvss::version_of(&s.score).is_some() {
            push(db.clone(), &s.score, Rank::OsvCvss);
        } else if s.kind.eq_ignore_ascii_case("Ubuntu") {
            push("Ubuntu".to_owned(), &s.score, Rank::Vendor);
        }
    }
    for a in &rec.affected {
        let vendor = a.package.as_ref().map_or_else(
            || db.clone(),
            |p| crate::ecosystem::EcosystemKey::parse(&p.ecosystem).base,
        );
        let urgency = word(a.ecosystem_specific.as_ref(), "urgency")
            .or_else(|| word(a.ecosystem_specific.as_ref(), "priority"))
            .or_else(|| word(a.database_specific.as_ref(), "urgency"));
        if let Some(u) = urgency {
            push(vendor, u.trim_end_matches('*'), Rank::Vendor);
        }
    }
    out
}

/// The IDs a rating of `rec` is stored under: its ID, aliases and upstream IDs, uppercased.
pub(crate) fn ids_of(rec: &OsvRecord) -> Vec<String> {
    let mut ids: Vec<String> = std::iter::once(&rec.id)
        .chain(&rec.aliases)
        .chain(&rec.upstream)
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| !s.is_empty())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}
