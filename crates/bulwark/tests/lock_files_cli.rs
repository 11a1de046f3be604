//! A lock file that cannot be parsed is never a silent skip (issue 20, item 6): `bulwark fs DIR`
//! warns on stderr naming the file and the parse error, reports a `LOCK-PARSE` input-error
//! finding (in every format, never hidden by `--severity`) and fails; the other lock files of
//! the directory are still scanned.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn bulwark(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bulwark"));
    c.current_dir(dir)
        .env("HOME", dir)
        .env("BULWARK_CACHE_DIR", dir.join("cache"))
        .env_remove("BULWARK_SEVERITY")
        .env_remove("BULWARK_EXIT_CODE")
        .env_remove("BULWARK_FAILURE_THRESHOLD")
        .env_remove("BULWARK_FORMAT");
    c
}

use bulwark_testutil::cli::run;

/// A database with one HIGH PyPI record for urllib3 < 1.26.5.
fn db(dir: &Path) -> PathBuf {
    let src = dir.join("osv-src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("GHSA-q2q7-5pp4-w6pg.json"),
        r#"{"id":"GHSA-q2q7-5pp4-w6pg","modified":"2024-01-01T00:00:00Z",
            "aliases":["CVE-2021-33503"],"summary":"Catastrophic backtracking in URL authority parser",
            "database_specific":{"severity":"HIGH"},
            "affected":[{"package":{"ecosystem":"PyPI","name":"urllib3"},
            "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.26.5"}]}]}]}"#,
    )
    .unwrap();
    let db = dir.join("osv.db");
    let r = run(bulwark(dir)
        .args(["db", "import", "--db-path"])
        .arg(&db)
        .arg(&src));
    assert_eq!(r.code, 0, "{}", r.stderr);
    db
}

const POETRY: &str = "[[package]]\nname = \"urllib3\"\nversion = \"1.26.4\"\n\n[[package]]\nname = \"idna\"\nversion = \"2.10\"\n";
const NPM: &str = r#"{"name":"app","lockfileVersion":3,"packages":{"":{"name":"app"},"node_modules/lodash":{"version":"4.17.20"}}}"#;

/// A project with a valid poetry.lock (urllib3 1.26.4: one HIGH vulnerability) and, in
/// `web/`, a package-lock.json; `broken` truncates the package-lock.json and adds a
/// `composer.lock` that is not valid JSON.
fn project(dir: &Path, broken: bool) -> PathBuf {
    let root = dir.join(if broken { "broken" } else { "good" });
    std::fs::create_dir_all(root.join("web")).unwrap();
    std::fs::write(root.join("poetry.lock"), POETRY).unwrap();
    let npm = if broken { &NPM[..NPM.len() - 30] } else { NPM };
    std::fs::write(root.join("web/package-lock.json"), npm).unwrap();
    if broken {
        std::fs::write(root.join("composer.lock"), "{\"packages\": [").unwrap();
    }
    root
}

#[test]
fn an_unparseable_lock_file_is_reported_and_fails_the_scan() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let db = db(d);
    let scan = |root: &Path, extra: &[&str]| {
        run(bulwark(d)
            .arg("fs")
            .arg(root)
            .arg("--db-path")
            .arg(&db)
            .args(["--offline", "--scanners", "vuln"])
            .args(extra))
    };

    // The same project with valid lock files: scanned, exit 0 without a threshold.
    let good = project(d, false);
    let r = scan(&good, &["-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["CVE-2021-33503"], "{}", r.stdout);
    assert!(!r.stderr.contains("lock"), "{}", r.stderr);

    // Broken: a truncated package-lock.json and a composer.lock that is not JSON.
    let broken = project(d, true);
    let r = scan(&broken, &["-f", "json"]);
    assert_eq!(
        r.code, 1,
        "an unreadable lock file must fail the scan: {}",
        r.stderr
    );
    for (file, error) in [
        ("web/package-lock.json", "EOF while parsing"),
        ("composer.lock", "EOF while parsing"),
    ] {
        assert!(
            r.stderr
                .lines()
                .any(|l| l.contains("warning") && l.contains(file) && l.contains(error)),
            "no warning naming {file}: {}",
            r.stderr
        );
    }
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let mut lock: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f["code"] == "LOCK-PARSE")
        .map(|f| {
            assert_eq!(f["category"], "input-error", "{f}");
            assert!(f["message"].as_str().unwrap().contains("EOF while parsing"));
            (
                f["location"]["path"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
            )
        })
        .collect();
    lock.sort_unstable();
    assert_eq!(
        lock.iter().map(|l| l.0).collect::<Vec<_>>(),
        ["composer.lock", "web/package-lock.json"],
        "{}",
        r.stdout
    );
    // the valid poetry.lock next to them was still scanned
    assert!(
        findings.iter().any(|f| f["code"] == "CVE-2021-33503"),
        "{}",
        r.stdout
    );

    // --severity does not hide it; the table never says "No findings."; SARIF carries the rule.
    let r = scan(&broken, &["--severity", "CRITICAL"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stdout.contains("No findings."), "{}", r.stdout);
    assert!(r.stdout.contains("LOCK-PARSE"), "{}", r.stdout);
    assert!(r.stdout.contains("package-lock.json"), "{}", r.stdout);
    let r = scan(&broken, &["-f", "sarif", "--exit-code", "5"]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    let sarif: Value = serde_json::from_str(&r.stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.iter().any(|r| r["id"] == "LOCK-PARSE"), "{sarif}");
}

/// `bulwark fs FILE` scans one lock file, as `trivy fs FILE` does: its packages only, located
/// relative to its directory; and only the scanners asked for report: `--scanners secret` says
/// nothing about a lock file it does not read.
#[test]
fn one_lock_file_is_scanned_and_only_the_scanners_asked_for_report() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let db = db(d);
    let good = project(d, false);
    let r = run(bulwark(d)
        .arg("fs")
        .arg(good.join("poetry.lock"))
        .arg("--db-path")
        .arg(&db)
        .args(["--offline", "--scanners", "vuln", "-f", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let found: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap(),
                f["location"]["path"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, [("CVE-2021-33503", "poetry.lock")], "{}", r.stdout);
    assert_eq!(
        findings[0]["location"]["artifact"]["name"],
        good.display().to_string()
    );

    let broken = project(d, true);
    let r = run(bulwark(d)
        .arg("fs")
        .arg(&broken)
        .args(["--scanners", "secret", "-f", "json"]));
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("LOCK-PARSE"), "{}", r.stdout);
}
