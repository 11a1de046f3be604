//! End-to-end vulnerability scanning through the CLI against real OSV records: `db import`,
//! `fs`, `rootfs`, `sbom`, the CI policy flags, ignore files, SARIF, and `db update` from a
//! local HTTP server.
//!
//! Expected IDs are derived from the records themselves (a small independent range evaluator
//! for purely numeric versions below), not from Bulwark's output.
#![allow(clippy::expect_used, clippy::panic)] // test helpers: a failure should abort the test

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn bulwark() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bulwark"));
    c.env_remove("BULWARK_DB_PATH")
        .env_remove("BULWARK_FORMAT")
        .env("BULWARK_NO_COLOR", "true");
    c
}

use bulwark_testutil::cli::{Run, run};

fn json(r: &Run) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", r.stdout, r.stderr))
}

/// Imports `sources` into a fresh database; returns (tempdir, db path).
fn import(sources: &[&Path]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("osv.db");
    let r = run(bulwark()
        .args(["db", "import", "--db-path"])
        .arg(&db)
        .args(sources));
    assert_eq!(r.code, 0, "import failed: {}", r.stderr);
    (tmp, db)
}

fn project(dir: &Path) {
    std::fs::write(
        dir.join("requirements.txt"),
        "django==3.2.0\nurllib3==1.26.4\n",
    )
    .expect("w");
    std::fs::write(
        dir.join("package-lock.json"),
        r#"{"name":"app","version":"1.0.0","lockfileVersion":3,"requires":true,
"packages":{"":{"name":"app","version":"1.0.0"},
"node_modules/lodash":{"version":"4.17.11","resolved":"https://registry.npmjs.org/lodash/-/lodash-4.17.11.tgz"}}}"#,
    )
    .expect("w");
    std::fs::write(
        dir.join("Cargo.lock"),
        "version = 3\n\n[[package]]\nname = \"regex\"\nversion = \"1.5.4\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"time\"\nversion = \"0.1.43\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    )
    .expect("w");
}

// ---- independent expectation from the records ------------------------------------------

/// A purely numeric version as a sort key; `X-0` (SemVer's lowest pre-release of X, used by
/// RustSec ranges) sorts just before `X`.
fn numeric(v: &str) -> Option<(Vec<u64>, u8)> {
    let (core, rank) = match v.strip_suffix("-0") {
        Some(c) => (c, 0),
        None => (v, 1),
    };
    Some((
        core.split('.')
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?,
        rank,
    ))
}

/// Whether `version` is affected per the record's ranges for (`eco`, `name`); `None` when a
/// version in the record is not purely numeric (then the test does not judge it).
fn affected(record: &Value, eco: &str, name: &str, version: &str) -> Option<bool> {
    let v = numeric(version)?;
    let mut any = false;
    for aff in record["affected"].as_array()? {
        let pkg = &aff["package"];
        if pkg["ecosystem"].as_str()? != eco || !pkg["name"].as_str()?.eq_ignore_ascii_case(name) {
            continue;
        }
        if aff["versions"]
            .as_array()
            .is_some_and(|vs| vs.iter().any(|x| x.as_str() == Some(version)))
        {
            return Some(true);
        }
        for range in aff["ranges"].as_array().into_iter().flatten() {
            if range["type"] == "GIT" {
                continue;
            }
            let mut events: Vec<((Vec<u64>, u8), &str)> = Vec::new();
            for ev in range["events"].as_array()? {
                let (kind, val) = ev.as_object()?.iter().next()?;
                let val = val.as_str()?;
                let key = if val == "0" {
                    (vec![0], 0)
                } else {
                    numeric(val)?
                };
                events.push((key, kind.as_str()));
            }
            events.sort();
            let mut open = false;
            for (ver, kind) in &events {
                if *ver > v {
                    break;
                }
                open = match *kind {
                    "introduced" => true,
                    "fixed" | "limit" => false,
                    "last_affected" => *ver == v && open,
                    _ => open,
                };
            }
            any |= open;
        }
    }
    Some(any)
}

