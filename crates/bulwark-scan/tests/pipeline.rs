//! The typed scan API on small images built in the test: OS detection through whiteouts,
//! typed vulnerabilities and their SBOM form, locations relative to the image, coverage gaps,
//! the policy over every kind of finding, secret redaction, and a corrupt database failing
//! closed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use bulwark_report::{ArtifactKind, Category, Severity, SeverityFilter};
use bulwark_scan::ScanOptions;
use bulwark_scan::ignore::{Date, IgnoreRules, Policy};
use bulwark_scan::pipeline::{CoverageGap, ScanRequest, ScanResult, Scanners, Target, scan};
use bulwark_scan::secrets::SecretScanning;
use bulwark_testutil::image::{DockerArchive, Layer, fake_token};
use bulwark_vulndb::Store;

const OS_RELEASE: &str =
    "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n";
const DPKG_STATUS: &str = "Package: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\nSource: zlib\n\n";
const METADATA: &str = "Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.4\n";
const SITE: &str = "usr/local/lib/python3.11/site-packages/urllib3-1.26.4.dist-info";

fn today() -> Date {
    Date::parse("2026-12-07").unwrap()
}

fn base_layer() -> Layer {
    Layer::new()
        .file("etc/os-release", OS_RELEASE)
        .file("var/lib/dpkg/status", DPKG_STATUS)
}

fn image(dir: &Path, archive: &DockerArchive) -> bulwark_oci::Image {
    let path = archive.write(dir, "image.tar");
    bulwark_oci::open_input(&path, None, None).unwrap()
}

fn options(secrets: bool) -> ScanOptions {
    ScanOptions {
        secrets: secrets
            .then(|| SecretScanning::new(bulwark_secrets::Scanner::builtin().unwrap(), "")),
        ..ScanOptions::default()
    }
}

fn run(
    target: Target<'_>,
    scanners: Scanners,
    store: Option<&Store>,
    policy: &Policy,
) -> ScanResult {
    let opts = options(scanners.secret);
    scan(&ScanRequest {
        target,
        scanners,
        options: &opts,
        store,
        policy,
        today: today(),
        tolerate_db_errors: false,
    })
    .unwrap()
}

/// A store with one PyPI record affecting urllib3 < 1.26.5.
fn store(dir: &Path) -> PathBuf {
    let src = dir.join("osv");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("PYSEC-TEST-1.json"),
        r#"{"id":"PYSEC-TEST-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2021-33503"],
            "summary":"urllib3 ReDoS in authority parsing",
            "database_specific":{"severity":"HIGH"},
            "affected":[{"package":{"ecosystem":"PyPI","name":"urllib3"},
            "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.26.5"}]}]}]}"#,
    )
    .unwrap();
    let db = dir.join("osv.db");
    bulwark_vulndb::import(&[src], &db).unwrap();
    db
}

#[test]
fn os_release_deleted_by_a_later_layer_is_not_the_image_os() {
    let dir = tempfile::tempdir().unwrap();
    let none = Scanners::default();
    let policy = Policy::default();
    let kept = image(dir.path(), &DockerArchive::new(vec![base_layer()]));
    let r = run(Target::Image(&kept), none, None, &policy);
    assert_eq!(
        r.inventory.os.as_ref().map(|o| o.id.as_str()),
        Some("debian")
    );

    for later in [
        Layer::new().whiteout("etc/os-release"),
        Layer::new().opaque("etc").file("etc/hostname", "x\n"),
    ] {
        let img = image(dir.path(), &DockerArchive::new(vec![base_layer(), later]));
        let r = run(Target::Image(&img), none, None, &policy);
        assert_eq!(r.inventory.os, None, "{:?}", r.inventory.layers);
    }
    // A later layer that rewrites the file is the one that counts.
    let img = image(
        dir.path(),
        &DockerArchive::new(vec![
            base_layer(),
            Layer::new().file("etc/os-release", "ID=ubuntu\nVERSION_ID=\"22.04\"\n"),
        ]),
    );
    let r = run(Target::Image(&img), none, None, &policy);
    assert_eq!(
        r.inventory.os.as_ref().map(|o| o.id.as_str()),
        Some("ubuntu")
    );
}

