//! Precision check: scans directory trees and prints file/byte/finding counts.
//!
//! ```text
//! cargo run --release -p bulwark-secrets --example precision -- [--no-path-allow] DIR...
//! ```
//!
//! Every finding is printed (redacted) so residual false positives can be reviewed. With
//! `--no-path-allow` the built-in path allow rules (tests, examples, docs) are switched off, to
//! measure the rules themselves.

use std::path::Path;
use std::time::Instant;

use bulwark_secrets::{Scanner, SecretConfig, SkipReason};

#[derive(Default)]
struct Stats {
    files: u64,
    bytes: u64,
    scanned_files: u64,
    scanned_bytes: u64,
    binary: u64,
    too_large: u64,
    allowed_path: u64,
    unreadable: u64,
    findings: u64,
}

fn walk(scanner: &Scanner, dir: &Path, stats: &mut Stats) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        stats.unreadable += 1;
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            walk(scanner, &path, stats);
            continue;
        }
        if !ft.is_file() {
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            stats.unreadable += 1;
            continue;
        };
        stats.files += 1;
        stats.bytes += bytes.len() as u64;
        let shown = path.display().to_string();
        let result = scanner.scan_file_detailed(&shown, &bytes);
        match result.skipped {
            None => {
                stats.scanned_files += 1;
                stats.scanned_bytes += bytes.len() as u64;
            }
            Some(SkipReason::Binary) => stats.binary += 1,
            Some(SkipReason::TooLarge { .. }) => stats.too_large += 1,
            Some(SkipReason::AllowedPath(_) | SkipReason::SkippedPath) => stats.allowed_path += 1,
        }
        for f in result.findings {
            stats.findings += 1;
            println!(
                "FINDING {} {}:{} {}",
                f.rule_id,
                f.location.path,
                f.location.line.unwrap_or(0),
                f.redacted
            );
        }
    }
}

/// CPU time of this thread in seconds (from `/proc/thread-self/schedstat`), so throughput can
/// be reported independently of other load on the machine; `None` off Linux.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let no_allow = args.iter().any(|a| a == "--no-path-allow");
    args.retain(|a| a != "--no-path-allow");
    let config = if no_allow {
        SecretConfig {
            disable_allow_rules: vec!["tests".into(), "examples".into(), "docs".into()],
            ..SecretConfig::default()
        }
    } else {
        SecretConfig::default()
    };
    let scanner = match Scanner::new(&config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    for dir in &args {
        let mut stats = Stats::default();
        let start = Instant::now();
        let cpu_start = cpu_seconds();
        walk(&scanner, Path::new(dir), &mut stats);
        let secs = start.elapsed().as_secs_f64();
        let cpu = cpu_seconds().zip(cpu_start).map(|(b, a)| b - a);
        println!(
            "SUMMARY {dir}: files={} bytes={} scanned_files={} scanned_bytes={} binary={} too_large={} path_allowed={} unreadable={} findings={} time={secs:.2}s ({:.0} MB/s wall incl. I/O; {} MB per CPU-second)",
            stats.files,
            stats.bytes,
            stats.scanned_files,
            stats.scanned_bytes,
            stats.binary,
            stats.too_large,
            stats.allowed_path,
            stats.unreadable,
            stats.findings,
            stats.bytes as f64 / 1e6 / secs.max(1e-9),
            cpu.map_or_else(
                || "n/a".to_string(),
                |c| format!("{:.0}", stats.bytes as f64 / 1e6 / c.max(1e-9))
            ),
        );
    }
}
