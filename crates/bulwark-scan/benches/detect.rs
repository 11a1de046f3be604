//! Matching 2,000 packages against the store imported from the OSV conformance data.
#![allow(clippy::expect_used)]

use std::hint::black_box;

use bulwark_catalog::{Package, PackageType};
use bulwark_scan::detect::{DetectOptions, detect_packages};
use criterion::{Criterion, criterion_group, criterion_main};

/// 2,000 language packages: names taken from the store's own keys (so lookups hit real
/// advisories), cycled over ecosystems, with a low version that most ranges include.
fn packages(store: &bulwark_vulndb::Store) -> Vec<Package> {
    let keys = store.keys().unwrap_or_default();
    let mut out = Vec::with_capacity(2000);
    for (eco, name) in keys.iter().cycle().take(2000) {
        let (kind, version) = match eco.as_str() {
            "PyPI" => (PackageType::Python, "1.0.0"),
            "npm" => (PackageType::Npm, "1.0.0"),
            "Go" => (PackageType::GoModule, "v1.0.0"),
            "crates.io" => (PackageType::RustCrate, "0.1.0"),
            _ => continue,
        };
        out.push(Package::new(kind, name.clone(), version, "/lock"));
    }
    out
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
            black_box(d.findings.len())
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
