//! Throughput of `Scanner::scan_file` over a realistic text corpus.
//!
//! Corpus: every text file under `BULWARK_BENCH_CORPUS` (default: the cargo registry sources
//! `~/.cargo/registry/src`, plus the Rust toolchain sources when `rust-src` is installed),
//! loaded once, capped at 64 MiB. Reports bytes/second via criterion's throughput.

#![allow(clippy::expect_used)] // benchmark setup

use std::path::{Path, PathBuf};

use std::time::Duration;

use bulwark_secrets::Scanner;
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// CPU time of the benchmark thread (Linux `/proc/thread-self/schedstat`), so the throughput
/// does not depend on how loaded the shared 2-core machine is. Reported next to wall time.
struct CpuTime;

static WALL: WallTime = WallTime;

fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = Duration;
    fn start(&self) -> u64 {
        cpu_ns()
    }
    fn end(&self, start: u64) -> Duration {
        Duration::from_nanos(cpu_ns().saturating_sub(start))
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, v: &Duration) -> f64 {
        v.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}

const CAP: usize = 64 * 1024 * 1024;

fn collect(dir: &Path, out: &mut Vec<(String, Vec<u8>)>, total: &mut usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(std::fs::DirEntry::path);
    for e in entries {
        if *total >= CAP {
            return;
        }
        let path = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            collect(&path, out, total);
        } else if ft.is_file() {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            if bytes.len() > 4 * 1024 * 1024 || bytes.contains(&0) {
                continue;
            }
            *total += bytes.len();
            out.push((path.display().to_string(), bytes));
        }
    }
}

fn corpus() -> Vec<(String, Vec<u8>)> {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let roots: Vec<PathBuf> = if let Some(p) = std::env::var_os("BULWARK_BENCH_CORPUS") {
        std::env::split_paths(&p).collect()
    } else {
        let mut r = vec![home.join(".cargo/registry/src")];
        if let Ok(tcs) = std::fs::read_dir(home.join(".rustup/toolchains")) {
            for tc in tcs.flatten() {
                r.push(tc.path().join("lib/rustlib/src"));
            }
        }
        r
    };
    let mut out = Vec::new();
    let mut total = 0;
    for root in roots {
        collect(&root, &mut out, &mut total);
    }
    out
}

fn bench<M: Measurement>(c: &mut Criterion<M>, group_name: &str) {
    let files = corpus();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    eprintln!("corpus: {} files, {} bytes", files.len(), bytes);
    if bytes == 0 {
        eprintln!("SKIPPED: empty corpus (set BULWARK_BENCH_CORPUS)");
        return;
    }
    let scanner = Scanner::builtin().expect("built-in rules compile");
    // Scan with the path allow rules off too: bench paths under tests/ would otherwise be skipped.
    let strict = Scanner::new(&bulwark_secrets::SecretConfig {
        disable_allow_rules: vec!["tests".into(), "examples".into(), "docs".into()],
        ..Default::default()
    })
    .expect("config compiles");
    let mut group = c.benchmark_group(group_name);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("scan_file/builtin", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|(p, d)| scanner.scan_file(p, d).len())
                .sum::<usize>()
        });
    });
    group.bench_function("scan_file/no-path-allow", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|(p, d)| strict.scan_file(p, d).len())
                .sum::<usize>()
        });
    });
    group.finish();
}

fn bench_wall(c: &mut Criterion) {
    bench(c, "secrets-wall");
}

fn bench_cpu(c: &mut Criterion<CpuTime>) {
    if cpu_ns() == 0 {
        eprintln!("SKIPPED: no /proc/thread-self/schedstat, CPU-time group not run");
        return;
    }
    bench(c, "secrets-cpu");
}

criterion_group!(wall, bench_wall);
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(CpuTime);
    targets = bench_cpu
}
criterion_main!(wall, cpu);
