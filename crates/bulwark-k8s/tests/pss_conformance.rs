//! Runs every upstream pod-security-admission fixture (shared/conformance/pss, see its README):
//! each `pass` pod must produce no PSS finding at its level and version, each `fail` pod at least
//! one, including the check named by the file-name prefix.
//!
//! Upstream lets a restricted check replace ("override") a baseline check from a given version
//! (`OverrideCheckIDs` in policy/check_*.go). At the restricted level from that version on, the
//! baseline fixtures are therefore denied by the overriding check; the table below is that
//! upstream relation, not derived from this crate.

use std::collections::BTreeMap;
use std::path::Path;

use bulwark_k8s::{Level, Options, PolicyVersion, check_source};

/// (baseline check, first version overridden, restricted check that replaces it).
const UPSTREAM_OVERRIDES: &[(&str, u32, &str)] = &[
    ("seccompprofile_baseline", 19, "seccompprofile_restricted"),
    ("capabilities_baseline", 22, "capabilities_restricted"),
    ("procmount", 35, "procmount_restricted"),
];

fn expected_check(prefix: &str, level: Level, minor: u32) -> String {
    if level == Level::Restricted {
        for (base, from, restricted) in UPSTREAM_OVERRIDES {
            if prefix == *base && minor >= *from {
                return (*restricted).to_string();
            }
        }
    }
    prefix.to_string()
}

fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<_> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    v.sort();
    v
}

#[test]
fn all_upstream_fixtures() {
    let Some(root) = bulwark_testutil::conformance_dir("pss") else {
        return;
    };
    let mut total = 0usize;
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for (level_name, level) in [
        ("baseline", Level::Baseline),
        ("restricted", Level::Restricted),
    ] {
        for vdir in files(&root.join(level_name)) {
            let vname = vdir
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let version: PolicyVersion = vname.parse().expect("version directory name");
            let minor = version.minor();
            let opts = Options {
                level,
                version,
                hardening: false,
                ..Options::default()
            };
            for outcome in ["pass", "fail"] {
                for file in files(&vdir.join(outcome)) {
                    total += 1;
                    let entry = counts.entry(level_name.to_string()).or_default();
                    if outcome == "pass" {
                        entry.0 += 1;
                    } else {
                        entry.1 += 1;
                    }
                    let bytes = std::fs::read(&file).expect("read fixture");
                    let result = check_source(&file.display().to_string(), &bytes, &opts);
                    let input_errors: Vec<_> = result
                        .findings
                        .iter()
                        .filter(|f| !f.code.starts_with("PSS-") && !f.code.starts_with("BWK"))
                        .collect();
                    let pss: Vec<String> = result
                        .findings
                        .iter()
                        .filter_map(|f| f.code.strip_prefix("PSS-"))
                        .map(str::to_ascii_lowercase)
                        .collect();
                    let name = file
                        .file_stem()
                        .and_then(|n| n.to_str())
                        .unwrap_or_default();
                    let label = format!("{level_name}/{vname}/{outcome}/{name}");
                    if !input_errors.is_empty() {
                        failures.push(format!("{label}: input errors {input_errors:?}"));
                        continue;
                    }
                    if outcome == "pass" {
                        if !pss.is_empty() {
                            failures.push(format!("{label}: expected allowed, got {pss:?}"));
                        }
                    } else {
                        let prefix = name.trim_end_matches(|c: char| c.is_ascii_digit());
                        let want = expected_check(prefix, level, minor);
                        if !pss.contains(&want) {
                            failures.push(format!("{label}: expected {want} among {pss:?}"));
                        }
                    }
                }
            }
        }
    }
    eprintln!(
        "PSS conformance: {total} fixtures, per level (pass, fail): {counts:?}, {} failures",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {total} fixtures failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(total, 4537, "fixture count changed: {counts:?}");
}

/// `latest` must evaluate like the newest fixture version.
#[test]
fn latest_matches_newest_version() {
    let Some(root) = bulwark_testutil::conformance_dir("pss") else {
        return;
    };
    for (level_name, level) in [
        ("baseline", Level::Baseline),
        ("restricted", Level::Restricted),
    ] {
        for outcome in ["pass", "fail"] {
            for file in files(&root.join(level_name).join("v1.37").join(outcome)) {
                let bytes = std::fs::read(&file).expect("read fixture");
                let codes = |version| {
                    let opts = Options {
                        level,
                        version,
                        hardening: false,
                        ..Options::default()
                    };
                    check_source("f.yaml", &bytes, &opts)
                        .findings
                        .into_iter()
                        .map(|f| f.code)
                        .collect::<Vec<_>>()
                };
                assert_eq!(
                    codes(PolicyVersion::Latest),
                    codes(PolicyVersion::V1(37)),
                    "{}",
                    file.display()
                );
                assert_eq!(
                    codes(PolicyVersion::V1(40)),
                    codes(PolicyVersion::V1(37)),
                    "{}",
                    file.display()
                );
            }
        }
    }
}
