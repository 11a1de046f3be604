//! Vulnerability detection: every package of an [`Inventory`] (or of an SBOM) is turned into
//! a [`PackageQuery`] and matched against the OSV store, giving one [`Finding`] per
//! vulnerability per package, as Trivy reports them.
//!
//! * OS packages (deb, apk, rpm) are queried under the distribution's OSV ecosystem and the
//!   image's release (`debian` 12.5 → `Debian:12`, `alpine` 3.20.3 → `Alpine:v3.20`,
//!   `ubuntu` 22.04 → `Ubuntu:22.04`; the release trimming is `bulwark-vulndb`'s), by source
//!   package name and version (Debian `Source:`, binNMU rebuilds, rpm `SOURCERPM`, apk origin),
//!   rpm versions with their epoch (`E:V-R`). Their target is `<subject> (<os> <version>)`.
//! * Language packages are queried by ecosystem (PyPI, npm, Go — `stdlib` with the binary's Go
//!   toolchain version —, crates.io, Maven `group:artifact`, RubyGems, NuGet, Packagist); their
//!   target is the file that recorded them (lock file, package directory, jar, binary).
//!   Packages owned by an OS package are skipped: the distribution's data covers them.
//!
//! Detection is typed ([`Vulnerability`]: the package's index and the matcher's [`Match`]);
//! [`Vulnerability::to_finding`] renders one as a report finding with these properties (stable
//! keys): `package`, `installed_version`, `fixed_version` (comma-joined, empty when unfixed),
//! `package_type`, `purl`, `layer_digest`, `file_path`, `target`, `ecosystem`, `aliases`
//! (array), `severity_source`, `rating_source`, `rating_record` (when the rating came from
//! another record or CVE data), `cvss_vector`, `cvss_score`, `data_source`,
//! `evidence` (array of objects).

use bulwark_catalog::{OsInfo, Package, PackageType};
use bulwark_report::{Category, Finding, Location, RuleInfo, Severity};
use bulwark_version::Ecosystem;
use bulwark_vulndb::{
    BulwarkVersions, Match, PackageQuery, SeveritySource, Store, match_package_with,
};
use serde_json::{Value, json};

use crate::Inventory;

/// Settings of [`detect`].
#[derive(Debug, Clone, Default)]
pub struct DetectOptions {
    /// Also match language packages owned by an OS package (default `false`: the
    /// distribution's advisories cover them, as in Trivy).
    pub include_os_owned: bool,
}

/// Things detection could not do, reported instead of swallowed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetectDiagnostics {
    /// Packages that were looked up.
    pub packages_checked: usize,
    /// Packages skipped because an OS package owns them.
    pub skipped_os_owned: usize,
    /// Packages that could not be turned into a query, with the reason.
    pub unsupported: Vec<String>,
    /// GIT ranges skipped by the matcher.
    pub git_ranges_skipped: u64,
    /// Ranges skipped because a version did not parse.
    pub unparsable: Vec<String>,
    /// Store read errors (per package).
    pub errors: Vec<String>,
}

/// One vulnerability of one package: the matcher's typed result, with the package it affects
/// and the target it is reported under. Findings, SBOM vulnerabilities and Harbor reports are
/// all built from these, never from each other.
#[derive(Debug, Clone, PartialEq)]
pub struct Vulnerability {
    /// Index of the affected package in the slice given to [`detect_packages`].
    pub package: usize,
    /// Trivy's target: `<subject> (<os> <version>)` for OS packages, else the file that
    /// recorded the package.
    pub target: String,
    /// The OSV ecosystem the package was looked up in (`Debian`, `PyPI`, ...).
    pub ecosystem: String,
    /// The match: IDs, severity and its source, fixed versions, evidence.
    pub matched: Match,
}

impl Vulnerability {
    /// The report severity (distributions' "negligible" shows as low, as in Trivy).
    #[must_use]
    pub fn severity(&self) -> Severity {
        report_severity(self.matched.severity)
    }

    /// True when no fixed version is known.
    #[must_use]
    pub fn is_unfixed(&self) -> bool {
        self.matched.is_unfixed()
    }

    /// The finding for this vulnerability of `pkg`, located at `location`.
    #[must_use]
    pub fn to_finding(&self, pkg: &Package, location: Location) -> Finding {
        finding(pkg, &self.ecosystem, &self.matched, &self.target, location)
    }

    /// Rule metadata for the vulnerability ID (summary, severity, advisory URL) for SARIF.
    #[must_use]
    pub fn rule_info(&self) -> RuleInfo {
        let m = &self.matched;
        RuleInfo {
            code: m.id.clone(),
            name: None,
            summary: if m.summary.is_empty() {
                m.id.clone()
            } else {
                m.summary.clone()
            },
            help_markdown: String::new(),
            default_severity: self.severity(),
            help_uri: m.url.clone(),
        }
    }
}

