//! Matching installed packages against the store.
//!
//! * Distribution packages (dpkg, rpm, apk ecosystems) are looked up by their **source**
//!   package name under `<distro>:<release>` and compared with the **source** version
//!   (a Debian binNMU `1.2-3+b1` is compared as `1.2-3` when no source version is given);
//!   the match reports the binary package.
//! * Ranges are evaluated as the OSV schema specifies: events sorted by version
//!   (`introduced: "0"` first), `introduced` opens, `fixed` (v ≥ fixed) and `limit`
//!   (v ≥ limit) close, `last_affected` (v > last_affected) closes; the `versions` list is
//!   an additional exact set. `SEMVER` ranges use SemVer ordering, `ECOSYSTEM` ranges the
//!   ecosystem's ordering; `GIT` ranges cannot be evaluated against package versions and are
//!   counted in [`Diagnostics::git_ranges_skipped`].
//! * Records that are the same vulnerability (linked through `aliases`, or a record's single
//!   `upstream` ID) are merged into one [`Match`]. The primary ID is, in order of
//!   preference: the smallest `CVE-` ID, else the smallest `GHSA-` ID, else the smallest
//!   record ID — stable across runs and close to what Trivy shows.
//! * Severity: distribution rating first (Ubuntu priority, Debian urgency, Red Hat-family
//!   advisory impact), then the GHSA rating, then the highest CVSS v3.x base score computed
//!   from a vector, then the highest CVSS v4.0 score (see [`crate::cvss4`]), then CVSS v2.

use std::cmp::Ordering;

use crate::advisory::{Advisory, Affected, Event, RangeKind};
use crate::cvss::{self, CvssRating, CvssVersion};
use crate::ecosystem::{EcosystemKey, VersionKind, normalize_name};
use crate::error::VulnDbError;
use crate::store::Store;

/// Compares two version strings of one ecosystem family. Implemented by
/// [`crate::versions::BulwarkVersions`] on top of `bulwark-version`; tests may supply others.
pub trait VersionScheme: Send + Sync {
    /// Orders `a` against `b` under `kind`; `Err` with a reason when either does not parse.
    fn compare(&self, kind: VersionKind, a: &str, b: &str) -> Result<Ordering, String>;

    /// Parses `v` once so it can be compared many times with
    /// [`VersionScheme::compare_parsed`]. Must fail exactly when `compare(kind, v, v)` fails,
    /// with the same reason. The default validates with `compare` and keeps the string.
    fn parse<'a>(&self, kind: VersionKind, v: &'a str) -> Result<ParsedVersion<'a>, String> {
        self.compare(kind, v, v)?;
        Ok(ParsedVersion {
            raw: v,
            parsed: None,
        })
    }

    /// Orders two versions from [`VersionScheme::parse`]; must agree with `compare` on their
    /// strings. Uses the parsed forms when both have one, else `compare`.
    fn compare_parsed(
        &self,
        kind: VersionKind,
        a: &ParsedVersion<'_>,
        b: &ParsedVersion<'_>,
    ) -> Result<Ordering, String> {
        match (&a.parsed, &b.parsed) {
            (Some(x), Some(y)) => x.try_cmp(y).map_err(|e| e.to_string()),
            _ => self.compare(kind, a.raw, b.raw),
        }
    }
}

/// A version string with its parsed form (when the scheme parses ahead of comparing).
#[derive(Debug, Clone)]
pub struct ParsedVersion<'a> {
    /// The version as written.
    pub raw: &'a str,
    /// Its `bulwark-version` form; `None` when the scheme compares strings.
    pub parsed: Option<bulwark_version::AnyVersion>,
}

/// An installed package to check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageQuery {
    /// Ecosystem: OSV base name or common alias (`Debian`, `ubuntu`, `PyPI`, `npm`, `Go`,
    /// `crates.io`, `Maven`, `AlmaLinux`, …).
    pub ecosystem: String,
    /// Distribution release (`12`, `22.04`, `3.20`, `9.4`); `None` for language packages.
    pub release: Option<String>,
    /// Package name (the binary package for distros; `group:artifact` for Maven).
    pub name: String,
    /// Source package name for distro packages (dpkg `Source:`, rpm source rpm name, apk origin).
    pub source_name: Option<String>,
    /// Installed version (rpm: include the epoch as `E:V-R` when it is non-zero).
    pub version: String,
    /// Source package version when it differs (Debian binNMUs, `Source: x (ver)`).
    pub source_version: Option<String>,
    /// Package URL, informational.
    pub purl: Option<String>,
}

