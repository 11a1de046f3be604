//! CVE data: NVD CVE API 2.0 records and CVE JSON 5 records (the CVE Program's cvelistV5),
//! read for their CVSS ratings only.
//!
//! Accepted shapes, told apart from OSV records by their fields:
//! * NVD CVE API 2.0: one `cve` object (`id`, `sourceIdentifier`, `vulnStatus`, `metrics`;
//!   the files of NVD mirrors such as fkie-cad/nvd-json-data-feeds), or a response / feed
//!   (`{"format": "NVD_CVE", "vulnerabilities": [{"cve": {…}}, …]}`, NVD's
//!   `nvdcve-2.0-<year>.json(.gz)` feeds). `metrics.cvssMetricV40/V31/V30/V2[]`: entries of
//!   type `Primary` from `nvd@nist.gov` are NVD's own ([`Rank::Nvd`]); `Secondary` entries from
//!   the record's `sourceIdentifier` are the CNA's ([`Rank::Cna`]), others [`Rank::Other`].
//! * CVE JSON 5 (`dataType: CVE_RECORD`): `containers.cna.metrics[]` ([`Rank::Cna`], origin the
//!   CNA's `providerMetadata.shortName`) and `containers.adp[].metrics[]` ([`Rank::Other`],
//!   e.g. `CISA-ADP`), each entry's `cvssV4_0` / `cvssV3_1` / `cvssV3_0` / `cvssV2_0`
//!   `vectorString`.

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

use crate::ratings::{Rank, Rating};

/// What a JSON document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// An OSV record (or something that is none of the others).
    Osv,
    /// An NVD CVE API 2.0 `cve` object.
    NvdRecord,
    /// An NVD CVE API 2.0 response or feed (`vulnerabilities[].cve`).
    NvdCollection,
    /// A CVE JSON 5 record.
    Cve5,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Markers {
    data_type: Option<String>,
    cve_metadata: Option<IgnoredAny>,
    vuln_status: Option<IgnoredAny>,
    source_identifier: Option<IgnoredAny>,
    vulnerabilities: Option<IgnoredAny>,
    format: Option<String>,
    id: Option<IgnoredAny>,
}

/// Tells the kind of a JSON document from its top-level fields (`None`: not a JSON object).
pub fn shape(bytes: &[u8]) -> Option<Shape> {
    let m: Markers = serde_json::from_slice(bytes).ok()?;
    Some(
        if m.data_type.as_deref() == Some("CVE_RECORD") || m.cve_metadata.is_some() {
            Shape::Cve5
        } else if m.vulnerabilities.is_some()
            && (m.format.as_deref() == Some("NVD_CVE") || m.id.is_none())
        {
            Shape::NvdCollection
        } else if m.vuln_status.is_some() || m.source_identifier.is_some() {
            Shape::NvdRecord
        } else {
            Shape::Osv
        },
    )
}

/// The ratings of one CVE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CveRatings {
    /// `CVE-YYYY-NNNN`, uppercased.
    pub id: String,
    /// Its CVSS ratings (possibly none: a record not yet analysed).
    pub ratings: Vec<Rating>,
}

/// NVD's source identifier of its own analyses.
const NVD_SOURCE: &str = "nvd@nist.gov";
/// CISA's ADP (Vulnrichment) source identifier in NVD records.
const CISA_ADP_SOURCE: &str = "134c704f-9b21-4f2e-91b3-4a467353bcc0";

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)?
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn cve_id(raw: &str) -> Option<String> {
    let id = raw.trim().to_ascii_uppercase();
    id.starts_with("CVE-").then_some(id)
}