/// The result of [`detect`].
#[derive(Debug, Clone, Default)]
pub struct Detection {
    /// One entry per vulnerability per package, sorted by target, package, ID.
    pub vulnerabilities: Vec<Vulnerability>,
    /// The (ecosystem, release) pairs looked up, as index keys (`Debian:12`, `PyPI`), for
    /// coverage checks.
    pub ecosystem_keys: Vec<String>,
    /// What could not be evaluated.
    pub diagnostics: DetectDiagnostics,
}

/// Matches every package of `inventory` against `store`.
pub fn detect(inventory: &Inventory, store: &Store, opts: &DetectOptions) -> Detection {
    detect_packages(
        &inventory.subject.name,
        inventory.os.as_ref(),
        &inventory.packages,
        store,
        opts,
    )
}

/// Matches `packages` (of the scanned thing `subject_name`, with OS `os`) against `store`.
/// Used directly for SBOM input, which has packages and an OS but no file system.
pub fn detect_packages(
    subject_name: &str,
    os: Option<&OsInfo>,
    packages: &[Package],
    store: &Store,
    opts: &DetectOptions,
) -> Detection {
    let mut out = Detection::default();
    let mut keys = std::collections::BTreeSet::new();
    let os_target = os_target(subject_name, os);
    for (index, pkg) in packages.iter().enumerate() {
        if pkg.owned_by_os_package.is_some() && !opts.include_os_owned && !pkg.kind.is_os() {
            out.diagnostics.skipped_os_owned += 1;
            continue;
        }
        let query = match package_query(pkg, os) {
            Ok(q) => q,
            Err(reason) => {
                out.diagnostics
                    .unsupported
                    .push(format!("{} {}: {reason}", pkg.name, pkg.version));
                continue;
            }
        };
        out.diagnostics.packages_checked += 1;
        keys.insert(
            bulwark_vulndb::EcosystemKey::for_query(&query.ecosystem, query.release.as_deref())
                .index_key(),
        );
        let (matches, diag) = match match_package_with(store, &query, &BulwarkVersions) {
            Ok(r) => r,
            Err(e) => {
                out.diagnostics
                    .errors
                    .push(format!("{} {}: {e}", pkg.name, pkg.version));
                continue;
            }
        };
        out.diagnostics.git_ranges_skipped += diag.git_ranges_skipped;
        out.diagnostics.unparsable.extend(diag.unparsable);
        let target = if pkg.kind.is_os() {
            os_target.clone()
        } else {
            pkg.location.path.clone()
        };
        for m in matches {
            out.vulnerabilities.push(Vulnerability {
                package: index,
                target: target.clone(),
                ecosystem: query.ecosystem.clone(),
                matched: m,
            });
        }
    }
    out.vulnerabilities.sort_by(|a, b| {
        let name = |v: &Vulnerability| packages.get(v.package).map_or("", |p| p.name.as_str());
        (&a.target, name(a), &a.matched.id, a.package).cmp(&(
            &b.target,
            name(b),
            &b.matched.id,
            b.package,
        ))
    });
    out.ecosystem_keys = keys.into_iter().collect();
    out
}

/// The target label of OS packages, like Trivy's: `alpine:3.20 (alpine 3.20.3)`.
pub fn os_target(subject_name: &str, os: Option<&OsInfo>) -> String {
    match os {
        Some(os) => {
            let label = match &os.version_id {
                Some(v) => format!("{} {v}", os.id),
                None => os.id.clone(),
            };
            format!("{subject_name} ({label})")
        }
        None => subject_name.to_owned(),
    }
}

/// The OSV ecosystem of an OS package type on the distribution `os` (its os-release `ID`, else
/// the first `ID_LIKE` entry the ecosystem table knows).
pub(crate) fn distro_ecosystem(kind: PackageType, os: &OsInfo) -> Option<&'static str> {
    std::iter::once(&os.id)
        .chain(&os.id_like)
        .find_map(|id| Ecosystem::for_distro(kind.as_str(), id))
        .map(|e| e.osv)
}

