//! The compact advisory form kept in the store: one [`Advisory`] per (record, index key),
//! holding only the `affected[]` entries for that key.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ecosystem::{EcosystemKey, normalize_name};
use crate::model::{OsvAffected, OsvRecord, OsvSeverity};

/// A severity entry (`type` + `score`) as given by the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityEntry {
    /// `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`, …
    pub kind: String,
    /// Vector or rating word.
    pub score: String,
}

/// A range event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// `introduced`.
    Introduced(String),
    /// `fixed`.
    Fixed(String),
    /// `last_affected`.
    LastAffected(String),
    /// `limit`.
    Limit(String),
}

impl Event {
    /// The event's version string.
    pub fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }

    /// The OSV field name of this event.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Event::Introduced(_) => "introduced",
            Event::Fixed(_) => "fixed",
            Event::LastAffected(_) => "last_affected",
            Event::Limit(_) => "limit",
        }
    }
}

/// Range type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RangeKind {
    /// `SEMVER`.
    Semver,
    /// `ECOSYSTEM`.
    Ecosystem,
    /// `GIT` (commit hashes; not evaluated against package versions).
    Git,
    /// Any other type string (not evaluated).
    Other,
}

/// A stored range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    /// Range type.
    pub kind: RangeKind,
    /// Events in record order.
    pub events: Vec<Event>,
}

/// One stored `affected[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    /// Original `package.ecosystem`.
    pub ecosystem: String,
    /// Original `package.name`.
    pub name: String,
    /// Red Hat CPE product (`enterprise_linux`, `rhel_eus`, …), empty otherwise.
    pub stream: String,
    /// Ranges.
    pub ranges: Vec<Range>,
    /// Enumerated affected versions.
    pub versions: Vec<String>,
    /// Per-package severities.
    pub severity: Vec<SeverityEntry>,
    /// Distro urgency/priority from `ecosystem_specific`/`database_specific`
    /// (Debian `urgency`, Ubuntu `priority`).
    pub urgency: Option<String>,
    /// Binary package names built from this source package (Ubuntu `binaries`).
    pub binaries: Vec<String>,
}

/// A stored advisory (one record, restricted to the entries of one index key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advisory {
    /// Record ID.
    pub id: String,
    /// `aliases`.
    pub aliases: Vec<String>,
    /// `upstream`.
    pub upstream: Vec<String>,
    /// `related`.
    pub related: Vec<String>,
    /// `summary` (or the first line of `details` when there is no summary).
    pub summary: String,
    /// `modified`.
    pub modified: String,
    /// `published`.
    pub published: String,
    /// Record-level severities.
    pub severity: Vec<SeverityEntry>,
    /// GHSA `database_specific.severity` (`LOW`, `MODERATE`, `HIGH`, `CRITICAL`).
    pub ghsa_severity: Option<String>,
    /// First advisory-type reference URL, if any.
    pub url: Option<String>,
    /// Affected entries for this key.
    pub affected: Vec<Affected>,
}

fn severities(list: &[OsvSeverity]) -> Vec<SeverityEntry> {
    list.iter()
        .filter(|s| !s.score.trim().is_empty())
        .map(|s| SeverityEntry {
            kind: s.kind.trim().to_owned(),
            score: s.score.trim().to_owned(),
        })
        .collect()
}

fn str_field(v: Option<&Value>, field: &str) -> Option<String> {
    v?.get(field)?
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn convert_affected(a: &OsvAffected, key: &EcosystemKey) -> Affected {
    let (ecosystem, name) = a
        .package
        .as_ref()
        .map(|p| (p.ecosystem.clone(), p.name.clone()))
        .unwrap_or_default();
    let ranges = a
        .ranges
        .iter()
        .map(|r| {
            let kind = match r.kind.trim().to_ascii_uppercase().as_str() {
                "SEMVER" => RangeKind::Semver,
                "ECOSYSTEM" => RangeKind::Ecosystem,
                "GIT" => RangeKind::Git,
                _ => RangeKind::Other,
            };
            let events = r
                .events
                .iter()
                .filter_map(|e| {
                    if let Some(v) = &e.introduced {
                        Some(Event::Introduced(v.clone()))
                    } else if let Some(v) = &e.fixed {
                        Some(Event::Fixed(v.clone()))
                    } else if let Some(v) = &e.last_affected {
                        Some(Event::LastAffected(v.clone()))
                    } else {
                        e.limit.as_ref().map(|v| Event::Limit(v.clone()))
                    }
                })
                .collect();
            Range { kind, events }
        })
        .collect();
    let urgency = str_field(a.ecosystem_specific.as_ref(), "urgency")
        .or_else(|| str_field(a.ecosystem_specific.as_ref(), "priority"))
        .or_else(|| str_field(a.database_specific.as_ref(), "urgency"));
    let binaries = a
        .ecosystem_specific
        .as_ref()
        .and_then(|v| v.get("binaries"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|b| {
                    b.get("binary_name")
                        .and_then(Value::as_str)
                        .or_else(|| b.as_str())
                        .map(str::to_owned)
                })
                .collect()
        })
        .unwrap_or_default();
    Affected {
        ecosystem,
        name,
        stream: key.stream.clone(),
        ranges,
        versions: a.versions.clone(),
        severity: severities(&a.severity),
        urgency,
        binaries,
    }
}

/// Splits a record into (index key string, normalised name, advisory) triples, one per
/// distinct (ecosystem key, package) among its `affected[]` entries. Entries without a
/// package are dropped.
pub(crate) fn split_record(rec: &OsvRecord) -> Vec<(String, Advisory)> {
    let mut groups: Vec<(String, Vec<Affected>)> = Vec::new();
    for a in &rec.affected {
        let Some(pkg) = &a.package else { continue };
        if pkg.name.trim().is_empty() || pkg.ecosystem.trim().is_empty() {
            continue;
        }
        let key = EcosystemKey::parse(&pkg.ecosystem);
        let full = index_key(&key.index_key(), &normalize_name(&key.base, &pkg.name));
        let conv = convert_affected(a, &key);
        if let Some((_, list)) = groups.iter_mut().find(|(k, _)| *k == full) {
            list.push(conv);
        } else {
            groups.push((full, vec![conv]));
        }
    }
    let summary = rec
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .or_else(|| {
            rec.details
                .as_deref()
                .and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty()))
        })
        .unwrap_or_default()
        .to_owned();
    let url = rec
        .references
        .iter()
        .find(|r| r.kind.eq_ignore_ascii_case("ADVISORY"))
        .or_else(|| rec.references.first())
        .map(|r| r.url.clone());
    groups
        .into_iter()
        .map(|(k, affected)| {
            (
                k,
                Advisory {
                    id: rec.id.trim().to_owned(),
                    aliases: rec.aliases.clone(),
                    upstream: rec.upstream.clone(),
                    related: rec.related.clone(),
                    summary: summary.clone(),
                    modified: rec.modified.clone().unwrap_or_default(),
                    published: rec.published.clone().unwrap_or_default(),
                    severity: severities(&rec.severity),
                    ghsa_severity: str_field(rec.database_specific.as_ref(), "severity"),
                    url: url.clone(),
                    affected,
                },
            )
        })
        .collect()
}

/// The store's key for (ecosystem index key, normalised name): `eco \0 name`.
pub(crate) fn index_key(eco: &str, name: &str) -> String {
    let mut s = String::with_capacity(eco.len() + name.len() + 1);
    s.push_str(eco);
    s.push('\0');
    s.push_str(name);
    s
}