/// Reads one NVD CVE API 2.0 `cve` object.
pub fn parse_nvd_record(v: &Value) -> Result<CveRatings, String> {
    let id = str_of(v, "id")
        .and_then(cve_id)
        .ok_or("NVD record without a CVE id")?;
    let cna = str_of(v, "sourceIdentifier").unwrap_or_default();
    let mut ratings = Vec::new();
    if let Some(metrics) = v.get("metrics").and_then(Value::as_object) {
        for key in [
            "cvssMetricV40",
            "cvssMetricV31",
            "cvssMetricV30",
            "cvssMetricV2",
        ] {
            let Some(list) = metrics.get(key).and_then(Value::as_array) else {
                continue;
            };
            for m in list {
                let Some(vector) = m.get("cvssData").and_then(|d| str_of(d, "vectorString")) else {
                    continue;
                };
                let source = str_of(m, "source").unwrap_or_default();
                let primary = str_of(m, "type").is_some_and(|t| t.eq_ignore_ascii_case("Primary"));
                let (origin, rank) = if source == NVD_SOURCE || (primary && source.is_empty()) {
                    ("NVD".to_owned(), Rank::Nvd)
                } else if source == CISA_ADP_SOURCE {
                    ("CISA-ADP".to_owned(), Rank::Other)
                } else if !cna.is_empty() && source == cna {
                    (source.to_owned(), Rank::Cna)
                } else {
                    (source.to_owned(), Rank::Other)
                };
                let r = Rating {
                    origin,
                    record: id.clone(),
                    score: vector.to_owned(),
                    rank,
                };
                if !ratings.contains(&r) {
                    ratings.push(r);
                }
            }
        }
    }
    Ok(CveRatings { id, ratings })
}

/// Reads an NVD CVE API 2.0 response or feed: every `vulnerabilities[].cve`.
pub fn parse_nvd_collection(v: &Value) -> Result<Vec<CveRatings>, String> {
    let list = v
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .ok_or("NVD collection without a `vulnerabilities` array")?;
    list.iter()
        .map(|item| parse_nvd_record(item.get("cve").unwrap_or(item)))
        .collect()
}

/// Reads one CVE JSON 5 record.
pub fn parse_cve5(v: &Value) -> Result<CveRatings, String> {
    let id = v
        .get("cveMetadata")
        .and_then(|m| str_of(m, "cveId"))
        .and_then(cve_id)
        .ok_or("CVE JSON 5 record without cveMetadata.cveId")?;
    let mut ratings = Vec::new();
    let containers = v.get("containers");
    let cna = containers.and_then(|c| c.get("cna"));
    let adp = containers
        .and_then(|c| c.get("adp"))
        .and_then(Value::as_array)
        .map(|a| a.iter().collect::<Vec<_>>())
        .unwrap_or_default();
    let all = cna
        .map(|c| (c, Rank::Cna))
        .into_iter()
        .chain(adp.into_iter().map(|c| (c, Rank::Other)));
    for (container, rank) in all {
        let origin = container
            .get("providerMetadata")
            .and_then(|p| str_of(p, "shortName"))
            .unwrap_or(if rank == Rank::Cna { "CNA" } else { "ADP" })
            .to_owned();
        let Some(metrics) = container.get("metrics").and_then(Value::as_array) else {
            continue;
        };
        for m in metrics {
            for key in ["cvssV4_0", "cvssV3_1", "cvssV3_0", "cvssV2_0"] {
                let Some(vector) = m.get(key).and_then(|d| str_of(d, "vectorString")) else {
                    continue;
                };
                let r = Rating {
                    origin: origin.clone(),
                    record: id.clone(),
                    score: vector.to_owned(),
                    rank,
                };
                if !ratings.contains(&r) {
                    ratings.push(r);
                }
            }
        }
    }
    Ok(CveRatings { id, ratings })
}

/// Reads a CVE document of shape `shape` (not [`Shape::Osv`]).
pub fn parse(bytes: &[u8], shape: Shape) -> Result<Vec<CveRatings>, String> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    match shape {
        Shape::NvdRecord => parse_nvd_record(&v).map(|r| vec![r]),
        Shape::NvdCollection => parse_nvd_collection(&v),
        Shape::Cve5 => parse_cve5(&v).map(|r| vec![r]),
        Shape::Osv => Err("not a CVE record".to_owned()),
    }
}
