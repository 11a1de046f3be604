//! Import the real OSV records in shared/conformance/osv and check matches whose expected
//! results were derived by reading the records (ranges and aliases quoted in comments).
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

use std::collections::BTreeSet;
use std::path::Path;

use bulwark_vulndb::{
    Match, Metadata, PackageQuery, Severity, SeveritySource, Store, import, match_package,
};

fn build(dir: &Path) -> (tempfile::TempDir, Store, Metadata) {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("osv.bwdb");
    let meta = import(&[dir.to_owned()], &db).unwrap();
    let store = Store::open(&db).unwrap();
    (tmp, store, meta)
}

fn q(eco: &str, name: &str, version: &str) -> PackageQuery {
    PackageQuery {
        ecosystem: eco.into(),
        name: name.into(),
        version: version.into(),
        ..PackageQuery::default()
    }
}

fn ids(m: &[Match]) -> BTreeSet<String> {
    m.iter().map(|m| m.id.clone()).collect()
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn imports_every_record_with_counts() {
    let Some(dir) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    let (_t, store, meta) = build(&dir);
    let s = &meta.stats;
    // README: 467 JSON records (+136 original YAML), none withdrawn, none malformed.
    assert_eq!(s.records, 467);
    assert_eq!(s.non_json_skipped, 136);
    assert_eq!(s.malformed, 0, "{:?}", s.malformed_ids);
    assert_eq!(s.withdrawn, 0);
    let per: Vec<(&str, u64)> = s
        .records_per_ecosystem
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        per,
        [
            ("AlmaLinux", 115),
            ("Debian", 1),
            ("Go", 174),
            ("PyPI", 136),
            ("Red Hat", 2),
            ("Rocky Linux", 3),
            ("Ubuntu", 4),
            ("crates.io", 30),
            ("npm", 2),
        ]
    );
    assert_eq!(store.metadata().unwrap(), &meta);
    // Ecosystem keys are indexed with their release.
    let keys = store.keys().unwrap();
    for want in [
        "AlmaLinux:9",
        "Debian:7",
        "Ubuntu:22.04",
        "Ubuntu:Pro:16.04",
        "Red Hat:8",
    ] {
        assert!(keys.iter().any(|(e, _)| e == want), "missing key {want}");
    }
}

