//! CPU time of matching 2,000 packages, for comparisons on a loaded machine (criterion
//! measures wall time). Builds the same synthetic stores as `benches/vulndb.rs`, then
//! matches the 2,000 queries `ROUNDS` times on a freshly opened store each round and
//! prints the main thread's on-CPU time per round (from `/proc/self/schedstat`, Linux).
//!
//! `cargo run --release -p bulwark-vulndb --example match_cpu [rounds]`
#![allow(clippy::unwrap_used)] // measurement tool: a failure should abort the run

use std::time::Instant;

use bulwark_vulndb::synth::{ECOSYSTEMS, Rng, package, record, version};
use bulwark_vulndb::{Importer, PackageQuery, Store, match_package};

fn on_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn build(dir: &std::path::Path, seed: u64, records: u64, packages: u64) -> std::path::PathBuf {
    let db = dir.join(format!("s{seed}.bwdb"));
    let mut rng = Rng::new(seed);
    let mut imp = Importer::new();
    for i in 0..records {
        imp.add_json(record(&mut rng, i, packages).as_bytes(), "bench")
            .unwrap();
    }
    imp.finish(&db).unwrap();
    db
}

fn queries(seed: u64, packages: u64) -> Vec<PackageQuery> {
    let mut qrng = Rng::new(seed);
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

fn main() {
    let rounds: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let dir = tempfile::tempdir().unwrap();
    for (name, seed, qseed, records, packages) in [
        ("match_2000_packages", 42, 7, 20_000, 2_000),
        ("match_2000_packages_dense", 4242, 9, 40_000, 200),
    ] {
        let db = build(dir.path(), seed, records, packages);
        let qs = queries(qseed, packages);
        let (mut cpu, mut wall, mut best_cpu) = (0u64, 0u128, u64::MAX);
        let mut found = 0;
        for _ in 0..rounds {
            let (c0, w0) = (on_cpu_ns(), Instant::now());
            let store = Store::open(&db).unwrap();
            found = qs
                .iter()
                .map(|q| match_package(&store, q).unwrap().len())
                .sum::<usize>();
            let c = on_cpu_ns() - c0;
            cpu += c;
            best_cpu = best_cpu.min(c);
            wall += w0.elapsed().as_micros();
        }
        let open = {
            let (c0, n) = (on_cpu_ns(), 10_000u64);
            for _ in 0..n {
                Store::open(&db).unwrap();
            }
            (on_cpu_ns() - c0) / n
        };
        println!(
            "{name}: {found} matches; per round: cpu mean {:.1} ms, cpu min {:.1} ms, wall mean {:.1} ms ({rounds} rounds); open: {:.1} µs cpu",
            cpu as f64 / f64::from(rounds) / 1e6,
            best_cpu as f64 / 1e6,
            wall as f64 / f64::from(rounds) / 1e3,
            open as f64 / 1e3,
        );
    }
}