/// Record IDs under `dir` affecting (eco, name, version); the second set holds records the
/// evaluator could not judge.
fn expected(
    dir: &Path,
    eco: &str,
    name: &str,
    version: &str,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut yes, mut unsure) = (BTreeSet::new(), BTreeSet::new());
    for e in std::fs::read_dir(dir).expect("dir") {
        let p = e.expect("entry").path();
        if p.extension().and_then(|x| x.to_str()) != Some("json") {
            continue;
        }
        let rec: Value = serde_json::from_slice(&std::fs::read(&p).expect("read")).expect("json");
        if rec.get("withdrawn").is_some() {
            continue;
        }
        let id = rec["id"].as_str().expect("id").to_owned();
        match affected(&rec, eco, name, version) {
            Some(true) => {
                yes.insert(id);
            }
            Some(false) => {}
            None => {
                unsure.insert(id);
            }
        }
    }
    (yes, unsure)
}

/// Every ID a finding stands for: its code and aliases.
fn ids_of(f: &Value) -> BTreeSet<String> {
    let mut s: BTreeSet<String> = f["properties"]["aliases"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str().map(str::to_owned))
        .collect();
    s.insert(f["code"].as_str().expect("code").to_owned());
    s
}

fn check_package(findings: &[Value], dir: &Path, eco: &str, name: &str, version: &str, file: &str) {
    let (yes, unsure) = expected(dir, eco, name, version);
    assert!(
        !yes.is_empty(),
        "test data: no record affects {name} {version}"
    );
    let mine: Vec<&Value> = findings
        .iter()
        .filter(|f| f["properties"]["package"] == name)
        .collect();
    for f in &mine {
        // Relative to the scanned directory, whatever the working directory.
        assert_eq!(f["location"]["path"], file, "{f}");
        assert_eq!(f["location"]["artifact"]["type"], "directory", "{f}");
        assert_eq!(f["properties"]["installed_version"], version);
        assert_eq!(f["category"], "vulnerability");
        let ids = ids_of(f);
        assert!(
            ids.iter().any(|i| yes.contains(i) || unsure.contains(i)),
            "{name}: unexpected finding {ids:?}"
        );
    }
    for id in &yes {
        assert!(
            mine.iter().any(|f| ids_of(f).contains(id)),
            "{name} {version}: record {id} affects it but no finding carries it"
        );
    }
}

fn conformance() -> Option<PathBuf> {
    bulwark_testutil::conformance_dir("osv")
}

fn fs_json(db: &Path, dir: &Path, extra: &[&str]) -> Run {
    run(bulwark()
        .current_dir(dir)
        .args([
            "fs",
            ".",
            "-f",
            "json",
            "--scanners",
            "vuln",
            "--skip-db-update",
            "--db-path",
        ])
        .arg(db)
        .args(extra))
}

fn findings(v: &Value) -> Vec<Value> {
    v["findings"].as_array().cloned().unwrap_or_default()
}

#[test]
fn fs_scan_reports_the_records_that_affect_each_package() {
    let Some(osv) = conformance() else { return };
    let (_t, db) = import(&[&osv]);
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path());
    let r = fs_json(&db, dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let all = findings(&json(&r));
    check_package(
        &all,
        &osv.join("PyPI"),
        "PyPI",
        "django",
        "3.2.0",
        "requirements.txt",
    );
    check_package(
        &all,
        &osv.join("PyPI"),
        "PyPI",
        "urllib3",
        "1.26.4",
        "requirements.txt",
    );
    check_package(
        &all,
        &osv.join("npm"),
        "npm",
        "lodash",
        "4.17.11",
        "package-lock.json",
    );
    check_package(
        &all,
        &osv.join("crates"),
        "crates.io",
        "regex",
        "1.5.4",
        "Cargo.lock",
    );
    check_package(
        &all,
        &osv.join("crates"),
        "crates.io",
        "time",
        "0.1.43",
        "Cargo.lock",
    );
    // One finding per vulnerability per package: no ID twice for the same package.
    let mut seen = BTreeSet::new();
    for f in &all {
        let key = (
            f["properties"]["package"].to_string(),
            f["code"].to_string(),
        );
        assert!(seen.insert(key), "duplicate finding {f}");
    }
}

