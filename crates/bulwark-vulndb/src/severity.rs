//! The severity of a match: distribution rating first (Ubuntu priority, Debian urgency, Red
//! Hat-family advisory impact), then the GHSA rating, then the highest CVSS v3.x base score
//! computed from a vector, then the highest CVSS v4.0 score, then CVSS v2; CVE data stored
//! apart rates records that carry none.

use bulwark_version::Scheme;

use crate::advisory::{Advisory, Affected};
use crate::cvss::{self, CvssRating, CvssVersion};
use crate::ecosystem::EcosystemKey;

/// Qualitative severity of a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Not known.
    Unknown,
    /// Distribution says negligible / unimportant.
    Negligible,
    /// Low.
    Low,
    /// Medium / moderate.
    Medium,
    /// High / important.
    High,
    /// Critical.
    Critical,
}

/// Where the severity came from.
#[derive(Debug, Clone, PartialEq)]
pub enum SeveritySource {
    /// A distribution's own rating (`Ubuntu`, `Debian`, `AlmaLinux`, …), with the raw word.
    Vendor {
        /// Distribution.
        vendor: String,
        /// Raw rating word (e.g. `medium`, `Important`).
        rating: String,
    },
    /// GitHub advisory `database_specific.severity`.
    Ghsa(String),
    /// A CVSS base score computed from `vector`.
    Cvss {
        /// The vector.
        vector: String,
        /// Its base score.
        score: f64,
    },
    /// The records that matched carry no rating: taken from another record of the same
    /// vulnerability in the database (an alias: a GHSA or distribution record) or from CVE
    /// data (NVD, the CNA, an ADP); see [`crate::ratings`].
    Related {
        /// Who rated (`NVD`, `GHSA`, `Debian`, a CNA short name such as `GitHub_M`).
        origin: String,
        /// The record the rating was read from (`CVE-…`, `GHSA-…`).
        record: String,
        /// The rating itself ([`SeveritySource::Cvss`], [`SeveritySource::Ghsa`] or
        /// [`SeveritySource::Vendor`]).
        rating: Box<SeveritySource>,
    },
    /// No usable source.
    None,
}

fn vendor_word(word: &str) -> Option<Severity> {
    match word.trim().to_ascii_lowercase().as_str() {
        "critical" => Some(Severity::Critical),
        "high" | "important" => Some(Severity::High),
        "medium" | "moderate" => Some(Severity::Medium),
        "low" => Some(Severity::Low),
        "negligible" | "unimportant" => Some(Severity::Negligible),
        // "not yet assigned", "untriaged", "end-of-life": no rating.
        _ => None,
    }
}

fn cvss_severity(ver: CvssVersion, score: f64) -> Severity {
    match cvss::rating(ver, score) {
        CvssRating::Critical => Severity::Critical,
        CvssRating::High => Severity::High,
        CvssRating::Medium => Severity::Medium,
        CvssRating::Low => Severity::Low,
        CvssRating::None => Severity::Negligible,
    }
}

/// The preferred CVSS vector of `vectors`: v3.x over v4.0 over v2, then the highest score.
fn best_vector<'a>(vectors: impl Iterator<Item = &'a str>) -> Option<(CvssVersion, f64, &'a str)> {
    let tier = |v: CvssVersion| match v {
        CvssVersion::V3_0 | CvssVersion::V3_1 => 2,
        CvssVersion::V4_0 => 1,
        CvssVersion::V2 => 0,
    };
    let mut best: Option<(CvssVersion, f64, &str)> = None;
    for v in vectors {
        let (Some(ver), Some(score)) = (cvss::version_of(v), cvss::base_score(v)) else {
            continue;
        };
        let better = best.as_ref().is_none_or(|(bv, bs, _)| {
            tier(ver) > tier(*bv) || (tier(ver) == tier(*bv) && score > *bs)
        });
        if better {
            best = Some((ver, score, v));
        }
    }
    best
}