impl PackageQuery {
    /// Builds a query from a package URL (`pkg:pypi/django@3.2`, `pkg:npm/%40scope/x@1.0.0`,
    /// `pkg:golang/github.com/a/b@v1.2.3`, `pkg:cargo/regex@1.5.4`, `pkg:maven/g/a@1`,
    /// `pkg:deb/debian/libssl3@3.0.7-1?distro=debian-12&upstream=openssl`,
    /// `pkg:apk/alpine/libcurl@7.65.1-r0?distro=3.11.6&upstream=curl`). `None` when the purl
    /// has no version or an unsupported type.
    pub fn from_purl(purl: &str) -> Option<PackageQuery> {
        let rest = purl.trim().strip_prefix("pkg:")?;
        let rest = rest.split('#').next().unwrap_or(rest);
        let (path, qualifiers) = rest.split_once('?').unwrap_or((rest, ""));
        let (path, version) = path.rsplit_once('@')?;
        let (ty, path) = path.split_once('/')?;
        let path = percent_decode(path);
        let version = percent_decode(version);
        let qual = |key: &str| {
            qualifiers
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == key)
                .map(|(_, v)| percent_decode(v))
        };
        let last = |p: &str| p.rsplit('/').next().unwrap_or(p).to_owned();
        let (ecosystem, name, release) = match ty.to_ascii_lowercase().as_str() {
            "pypi" => ("PyPI", path, None),
            "npm" => ("npm", path, None),
            "golang" => ("Go", path, None),
            "cargo" => ("crates.io", path, None),
            "gem" => ("RubyGems", path, None),
            "nuget" => ("NuGet", path, None),
            "composer" => ("Packagist", path, None),
            "hex" => ("Hex", path, None),
            "pub" => ("Pub", path, None),
            "maven" => {
                let (g, a) = path.rsplit_once('/')?;
                ("Maven", format!("{}:{a}", g.replace('/', ".")), None)
            }
            "deb" | "apk" | "rpm" => {
                let (vendor, _) = path.split_once('/').unwrap_or(("", ""));
                let distro = qual("distro");
                // distro=debian-12 / ubuntu-22.04 / 3.11.6 / el9 …: keep the part after the
                // last '-' when it starts with a digit.
                let release = distro.map(|d| {
                    d.rsplit_once('-')
                        .map_or(d.as_str(), |(_, r)| r)
                        .trim_start_matches("el")
                        .to_owned()
                });
                let eco = match vendor.to_ascii_lowercase().as_str() {
                    "debian" => "Debian",
                    "ubuntu" => "Ubuntu",
                    "alpine" => "Alpine",
                    "wolfi" => "Wolfi",
                    "redhat" => "Red Hat",
                    "almalinux" => "AlmaLinux",
                    "rocky" | "rocky-linux" => "Rocky Linux",
                    "oracle" => "Oracle Linux",
                    _ => return None,
                };
                (eco, last(&path), release)
            }
            _ => return None,
        };
        let mut q = PackageQuery {
            ecosystem: ecosystem.to_owned(),
            release,
            name,
            version,
            purl: Some(purl.to_owned()),
            ..PackageQuery::default()
        };
        if let Some(srpm) = qual("upstream")
            .as_deref()
            .and_then(|u| u.strip_suffix(".src.rpm"))
        {
            // rpm: `upstream=openssl-3.0.7-27.el9.src.rpm` → source name `openssl`.
            let mut parts = srpm.rsplitn(3, '-');
            let (_rel, _ver, name) = (parts.next(), parts.next(), parts.next());
            q.source_name = name.map(str::to_owned);
        } else if let Some(up) = qual("upstream") {
            // `upstream=openssl` or `upstream=openssl@3.0.7-1` (source name and version).
            match up.split_once('@') {
                Some((n, v)) => {
                    q.source_name = Some(n.to_owned());
                    q.source_version = Some(v.to_owned());
                }
                None => q.source_name = Some(up),
            }
        }
        if let Some(epoch) = qual("epoch")
            && !q.version.contains(':')
        {
            q.version = format!("{epoch}:{}", q.version);
        }
        Some(q)
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(hex, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

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
    let eco_kind = key.version_kind();
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
                EventView::Introduced(v) => (super::RANK_INTRODUCED, v),
                EventView::LastAffected(v) => (super::RANK_LAST_AFFECTED, v),
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
    eco_kind: VersionKind,
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
        if key.version_kind() == VersionKind::Dpkg {
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
    let eco_kind = key.version_kind();
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

/// The installed version, parsed at most once per comparator family (a query compares it
/// under its ecosystem's ordering and, for `SEMVER` ranges, under SemVer).
struct Installed<'v> {
    raw: &'v str,
    scheme: &'v dyn VersionScheme,
    parsed: std::cell::RefCell<Vec<(VersionKind, Result<ParsedVersion<'v>, String>)>>,
}

impl<'v> Installed<'v> {
    fn new(raw: &'v str, scheme: &'v dyn VersionScheme) -> Self {
        Installed {
            raw,
            scheme,
            parsed: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// Runs `f` with the installed version parsed under `kind`.
    fn with<R>(
        &self,
        kind: VersionKind,
        f: impl FnOnce(&Result<ParsedVersion<'v>, String>) -> R,
    ) -> R {
        let mut cache = self.parsed.borrow_mut();
        let pos = if let Some(pos) = cache.iter().position(|(k, _)| *k == kind) {
            pos
        } else {
            cache.push((kind, self.scheme.parse(kind, self.raw)));
            cache.len() - 1
        };
        match cache.get(pos) {
            Some((_, parsed)) => f(parsed),
            None => f(&Err("internal: parsed-version cache miss".to_owned())),
        }
    }
}

fn evaluate_affected<'a>(
    aff: &'a Affected,
    adv: &'a Advisory,
    installed: &Installed<'_>,
    eco_kind: VersionKind,
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

/// An event as (rank, version) — see [`rank`]; shared by stored and borrowed records.
type EventRef<'e> = (u8, &'e str);

fn event_ref(e: &Event) -> EventRef<'_> {
    (rank(e), e.version())
}

/// Result of one range of an `affected[]` entry.
#[derive(Debug)]
enum RangeOutcome {
    /// The version is inside; indexes of the opening `introduced` and closing events.
    Hit {
        semver: bool,
        introduced: Option<usize>,
        closing: Option<usize>,
    },
    /// Outside.
    Miss,
    /// A version did not parse (reason).
    Unparsable(String),
    /// A GIT range (not evaluated, counted).
    Git,
    /// Another range type (not evaluated).
    Skipped,
}

/// Outcomes of the ranges of one `affected[]` entry, and whether the `versions` list
/// names the installed version (only checked when no range matched).
struct AffectedOutcome {
    ranges: Vec<RangeOutcome>,
    listed: bool,
}

/// The matching core shared by the full evaluation ([`match_advisories`]) and the
/// pre-filter over borrowed records, so both decide and diagnose identically.
fn evaluate_ranges<'e>(
    ranges: impl Iterator<Item = (RangeKind, Vec<EventRef<'e>>)>,
    versions: impl Iterator<Item = &'e str>,
    installed: &Installed<'_>,
    eco_kind: VersionKind,
    scheme: &dyn VersionScheme,
) -> AffectedOutcome {
    let mut out = Vec::new();
    let mut matched = false;
    for (range_kind, events) in ranges {
        let kind = match range_kind {
            RangeKind::Semver => VersionKind::Semver,
            RangeKind::Ecosystem => eco_kind,
            RangeKind::Git => {
                out.push(RangeOutcome::Git);
                continue;
            }
            RangeKind::Other => {
                out.push(RangeOutcome::Skipped);
                continue;
            }
        };
        let result = installed.with(kind, |parsed| {
            evaluate_range_parsed(&events, parsed, kind, scheme)
        });
        out.push(match result {
            Ok(Some((introduced, closing))) => {
                matched = true;
                RangeOutcome::Hit {
                    semver: range_kind == RangeKind::Semver,
                    introduced,
                    closing,
                }
            }
            Ok(None) => RangeOutcome::Miss,
            Err(reason) => RangeOutcome::Unparsable(reason),
        });
    }
    let version = installed.raw;
    let mut versions = versions.peekable();
    let listed = !matched
        && versions.peek().is_some()
        && installed.with(eco_kind, |parsed| {
            versions.any(|listed| {
                listed == version
                    || parsed.as_ref().is_ok_and(|v| {
                        scheme
                            .parse(eco_kind, listed)
                            .and_then(|l| scheme.compare_parsed(eco_kind, &l, v))
                            .is_ok_and(|o| o == Ordering::Equal)
                    })
            })
        });
    AffectedOutcome {
        ranges: out,
        listed,
    }
}

/// A range that contains the version: the `introduced` value that opened the interval
/// and the event that closes it (`None`: open-ended).
pub type RangeHit = (Option<String>, Option<Event>);

/// Evaluates one SEMVER/ECOSYSTEM range. `Ok(Some((introduced, closing event)))` when
/// `version` is inside; `Ok(None)` when outside; `Err` when a version does not parse.
pub fn evaluate_range(
    events: &[Event],
    version: &str,
    kind: VersionKind,
    scheme: &dyn VersionScheme,
) -> Result<Option<RangeHit>, String> {
    if events.is_empty() {
        return Ok(None);
    }
    if kind == VersionKind::Unknown {
        return Err("ecosystem has no known version ordering".into());
    }
    let refs: Vec<EventRef<'_>> = events.iter().map(event_ref).collect();
    let hit = evaluate_range_parsed(&refs, &scheme.parse(kind, version), kind, scheme)?;
    Ok(hit.map(|(introduced, closing)| {
        (
            introduced
                .and_then(|i| events.get(i))
                .map(|e| e.version().to_owned()),
            closing.and_then(|i| events.get(i)).cloned(),
        )
    }))
}

/// [`evaluate_range`] with the installed version already parsed: every event version is
/// parsed once, then sorting and evaluation compare parsed forms. Returns the indexes (in
/// `events`) of the opening `introduced` and the closing event.
fn evaluate_range_parsed(
    events: &[EventRef<'_>],
    version: &Result<ParsedVersion<'_>, String>,
    kind: VersionKind,
    scheme: &dyn VersionScheme,
) -> Result<Option<RangeIndexes>, String> {
    if events.is_empty() {
        return Ok(None);
    }
    if kind == VersionKind::Unknown {
        return Err("ecosystem has no known version ordering".into());
    }
    // Parse (and so validate) every event version first so sorting never sees an error;
    // `introduced: "0"` is "before everything" and is not parsed.
    let mut parsed: Vec<(usize, u8, Option<ParsedVersion<'_>>)> = Vec::with_capacity(events.len());
    for (i, &(rank, v)) in events.iter().enumerate() {
        if rank == RANK_INTRODUCED && v == "0" {
            parsed.push((i, rank, None));
        } else {
            parsed.push((i, rank, Some(scheme.parse(kind, v)?)));
        }
    }
    let version = version.as_ref().map_err(Clone::clone)?;
    parsed.sort_by(|(_, ra, pa), (_, rb, pb)| match (pa, pb) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => scheme
            .compare_parsed(kind, x, y)
            .unwrap_or(Ordering::Equal)
            .then_with(|| ra.cmp(rb)),
    });
    let mut vulnerable = false;
    let mut introduced: Option<usize> = None;
    let mut closing: Option<usize> = None;
    for (i, rank, pv) in parsed {
        let Some(pv) = pv else {
            // introduced: "0"
            vulnerable = true;
            introduced = Some(i);
            closing = None;
            continue;
        };
        let cmp = scheme.compare_parsed(kind, version, &pv)?;
        match rank {
            RANK_INTRODUCED => {
                if cmp != Ordering::Less {
                    vulnerable = true;
                    introduced = Some(i);
                    closing = None;
                }
            }
            RANK_LAST_AFFECTED => {
                if cmp == Ordering::Greater {
                    vulnerable = false;
                } else if vulnerable && closing.is_none() {
                    closing = Some(i);
                }
            }
            // fixed, limit
            _ => {
                if cmp != Ordering::Less {
                    vulnerable = false;
                } else if vulnerable && closing.is_none() {
                    closing = Some(i);
                }
            }
        }
    }
    Ok(vulnerable.then_some((introduced, closing)))
}

/// Indexes (in a range's events) of the opening `introduced` and of the closing event.
type RangeIndexes = (Option<usize>, Option<usize>);

const RANK_INTRODUCED: u8 = 0;
const RANK_LAST_AFFECTED: u8 = 1;

fn rank(e: &Event) -> u8 {
    match e {
        Event::Introduced(_) => RANK_INTRODUCED,
        Event::LastAffected(_) => RANK_LAST_AFFECTED,
        Event::Fixed(_) => 2,
        Event::Limit(_) => 3,
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
    eco_kind: VersionKind,
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
        let (severity, severity_source) = resolve_severity(&group, key);
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
fn resolve_related(ratings: &[crate::ratings::Rating]) -> Option<(Severity, SeveritySource)> {
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

fn resolve_severity(group: &[&Hit<'_>], key: &EcosystemKey) -> (Severity, SeveritySource) {
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
        for h in group {
            for aff in &h.affected {
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
            for s in &h.adv.severity {
                if s.kind.eq_ignore_ascii_case(&key.base) {
                    consider(&s.score);
                }
            }
            if key.version_kind() == VersionKind::Rpm {
                // Red Hat-family advisories: "Important: openssl security update".
                if let Some((word, _)) = h.adv.summary.split_once(':')
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
    for h in group {
        if let Some(g) = &h.adv.ghsa_severity
            && let Some(s) = vendor_word(g)
        {
            return (s, SeveritySource::Ghsa(g.clone()));
        }
    }
    // 3. CVSS v3.x, then v4.0, then v2 (highest score of the preferred version).
    let vectors = group.iter().flat_map(|h| {
        h.adv
            .severity
            .iter()
            .chain(h.affected.iter().flat_map(|a| a.severity.iter()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls() {
        let q = PackageQuery::from_purl("pkg:pypi/django@3.2.0").unwrap();
        assert_eq!(
            (q.ecosystem.as_str(), q.name.as_str(), q.version.as_str()),
            ("PyPI", "django", "3.2.0")
        );
        let q = PackageQuery::from_purl("pkg:npm/%40babel/core@7.0.0").unwrap();
        assert_eq!(q.name, "@babel/core");
        let q = PackageQuery::from_purl(
            "pkg:golang/github.com/docker/distribution@v2.8.1+incompatible",
        )
        .unwrap();
        assert_eq!(
            (q.ecosystem.as_str(), q.name.as_str()),
            ("Go", "github.com/docker/distribution")
        );
        let q = PackageQuery::from_purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")
            .unwrap();
        assert_eq!(q.name, "org.apache.logging.log4j:log4j-core");
        let q = PackageQuery::from_purl(
            "pkg:deb/debian/libssl3@3.0.7-1?arch=amd64&distro=debian-12&upstream=openssl",
        )
        .unwrap();
        assert_eq!(q.ecosystem, "Debian");
        assert_eq!(q.release.as_deref(), Some("12"));
        assert_eq!(q.source_name.as_deref(), Some("openssl"));
        let q = PackageQuery::from_purl("pkg:rpm/almalinux/openssl-libs@3.0.7-27.el9?epoch=1&distro=almalinux-9.4&upstream=openssl-3.0.7-27.el9.src.rpm").unwrap();
        assert_eq!(q.version, "1:3.0.7-27.el9");
        assert_eq!(q.release.as_deref(), Some("9.4"));
        assert_eq!(q.source_name.as_deref(), Some("openssl"));
        assert!(PackageQuery::from_purl("pkg:pypi/django").is_none());
        assert!(PackageQuery::from_purl("pkg:unknown/x@1").is_none());
        assert!(PackageQuery::from_purl("not a purl").is_none());
    }

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
