//! Matching installed packages against the store.
//!
//! * Distribution packages (dpkg, rpm, apk ecosystems) are looked up by their **source**
//!   package name under `<distro>:<release>` and compared with the **source** version
//!   (a Debian binNMU `1.2-3+b1` is compared as `1.2-3` when no source version is given);
//!   the match reports the binary package.
//! * Ranges are evaluated as the OSV schema specifies (see [`crate::range`]).
//! * Records that are the same vulnerability (linked through `aliases`, or a record's single
//!   `upstream` ID) are merged into one [`Match`]. The primary ID is, in order of
//!   preference: the smallest `CVE-` ID, else the smallest `GHSA-` ID, else the smallest
//!   record ID — stable across runs and close to what Trivy shows.
//! * Severity: see [`crate::severity`].

use std::cmp::Ordering;

use bulwark_version::Scheme;

use crate::advisory::{Advisory, Affected, Event};
use crate::ecosystem::{EcosystemKey, normalize_name};
use crate::error::VulnDbError;
use crate::query::PackageQuery;
use crate::range::{EventRef, Installed, RangeOutcome, evaluate_ranges, event_ref};
use crate::severity::{Severity, SeveritySource, resolve_related, resolve_severity};
use crate::store::Store;
use crate::versions::VersionScheme;

/// Why a range matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The record that matched.
    pub record_id: String,
    /// The record's `package.ecosystem`.
    pub ecosystem: String,
    /// The record's `package.name` (the source package for distros).
    pub package: String,
    /// `SEMVER`, `ECOSYSTEM`, or `versions` (listed explicitly).
    pub range_type: String,
    /// The `introduced` event that opened the interval containing the version.
    pub introduced: Option<String>,
    /// The event that closes that interval (`fixed: x`, `last_affected: x`, `limit: x`), if any.
    pub closing_event: Option<String>,
    /// The version that was compared (source version for distro packages).
    pub compared_version: String,
}

/// One vulnerability affecting one package (all aliases merged).
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Primary ID (CVE, else GHSA, else smallest record ID).
    pub id: String,
    /// Every other ID of this vulnerability (record IDs, aliases, upstream), sorted.
    pub aliases: Vec<String>,
    /// The reported (binary) package name.
    pub package: String,
    /// The source package looked up, for distro packages.
    pub source_package: Option<String>,
    /// Installed version as given.
    pub installed_version: String,
    /// Summary of the first record with one.
    pub summary: String,
    /// Severity.
    pub severity: Severity,
    /// Where it came from.
    pub severity_source: SeveritySource,
    /// Versions that fix it (empty: unfixed).
    pub fixed_versions: Vec<String>,
    /// An advisory URL when known.
    pub url: Option<String>,
    /// Evidence per matching record/range.
    pub evidence: Vec<Evidence>,
}

impl Match {
    /// True when no fixed version is known.
    pub fn is_unfixed(&self) -> bool {
        self.fixed_versions.is_empty()
    }
}

/// Things the matcher could not evaluate (reported, never silently swallowed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    /// GIT ranges skipped (commit ranges are not package versions).
    pub git_ranges_skipped: u64,
    /// Ranges skipped because a version did not parse, with the reason.
    pub unparsable: Vec<String>,
}

/// Matches `q` against `store` using `bulwark-version` comparators.
pub fn match_package(store: &Store, q: &PackageQuery) -> Result<Vec<Match>, VulnDbError> {
    Ok(match_package_with(store, q, &crate::versions::BulwarkVersions)?.0)
}

/// Matches `q` against `store` with the comparator `scheme`, also returning diagnostics.
pub fn match_package_with(
    store: &Store,
    q: &PackageQuery,
    scheme: &dyn VersionScheme,
) -> Result<(Vec<Match>, Diagnostics), VulnDbError> {
    let key = EcosystemKey::for_query(&q.ecosystem, q.release.as_deref());
    let distro = key.is_distro();
    let lookup_name = if distro {
        q.source_name
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or(&q.name)
    } else {
        &q.name
    };
    // Records are first read as borrowed views and run through the same matching core;
    // only those with evidence are decoded in full and merged by `match_advisories`. The
    // views also yield the diagnostics of every record, in record order.
    let eco_kind = key.scheme();
    let version = effective_version(q, &key);
    let filtered = store.lookup_with(
        &key.index_key(),
        &normalize_name(&key.base, lookup_name),
        |bytes| {
            let installed = Installed::new(&version, scheme);
            let (keep, diag) = prefilter(bytes, &installed, eco_kind, &key, scheme)?;
            let advisories = keep
                .iter()
                .map(|b| postcard::from_bytes::<Advisory>(b).map_err(|e| e.to_string()))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((advisories, diag))
        },
    )?;
    let (advisories, diag) = filtered.unwrap_or_default();
    let (mut matches, _) = match_advisories(&advisories, q, &key, scheme);
    for m in &mut matches {
        if m.severity_source == SeveritySource::None {
            let mut ratings = Vec::new();
            for id in std::iter::once(&m.id).chain(&m.aliases) {
                ratings.extend(store.ratings(&id.trim().to_ascii_uppercase())?);
            }
            if let Some((sev, src)) = resolve_related(&ratings) {
                m.severity = sev;
                m.severity_source = src;
            }
        }
    }
    Ok((matches, diag))
}

