//! The matcher's fast path (records pre-filtered as borrowed views, versions parsed once per
//! query and range, index loaded into memory after a few lookups) gives exactly the results
//! of the plain path: every record decoded by `Store::lookup` on a header-only store and
//! version strings compared pair by pair.
#![allow(clippy::unwrap_used)]

use std::cmp::Ordering;

use bulwark_vulndb::synth::{ECOSYSTEMS, Rng, package, record, version};
use bulwark_vulndb::{
    BulwarkVersions, EcosystemKey, Importer, PackageQuery, Store, VersionScheme, match_advisories,
    match_package_with, normalize_name,
};

/// `bulwark-version` ordering through string comparisons only: the trait's default
/// `parse`/`compare_parsed` (validate, keep the string, compare strings each time), which is
/// what the matcher did for every comparison before parsing ahead.
struct StringsOnly;

impl VersionScheme for StringsOnly {
    fn compare(
        &self,
        kind: Option<bulwark_version::Scheme>,
        a: &str,
        b: &str,
    ) -> Result<Ordering, String> {
        BulwarkVersions.compare(kind, a, b)
    }
}

fn queries(rng: &mut Rng, packages: u64, n: usize) -> Vec<PackageQuery> {
    (0..n)
        .map(|i| {
            let eco = ECOSYSTEMS[rng.below(ECOSYSTEMS.len() as u64) as usize];
            let (base, release) = eco.split_once(':').unwrap_or((eco, ""));
            let version = match i % 23 {
                // Unparsable and odd installed versions exercise the error paths.
                0 => "not a version".to_owned(),
                1 => String::new(),
                2 => "1.0.0~rc1+b2".to_owned(),
                _ => version(eco, rng.below(5), rng.below(20), rng.below(30)),
            };
            PackageQuery {
                ecosystem: base.into(),
                release: (!release.is_empty()).then(|| release.trim_start_matches('v').into()),
                name: package(eco, rng.below(packages)),
                version,
                ..PackageQuery::default()
            }
        })
        .collect()
}

#[test]
fn parsed_matching_equals_string_matching() {
    let packages = 60;
    let mut rng = Rng::new(99);
    let mut imp = Importer::new();
    for i in 0..3000 {
        imp.add_json(record(&mut rng, i, packages).as_bytes(), "synth")
            .unwrap();
    }
    // Records with an unparsable event and an out-of-order range.
    for (i, eco) in ["PyPI", "npm", "Debian:12"].iter().enumerate() {
        let json = format!(
            r#"{{"id":"ODD-{i}","modified":"2024-01-01T00:00:00Z","affected":[{{"package":{{"ecosystem":"{eco}","name":"{}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"2.0.0"}},{{"fixed":"2.0.6"}},{{"introduced":"0"}},{{"fixed":"1.3.0"}}]}},{{"type":"SEMVER","events":[{{"introduced":"0"}},{{"fixed":"@@bad@@"}}]}}],"versions":["1.1.1","1.1.2-1"]}}]}}"#,
            package(eco, 1)
        );
        imp.add_json(json.as_bytes(), "odd").unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.bwdb");
    imp.finish(&db).unwrap();

    // One store that serves every query (so it loads its index after the first few).
    let shared = Store::open(&db).unwrap();
    let mut total = 0;
    let mut diagnostics = 0;
    for q in queries(&mut Rng::new(5), packages, 600) {
        // A freshly opened store per query never gets past positioned reads.
        let fresh = Store::open(&db).unwrap();
        let key = EcosystemKey::for_query(&q.ecosystem, q.release.as_deref());
        let records = fresh
            .lookup(&key.index_key(), &normalize_name(&key.base, &q.name))
            .unwrap();
        let slow = match_advisories(&records, &q, &key, &StringsOnly);
        let fast = match_package_with(&shared, &q, &BulwarkVersions).unwrap();
        assert_eq!(fast, slow, "{q:?}");
        total += fast.0.len();
        diagnostics += fast.1.unparsable.len();
    }
    // The comparison covered real matches and real diagnostics.
    assert!(total > 100, "{total} matches");
    assert!(diagnostics > 10, "{diagnostics} unparsable");
}
