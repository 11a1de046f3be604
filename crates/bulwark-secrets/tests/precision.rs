//! Precision on real trees (ignored by default: reads the host's files and takes seconds).
//!
//! `cargo test -p bulwark-secrets --release --test precision -- --ignored --nocapture`
//!
//! Expects zero findings on `/etc`, `/usr/share/doc` and `~/.cargo/registry/src`, except the
//! documented true positive: `/etc/ssl/private/ssl-cert-snakeoil.key` (a real private key that
//! Debian's `ssl-cert` package generates at install time; every container of such an image
//! shares it). The examples/precision.rs binary prints counts for any set of directories.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

use std::path::{Path, PathBuf};

use bulwark_secrets::Scanner;

const DOCUMENTED_TRUE_POSITIVES: &[&str] = &["/etc/ssl/private/ssl-cert-snakeoil.key"];

fn walk(scanner: &Scanner, dir: &Path, files: &mut u64, bytes: &mut u64, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            walk(scanner, &p, files, bytes, out);
        } else if ft.is_file() {
            let Ok(data) = std::fs::read(&p) else {
                continue;
            };
            *files += 1;
            *bytes += data.len() as u64;
            let shown = p.display().to_string();
            for f in scanner.scan_file(&shown, &data) {
                out.push(format!(
                    "{} {}:{:?} {}",
                    f.rule_id, shown, f.location.line, f.redacted
                ));
            }
        }
    }
}

#[test]
#[ignore = "scans host directories; run explicitly"]
fn zero_findings_on_clean_trees() {
    let scanner = Scanner::builtin().unwrap();
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let mut unexpected = Vec::new();
    for dir in [
        PathBuf::from("/etc"),
        PathBuf::from("/usr/share/doc"),
        home.join(".cargo/registry/src"),
    ] {
        if !dir.is_dir() {
            eprintln!("SKIPPED: {} missing", dir.display());
            continue;
        }
        let (mut files, mut bytes, mut found) = (0, 0, Vec::new());
        walk(&scanner, &dir, &mut files, &mut bytes, &mut found);
        eprintln!(
            "{}: {files} files, {bytes} bytes, {} findings",
            dir.display(),
            found.len()
        );
        unexpected.extend(
            found
                .into_iter()
                .filter(|f| !DOCUMENTED_TRUE_POSITIVES.iter().any(|tp| f.contains(tp))),
        );
    }
    assert!(
        unexpected.is_empty(),
        "unexpected findings:\n{}",
        unexpected.join("\n")
    );
}
