//! Matching 2,000 packages against the store imported from the OSV conformance data.
#![allow(clippy::expect_used)]

use std::hint::black_box;

use bulwark_catalog::{Package, PackageType};
use bulwark_scan::detect::{DetectOptions, detect_packages};
use criterion::{Criterion, criterion_group, criterion_main};

/// 2,000 language packages named after the store's own keys (so lookups hit real
/// advisories), with a low version that most ranges include.
fn packages(store: &bulwark_vulndb::Store) -> Vec<Package> {
    let keys = store.keys().unwrap_or_default();
    let language: Vec<(PackageType, &str, &str)> = keys
        .iter()
        .filter_map(|(eco, name)| {
            let (kind, version) = match eco.as_str() {
                "PyPI" => (PackageType::Python, "1.0.0"),
                "npm" => (PackageType::Npm, "1.0.0"),
                "Go" => (PackageType::GoModule, "v1.0.0"),
                "crates.io" => (PackageType::RustCrate, "0.1.0"),
                _ => return None,
            };
            Some((kind, name.as_str(), version))
        })
        .collect();
    // The conformance store has few language package names: cycle through them (each lookup
    // still reads and evaluates the package's advisories; the store does not cache matches).
    language
        .iter()
        .cycle()
        .take(2000)
        .map(|(kind, name, version)| Package::new(*kind, *name, *version, "/lock"))
        .collect()
}

fn bench(c: &mut Criterion) {
    let Some(dir) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("osv.db");
    bulwark_vulndb::import(&[dir], &db).expect("import");
    let store = bulwark_vulndb::Store::open(&db).expect("open");
    let pkgs = packages(&store);
    eprintln!("matching {} packages", pkgs.len());
    c.bench_function("detect_2000_packages", |b| {
        b.iter(|| {
            let d = detect_packages(
                "bench",
                None,
                black_box(&pkgs),
                &store,
                &DetectOptions::default(),
            );
            black_box(d.vulnerabilities.len())
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
