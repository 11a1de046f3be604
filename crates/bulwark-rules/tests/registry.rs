//! The registry is complete and its generated pages are the ones in `docs/rules/`.
//!
//! After adding or changing a rule, regenerate the pages with
//! `BULWARK_UPDATE_DOCS=1 cargo test -p bulwark-rules --test registry`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use bulwark_rules::{Family, all, find, index, page, page_file_name};

fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules")
}

#[test]
fn every_family_is_listed_and_codes_are_unique() {
    let entries = all();
    let mut seen = BTreeSet::new();
    for e in &entries {
        assert!(
            seen.insert(e.info.code.to_ascii_lowercase()),
            "duplicate rule code {}",
            e.info.code
        );
        assert!(
            !e.info.summary.trim().is_empty(),
            "{} has no summary",
            e.info.code
        );
        let uri = e.info.help_uri.as_deref().unwrap_or_default();
        assert!(
            uri.starts_with("https://"),
            "{} has no help link",
            e.info.code
        );
        assert!(!uri.contains("example.invalid"), "{}: {uri}", e.info.code);
    }
    for family in Family::ALL {
        assert!(
            entries.iter().any(|e| e.family == family),
            "no rule of family {family}"
        );
    }
    // Spot checks across families, case-insensitive lookup.
    for code in [
        "dl3008",
        "BW1001",
        "PSS-privileged",
        "BWI003",
        "aws-access-key-id",
    ] {
        assert!(find(code).is_some(), "{code} not found");
    }
    assert!(find("NO-SUCH-RULE").is_none());
}

#[test]
fn own_rules_link_to_their_generated_page() {
    for e in all() {
        let uri = e.info.help_uri.clone().unwrap_or_default();
        // Hadolint's wiki documents its rules (not its parse error DL1000); kubernetes.io the PSS.
        let upstream = (e.info.code.starts_with("DL") && e.info.code != "DL1000")
            || e.info.code.starts_with("PSS-");
        if upstream {
            assert!(!uri.contains("/docs/rules/"), "{}: {uri}", e.info.code);
        } else {
            assert!(
                uri.ends_with(&format!("/docs/rules/{}", page_file_name(&e.info.code))),
                "{}: {uri}",
                e.info.code
            );
        }
    }
}

#[test]
fn generated_pages_are_in_sync() {
    let entries = all();
    let mut expected: BTreeMap<String, String> = entries
        .iter()
        .map(|e| (page_file_name(&e.info.code), page(e)))
        .collect();
    expected.insert("README.md".to_owned(), index(&entries));
    let dir = docs_dir();
    if std::env::var_os("BULWARK_UPDATE_DOCS").is_some() {
        if dir.exists() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in &expected {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
    let mut on_disk = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("docs/rules exists") {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        on_disk.insert(name);
    }
    let wanted: BTreeSet<String> = expected.keys().cloned().collect();
    let stale: Vec<_> = on_disk.difference(&wanted).collect();
    let missing: Vec<_> = wanted.difference(&on_disk).collect();
    assert!(
        stale.is_empty() && missing.is_empty(),
        "docs/rules out of sync (stale {stale:?}, missing {missing:?}); run \
         BULWARK_UPDATE_DOCS=1 cargo test -p bulwark-rules --test registry"
    );
    for (name, text) in &expected {
        let have = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(
            &have == text,
            "docs/rules/{name} differs from the rule's source; run \
             BULWARK_UPDATE_DOCS=1 cargo test -p bulwark-rules --test registry"
        );
    }
}
