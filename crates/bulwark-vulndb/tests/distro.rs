//! Debian and Alpine matching with osv.dev-shaped fixtures (tests/fixtures/distro, see its
//! README for where each package/version comes from).
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

use std::collections::BTreeSet;
use std::path::PathBuf;

use bulwark_vulndb::{PackageQuery, Severity, SeveritySource, Store, import, match_package};

fn store() -> (tempfile::TempDir, Store) {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/distro");
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("distro.bwdb");
    let meta = import(&[fixtures], &db).unwrap();
    assert_eq!(meta.stats.records, 13);
    assert_eq!(meta.stats.non_json_skipped, 0); // README.md is not counted
    (tmp, Store::open(&db).unwrap())
}

fn deb(release: &str, bin: &str, src: &str, version: &str) -> PackageQuery {
    PackageQuery {
        ecosystem: "debian".into(),
        release: Some(release.into()),
        name: bin.into(),
        source_name: Some(src.into()),
        version: version.into(),
        ..PackageQuery::default()
    }
}

fn ids(m: &[bulwark_vulndb::Match]) -> BTreeSet<String> {
    m.iter().map(|m| m.id.clone()).collect()
}

#[test]
fn debian_bullseye_openssl_by_source_with_dsa_folded() {
    let (_t, s) = store();
    // libssl1.1 built from openssl 1.1.1n-0+deb11u3: all five CVEs of DSA-5343-1 apply.
    let m = match_package(&s, &deb("11.6", "libssl1.1", "openssl", "1.1.1n-0+deb11u3")).unwrap();
    let want: BTreeSet<String> = [
        "CVE-2022-2097",
        "CVE-2022-4304",
        "CVE-2022-4450",
        "CVE-2023-0215",
        "CVE-2023-0286",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    assert_eq!(ids(&m), want);
    for x in &m {
        assert_eq!(x.package, "libssl1.1");
        assert_eq!(x.source_package.as_deref(), Some("openssl"));
        assert_eq!(x.fixed_versions, ["1.1.1n-0+deb11u4"]);
        // DSA-5343-1 lists all five CVEs upstream: folded into each match as an extra ID.
        assert!(
            x.aliases.contains(&"DSA-5343-1".to_owned()),
            "{:?}",
            x.aliases
        );
        assert!(x.aliases.contains(&format!("DEBIAN-{}", x.id)));
    }
    // Debian urgency is the vendor severity.
    let c0286 = m.iter().find(|x| x.id == "CVE-2023-0286").unwrap();
    assert_eq!(c0286.severity, Severity::High);
    let c2097 = m.iter().find(|x| x.id == "CVE-2022-2097").unwrap();
    assert_eq!(c2097.severity, Severity::Low);
    assert_eq!(
        c2097.severity_source,
        SeveritySource::Vendor {
            vendor: "Debian".into(),
            rating: "low".into()
        }
    );
    // Fixed version: nothing.
    assert!(
        match_package(&s, &deb("11", "libssl1.1", "openssl", "1.1.1n-0+deb11u4"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn debian_releases_are_separate() {
    let (_t, s) = store();
    // bookworm has only DEBIAN-CVE-2023-0286 for openssl (fixed 3.0.8-1).
    let m = match_package(&s, &deb("12", "libssl3", "openssl", "3.0.7-1")).unwrap();
    assert_eq!(ids(&m).into_iter().collect::<Vec<_>>(), ["CVE-2023-0286"]);
    assert!(!m[0].aliases.contains(&"DSA-5343-1".to_owned()));
    assert!(
        match_package(&s, &deb("12", "libssl3", "openssl", "3.0.8-1"))
            .unwrap()
            .is_empty()
    );
    // Debian 10 has no records at all.
    assert!(
        match_package(&s, &deb("10", "libssl1.1", "openssl", "1.1.1d-0"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn debian_epochs_and_source_versions() {
    let (_t, s) = store();
    // zlib1g 1:1.2.11.dfsg-2+deb11u1 < fixed 1:1.2.11.dfsg-2+deb11u2 (epoch 1 on both sides).
    let m = match_package(&s, &deb("11", "zlib1g", "zlib", "1:1.2.11.dfsg-2+deb11u1")).unwrap();
    assert_eq!(ids(&m).into_iter().collect::<Vec<_>>(), ["CVE-2022-37434"]);
    assert_eq!(m[0].aliases, ["DEBIAN-CVE-2022-37434", "DSA-5218-1"]);
    assert_eq!(m[0].fixed_versions, ["1:1.2.11.dfsg-2+deb11u2"]);
    // No vendor urgency ("not yet assigned"), so the record's CVSS v3 vector decides: 9.8.
    assert_eq!(m[0].severity, Severity::Critical);
    assert!(matches!(
        &m[0].severity_source,
        SeveritySource::Cvss { score, .. } if (*score - 9.8).abs() < 1e-9
    ));
    // Without the epoch the version is epoch 0, i.e. older than every fixed version.
    assert_eq!(
        match_package(&s, &deb("11", "zlib1g", "zlib", "1.2.13.dfsg-1"))
            .unwrap()
            .len(),
        1
    );
    // Bookworm: fixed 1:1.2.13.dfsg-1.
    assert!(
        match_package(&s, &deb("12", "zlib1g", "zlib", "1:1.2.13.dfsg-1"))
            .unwrap()
            .is_empty()
    );
    // Explicit source version wins over the binary version.
    let mut q = deb("11", "zlib1g", "zlib", "1:1.2.11.dfsg-2+deb11u2");
    q.source_version = Some("1:1.2.11.dfsg-2+deb11u1".into());
    assert_eq!(match_package(&s, &q).unwrap().len(), 1);
    assert_eq!(
        match_package(&s, &q).unwrap()[0].evidence[0].compared_version,
        "1:1.2.11.dfsg-2+deb11u1"
    );
}

#[test]
fn debian_binnmu_compares_source_version() {
    let (_t, s) = store();
    // DEBIAN-CVE-2099-0001: libfoo introduced 1.0-1, last_affected 1.2-3.
    // Binary 1.2-3+b1 is a binNMU rebuild of source 1.2-3: affected.
    let m = match_package(&s, &deb("12", "libfoo1", "libfoo", "1.2-3+b1")).unwrap();
    assert_eq!(ids(&m).into_iter().collect::<Vec<_>>(), ["CVE-2099-0001"]);
    assert!(m[0].is_unfixed());
    assert_eq!(m[0].evidence[0].compared_version, "1.2-3");
    assert_eq!(
        m[0].evidence[0].closing_event.as_deref(),
        Some("last_affected: 1.2-3")
    );
    // Source 1.2-4 is past last_affected; 0.9-1 is before introduced.
    assert!(
        match_package(&s, &deb("12", "libfoo1", "libfoo", "1.2-4"))
            .unwrap()
            .is_empty()
    );
    assert!(
        match_package(&s, &deb("12", "libfoo1", "libfoo", "0.9-1"))
            .unwrap()
            .is_empty()
    );
    // Binary name alone (no source name) does not find the source package's records.
    let mut by_bin = deb("12", "libfoo1", "", "1.2-3");
    by_bin.source_name = None;
    assert!(match_package(&s, &by_bin).unwrap().is_empty());
}

#[test]
fn debian_unfixed_introduced_zero_only() {
    let (_t, s) = store();
    let m = match_package(&s, &deb("12", "libapparmor1", "apparmor", "3.0.8-3")).unwrap();
    assert_eq!(ids(&m).into_iter().collect::<Vec<_>>(), ["CVE-2016-1585"]);
    assert!(m[0].is_unfixed());
    assert_eq!(m[0].severity, Severity::Negligible);
    assert_eq!(m[0].evidence[0].introduced.as_deref(), Some("0"));
    assert_eq!(m[0].evidence[0].closing_event, None);
}

#[test]
fn alpine_origin_packages() {
    let (_t, s) = store();
    let apk = |bin: &str, origin: &str, v: &str, rel: &str| PackageQuery {
        ecosystem: "alpine".into(),
        release: Some(rel.into()),
        name: bin.into(),
        source_name: Some(origin.into()),
        version: v.into(),
        ..PackageQuery::default()
    };
    // ansible 2.8.5-r0: both ALPINE-CVE-2019-14846 (fixed 2.8.6-r0) and -14904 (2.9.3-r0).
    let m = match_package(&s, &apk("ansible", "ansible", "2.8.5-r0", "3.11.6")).unwrap();
    assert_eq!(
        ids(&m).into_iter().collect::<Vec<_>>(),
        ["CVE-2019-14846", "CVE-2019-14904"]
    );
    let m = match_package(&s, &apk("ansible", "ansible", "2.9.2-r0", "3.11")).unwrap();
    assert_eq!(ids(&m).into_iter().collect::<Vec<_>>(), ["CVE-2019-14904"]);
    assert_eq!(m[0].fixed_versions, ["2.9.3-r0"]);
    // apk ordering: 2.9.10-r0 > 2.9.3-r0.
    assert!(
        match_package(&s, &apk("ansible", "ansible", "2.9.10-r0", "3.11"))
            .unwrap()
            .is_empty()
    );
    // libcurl (subpackage) is matched through its origin curl; reported as libcurl.
    let m = match_package(&s, &apk("libcurl", "curl", "7.65.1-r0", "v3.11")).unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].id, "CVE-2019-5481");
    assert_eq!(m[0].package, "libcurl");
    assert_eq!(m[0].aliases, ["ALPINE-CVE-2019-5481"]);
    // Other Alpine release: no records.
    assert!(
        match_package(&s, &apk("libcurl", "curl", "7.65.1-r0", "3.12"))
            .unwrap()
            .is_empty()
    );
}