#[test]
fn pypi_expectations() {
    let Some(dir) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    let (_t, store, _) = build(&dir);
    // urllib3 records (ECOSYSTEM ranges):
    //  PYSEC-2021-108 CVE-2021-33503 [0,1.26.5); PYSEC-2021-59 CVE-2021-28363 [1.26.0,1.26.4);
    //  PYSEC-2023-192 CVE-2023-43804 [2.0.0,2.0.6) + [0,1.26.17) (events listed out of order);
    //  PYSEC-2023-212 CVE-2023-45803 [2.0.0,2.0.7) + [0,1.26.18); PYSEC-2020-148 [0,1.25.9);
    //  PYSEC-2020-149 [1.25.2,1.25.8); others fixed ≤ 1.24.3.
    let m = match_package(&store, &q("PyPI", "urllib3", "1.26.4")).unwrap();
    assert_eq!(
        ids(&m),
        set(&["CVE-2021-33503", "CVE-2023-43804", "CVE-2023-45803"])
    );
    let fixed: BTreeSet<Vec<String>> = m.iter().map(|m| m.fixed_versions.clone()).collect();
    assert_eq!(
        fixed,
        [
            vec!["1.26.5".to_owned()],
            vec!["1.26.17".to_owned()],
            vec!["1.26.18".to_owned()]
        ]
        .into_iter()
        .collect()
    );
    let m = match_package(&store, &q("PyPI", "urllib3", "2.0.5")).unwrap();
    assert_eq!(ids(&m), set(&["CVE-2023-43804", "CVE-2023-45803"]));
    let by_id = |m: &[Match], id: &str| m.iter().find(|x| x.id == id).unwrap().clone();
    assert_eq!(by_id(&m, "CVE-2023-43804").fixed_versions, ["2.0.6"]);
    assert_eq!(by_id(&m, "CVE-2023-45803").fixed_versions, ["2.0.7"]);
    // Aliases merged: PYSEC id and GHSA id ride along.
    assert_eq!(
        by_id(&m, "CVE-2023-43804").aliases,
        ["GHSA-v845-jxx5-vc9f", "PYSEC-2023-192"]
    );
    let m = match_package(&store, &q("PyPI", "urllib3", "1.25.3")).unwrap();
    assert_eq!(
        ids(&m),
        set(&[
            "CVE-2020-26137",
            "CVE-2020-7212",
            "CVE-2021-33503",
            "CVE-2023-43804",
            "CVE-2023-45803"
        ])
    );
    assert!(
        match_package(&store, &q("PyPI", "urllib3", "2.0.7"))
            .unwrap()
            .is_empty()
    );

    // requests: 2014-13/14 [0,2.3.0), 2015-17 [2.1.0,2.6.0), 2018-28 [0,2.20.0), 2023-74 [2.3.0,2.31.0).
    let m = match_package(&store, &q("PyPI", "requests", "2.2.1")).unwrap();
    assert_eq!(
        ids(&m),
        set(&[
            "CVE-2014-1829",
            "CVE-2014-1830",
            "CVE-2015-2296",
            "CVE-2018-18074"
        ])
    );
    let m = match_package(&store, &q("PyPI", "Requests", "2.25.0")).unwrap();
    assert_eq!(ids(&m), set(&["CVE-2023-32681"]));

    // PyYAML (PEP 503 name): 2018-49 [0,5.1), 2020-176 [5.1,5.2b1), 2020-96 [5.1,5.3.1), 2021-142 [0,5.4).
    let m = match_package(&store, &q("PyPI", "PyYAML", "5.1")).unwrap();
    assert_eq!(
        ids(&m),
        set(&["CVE-2019-20477", "CVE-2020-1747", "CVE-2020-14343"])
    );

    // Django 3.2.0 (= 3.2 under PEP 440): the 25 PYSEC records whose ECOSYSTEM ranges
    // contain 3.2, listed by their CVE alias.
    let m = match_package(&store, &q("PyPI", "Django", "3.2.0")).unwrap();
    assert_eq!(
        ids(&m),
        set(&[
            "CVE-2021-35042",
            "CVE-2021-44420",
            "CVE-2021-31542",
            "CVE-2021-32052",
            "CVE-2021-33203",
            "CVE-2021-33571",
            "CVE-2021-45115",
            "CVE-2022-22818",
            "CVE-2022-28346",
            "CVE-2022-28347",
            "CVE-2021-45116",
            "CVE-2022-23833",
            "CVE-2022-34265",
            "CVE-2022-36359",
            "CVE-2021-45452",
            "CVE-2022-41323",
            "CVE-2023-36053",
            "CVE-2023-23969",
            "CVE-2023-24580",
            "CVE-2023-46695",
            "CVE-2023-41164",
            "CVE-2023-43665",
            "CVE-2023-31047",
            "CVE-2024-24680",
            "CVE-2024-27351",
        ])
    );
    for v in ["3.2.25", "4.2.16", "5.1.1", "5.1.2"] {
        assert!(
            match_package(&store, &q("PyPI", "django", v))
                .unwrap()
                .is_empty(),
            "django {v}"
        );
    }
}