/// The best-ranked rating of `ratings` (see [`crate::ratings::Rank`]): within a rank a CVSS
/// vector (v3.x, v4.0, v2; highest score) before a rating word (highest).
pub(crate) fn resolve_related(
    ratings: &[crate::ratings::Rating],
) -> Option<(Severity, SeveritySource)> {
    let mut ranks: Vec<crate::ratings::Rank> = ratings.iter().map(|r| r.rank).collect();
    ranks.sort();
    ranks.dedup();
    for rank in ranks {
        let group: Vec<&crate::ratings::Rating> =
            ratings.iter().filter(|r| r.rank == rank).collect();
        if let Some((ver, score, vector)) = best_vector(group.iter().map(|r| r.score.as_str()))
            && let Some(r) = group.iter().find(|r| r.score == vector)
        {
            return Some((
                cvss_severity(ver, score),
                SeveritySource::Related {
                    origin: r.origin.clone(),
                    record: r.record.clone(),
                    rating: Box::new(SeveritySource::Cvss {
                        vector: vector.to_owned(),
                        score,
                    }),
                },
            ));
        }
        let mut best: Option<(Severity, &crate::ratings::Rating)> = None;
        for r in &group {
            if let Some(s) = vendor_word(&r.score)
                && best.as_ref().is_none_or(|(b, _)| s > *b)
            {
                best = Some((s, r));
            }
        }
        if let Some((sev, r)) = best {
            let rating = if rank == crate::ratings::Rank::GhsaWord {
                SeveritySource::Ghsa(r.score.clone())
            } else {
                SeveritySource::Vendor {
                    vendor: r.origin.clone(),
                    rating: r.score.clone(),
                }
            };
            return Some((
                sev,
                SeveritySource::Related {
                    origin: r.origin.clone(),
                    record: r.record.clone(),
                    rating: Box::new(rating),
                },
            ));
        }
    }
    None
}

/// The severity of a group of records that are one vulnerability: each record with the
/// `affected[]` entries that matched.
pub(crate) fn resolve_severity(
    group: &[(&Advisory, &[&Affected])],
    key: &EcosystemKey,
) -> (Severity, SeveritySource) {
    // 1. Vendor (distribution) rating.
    if key.is_distro() {
        let mut best: Option<(Severity, String)> = None;
        let mut consider = |word: &str| {
            if let Some(s) = vendor_word(word)
                && best.as_ref().is_none_or(|(b, _)| s > *b)
            {
                best = Some((s, word.trim().to_owned()));
            }
        };
        for (adv, affected) in group {
            for aff in *affected {
                if let Some(u) = &aff.urgency {
                    // Debian urgencies may carry a `**` suffix (e.g. `low**`).
                    consider(u.trim_end_matches('*'));
                }
                for s in &aff.severity {
                    if s.kind.eq_ignore_ascii_case(&key.base) {
                        consider(&s.score);
                    }
                }
            }
            for s in &adv.severity {
                if s.kind.eq_ignore_ascii_case(&key.base) {
                    consider(&s.score);
                }
            }
            if key.scheme() == Some(Scheme::Rpm) {
                // Red Hat-family advisories: "Important: openssl security update".
                if let Some((word, _)) = adv.summary.split_once(':')
                    && matches!(
                        word.trim().to_ascii_lowercase().as_str(),
                        "critical" | "important" | "moderate" | "low"
                    )
                {
                    consider(word);
                }
            }
        }
        if let Some((s, word)) = best {
            return (
                s,
                SeveritySource::Vendor {
                    vendor: key.base.clone(),
                    rating: word,
                },
            );
        }
    }
    // 2. GHSA rating.
    for (adv, _) in group {
        if let Some(g) = &adv.ghsa_severity
            && let Some(s) = vendor_word(g)
        {
            return (s, SeveritySource::Ghsa(g.clone()));
        }
    }
    // 3. CVSS v3.x, then v4.0, then v2 (highest score of the preferred version).
    let vectors = group.iter().flat_map(|(adv, affected)| {
        adv.severity
            .iter()
            .chain(affected.iter().flat_map(|a| a.severity.iter()))
            .map(|s| s.score.as_str())
    });
    if let Some((ver, score, vector)) = best_vector(vectors) {
        return (
            cvss_severity(ver, score),
            SeveritySource::Cvss {
                vector: vector.to_owned(),
                score,
            },
        );
    }
    (Severity::Unknown, SeveritySource::None)
}