/// The release part of the OSV ecosystem for `os`: `VERSION_ID` for most distributions;
/// openSUSE names its streams (`openSUSE:Leap 15.6`, `openSUSE:Leap Micro 5.5`,
/// `openSUSE:Tumbleweed`), and SLE Micro is keyed apart from the SLE 15 code base
/// (`SUSE:Micro 5.5`, see bulwark-vulndb's SUSE key).
fn distro_release(eco: &str, os: &OsInfo) -> Option<String> {
    let id = os.id.to_ascii_lowercase();
    let version = os.version_id.clone();
    match (eco, id.as_str()) {
        ("openSUSE", "opensuse-tumbleweed" | "opensuse-microos") => Some("Tumbleweed".into()),
        ("openSUSE", "opensuse-leap-micro") => version.map(|v| format!("Leap Micro {v}")),
        ("openSUSE", _) => version.map(|v| format!("Leap {v}")),
        ("SUSE", "sle-micro" | "sle-micro-rancher") => version.map(|v| format!("Micro {v}")),
        _ => version,
    }
}

/// Builds the matcher query for `pkg` on `os`; `Err` says why a package cannot be queried.
pub fn package_query(pkg: &Package, os: Option<&OsInfo>) -> Result<PackageQuery, String> {
    let lang = |eco: &str, name: String| PackageQuery {
        ecosystem: eco.to_owned(),
        release: None,
        name,
        source_name: None,
        version: pkg.version.clone(),
        source_version: None,
        purl: Some(pkg.purl.clone()).filter(|p| !p.is_empty()),
    };
    if pkg.version.trim().is_empty() {
        return Err("no version".into());
    }
    Ok(match pkg.kind {
        PackageType::Deb | PackageType::Apk | PackageType::Rpm => {
            let Some(os) = os else {
                // SBOM input without an OS component: the purl's `distro` qualifier may say.
                return PackageQuery::from_purl(&pkg.purl)
                    .ok_or_else(|| "OS package without a known distribution".to_owned());
            };
            let Some(eco) = distro_ecosystem(pkg.kind, os) else {
                return Err(format!(
                    "no vulnerability data source for {} packages on {}",
                    pkg.kind.as_str(),
                    os.id
                ));
            };
            let with_epoch = |v: &str| match pkg.epoch {
                Some(e) if e > 0 && !v.contains(':') => format!("{e}:{v}"),
                _ => v.to_owned(),
            };
            let source_name = pkg.source_name.clone().or_else(|| {
                pkg.metadata
                    .get("sourcerpm")
                    .and_then(|s| srpm_name(s))
                    .map(str::to_owned)
            });
            PackageQuery {
                ecosystem: eco.to_owned(),
                release: distro_release(eco, os),
                name: pkg.name.clone(),
                source_name,
                version: with_epoch(&pkg.version),
                source_version: pkg.source_version.as_deref().map(with_epoch),
                purl: Some(pkg.purl.clone()).filter(|p| !p.is_empty()),
            }
        }
        kind => {
            let Some(eco) = Ecosystem::for_language_package(kind.as_str()) else {
                return Err(format!(
                    "no vulnerability data source for {} packages",
                    kind.as_str()
                ));
            };
            let name = if kind == PackageType::JavaArchive {
                let Some(group) = pkg.group.as_deref().filter(|g| !g.is_empty()) else {
                    return Err("Java archive without a Maven groupId".into());
                };
                format!("{group}:{}", pkg.name)
            } else {
                pkg.name.clone()
            };
            lang(eco.osv, name)
        }
    })
}

/// `openssl-3.0.7-27.el9.src.rpm` → `openssl`.
fn srpm_name(srpm: &str) -> Option<&str> {
    let base = srpm.strip_suffix(".rpm").unwrap_or(srpm);
    let base = base.strip_suffix(".src").unwrap_or(base);
    let mut parts = base.rsplitn(3, '-');
    let (_rel, _ver, name) = (parts.next()?, parts.next()?, parts.next()?);
    Some(name).filter(|n| !n.is_empty())
}

/// Maps the matcher's severity to the report's (distributions' "negligible" shows as low,
/// as Trivy does).
pub fn report_severity(s: bulwark_vulndb::Severity) -> Severity {
    use bulwark_vulndb::Severity as V;
    match s {
        V::Critical => Severity::Critical,
        V::High => Severity::High,
        V::Medium => Severity::Medium,
        V::Low | V::Negligible => Severity::Low,
        V::Unknown => Severity::Unknown,
    }
}

fn severity_source_text(s: &SeveritySource) -> String {
    match s {
        SeveritySource::Vendor { vendor, rating } => format!("{vendor} ({rating})"),
        SeveritySource::Ghsa(r) => format!("GHSA ({r})"),
        SeveritySource::Cvss { vector, score } => format!("{vector} (score {score:.1})"),
        SeveritySource::Related {
            origin,
            record,
            rating,
        } => match rating.as_ref() {
            SeveritySource::Cvss { vector, score } => {
                format!("{origin} {vector} (score {score:.1}, from {record})")
            }
            SeveritySource::Ghsa(r) | SeveritySource::Vendor { rating: r, .. } => {
                format!("{origin} ({r}, from {record})")
            }
            other => severity_source_text(other),
        },
        SeveritySource::None => String::new(),
    }
}

