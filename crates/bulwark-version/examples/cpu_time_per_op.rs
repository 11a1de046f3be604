//! Load-robust cost per parse/compare: measures this thread's CPU time
//! (`/proc/thread-self/stat`, Linux) instead of wall time, so a busy shared
//! machine does not inflate the numbers the way it inflates Criterion's.
//! Run: `cargo run --release -p bulwark-version --example cpu_time_per_op [iterations]`.

use std::hint::black_box;

use bulwark_version::Scheme;

/// Same cases as `benches/versions.rs`.
const CASES: &[(Scheme, &str, &str)] = &[
    (Scheme::Dpkg, "1:2.36.1-8+deb12u1", "1:2.36.1-8+deb12u2"),
    (Scheme::Apk, "1.36.1_p2-r5", "1.36.1_p2-r6"),
    (Scheme::Rpm, "1:3.0.7-27.el9", "1:3.0.7-28.el9_4"),
    (Scheme::Pep440, "2.31.0", "2.32.0rc1"),
    (Scheme::Npm, "4.17.21", "4.17.20"),
    (Scheme::Go, "v0.17.0", "v0.0.0-20230905200255-921286631fa9"),
    (Scheme::Maven, "2.15.2", "2.16.0-rc1"),
    (Scheme::RubyGems, "7.0.8.1", "7.0.8"),
    (Scheme::NuGet, "13.0.3", "13.0.1"),
    (Scheme::Packagist, "v5.4.3", "5.4.4-RC1"),
    (Scheme::SemVer, "1.0.188", "1.0.189"),
    (Scheme::Hackage, "2.1.3.1", "2.1.3"),
    (Scheme::Pub, "1.2.3+4", "1.2.3"),
    (Scheme::Cran, "1.4-2", "1.4.1"),
];

/// User + system CPU time of this thread in clock ticks (1/100 s).
fn cpu_ticks() -> Result<u64, String> {
    let s = std::fs::read_to_string("/proc/thread-self/stat").map_err(|e| e.to_string())?;
    let rest = s
        .rfind(')')
        .and_then(|i| s.get(i + 2..))
        .ok_or("malformed stat")?;
    let f: Vec<&str> = rest.split(' ').collect();
    let field = |i: usize| {
        f.get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .ok_or("malformed stat")
    };
    Ok(field(11)? + field(12)?)
}

fn main() -> Result<(), String> {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000_000);
    let ns = |ticks: u64| ticks as f64 * 1e7 / n as f64;
    for &(s, a, b) in CASES {
        let t0 = cpu_ticks()?;
        for _ in 0..n {
            black_box(s.parse(black_box(a)).ok());
        }
        let t1 = cpu_ticks()?;
        let (x, y) = (
            s.parse(a).map_err(|e| e.to_string())?,
            s.parse(b).map_err(|e| e.to_string())?,
        );
        for _ in 0..n {
            black_box(black_box(&x).try_cmp(black_box(&y)).ok());
        }
        let t2 = cpu_ticks()?;
        println!(
            "{:10} parse {:6.1} ns  compare {:5.1} ns  ({a} vs {b})",
            s.name(),
            ns(t1 - t0),
            ns(t2 - t1)
        );
    }
    Ok(())
}