/// Borrowed views of the stored records: the same postcard layout as
/// [`crate::advisory::Advisory`] (field for field, in order), with strings borrowed from
/// the block instead of copied. Fields the matching core does not read start with `_`.
mod view {
    use serde::Deserialize;

    use crate::advisory::RangeKind;

    #[derive(Deserialize)]
    pub(super) struct SeverityView<'a> {
        #[serde(borrow)]
        _kind: &'a str,
        #[serde(borrow)]
        _score: &'a str,
    }

    /// Same variants, same order as [`crate::advisory::Event`].
    #[derive(Deserialize)]
    pub(super) enum EventView<'a> {
        Introduced(#[serde(borrow)] &'a str),
        Fixed(#[serde(borrow)] &'a str),
        LastAffected(#[serde(borrow)] &'a str),
        Limit(#[serde(borrow)] &'a str),
    }

    impl<'a> EventView<'a> {
        /// (rank, version) as [`super::event_ref`] gives for the stored event.
        pub(super) fn as_ref(&self) -> super::EventRef<'a> {
            match *self {
                EventView::Introduced(v) => (crate::range::RANK_INTRODUCED, v),
                EventView::LastAffected(v) => (crate::range::RANK_LAST_AFFECTED, v),
                EventView::Fixed(v) => (2, v),
                EventView::Limit(v) => (3, v),
            }
        }
    }

    #[derive(Deserialize)]
    pub(super) struct RangeView<'a> {
        pub(super) kind: RangeKind,
        #[serde(borrow)]
        pub(super) events: Vec<EventView<'a>>,
    }

    #[derive(Deserialize)]
    pub(super) struct AffectedView<'a> {
        #[serde(borrow)]
        _ecosystem: &'a str,
        #[serde(borrow)]
        pub(super) name: &'a str,
        #[serde(borrow)]
        pub(super) stream: &'a str,
        #[serde(borrow)]
        pub(super) ranges: Vec<RangeView<'a>>,
        #[serde(borrow)]
        pub(super) versions: Vec<&'a str>,
        #[serde(borrow)]
        _severity: Vec<SeverityView<'a>>,
        #[serde(borrow)]
        _urgency: Option<&'a str>,
        #[serde(borrow)]
        _binaries: Vec<&'a str>,
    }

    #[derive(Deserialize)]
    pub(super) struct AdvisoryView<'a> {
        #[serde(borrow)]
        pub(super) id: &'a str,
        #[serde(borrow)]
        _aliases: Vec<&'a str>,
        #[serde(borrow)]
        _upstream: Vec<&'a str>,
        #[serde(borrow)]
        _related: Vec<&'a str>,
        #[serde(borrow)]
        _summary: &'a str,
        #[serde(borrow)]
        _modified: &'a str,
        #[serde(borrow)]
        _published: &'a str,
        #[serde(borrow)]
        _severity: Vec<SeverityView<'a>>,
        #[serde(borrow)]
        _ghsa_severity: Option<&'a str>,
        #[serde(borrow)]
        _url: Option<&'a str>,
        #[serde(borrow)]
        pub(super) affected: Vec<AffectedView<'a>>,
    }
}