/// Who rated a match, and the CVSS vector and score when the rating was computed from one.
/// The rater is the distribution, `GHSA` or `CVSS` (a vector in the matched record) for a
/// record's own rating; for a rating taken from another record or CVE data (see
/// [`rating_record`]) it is that source: `NVD`, `GHSA`, a distribution, a CNA or ADP name.
pub(crate) fn rating(m: &Match) -> (Option<String>, Option<String>, Option<f64>) {
    fn of(s: &SeveritySource) -> (Option<String>, Option<String>, Option<f64>) {
        match s {
            SeveritySource::Vendor { vendor, .. } => (Some(vendor.clone()), None, None),
            SeveritySource::Ghsa(_) => (Some("GHSA".to_owned()), None, None),
            SeveritySource::Cvss { vector, score } => {
                (Some("CVSS".to_owned()), Some(vector.clone()), Some(*score))
            }
            SeveritySource::Related { origin, rating, .. } => {
                let (_, vector, score) = of(rating);
                (Some(origin.clone()), vector, score)
            }
            SeveritySource::None => (None, None, None),
        }
    }
    of(&m.severity_source)
}

/// The record a rating was taken from when the matched records carry none (`CVE-…` for CVE
/// data, `GHSA-…`, `DSA-…`).
pub(crate) fn rating_record(m: &Match) -> Option<String> {
    match &m.severity_source {
        SeveritySource::Related { record, .. } => Some(record.clone()),
        _ => None,
    }
}

