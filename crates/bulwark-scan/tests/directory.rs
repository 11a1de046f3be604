//! The typed scan API on directories and single files written in the test (no Docker, no
//! image): lock files found under a directory, one lock file scanned as itself (`bulwark fs
//! poetry.lock`, as `trivy fs FILE`), and an unreadable lock file reported only by the
//! vulnerability scanner.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use bulwark_catalog::ScanMode;
use bulwark_report::{ArtifactKind, Category};
use bulwark_scan::ScanOptions;
use bulwark_scan::ignore::{Date, Policy};
use bulwark_scan::pipeline::{ScanRequest, ScanResult, Scanners, Target, scan};
use bulwark_scan::secrets::SecretScanning;
use bulwark_testutil::image::fake_token;
use bulwark_vulndb::Store;

const POETRY: &str = "[[package]]\nname = \"urllib3\"\nversion = \"1.26.4\"\n\n[[package]]\nname = \"idna\"\nversion = \"2.10\"\n";
const CARGO_LOCK: &str = "version = 3\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";

/// A store with a PyPI record for urllib3 < 1.26.5 (alias CVE-2021-33503) and a crates.io
/// record for smallvec < 1.6.1.
fn store(dir: &Path) -> Store {
    let src = dir.join("osv");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("PYSEC-TEST-1.json"),
        r#"{"id":"PYSEC-TEST-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2021-33503"],
            "database_specific":{"severity":"HIGH"},
            "affected":[{"package":{"ecosystem":"PyPI","name":"urllib3"},
            "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.26.5"}]}]}]}"#,
    )
    .unwrap();
    std::fs::write(
        src.join("RUSTSEC-TEST-1.json"),
        r#"{"id":"RUSTSEC-TEST-1","modified":"2024-01-01T00:00:00Z",
            "database_specific":{"severity":"MEDIUM"},
            "affected":[{"package":{"ecosystem":"crates.io","name":"smallvec"},
            "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.6.1"}]}]}]}"#,
    )
    .unwrap();
    let db = dir.join("osv.db");
    bulwark_vulndb::import(&[src], &db).unwrap();
    Store::open(&db).unwrap()
}

fn run(path: &Path, scanners: Scanners, store: Option<&Store>) -> ScanResult {
    let opts = ScanOptions {
        secrets: scanners
            .secret
            .then(|| SecretScanning::new(bulwark_secrets::Scanner::builtin().unwrap(), "")),
        ..ScanOptions::default()
    };
    scan(&ScanRequest {
        target: Target::Directory {
            path,
            mode: ScanMode::Filesystem,
        },
        scanners,
        options: &opts,
        store,
        policy: &Policy::default(),
        today: Date::parse("2026-12-07").unwrap(),
        tolerate_db_errors: false,
    })
    .unwrap()
}

const VULN: Scanners = Scanners {
    vuln: true,
    secret: false,
    config: false,
};

/// (package name, vulnerability ID, location path) of every kept vulnerability, sorted.
fn vulnerabilities(r: &ScanResult) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = r
        .vulnerabilities
        .iter()
        .map(|v| {
            let p = &r.inventory.packages[v.package];
            (
                p.name.clone(),
                v.matched.id.clone(),
                p.location.path.trim_start_matches('/').to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn lock_files_under_a_directory_and_one_lock_file_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store(tmp.path());
    let project = tmp.path().join("project");
    std::fs::create_dir_all(project.join("svc")).unwrap();
    std::fs::write(project.join("poetry.lock"), POETRY).unwrap();
    std::fs::write(project.join("svc/Cargo.lock"), CARGO_LOCK).unwrap();

    let whole = run(&project, VULN, Some(&store));
    assert!(whole.errors.is_empty(), "{:?}", whole.errors);
    assert_eq!(
        vulnerabilities(&whole),
        [
            (
                "smallvec".to_owned(),
                "RUSTSEC-TEST-1".to_owned(),
                "svc/Cargo.lock".to_owned()
            ),
            (
                "urllib3".to_owned(),
                "CVE-2021-33503".to_owned(),
                "poetry.lock".to_owned()
            ),
        ]
    );

    // Each lock file named alone: that file's packages only, found the same way.
    for (file, expected) in [
        ("poetry.lock", ("urllib3", "CVE-2021-33503", "poetry.lock")),
        (
            "svc/Cargo.lock",
            ("smallvec", "RUSTSEC-TEST-1", "Cargo.lock"),
        ),
    ] {
        let path = project.join(file);
        let one = run(&path, VULN, Some(&store));
        assert!(one.errors.is_empty(), "{file}: {:?}", one.errors);
        assert_eq!(
            vulnerabilities(&one),
            [(
                expected.0.to_owned(),
                expected.1.to_owned(),
                expected.2.to_owned()
            )],
            "{file}"
        );
        assert_eq!(one.inventory.subject.name, path.display().to_string());
        // Locations are relative to the file's directory (SARIF resolves them against it).
        let artifact = one.artifact.as_ref().unwrap();
        assert_eq!(artifact.kind, ArtifactKind::Directory);
        assert_eq!(Path::new(&artifact.name), path.parent().unwrap(), "{file}");
        let report = one.report(false);
        assert_eq!(report.findings.len(), 1, "{file}: {:?}", report.findings);
        assert_eq!(report.findings[0].location.path, expected.2, "{file}");
    }
    // A file of no analyzer's interest yields an empty inventory, not an error.
    std::fs::write(project.join("notes.txt"), "nothing here").unwrap();
    let none = run(&project.join("notes.txt"), VULN, Some(&store));
    assert!(none.inventory.packages.is_empty());
    assert!(none.vulnerabilities.is_empty());
}

#[test]
fn an_unreadable_lock_file_is_reported_by_the_vulnerability_scanner_only() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store(tmp.path());
    let project = tmp.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(project.join("package-lock.json"), "{\"packages\": {").unwrap();
    std::fs::write(
        project.join("deploy.env"),
        format!("GITHUB_TOKEN={}\n", fake_token("ghp_", 36, 7)),
    )
    .unwrap();
    let codes = |r: &ScanResult| -> Vec<(String, Category)> {
        r.findings
            .iter()
            .map(|f| (f.code.clone(), f.category))
            .collect()
    };

    let secrets_only = run(
        &project,
        Scanners {
            secret: true,
            ..Scanners::default()
        },
        None,
    );
    let found = codes(&secrets_only);
    assert!(
        found
            .iter()
            .all(|(c, _)| c != bulwark_scan::LOCK_FILE_PARSE),
        "--scanners secret reported the lock file: {found:?}"
    );
    assert!(
        found.iter().any(|(_, cat)| *cat == Category::Secret),
        "the secret was not found: {found:?}"
    );

    let vuln = run(&project, VULN, Some(&store));
    let found = codes(&vuln);
    assert_eq!(
        found,
        [(
            bulwark_scan::LOCK_FILE_PARSE.to_owned(),
            Category::InputError
        )],
        "{found:?}"
    );
    assert_eq!(vuln.findings[0].location.path, "package-lock.json");
}
