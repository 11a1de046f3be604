//! Imports N synthetic records (default 1,000,000) into a store, then measures open and
//! matching 2,000 packages. Run: `cargo run --release -p bulwark-vulndb --example million -- [N] [dir]`
//! (set `BWVDB_KEEP=1` to keep the store, e.g. as a fuzzing seed).

use std::time::Instant;

use bulwark_vulndb::synth::{ECOSYSTEMS, Rng, package, record, version};
use bulwark_vulndb::{Importer, PackageQuery, Store, match_package};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().map_or(Ok(1_000_000), |s| s.parse())?;
    let dir = args
        .next()
        .map_or_else(std::env::temp_dir, std::path::PathBuf::from);
    let db = dir.join("million.bwdb");
    let packages = (n / 10).max(10);
    let mut rng = Rng::new(42);
    let t = Instant::now();
    let mut imp = Importer::new();
    let mut json_bytes = 0u64;
    for i in 0..n {
        let r = record(&mut rng, i, packages);
        json_bytes += r.len() as u64;
        imp.add_json(r.as_bytes(), "synthetic")?;
    }
    let meta = imp.finish(&db)?;
    let import_s = t.elapsed().as_secs_f64();
    let size = std::fs::metadata(&db)?.len();
    println!(
        "import: {n} records ({:.1} MiB JSON) -> {} keys, store {:.1} MiB, {import_s:.2} s ({:.0} records/s)",
        json_bytes as f64 / 1_048_576.0,
        meta.stats.packages,
        size as f64 / 1_048_576.0,
        n as f64 / import_s
    );
    let t = Instant::now();
    let store = Store::open(&db)?;
    println!(
        "open: {:.3} ms ({} keys)",
        t.elapsed().as_secs_f64() * 1000.0,
        store.package_count()
    );
    let mut qrng = Rng::new(7);
    let queries: Vec<PackageQuery> = (0..2000)
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
        .collect();
    for preload in [false, true] {
        let store = Store::open(&db)?;
        let t = Instant::now();
        if preload {
            store.preload_index()?;
        }
        let mut matches = 0usize;
        for q in &queries {
            matches += match_package(&store, q)?.len();
        }
        println!(
            "match: 2000 packages, {matches} matches, {:.1} ms (preload_index: {preload}, time includes it)",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    if std::env::var_os("BWVDB_KEEP").is_none() {
        std::fs::remove_file(&db)?;
    }
    Ok(())
}