fn finding(pkg: &Package, ecosystem: &str, m: &Match, target: &str, location: Location) -> Finding {
    let severity = report_severity(m.severity);
    let message = if m.summary.is_empty() {
        format!(
            "{} {} is affected by {}",
            m.package, m.installed_version, m.id
        )
    } else {
        m.summary.clone()
    };
    let fixed = m.fixed_versions.join(", ");
    let evidence: Vec<Value> = m
        .evidence
        .iter()
        .map(|e| {
            json!({
                "record": e.record_id,
                "ecosystem": e.ecosystem,
                "package": e.package,
                "range_type": e.range_type,
                "introduced": e.introduced,
                "closing_event": e.closing_event,
                "compared_version": e.compared_version,
            })
        })
        .collect();
    let mut f = Finding::new(
        m.id.clone(),
        severity,
        Category::Vulnerability,
        message,
        location,
    )
    .with_property("package", pkg.name.clone())
    .with_property("installed_version", pkg.version.clone())
    .with_property("fixed_version", fixed.clone())
    .with_property("package_type", pkg.kind.as_str())
    .with_property("purl", pkg.purl.clone())
    .with_property("file_path", pkg.location.path.clone())
    .with_property("ecosystem", ecosystem)
    .with_property("target", target)
    .with_property("aliases", m.aliases.clone())
    .with_property("severity_source", severity_source_text(&m.severity_source))
    .with_property("evidence", evidence);
    let (source, vector, score) = rating(m);
    if let Some(s) = source {
        f = f.with_property("rating_source", s);
    }
    if let Some(v) = vector {
        f = f.with_property("cvss_vector", v);
    }
    if let Some(s) = score {
        f = f.with_property("cvss_score", s);
    }
    if let Some(r) = rating_record(m) {
        f = f.with_property("rating_record", r);
    }
    if let Some(d) = &pkg.location.layer_digest {
        f = f.with_property("layer_digest", d.clone());
    }
    if let Some(src) = &m.source_package {
        f = f.with_property("source_package", src.clone());
    }
    if let Some(url) = &m.url {
        f = f.with_property("data_source", url.clone());
        f.links.push(url.clone());
    }
    f.help = Some(if fixed.is_empty() {
        format!("No fixed version of {} is known yet.", pkg.name)
    } else {
        format!("Upgrade {} to {fixed}.", pkg.name)
    });
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(id: &str, v: &str) -> OsInfo {
        OsInfo {
            id: id.into(),
            version_id: Some(v.into()),
            ..OsInfo::default()
        }
    }

    #[test]
    fn debian_binnmu_query_uses_source() {
        let mut p = Package::new(
            PackageType::Deb,
            "libssl3",
            "3.0.7-1+b1",
            "/var/lib/dpkg/status",
        );
        p.source_name = Some("openssl".into());
        let q = package_query(&p, Some(&os("debian", "12.5"))).expect("query");
        assert_eq!(q.ecosystem, "Debian");
        assert_eq!(q.release.as_deref(), Some("12.5"));
        assert_eq!(q.source_name.as_deref(), Some("openssl"));
        assert_eq!(q.version, "3.0.7-1+b1");
    }

    #[test]
    fn rpm_epoch_and_srpm() {
        let mut p = Package::new(PackageType::Rpm, "openssl-libs", "3.0.7-27.el9", "/rpmdb");
        p.epoch = Some(1);
        p.metadata
            .insert("sourcerpm".into(), "openssl-3.0.7-27.el9.src.rpm".into());
        let q = package_query(&p, Some(&os("almalinux", "9.4"))).expect("query");
        assert_eq!(q.ecosystem, "AlmaLinux");
        assert_eq!(q.version, "1:3.0.7-27.el9");
        assert_eq!(q.source_name.as_deref(), Some("openssl"));
    }

    #[test]
    fn suse_and_opensuse_releases() {
        let p = Package::new(PackageType::Rpm, "glibc", "2.31-150300.63.1", "/rpmdb");
        let cases = [
            ("sles", "15.5", "SUSE", "15.5"),
            ("sle-micro", "5.5", "SUSE", "Micro 5.5"),
            ("opensuse-leap", "15.6", "openSUSE", "Leap 15.6"),
            ("opensuse-tumbleweed", "20240801", "openSUSE", "Tumbleweed"),
        ];
        for (id, v, eco, rel) in cases {
            let q = package_query(&p, Some(&os(id, v))).expect("query");
            assert_eq!(q.ecosystem, eco, "{id}");
            assert_eq!(q.release.as_deref(), Some(rel), "{id}");
        }
    }

    #[test]
    fn id_like_fallback_and_unsupported_distro() {
        let mut o = os("linuxmint", "21");
        o.id_like = vec!["ubuntu".into()];
        let p = Package::new(PackageType::Deb, "bash", "5.1-6", "/var/lib/dpkg/status");
        assert_eq!(
            package_query(&p, Some(&o)).expect("query").ecosystem,
            "Ubuntu"
        );
        assert!(package_query(&p, Some(&os("gentoo", "2"))).is_err());
    }

    #[test]
    fn language_packages_query_their_osv_ecosystem() {
        // The map package_query had before the ecosystem table.
        let cases = [
            (PackageType::Python, "PyPI"),
            (PackageType::Npm, "npm"),
            (PackageType::GoModule, "Go"),
            (PackageType::RustCrate, "crates.io"),
            (PackageType::Gem, "RubyGems"),
            (PackageType::Composer, "Packagist"),
            (PackageType::Nuget, "NuGet"),
        ];
        for (kind, eco) in cases {
            let p = Package::new(kind, "x", "1.0.0", "/x");
            assert_eq!(package_query(&p, None).expect("query").ecosystem, eco);
        }
        let mut o = os("ol", "9.4");
        let p = Package::new(PackageType::Rpm, "bash", "5.1-6.el9", "/rpmdb");
        assert_eq!(
            package_query(&p, Some(&o)).expect("query").ecosystem,
            "Oracle Linux"
        );
        o.id = "RHEL".into();
        assert_eq!(
            package_query(&p, Some(&o)).expect("query").ecosystem,
            "Red Hat"
        );
        // A distribution id with the wrong package type is no data source.
        let deb = Package::new(PackageType::Deb, "bash", "5.1-6", "/var/lib/dpkg/status");
        assert!(package_query(&deb, Some(&o)).is_err());
    }

    #[test]
    fn maven_needs_group() {
        let mut p = Package::new(PackageType::JavaArchive, "log4j-core", "2.14.1", "/app.jar");
        assert!(package_query(&p, None).is_err());
        p.group = Some("org.apache.logging.log4j".into());
        assert_eq!(
            package_query(&p, None).expect("query").name,
            "org.apache.logging.log4j:log4j-core"
        );
    }

    #[test]
    fn os_target_like_trivy() {
        assert_eq!(
            os_target("alpine:3.20", Some(&os("alpine", "3.20.3"))),
            "alpine:3.20 (alpine 3.20.3)"
        );
        assert_eq!(os_target("dir", None), "dir");
    }

    #[test]
    fn srpm_names() {
        assert_eq!(srpm_name("openssl-3.0.7-27.el9.src.rpm"), Some("openssl"));
        assert_eq!(srpm_name("a-b-c-1-2.src.rpm"), Some("a-b-c"));
        assert_eq!(srpm_name("x.rpm"), None);
    }
}