#[test]
fn severity_unfixed_and_exit_code_policy() {
    let Some(osv) = conformance() else { return };
    let (_t, db) = import(&[&osv]);
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path());
    let all = findings(&json(&fs_json(&db, dir.path(), &[])));
    let high = all.iter().filter(|f| f["severity"] == "high").count();
    assert!(high > 0, "test data has high findings");
    let r = fs_json(&db, dir.path(), &["--severity", "HIGH"]);
    let only = findings(&json(&r));
    assert_eq!(only.len(), high);
    assert!(only.iter().all(|f| f["severity"] == "high"));

    let fixed = all
        .iter()
        .filter(|f| {
            f["properties"]["fixed_version"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
        })
        .count();
    let r = fs_json(&db, dir.path(), &["--ignore-unfixed"]);
    assert_eq!(findings(&json(&r)).len(), fixed);

    // Trivy semantics: 0 with findings unless --exit-code.
    assert_eq!(fs_json(&db, dir.path(), &[]).code, 0);
    assert_eq!(fs_json(&db, dir.path(), &["--exit-code", "5"]).code, 5);
    // Nothing left after filtering → 0 even with --exit-code.
    let r = fs_json(&db, dir.path(), &["--exit-code", "5", "--severity", "LOW"]);
    let low = all.iter().filter(|f| f["severity"] == "low").count();
    assert_eq!(r.code, if low == 0 { 0 } else { 5 });
}

#[test]
fn ignore_files_suppress_with_reason_and_expire() {
    let Some(osv) = conformance() else { return };
    let (_t, db) = import(&[&osv]);
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path());
    let all = findings(&json(&fs_json(&db, dir.path(), &[])));
    let lodash = all
        .iter()
        .find(|f| f["properties"]["package"] == "lodash")
        .expect("lodash finding");
    let lodash_id = lodash["code"].as_str().expect("code").to_owned();
    let regex_id = all
        .iter()
        .find(|f| f["properties"]["package"] == "regex")
        .and_then(|f| f["code"].as_str())
        .expect("regex finding")
        .to_owned();
    std::fs::write(
        dir.path().join(".bulwarkignore.yaml"),
        format!(
            "- id: {lodash_id}\n  reason: template API not used\n  paths: ['package-lock.json']\n\
             - id: {regex_id}\n  reason: was accepted\n  expires: 2000-01-01\n"
        ),
    )
    .expect("w");
    let r = fs_json(&db, dir.path(), &[]);
    let v = json(&r);
    assert_eq!(findings(&v).len(), all.len() - 1, "{}", r.stderr);
    let sup = v["suppressed"].as_array().expect("suppressed");
    assert_eq!(sup.len(), 1);
    assert_eq!(sup[0]["reason"], "template API not used");
    assert_eq!(sup[0]["finding"]["code"], lodash_id.as_str());
    assert!(r.stderr.contains("expired on 2000-01-01"), "{}", r.stderr);
    assert!(findings(&v).iter().any(|f| f["code"] == regex_id.as_str()));

    // A missing reason is a usage error naming the file.
    std::fs::write(dir.path().join("bad.yaml"), format!("- id: {lodash_id}\n")).expect("w");
    let r = fs_json(&db, dir.path(), &["--ignorefile", "bad.yaml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("bad.yaml") && r.stderr.contains("reason"),
        "{}",
        r.stderr
    );

    // `.trivyignore` (plain IDs) is read from the current directory too.
    std::fs::remove_file(dir.path().join(".bulwarkignore.yaml")).expect("rm");
    std::fs::write(
        dir.path().join(".trivyignore"),
        format!("# accepted\n{regex_id}\n"),
    )
    .expect("w");
    let v = json(&fs_json(&db, dir.path(), &[]));
    assert!(!findings(&v).iter().any(|f| f["code"] == regex_id.as_str()));
    assert!(v["suppressed"].as_array().is_some_and(|s| !s.is_empty()));
}

#[test]
fn sarif_has_one_rule_per_vulnerability_located_at_the_lock_file() {
    let Some(osv) = conformance() else { return };
    let (_t, db) = import(&[&osv]);
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path());
    let all = findings(&json(&fs_json(&db, dir.path(), &[])));
    let r = run(bulwark()
        .current_dir(dir.path())
        .args([
            "fs",
            ".",
            "-f",
            "sarif",
            "--scanners",
            "vuln",
            "--skip-db-update",
            "--db-path",
        ])
        .arg(&db));
    let v = json(&r);
    let sarif_run = &v["runs"][0];
    let rules: BTreeSet<&str> = sarif_run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    let ids: BTreeSet<&str> = all.iter().filter_map(|f| f["code"].as_str()).collect();
    assert_eq!(rules, ids);
    let results = sarif_run["results"].as_array().expect("results");
    assert_eq!(results.len(), all.len());
    for res in results {
        let uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("uri");
        assert!(
            ["requirements.txt", "package-lock.json", "Cargo.lock"]
                .iter()
                .any(|f| uri.ends_with(f)),
            "{uri}"
        );
    }
}

