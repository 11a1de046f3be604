//! GitLab Code Quality JSON (a subset of Code Climate's spec that GitLab reads).

use std::io::{self, Write};

use serde_json::json;

use super::{RenderOptions, machine_path};
use crate::{Finding, Report, Severity};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "blocker",
        Severity::High | Severity::Error => "critical",
        Severity::Medium | Severity::Warning => "major",
        Severity::Low | Severity::Info => "minor",
        Severity::Style | Severity::Unknown => "info",
    }
}

/// Stable per-occurrence fingerprint (FNV-1a 64, two seeds → 128 bits of hex). GitLab uses it to
/// tell new findings from old ones across pipelines, so it must not depend on output order.
fn fingerprint(f: &Finding, path: &str) -> String {
    let mut key = String::new();
    key.push_str(&f.code);
    key.push('\0');
    key.push_str(path);
    key.push('\0');
    key.push_str(&f.primary_location().line.unwrap_or(0).to_string());
    key.push('\0');
    key.push_str(&f.message);
    let fnv = |seed: u64| {
        key.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    };
    format!(
        "{:016x}{:016x}",
        fnv(0xcbf2_9ce4_8422_2325),
        fnv(0x8422_2325_cbf2_9ce4)
    )
}

pub(super) fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let items: Vec<_> = report
        .findings
        .iter()
        .map(|f| {
            let loc = f.primary_location();
            let (path, _) = machine_path(loc, &opts.base_dir);
            let mut description = format!("{}: {}", f.code, f.message);
            if f.origin.is_some() {
                description.push_str(&format!(" (in {})", f.location.display_path()));
            }
            json!({
                "type": "issue",
                "check_name": f.code,
                "description": description,
                "categories": ["Security"],
                "fingerprint": fingerprint(f, &path),
                "severity": level(f.severity),
                "location": { "path": path, "lines": { "begin": loc.line.unwrap_or(1) } },
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}
