//! SUSE and openSUSE records as osv.dev publishes them: one advisory lists every product and
//! module that ships the package (`SUSE:Linux Enterprise Module for Basesystem 15 SP5`,
//! `SUSE:Linux Enterprise Server 15 SP5-LTSS`, ...), none of which os-release names. An SLE
//! image is queried by its code base release (`VERSION_ID` 15.5); openSUSE by stream.
#![allow(clippy::unwrap_used)]

use bulwark_vulndb::{Importer, PackageQuery, Store, match_package};

fn affected(eco: &str, name: &str, fixed: &str) -> String {
    format!(
        r#"{{"package":{{"ecosystem":"{eco}","name":"{name}","purl":"pkg:rpm/suse/{name}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"{fixed}"}}]}}]}}"#
    )
}

fn store() -> (tempfile::TempDir, Store) {
    let sle = format!(
        r#"{{"id":"SUSE-SU-2024:0320-1","modified":"2024-02-05T00:00:00Z","upstream":["CVE-2023-6246"],"affected":[{},{},{}]}}"#,
        affected(
            "SUSE:Linux Enterprise Module for Basesystem 15 SP5",
            "glibc",
            "2.31-150300.68.1"
        ),
        affected(
            "SUSE:Linux Enterprise Server 15 SP4-LTSS",
            "glibc",
            "2.31-150300.68.1"
        ),
        affected(
            "SUSE:Linux Enterprise Micro 5.5",
            "glibc",
            "2.31-150300.68.1"
        ),
    );
    let leap = format!(
        r#"{{"id":"openSUSE-SU-2024:0001-1","modified":"2024-02-05T00:00:00Z","affected":[{}]}}"#,
        affected("openSUSE:Leap 15.5", "curl", "8.0.1-150400.5.41.1")
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.bwdb");
    let mut imp = Importer::new();
    imp.add_json(sle.as_bytes(), "t").unwrap();
    imp.add_json(leap.as_bytes(), "t").unwrap();
    imp.finish(&db).unwrap();
    let store = Store::open(&db).unwrap();
    (dir, store)
}

fn ids(store: &Store, eco: &str, release: &str, name: &str, version: &str) -> Vec<String> {
    let q = PackageQuery {
        ecosystem: eco.into(),
        release: Some(release.into()),
        name: name.into(),
        version: version.into(),
        ..PackageQuery::default()
    };
    match_package(store, &q)
        .unwrap()
        .into_iter()
        .map(|m| {
            // the advisory, whichever of its IDs (CVE first) is the primary one
            let mut all = m.aliases.clone();
            all.push(m.id);
            all.into_iter()
                .find(|i| i.contains("SU-"))
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn sle_images_match_module_and_ltss_records_of_their_service_pack() {
    let (_d, s) = store();
    assert_eq!(
        ids(&s, "SUSE", "15.5", "glibc", "2.31-150300.63.1"),
        ["SUSE-SU-2024:0320-1"]
    );
    assert_eq!(
        ids(&s, "SUSE", "15.4", "glibc", "2.31-150300.63.1"),
        ["SUSE-SU-2024:0320-1"]
    );
    assert!(ids(&s, "SUSE", "15.5", "glibc", "2.31-150300.68.1").is_empty());
    assert!(ids(&s, "SUSE", "15.6", "glibc", "2.31-150300.63.1").is_empty());
    assert_eq!(
        ids(&s, "SUSE", "Micro 5.5", "glibc", "2.31-150300.63.1"),
        ["SUSE-SU-2024:0320-1"]
    );
}

#[test]
fn opensuse_leap_is_its_own_stream() {
    let (_d, s) = store();
    assert_eq!(
        ids(&s, "openSUSE", "Leap 15.5", "curl", "8.0.1-150400.5.36.1"),
        ["openSUSE-SU-2024:0001-1"]
    );
    assert!(ids(&s, "openSUSE", "Leap 15.6", "curl", "8.0.1-150400.5.36.1").is_empty());
    assert!(ids(&s, "SUSE", "15.5", "curl", "8.0.1-150400.5.36.1").is_empty());
}