#[test]
fn typed_vulnerabilities_locations_sbom_and_coverage() {
    let dir = tempfile::tempdir().unwrap();
    let db = store(dir.path());
    let store = Store::open(&db).unwrap();
    let img = image(
        dir.path(),
        &DockerArchive::new(vec![
            base_layer(),
            Layer::new().file(&format!("{SITE}/METADATA"), METADATA),
        ]),
    );
    let scanners = Scanners {
        vuln: true,
        ..Scanners::default()
    };
    let r = run(
        Target::Image(&img),
        scanners,
        Some(&store),
        &Policy::default(),
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.vulnerabilities.len(), 1);
    let v = &r.vulnerabilities[0];
    assert_eq!(r.inventory.packages[v.package].name, "urllib3");
    assert_eq!(v.matched.id, "CVE-2021-33503");
    assert_eq!(v.severity(), Severity::High);
    // The database has nothing for Debian 12: said, not silently "clean".
    assert_eq!(
        r.coverage,
        [CoverageGap::NoRecords {
            ecosystem: "Debian:12".into()
        }]
    );
    // The finding points into the image, relative to its root.
    let report = r.report(false);
    let f = &report.findings[0];
    assert_eq!(f.location.path, format!("{SITE}/METADATA"));
    assert_eq!(
        f.location.artifact.as_ref().map(|a| a.kind),
        Some(ArtifactKind::Image)
    );
    assert_eq!(f.properties["fixed_version"], "1.26.5");
    // SBOM vulnerabilities come from the typed matches.
    let sbom = r.sbom_vulnerabilities();
    assert_eq!(sbom.len(), 1);
    assert_eq!(sbom[0].fixed_versions, ["1.26.5"]);
    assert_eq!(sbom[0].affects.len(), 1);
    assert_eq!(sbom[0].affects[0].name, "urllib3");

    // --severity CRITICAL drops it; an ignore entry by alias suppresses it.
    let critical = Policy {
        severity: SeverityFilter::new(vec![Severity::Critical]),
        ..Policy::default()
    };
    let r = run(Target::Image(&img), scanners, Some(&store), &critical);
    assert!(r.vulnerabilities.is_empty());
    assert_eq!(r.policy.dropped_severity, 1);
    let ignore = Policy {
        ignore: IgnoreRules::parse_trivyignore(
            "CVE-2021-33503\nCVE-0000-0000\n",
            Path::new(".trivyignore"),
        ),
        ..Policy::default()
    };
    let r = run(Target::Image(&img), scanners, Some(&store), &ignore);
    assert!(r.vulnerabilities.is_empty());
    assert_eq!(r.suppressed_vulnerabilities.len(), 1);
    assert_eq!(
        r.unused_ignore_entries,
        ["ignore entry .trivyignore:2 (CVE-0000-0000) matched no finding"]
    );
    let report = r.report(false);
    assert_eq!(report.suppressed.len(), 1);
}

#[test]
fn a_corrupt_database_block_is_an_error_not_a_clean_result() {
    let dir = tempfile::tempdir().unwrap();
    let db = store(dir.path());
    // Flip bytes of the first data block (blocks follow the 80-byte header): it then fails
    // its checksum while the header, index and metadata stay readable.
    let mut bytes = std::fs::read(&db).unwrap();
    for b in bytes.iter_mut().skip(80).take(16) {
        *b ^= 0xA5;
    }
    std::fs::write(&db, &bytes).unwrap();
    let img = image(
        dir.path(),
        &DockerArchive::new(vec![
            Layer::new().file(&format!("{SITE}/METADATA"), METADATA),
        ]),
    );
    let store = Store::open(&db).expect("header and index are intact");
    let scanners = Scanners {
        vuln: true,
        ..Scanners::default()
    };
    let r = run(
        Target::Image(&img),
        scanners,
        Some(&store),
        &Policy::default(),
    );
    assert!(!r.errors.is_empty(), "a failed lookup must be an error");
    let report = r.report(false);
    assert!(!report.errors.is_empty());
    assert_eq!(
        bulwark_report::ExitPolicy {
            threshold: None,
            exit_code: 1
        }
        .exit_status(&report),
        bulwark_report::EXIT_RUNTIME
    );
}

#[test]
fn secrets_everywhere_are_found_and_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let gh = fake_token("ghp_", 36, 11);
    let aws = format!("AKIA{}", fake_token("", 16, 12).to_ascii_uppercase());
    let pw = fake_token("", 18, 13);
    let label = fake_token("glpat-", 20, 14);
    let mut archive = DockerArchive::new(vec![
        base_layer().file("app/.env", format!("GITHUB_TOKEN={gh}\n")),
        Layer::new().file("app/run.sh", "#!/bin/sh\nexec app\n"),
    ]);
    archive.env.push(format!("AWS_ACCESS_KEY_ID={aws}"));
    archive.labels.push(("deploy.token".into(), label.clone()));
    archive.created_by[1] = format!("|2 DB_PASSWORD={pw} GITHUB_TOKEN={gh} /bin/sh -c ./build.sh");
    let img = image(dir.path(), &archive);
    let scanners = Scanners {
        secret: true,
        config: true,
        ..Scanners::default()
    };
    let r = run(Target::Image(&img), scanners, None, &Policy::default());
    let report = r.report(true);
    let codes: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
    assert!(codes.contains(&"github-pat"), "{codes:?}");
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == "BWI002" && f.category == Category::Secret),
        "{codes:?}"
    );
    let text = serde_json::to_string(&report).unwrap();
    for raw in [&gh, &aws, &pw, &label] {
        assert!(!text.contains(raw.as_str()), "{raw} leaked");
    }
    // The history step is kept (redacted), so the report still says what built the layer.
    assert!(text.contains("/bin/sh -c ./build.sh"));
}