/// Runs every record of a store block (as a borrowed view) through the matching core.
/// Returns the encoded bytes of the records with evidence, and the diagnostics of all.
fn prefilter<'b>(
    bytes: &'b [u8],
    installed: &Installed<'_>,
    eco_kind: Option<Scheme>,
    key: &EcosystemKey,
    scheme: &dyn VersionScheme,
) -> Result<(Vec<&'b [u8]>, Diagnostics), String> {
    let (count, mut rest): (u64, &[u8]) =
        postcard::take_from_bytes(bytes).map_err(|e| e.to_string())?;
    let mut keep = Vec::new();
    let mut diag = Diagnostics::default();
    for _ in 0..count {
        let (adv, after): (view::AdvisoryView<'_>, &[u8]) =
            postcard::take_from_bytes(rest).map_err(|e| e.to_string())?;
        let this = rest
            .get(..rest.len() - after.len())
            .ok_or_else(|| "record outside its block".to_owned())?;
        let mut candidate = false;
        for aff in &adv.affected {
            if key.base == "Red Hat" && !stream_applies(aff.stream, key) {
                continue;
            }
            let ranges = aff.ranges.iter().map(|r| {
                (
                    r.kind,
                    r.events.iter().map(view::EventView::as_ref).collect(),
                )
            });
            let outcome = evaluate_ranges(
                ranges,
                aff.versions.iter().copied(),
                installed,
                eco_kind,
                scheme,
            );
            for r in outcome.ranges {
                match r {
                    RangeOutcome::Hit { .. } => candidate = true,
                    RangeOutcome::Unparsable(reason) => diag
                        .unparsable
                        .push(format!("{} ({}): {reason}", adv.id, aff.name)),
                    RangeOutcome::Git => diag.git_ranges_skipped += 1,
                    RangeOutcome::Miss | RangeOutcome::Skipped => {}
                }
            }
            candidate |= outcome.listed;
        }
        if candidate {
            keep.push(this);
        }
        rest = after;
    }
    if !rest.is_empty() {
        return Err("trailing bytes".to_owned());
    }
    Ok((keep, diag))
}

/// The version to compare for `q` (source version, binNMU suffix dropped, Go prefixes dropped).
pub fn effective_version(q: &PackageQuery, key: &EcosystemKey) -> String {
    if key.is_distro() {
        if let Some(sv) = q.source_version.as_deref().filter(|s| !s.trim().is_empty()) {
            return sv.trim().to_owned();
        }
        if key.scheme() == Some(Scheme::Dpkg) {
            return strip_binnmu(q.version.trim()).to_owned();
        }
        return q.version.trim().to_owned();
    }
    let v = q.version.trim();
    if key.base == "Go" {
        let v = v.strip_prefix("go").unwrap_or(v);
        return v.strip_prefix('v').unwrap_or(v).to_owned();
    }
    v.to_owned()
}

/// Drops a Debian binNMU suffix `+bN` (a rebuild of the same source version).
fn strip_binnmu(v: &str) -> &str {
    if let Some(pos) = v.rfind("+b") {
        let tail = v.get(pos + 2..).unwrap_or_default();
        if !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit()) {
            return v.get(..pos).unwrap_or(v);
        }
    }
    v
}

struct Hit<'a> {
    adv: &'a Advisory,
    evidence: Vec<Evidence>,
    fixed: Vec<String>,
    affected: Vec<&'a Affected>,
}

/// Evaluates already-loaded advisories (the store-independent core, also used by fuzzing).
pub fn match_advisories(
    advisories: &[Advisory],
    q: &PackageQuery,
    key: &EcosystemKey,
    scheme: &dyn VersionScheme,
) -> (Vec<Match>, Diagnostics) {
    let mut diag = Diagnostics::default();
    let version = effective_version(q, key);
    let eco_kind = key.scheme();
    let installed = Installed::new(&version, scheme);
    let mut hits: Vec<Hit<'_>> = Vec::new();
    for adv in advisories {
        let mut hit = Hit {
            adv,
            evidence: Vec::new(),
            fixed: Vec::new(),
            affected: Vec::new(),
        };
        for aff in &adv.affected {
            if key.base == "Red Hat" && !stream_applies(&aff.stream, key) {
                continue;
            }
            let before = hit.evidence.len();
            evaluate_affected(aff, adv, &installed, eco_kind, scheme, &mut hit, &mut diag);
            if hit.evidence.len() > before {
                hit.affected.push(aff);
            }
        }
        if !hit.evidence.is_empty() {
            hits.push(hit);
        }
    }
    let matches = merge_hits(hits, q, key, eco_kind, scheme);
    (matches, diag)
}

fn stream_applies(stream: &str, key: &EcosystemKey) -> bool {
    if key.stream.is_empty() {
        stream.is_empty() || stream == "enterprise_linux"
    } else {
        stream == key.stream
    }
}