#[test]
fn sbom_scan_of_our_cyclonedx_and_a_syft_spdx() {
    let Some(osv) = conformance() else { return };
    let (_t, db) = import(&[&osv]);
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path());
    let direct = findings(&json(&fs_json(&db, dir.path(), &[])));
    let pairs = |fs: &[Value]| -> BTreeSet<(String, String)> {
        fs.iter()
            .map(|f| {
                (
                    f["properties"]["package"].to_string(),
                    f["code"].to_string(),
                )
            })
            .collect()
    };
    let out = tempfile::tempdir().expect("tempdir");
    let cdx = out.path().join("bom.cdx.json");
    let r = run(bulwark()
        .current_dir(dir.path())
        .args(["fs", ".", "-f", "cyclonedx", "-o"])
        .arg(&cdx));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(bulwark()
        .arg("sbom")
        .arg(&cdx)
        .args(["-f", "json", "--skip-db-update", "--db-path"])
        .arg(&db));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(pairs(&findings(&json(&r))), pairs(&direct));

    // A Syft-style SPDX 2.3 document: packages with purl external references.
    let spdx = out.path().join("syft.spdx.json");
    std::fs::write(
        &spdx,
        r#"{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT",
"name":"app","documentNamespace":"https://anchore.com/syft/dir/app-1",
"creationInfo":{"created":"2024-01-01T00:00:00Z","creators":["Tool: syft-1.0.0"]},
"packages":[
 {"name":"urllib3","SPDXID":"SPDXRef-Package-python-urllib3","versionInfo":"1.26.4",
  "downloadLocation":"NOASSERTION","externalRefs":[{"referenceCategory":"PACKAGE-MANAGER",
  "referenceType":"purl","referenceLocator":"pkg:pypi/urllib3@1.26.4"}]},
 {"name":"lodash","SPDXID":"SPDXRef-Package-npm-lodash","versionInfo":"4.17.11",
  "downloadLocation":"NOASSERTION","externalRefs":[{"referenceCategory":"PACKAGE-MANAGER",
  "referenceType":"purl","referenceLocator":"pkg:npm/lodash@4.17.11"}]}]}"#,
    )
    .expect("w");
    let r = run(bulwark()
        .arg("sbom")
        .arg(&spdx)
        .args([
            "-f",
            "json",
            "--skip-db-update",
            "--exit-code",
            "4",
            "--db-path",
        ])
        .arg(&db));
    assert_eq!(r.code, 4, "{}", r.stderr);
    let got = findings(&json(&r));
    let want: BTreeSet<_> = pairs(&direct)
        .into_iter()
        .filter(|(p, _)| p == "\"urllib3\"" || p == "\"lodash\"")
        .collect();
    assert!(!want.is_empty());
    assert_eq!(pairs(&got), want);
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bulwark-vulndb/tests/fixtures/distro")
}