#[test]
fn go_crates_npm_expectations() {
    let Some(dir) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    let (_t, store, _) = build(&dir);
    // GO-2021-0067 (CVE-2021-27919): SEMVER introduced 1.16.0-0, fixed 1.16.1.
    let has = |v: &str, id: &str| {
        match_package(&store, &q("Go", "stdlib", v))
            .unwrap()
            .iter()
            .any(|m| m.id == id)
    };
    assert!(has("1.16.0", "CVE-2021-27919"));
    assert!(has("go1.16.0", "CVE-2021-27919"));
    assert!(!has("1.15.9", "CVE-2021-27919"));
    assert!(!has("1.16.1", "CVE-2021-27919"));
    let m = match_package(&store, &q("Go", "stdlib", "1.16.0")).unwrap();
    let one = m.iter().find(|m| m.id == "CVE-2021-27919").unwrap();
    assert_eq!(one.aliases, ["GO-2021-0067"]);
    assert_eq!(one.fixed_versions, ["1.16.1"]);
    assert_eq!(one.evidence[0].range_type, "SEMVER");
    assert_eq!(one.evidence[0].introduced.as_deref(), Some("1.16.0-0"));
    assert_eq!(
        one.evidence[0].closing_event.as_deref(),
        Some("fixed: 1.16.1")
    );
    // GO-2025-3955 (CVE-2025-47910) affects 1.25.0 only among these two.
    assert!(has("1.25.0", "CVE-2025-47910"));
    assert!(!has("1.24.6", "CVE-2025-47910"));

    // regex: RUSTSEC-2022-0013 (CVE-2022-24713, GHSA-m5pq-gvj9-9vr8) [0, 1.5.5).
    let m = match_package(&store, &q("crates.io", "regex", "1.5.4")).unwrap();
    assert_eq!(ids(&m), set(&["CVE-2022-24713"]));
    assert_eq!(m[0].aliases, ["GHSA-m5pq-gvj9-9vr8", "RUSTSEC-2022-0013"]);
    assert_eq!(m[0].fixed_versions, ["1.5.5"]);
    assert!(
        match_package(&store, &q("crates.io", "regex", "1.5.5"))
            .unwrap()
            .is_empty()
    );
    // time: RUSTSEC-2020-0071 one SEMVER range: [0.0.0-0,0.2.0), [0.2.1-0,0.2.1), …, [0.2.7-0,0.2.23).
    let m = match_package(&store, &q("crates.io", "time", "0.2.22")).unwrap();
    assert_eq!(ids(&m), set(&["CVE-2020-26235"]));
    assert_eq!(m[0].fixed_versions, ["0.2.23"]);
    assert!(
        match_package(&store, &q("crates.io", "time", "0.3.0"))
            .unwrap()
            .is_empty()
    );

    // lodash: GHSA-jf85-cpcp-j695 (CVE-2019-10744) [0, 4.17.12), GHSA severity CRITICAL.
    let m = match_package(&store, &q("npm", "lodash", "4.17.11")).unwrap();
    assert_eq!(ids(&m), set(&["CVE-2019-10744"]));
    assert_eq!(m[0].severity, Severity::Critical);
    assert_eq!(
        m[0].severity_source,
        SeveritySource::Ghsa("CRITICAL".into())
    );
    for v in ["4.17.12", "4.17.20", "4.17.21"] {
        assert!(
            match_package(&store, &q("npm", "lodash", v))
                .unwrap()
                .is_empty()
        );
    }
    // lodash-es is a different package in the same record: fixed 4.17.14.
    let m = match_package(&store, &q("npm", "lodash-es", "4.17.13")).unwrap();
    assert_eq!(m[0].fixed_versions, ["4.17.14"]);
    // minimist: GHSA-xvch-5gv4-984h [0,0.2.4) and [1.0.0,1.2.6).
    assert_eq!(
        match_package(&store, &q("npm", "minimist", "1.2.5")).unwrap()[0].fixed_versions,
        ["1.2.6"]
    );
    assert_eq!(
        match_package(&store, &q("npm", "minimist", "0.2.3")).unwrap()[0].fixed_versions,
        ["0.2.4"]
    );
    assert!(
        match_package(&store, &q("npm", "minimist", "1.2.6"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn almalinux_openssl_with_epochs() {
    let Some(dir) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    let (_t, store, _) = build(&dir);
    // AlmaLinux:9 openssl records with fixed > 1:3.0.7-27.el9 (ALSA-2024:2447 is fixed
    // exactly at 1:3.0.7-27.el9, so not affected).
    let query = PackageQuery {
        ecosystem: "AlmaLinux".into(),
        release: Some("9.4".into()),
        name: "openssl-libs".into(),
        source_name: Some("openssl".into()),
        version: "1:3.0.7-27.el9".into(),
        ..PackageQuery::default()
    };
    let m = match_package(&store, &query).unwrap();
    assert_eq!(
        ids(&m),
        set(&[
            "ALSA-2024:6783",
            "ALSA-2024:9333",
            "ALSA-2025:1330",
            "ALSA-2025:21255",
            "ALSA-2026:1473",
            "ALSA-2026:19218",
            "ALSA-2026:22312",
            "ALSA-2026:25239",
        ])
    );
    let m6783 = m.iter().find(|m| m.id == "ALSA-2024:6783").unwrap();
    assert_eq!(m6783.fixed_versions, ["1:3.0.7-28.el9_4"]);
    assert_eq!(m6783.package, "openssl-libs");
    assert_eq!(m6783.source_package.as_deref(), Some("openssl"));
    // "Moderate: openssl security update" → vendor rating Medium.
    assert_eq!(m6783.severity, Severity::Medium);
    assert!(matches!(
        m6783.severity_source,
        SeveritySource::Vendor { .. }
    ));
    let imp = m.iter().find(|m| m.id == "ALSA-2025:1330").unwrap();
    assert_eq!(imp.severity, Severity::High);
    // The newest version is clean; an AlmaLinux 8 query does not see AlmaLinux 9 records.
    let mut newest = query.clone();
    newest.version = "1:3.5.5-4.el9_8".into();
    assert!(match_package(&store, &newest).unwrap().is_empty());
    let mut el8 = query;
    el8.release = Some("8".into());
    el8.version = "1:1.1.1k-12.el8_9".into();
    let m8 = match_package(&store, &el8).unwrap();
    assert!(!m8.is_empty());
    assert!(
        m8.iter()
            .flat_map(|m| &m.evidence)
            .all(|e| e.ecosystem == "AlmaLinux:8")
    );
}

#[test]
fn ubuntu_real_records_merge_usn_and_cve() {
    let Some(dir) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    let (_t, store, _) = build(&dir);
    // UBUNTU-CVE-2021-3782 (upstream CVE-2021-3782, Ubuntu priority medium) and USN-5614-1
    // (upstream UBUNTU-CVE-2021-3782): Ubuntu:22.04:LTS wayland fixed 1.20.0-1ubuntu0.1.
    let query = PackageQuery {
        ecosystem: "ubuntu".into(),
        release: Some("22.04".into()),
        name: "libwayland-client0".into(),
        source_name: Some("wayland".into()),
        version: "1.20.0-1".into(),
        ..PackageQuery::default()
    };
    let m = match_package(&store, &query).unwrap();
    assert_eq!(m.len(), 1, "{m:#?}");
    assert_eq!(m[0].id, "CVE-2021-3782");
    assert_eq!(m[0].aliases, ["UBUNTU-CVE-2021-3782", "USN-5614-1"]);
    assert_eq!(m[0].fixed_versions, ["1.20.0-1ubuntu0.1"]);
    assert_eq!(m[0].severity, Severity::Medium);
    assert_eq!(
        m[0].severity_source,
        SeveritySource::Vendor {
            vendor: "Ubuntu".into(),
            rating: "medium".into()
        }
    );
    let mut fixed = query.clone();
    fixed.version = "1.20.0-1ubuntu0.1".into();
    assert!(match_package(&store, &fixed).unwrap().is_empty());
    // Ubuntu Pro (ESM) entries: Ubuntu:Pro:16.04:LTS wayland fixed 1.12.0-1~ubuntu16.04.3+esm1.
    let mut esm = query.clone();
    esm.release = Some("16.04".into());
    esm.version = "1.12.0-1~ubuntu16.04.3".into();
    assert!(match_package(&store, &esm).unwrap().is_empty());
    esm.ecosystem = "Ubuntu:Pro".into();
    let m = match_package(&store, &esm).unwrap();
    assert_eq!(ids(&m), set(&["CVE-2021-3782"]));
    assert_eq!(m[0].fixed_versions, ["1.12.0-1~ubuntu16.04.3+esm1"]);
    // Unfixed, negligible: UBUNTU-CVE-2016-20013 glibc on 22.04 (introduced 0 only).
    let glibc = PackageQuery {
        ecosystem: "Ubuntu".into(),
        release: Some("22.04".into()),
        name: "libc6".into(),
        source_name: Some("glibc".into()),
        version: "2.35-0ubuntu3.8".into(),
        ..PackageQuery::default()
    };
    let m = match_package(&store, &glibc).unwrap();
    assert_eq!(ids(&m), set(&["CVE-2016-20013"]));
    assert!(m[0].is_unfixed());
    assert_eq!(m[0].severity, Severity::Negligible);
}

#[test]
fn red_hat_streams() {
    let Some(dir) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    let (_t, store, _) = build(&dir);
    // RHSA-2024:4546 only lists the `rhel_aus:8.6` stream: not applied to mainline RHEL 8.
    let mainline = PackageQuery {
        ecosystem: "Red Hat".into(),
        release: Some("8.6".into()),
        name: "git-lfs".into(),
        version: "0:2.13.3-3.el8_6".into(),
        ..PackageQuery::default()
    };
    assert!(match_package(&store, &mainline).unwrap().is_empty());
    // A query naming the AUS stream sees it.
    let aus = PackageQuery {
        ecosystem: "Red Hat:rhel_aus:8.6::appstream".into(),
        ..mainline.clone()
    };
    let m = match_package(&store, &aus).unwrap();
    assert_eq!(ids(&m), set(&["CVE-2023-45288"]));
    assert_eq!(m[0].aliases, ["RHSA-2024:4546"]);
    assert_eq!(m[0].fixed_versions, ["0:2.13.3-3.el8_6.1"]);
    // CVSS_V3 AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H = 7.5 (no vendor word in the summary).
    assert_eq!(m[0].severity, Severity::High);
    let mut patched = aus;
    patched.version = "0:2.13.3-3.el8_6.1".into();
    assert!(match_package(&store, &patched).unwrap().is_empty());
}