fn evaluate_affected<'a>(
    aff: &'a Affected,
    adv: &'a Advisory,
    installed: &Installed<'_>,
    eco_kind: Option<Scheme>,
    scheme: &dyn VersionScheme,
    hit: &mut Hit<'a>,
    diag: &mut Diagnostics,
) {
    let evidence =
        |range_type: &str, introduced: Option<String>, closing: Option<String>| Evidence {
            record_id: adv.id.clone(),
            ecosystem: aff.ecosystem.clone(),
            package: aff.name.clone(),
            range_type: range_type.to_owned(),
            introduced,
            closing_event: closing,
            compared_version: installed.raw.to_owned(),
        };
    let ranges = aff
        .ranges
        .iter()
        .map(|r| (r.kind, r.events.iter().map(event_ref).collect::<Vec<_>>()));
    let outcome = evaluate_ranges(
        ranges,
        aff.versions.iter().map(String::as_str),
        installed,
        eco_kind,
        scheme,
    );
    for (range, result) in aff.ranges.iter().zip(outcome.ranges) {
        match result {
            RangeOutcome::Hit {
                semver,
                introduced,
                closing,
            } => {
                let introduced = introduced
                    .and_then(|i| range.events.get(i))
                    .map(|e| e.version().to_owned());
                let closing = closing.and_then(|i| range.events.get(i));
                if let Some(Event::Fixed(f)) = closing
                    && !hit.fixed.contains(f)
                {
                    hit.fixed.push(f.clone());
                }
                hit.evidence.push(evidence(
                    if semver { "SEMVER" } else { "ECOSYSTEM" },
                    introduced,
                    closing.map(|e| format!("{}: {}", e.kind_name(), e.version())),
                ));
            }
            RangeOutcome::Unparsable(reason) => diag
                .unparsable
                .push(format!("{} ({}): {reason}", adv.id, aff.name)),
            RangeOutcome::Git => diag.git_ranges_skipped += 1,
            RangeOutcome::Miss | RangeOutcome::Skipped => {}
        }
    }
    if outcome.listed {
        hit.evidence.push(evidence("versions", None, None));
    }
}

/// IDs that identify the vulnerability of an advisory: its ID, aliases, and its upstream ID
/// when there is exactly one.
fn identity(adv: &Advisory) -> Vec<String> {
    let mut ids = vec![adv.id.clone()];
    ids.extend(adv.aliases.iter().cloned());
    if adv.upstream.len() == 1 {
        ids.extend(adv.upstream.iter().cloned());
    }
    ids.retain(|s| !s.trim().is_empty());
    ids
}

fn primary_id(ids: &[String]) -> String {
    let pick = |prefix: &str| {
        ids.iter()
            .filter(|i| i.starts_with(prefix))
            .min_by(|a, b| cve_order(a, b))
            .cloned()
    };
    pick("CVE-")
        .or_else(|| pick("GHSA-"))
        .or_else(|| ids.iter().min().cloned())
        .unwrap_or_default()
}

/// Orders IDs so `CVE-2021-999` < `CVE-2021-1000` (numeric tail), then bytewise.
fn cve_order(a: &str, b: &str) -> Ordering {
    let tail = |s: &str| s.rsplit('-').next().and_then(|t| t.parse::<u64>().ok());
    let head = |s: &str| {
        s.rsplit_once('-')
            .map_or(s.to_owned(), |(h, _)| h.to_owned())
    };
    head(a)
        .cmp(&head(b))
        .then_with(|| tail(a).cmp(&tail(b)))
        .then_with(|| a.cmp(b))
}