#[test]
fn rootfs_debian_source_and_binnmu_and_alpine_origin() {
    let (_t, db) = import(&[&fixtures()]);
    let root = tempfile::tempdir().expect("tempdir");
    let r = root.path();
    std::fs::create_dir_all(r.join("etc")).expect("mkdir");
    std::fs::create_dir_all(r.join("var/lib/dpkg")).expect("mkdir");
    std::fs::write(
        r.join("etc/os-release"),
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n",
    )
    .expect("w");
    // libssl3 is a binNMU of openssl 3.0.7-1 (fixed in 3.0.8-1); openssl itself is newer.
    std::fs::write(
        r.join("var/lib/dpkg/status"),
        "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl (3.0.7-1)\nVersion: 3.0.7-1+b1\n\n\
         Package: openssl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.0.11-1~deb12u2\n\n",
    )
    .expect("w");
    let out = run(bulwark()
        .args([
            "rootfs",
            "-f",
            "json",
            "--scanners",
            "vuln",
            "--skip-db-update",
            "--db-path",
        ])
        .arg(&db)
        .arg(r));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let fs = findings(&json(&out));
    let libssl: Vec<_> = fs
        .iter()
        .filter(|f| f["properties"]["package"] == "libssl3")
        .collect();
    assert!(
        libssl
            .iter()
            .any(|f| ids_of(f).contains("DEBIAN-CVE-2023-0286")),
        "{fs:?}"
    );
    let f = libssl[0];
    assert_eq!(f["properties"]["installed_version"], "3.0.7-1+b1");
    assert_eq!(f["properties"]["fixed_version"], "3.0.8-1");
    assert!(
        f["properties"]["target"]
            .as_str()
            .expect("target")
            .ends_with("(debian 12)")
    );
    assert!(
        !fs.iter().any(|f| f["properties"]["package"] == "openssl"
            && ids_of(f).contains("DEBIAN-CVE-2023-0286")),
        "openssl 3.0.11 is fixed"
    );

    // Alpine 3.11.6 → `Alpine:v3.11`, looked up by origin.
    let root = tempfile::tempdir().expect("tempdir");
    let r = root.path();
    std::fs::create_dir_all(r.join("etc")).expect("mkdir");
    std::fs::create_dir_all(r.join("lib/apk/db")).expect("mkdir");
    std::fs::write(r.join("etc/os-release"), "ID=alpine\nVERSION_ID=3.11.6\n").expect("w");
    std::fs::write(
        r.join("lib/apk/db/installed"),
        "C:Q1abc=\nP:libcurl\nV:7.65.1-r0\nA:x86_64\no:curl\n\nC:Q1def=\nP:curl\nV:7.66.0-r0\nA:x86_64\no:curl\n\n",
    )
    .expect("w");
    let out = run(bulwark()
        .args([
            "rootfs",
            "-f",
            "json",
            "--scanners",
            "vuln",
            "--skip-db-update",
            "--db-path",
        ])
        .arg(&db)
        .arg(r));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let fs = findings(&json(&out));
    assert!(
        fs.iter().any(|f| f["properties"]["package"] == "libcurl"
            && ids_of(f).contains("ALPINE-CVE-2019-5481")),
        "{fs:?}"
    );
    assert!(!fs.iter().any(
        |f| f["properties"]["package"] == "curl" && ids_of(f).contains("ALPINE-CVE-2019-5481")
    ));
}

#[test]
fn scan_without_database_fails_with_a_hint() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(tmp.path().join("requirements.txt"), "django==3.2.0\n").expect("w");
    let r = run(bulwark()
        .args(["fs", "--scanners", "vuln", "--offline", "--db-path"])
        .arg(tmp.path().join("none.db"))
        .arg(tmp.path()));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("bulwark db update"), "{}", r.stderr);
}

#[test]
fn db_update_from_a_local_http_server_then_status() {
    let has_python = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_python {
        eprintln!("skipping: python3 not available for the local HTTP server");
        return;
    }
    let serve = tempfile::tempdir().expect("tempdir");
    let eco_dir = serve.path().join("Debian");
    std::fs::create_dir_all(&eco_dir).expect("mkdir");
    let zip_path = eco_dir.join("all.zip");
    let script = format!(
        "import zipfile,glob,os\nz=zipfile.ZipFile({:?},'w')\nfor p in sorted(glob.glob(os.path.join({:?},'DEBIAN-*.json'))):\n    z.write(p, os.path.basename(p))\nz.close()\n",
        zip_path.display().to_string(),
        fixtures().display().to_string()
    );
    let st = Command::new("python3")
        .args(["-c", &script])
        .status()
        .expect("python");
    assert!(st.success());
    let mut server = Command::new("python3")
        .args(["-c", "import http.server,socketserver,sys\nclass H(http.server.SimpleHTTPRequestHandler):\n    def log_message(self,*a): pass\ns=socketserver.TCPServer(('127.0.0.1',0),H)\nprint(s.server_address[1],flush=True)\ns.serve_forever()\n"])
        .current_dir(serve.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("server");
    let mut line = String::new();
    {
        use std::io::BufRead;
        let stdout = server.stdout.take().expect("stdout");
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("port");
    }
    let port = line.trim().to_owned();
    let db_dir = tempfile::tempdir().expect("tempdir");
    let db = db_dir.path().join("osv.db");
    let r = run(bulwark()
        .args(["db", "update", "--ecosystem", "Debian", "--db-repository"])
        .arg(format!("http://127.0.0.1:{port}"))
        .arg("--db-path")
        .arg(&db));
    let status = run(bulwark()
        .args(["db", "status", "-f", "json", "--db-path"])
        .arg(&db));
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(status.code, 0, "{}", status.stderr);
    let v = json(&status);
    let n = std::fs::read_dir(fixtures())
        .expect("dir")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("DEBIAN-"))
        })
        .count();
    assert_eq!(v["records"], u64::try_from(n).expect("n"));
    assert_eq!(
        v["records_per_ecosystem"]["Debian"],
        u64::try_from(n).expect("n")
    );
}
