//! Criterion benches: import (synthetic records, in-memory source), store open, matching
#![allow(clippy::unwrap_used)] // bench harness: a failure should abort the run
//! 2,000 packages. The one-million-record import is measured once by `examples/million.rs`.

use criterion::{Criterion, criterion_group, criterion_main};

use bulwark_vulndb::synth::{ECOSYSTEMS, Rng, package, record, version};
use bulwark_vulndb::{Importer, PackageQuery, Store, match_package};

const RECORDS: u64 = 20_000;

fn records() -> Vec<String> {
    let mut rng = Rng::new(42);
    (0..RECORDS)
        .map(|i| record(&mut rng, i, RECORDS / 10))
        .collect()
}

fn build(dir: &std::path::Path, recs: &[String]) -> std::path::PathBuf {
    let db = dir.join("bench.bwdb");
    let mut imp = Importer::new();
    for r in recs {
        imp.add_json(r.as_bytes(), "bench").unwrap();
    }
    imp.finish(&db).unwrap();
    db
}

fn benches(c: &mut Criterion) {
    let recs = records();
    let dir = tempfile::tempdir().unwrap();
    let mut g = c.benchmark_group("vulndb");
    g.sample_size(10);
    g.bench_function("import_20k_records", |b| {
        b.iter(|| build(dir.path(), &recs));
    });
    let db = build(dir.path(), &recs);
    g.sample_size(100);
    g.bench_function("open", |b| b.iter(|| Store::open(&db).unwrap()));
    let queries = queries_for(&mut Rng::new(7), RECORDS / 10);
    g.sample_size(10);
    g.bench_function("match_2000_packages", |b| {
        b.iter(|| {
            // A fresh store per iteration, as a scan has (nothing preloaded up front).
            let store = Store::open(&db).unwrap();
            queries
                .iter()
                .map(|q| match_package(&store, q).unwrap().len())
                .sum::<usize>()
        });
    });
    g.bench_function("match_2000_packages_preloaded_index", |b| {
        b.iter(|| {
            let store = Store::open(&db).unwrap();
            store.preload_index().unwrap();
            queries
                .iter()
                .map(|q| match_package(&store, q).unwrap().len())
                .sum::<usize>()
        });
    });
    // Dense store: 40,000 records over 200 packages per ecosystem (≈ 33 records per
    // package, like Debian's openssl/linux/glibc), 2,000 queries over those packages.
    let dense_recs: Vec<String> = {
        let mut rng = Rng::new(4242);
        (0..DENSE_RECORDS)
            .map(|i| record(&mut rng, i, DENSE_PACKAGES))
            .collect()
    };
    let dense_dir = tempfile::tempdir().unwrap();
    let dense_db = build(dense_dir.path(), &dense_recs);
    let dense_queries = queries_for(&mut Rng::new(9), DENSE_PACKAGES);
    g.bench_function("match_2000_packages_dense", |b| {
        b.iter(|| {
            let store = Store::open(&dense_db).unwrap();
            dense_queries
                .iter()
                .map(|q| match_package(&store, q).unwrap().len())
                .sum::<usize>()
        });
    });
    g.finish();
}

const DENSE_RECORDS: u64 = 40_000;
const DENSE_PACKAGES: u64 = 200;

fn queries_for(qrng: &mut Rng, packages: u64) -> Vec<PackageQuery> {
    (0..2000)
        .map(|_| {
            let eco = ECOSYSTEMS[qrng.below(ECOSYSTEMS.len() as u64) as usize];
            let (base, release) = eco.split_once(':').unwrap_or((eco, ""));
            PackageQuery {
                ecosystem: base.into(),
                release: (!release.is_empty()).then(|| release.trim_start_matches('v').into()),
                name: package(eco, qrng.below(packages)),
                version: version(eco, qrng.below(5), qrng.below(20), qrng.below(30)),
                ..PackageQuery::default()
            }
        })
        .collect()
}

criterion_group!(vulndb, benches);
criterion_main!(vulndb);