fn merge_hits(
    hits: Vec<Hit<'_>>,
    q: &PackageQuery,
    key: &EcosystemKey,
    eco_kind: Option<Scheme>,
    scheme: &dyn VersionScheme,
) -> Vec<Match> {
    // A multi-CVE advisory (e.g. DSA-5343-1 with five `upstream` CVEs) whose every CVE also
    // matched through its own record is folded into those matches as an extra ID instead of
    // being reported as a separate vulnerability.
    let all_ids: Vec<Vec<String>> = hits.iter().map(|h| identity(h.adv)).collect();
    let folded: Vec<bool> = hits
        .iter()
        .enumerate()
        .map(|(i, h)| {
            h.adv.upstream.len() > 1
                && h.adv.upstream.iter().all(|u| {
                    all_ids
                        .iter()
                        .enumerate()
                        .any(|(j, ids)| j != i && ids.contains(u))
                })
        })
        .collect();
    let (hits, folded_hits): (Vec<_>, Vec<_>) =
        hits.into_iter().zip(folded).partition(|(_, f)| !*f);
    let hits: Vec<Hit<'_>> = hits.into_iter().map(|(h, _)| h).collect();
    let folded_hits: Vec<Hit<'_>> = folded_hits.into_iter().map(|(h, _)| h).collect();
    // Union-find over hits whose identities intersect.
    let ids: Vec<Vec<String>> = hits.iter().map(|h| identity(h.adv)).collect();
    let mut parent: Vec<usize> = (0..hits.len()).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while let Some(&next) = p.get(i) {
            if next == i {
                break;
            }
            i = next;
        }
        i
    }
    for i in 0..hits.len() {
        for j in (i + 1)..hits.len() {
            let linked = ids
                .get(i)
                .zip(ids.get(j))
                .is_some_and(|(a, b)| a.iter().any(|x| b.contains(x)));
            if linked {
                let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
                if ri != rj
                    && let Some(slot) = parent.get_mut(rj)
                {
                    *slot = ri;
                }
            }
        }
    }
    let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
    for i in 0..hits.len() {
        let r = find(&mut parent, i);
        match groups.iter_mut().find(|(root, _)| *root == r) {
            Some((_, members)) => members.push(i),
            None => groups.push((r, vec![i])),
        }
    }
    let mut out = Vec::new();
    for (_, members) in groups {
        let group: Vec<&Hit<'_>> = members.iter().filter_map(|&i| hits.get(i)).collect();
        let mut all_ids: Vec<String> = Vec::new();
        for h in &group {
            for id in identity(h.adv) {
                if !all_ids.contains(&id) {
                    all_ids.push(id);
                }
            }
            for id in &h.adv.upstream {
                if !all_ids.contains(id) {
                    all_ids.push(id.clone());
                }
            }
        }
        let mut folded_evidence = Vec::new();
        for f in &folded_hits {
            if f.adv.upstream.iter().any(|u| all_ids.contains(u)) {
                if !all_ids.contains(&f.adv.id) {
                    all_ids.push(f.adv.id.clone());
                }
                folded_evidence.extend(f.evidence.iter().cloned());
            }
        }
        let id = primary_id(&all_ids);
        let mut aliases: Vec<String> = all_ids.into_iter().filter(|x| *x != id).collect();
        aliases.sort();
        let mut fixed: Vec<String> = Vec::new();
        for h in &group {
            for f in &h.fixed {
                if !fixed.contains(f) {
                    fixed.push(f.clone());
                }
            }
        }
        fixed.sort_by(|a, b| scheme.compare(eco_kind, a, b).unwrap_or_else(|_| a.cmp(b)));
        let summary = group
            .iter()
            .map(|h| h.adv.summary.as_str())
            .find(|s| !s.is_empty())
            .unwrap_or_default()
            .to_owned();
        let url = group.iter().find_map(|h| h.adv.url.clone());
        let records: Vec<(&Advisory, &[&Affected])> = group
            .iter()
            .map(|h| (h.adv, h.affected.as_slice()))
            .collect();
        let (severity, severity_source) = resolve_severity(&records, key);
        let evidence = group
            .iter()
            .flat_map(|h| h.evidence.iter().cloned())
            .chain(folded_evidence)
            .collect();
        let distro = key.is_distro();
        out.push(Match {
            id,
            aliases,
            package: q.name.clone(),
            source_package: if distro {
                Some(
                    q.source_name
                        .clone()
                        .filter(|s| !s.trim().is_empty())
                        .unwrap_or_else(|| q.name.clone()),
                )
            } else {
                None
            },
            installed_version: q.version.clone(),
            summary,
            severity,
            severity_source,
            fixed_versions: fixed,
            url,
            evidence,
        });
    }
    out.sort_by(|a, b| cve_order(&a.id, &b.id));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binnmu_suffix() {
        assert_eq!(strip_binnmu("1.2-3+b1"), "1.2-3");
        assert_eq!(strip_binnmu("1.2-3+b12"), "1.2-3");
        assert_eq!(strip_binnmu("1.2-3+bpo1"), "1.2-3+bpo1");
        assert_eq!(strip_binnmu("1.2-3+deb12u1"), "1.2-3+deb12u1");
        assert_eq!(strip_binnmu("1.2-3+b"), "1.2-3+b");
    }

    #[test]
    fn primary_id_prefers_cve_then_ghsa() {
        let ids = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            primary_id(&ids(&[
                "PYSEC-2021-1",
                "GHSA-aaaa-bbbb-cccc",
                "CVE-2021-1000",
                "CVE-2021-999"
            ])),
            "CVE-2021-999"
        );
        assert_eq!(
            primary_id(&ids(&[
                "PYSEC-2021-1",
                "GHSA-zzzz-bbbb-cccc",
                "GHSA-aaaa-bbbb-cccc"
            ])),
            "GHSA-aaaa-bbbb-cccc"
        );
        assert_eq!(
            primary_id(&ids(&["RUSTSEC-2022-0013", "GO-2021-0067"])),
            "GO-2021-0067"
        );
    }
}
