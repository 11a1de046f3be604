//! `bulwark db` never fails open (issue 20 items 3 and 6) and rates what it can (issue 12 item
//! 2), through the CLI: empty, rejected-only and shrinking imports are refused with exit 3 and
//! the old database kept; a mirror serving an empty `all.zip` likewise; rejected records are
//! named by `db import` and `db status`; `bulwark clean` removes temp files of a killed import;
//! CVE data mixed into the import rates the test image's unrated Go and PyPI vulnerabilities.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test helpers

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn bulwark() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bulwark"));
    c.env_remove("BULWARK_DB_PATH")
        .env_remove("BULWARK_DB_REPOSITORY")
        .env_remove("BULWARK_CVE_FEED")
        .env_remove("BULWARK_FORMAT")
        .env("BULWARK_NO_COLOR", "true");
    c
}

use bulwark_testutil::cli::run;

fn rec(id: &str, name: &str) -> String {
    format!(
        r#"{{"id":"{id}","modified":"2024-01-01T00:00:00Z","affected":[{{"package":{{"ecosystem":"PyPI","name":"{name}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"2.0"}}]}}]}}]}}"#
    )
}

fn status_json(db: &Path) -> Value {
    let r = run(bulwark()
        .args(["db", "status", "-f", "json", "--db-path"])
        .arg(db));
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

/// A database of `n` good records in `root/good`; returns the db path.
fn good_db(root: &Path, n: usize) -> PathBuf {
    let src = root.join("good");
    std::fs::create_dir_all(&src).unwrap();
    for i in 0..n {
        std::fs::write(
            src.join(format!("{i}.json")),
            rec(&format!("PYSEC-{i}"), &format!("p{i}")),
        )
        .unwrap();
    }
    let db = root.join("osv.db");
    let r = run(bulwark()
        .args(["db", "import", "--db-path"])
        .arg(&db)
        .arg(&src));
    assert_eq!(r.code, 0, "{}", r.stderr);
    db
}

#[test]
fn empty_rejected_only_and_shrinking_imports_exit_3_and_keep_the_database() {
    let t = tempfile::tempdir().unwrap();
    let db = good_db(t.path(), 6);
    let before = std::fs::read(&db).unwrap();
    let empty = t.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let r = run(bulwark()
        .args(["db", "import", "--db-path"])
        .arg(&db)
        .arg(&empty));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("no OSV records"), "{}", r.stderr);
    assert!(r.stderr.contains("existing database"), "{}", r.stderr);
    assert_eq!(std::fs::read(&db).unwrap(), before);

    let bad = t.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("cut.json"), &rec("PYSEC-X", "x")[..40]).unwrap();
    let r = run(bulwark()
        .args(["db", "import", "--db-path"])
        .arg(&db)
        .arg(&bad));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("cut.json: not an OSV record"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);

    let small = t.path().join("small");
    std::fs::create_dir_all(&small).unwrap();
    std::fs::write(small.join("s.json"), rec("PYSEC-S", "s")).unwrap();
    let r = run(bulwark()
        .args(["db", "import", "--db-path"])
        .arg(&db)
        .arg(&small));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("shrink from 6 to 1"), "{}", r.stderr);
    assert_eq!(std::fs::read(&db).unwrap(), before);
    let r = run(bulwark()
        .args(["db", "import", "--force", "--db-path"])
        .arg(&db)
        .arg(&small));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning: the database would shrink from 6 to 1"),
        "{}",
        r.stderr
    );
    assert_eq!(status_json(&db)["records"], 1);
}

#[test]
fn a_mirror_serving_an_empty_all_zip_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let db = good_db(t.path(), 3);
    let before = std::fs::read(&db).unwrap();
    // The smallest valid zip: an end-of-central-directory record and nothing else.
    let mut empty_zip = b"PK\x05\x06".to_vec();
    empty_zip.extend([0u8; 18]);
    let server =
        bulwark_testutil::http::StaticServer::start(vec![("/PyPI/all.zip".into(), empty_zip)]);
    let r = run(bulwark()
        .args(["db", "update", "--ecosystem", "PyPI", "--db-repository"])
        .arg(&server.base)
        .arg("--db-path")
        .arg(&db));
    assert_eq!(server.requests(), ["/PyPI/all.zip"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("no OSV records"), "{}", r.stderr);
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert_eq!(status_json(&db)["records"], 3);
}

#[test]
fn rejected_records_are_named_by_import_and_status() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("ok.json"), rec("PYSEC-OK", "ok")).unwrap();
    std::fs::write(
        src.join("broken.json"),
        r#"{"id": "BROKEN-1", "affected": 7}"#,
    )
    .unwrap();
    let db = t.path().join("osv.db");
    let r = run(bulwark()
        .args(["db", "import", "-q", "--db-path"])
        .arg(&db)
        .arg(&src));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("broken.json: not an OSV record: invalid type"),
        "named even with -q: {}",
        r.stderr
    );
    let v = status_json(&db);
    assert_eq!(v["malformed"], 1);
    assert_eq!(v["rejected"][0]["id"], "BROKEN-1");
    assert!(
        v["rejected"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("broken.json"),
        "{v:#}"
    );
    let r = run(bulwark().args(["db", "status", "--db-path"]).arg(&db));
    assert!(r.stdout.contains("Rejected at import:"), "{}", r.stdout);
    assert!(
        r.stdout.contains("broken.json: not an OSV record"),
        "{}",
        r.stdout
    );
}

#[test]
fn clean_removes_temp_files_of_a_killed_import() {
    let t = tempfile::tempdir().unwrap();
    let cache = t.path().join("cache");
    let db_dir = cache.join("db");
    std::fs::create_dir_all(&db_dir).unwrap();
    let mut dead = Command::new("true").spawn().unwrap();
    let pid = dead.id();
    dead.wait().unwrap();
    let stale = db_dir.join(format!(".osv.db.tmp-{pid}-42"));
    std::fs::write(&stale, vec![0u8; 4096]).unwrap();
    let r = run(bulwark().arg("clean").arg("--cache-dir").arg(&cache));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!stale.exists(), "{}", r.stderr);
    assert!(r.stderr.contains(".osv.db.tmp-"), "{}", r.stderr);
}

fn vulnerabilities(v: &Value) -> Vec<&Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] == "vulnerability")
        .collect()
}

/// The test image against the conformance OSV records, then against the same records with
/// the real NVD and CVE List records of their CVE aliases mixed in: the UNKNOWN share drops,
/// every rating taken from CVE data names its source and record in the JSON, and what stays
/// UNKNOWN is what no CVE file on disk rates.
#[test]
fn cve_data_rates_the_test_images_unrated_vulnerabilities() {
    let (Some(osv), Some(cve)) = (
        bulwark_testutil::conformance_dir("osv"),
        bulwark_testutil::conformance_dir("cve"),
    ) else {
        return;
    };
    let Some(image) = bulwark_testutil::image::test_image() else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let scan = |sources: &[&Path]| {
        let db = t.path().join(format!("db-{}.db", sources.len()));
        let r = run(bulwark()
            .args(["db", "import", "--db-path"])
            .arg(&db)
            .args(sources));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let r = run(bulwark()
            .args([
                "image",
                "--offline",
                "--scanners",
                "vuln",
                "-q",
                "-f",
                "json",
                "--db-path",
            ])
            .arg(&db)
            .arg("--input")
            .arg(image.join("image.tar")));
        assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
        serde_json::from_str::<Value>(&r.stdout).unwrap()
    };
    let before = scan(&[&osv]);
    let after = scan(&[&osv, &cve]);
    let unknown = |v: &Value| {
        vulnerabilities(v)
            .iter()
            .filter(|f| f["severity"] == "unknown")
            .count()
    };
    let (vb, va) = (
        vulnerabilities(&before).len(),
        vulnerabilities(&after).len(),
    );
    assert_eq!(vb, va, "CVE data must not change what matches");
    let (ub, ua) = (unknown(&before), unknown(&after));
    eprintln!("UNKNOWN before: {ub}/{vb}; after: {ua}/{va}");
    assert!(ua < ub, "{ua} !< {ub}");
    for f in vulnerabilities(&after) {
        let p = &f["properties"];
        let cves: Vec<String> = std::iter::once(f["code"].as_str().unwrap().to_owned())
            .chain(
                p["aliases"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_owned()),
            )
            .filter(|id| id.starts_with("CVE-"))
            .collect();
        if f["severity"] == "unknown" {
            // No file on disk rates any of its CVE IDs.
            for id in &cves {
                for sub in ["nvd", "cvelistV5"] {
                    let Ok(text) =
                        std::fs::read_to_string(cve.join(sub).join(format!("{id}.json")))
                    else {
                        continue;
                    };
                    assert!(!text.contains("\"vectorString\""), "{id} is rated in {sub}");
                }
            }
        } else if let Some(record) = p["rating_record"].as_str() {
            assert!(p["rating_source"].is_string(), "{p:#}");
            if record.starts_with("CVE-") {
                assert!(
                    cves.iter().any(|c| c == record),
                    "{record} not among {cves:?}"
                );
            }
        }
    }
}

/// `db update --cve-feed URL` downloads CVE data next to the OSV archive from a loopback
/// stand-in (here one real NVD record, which `db import` reads as well), and a scan rates the
/// unrated record through it, naming the source and the CVE in the JSON.
#[test]
fn db_update_downloads_cve_data_that_rates_a_scan() {
    let Some(cve) = bulwark_testutil::conformance_dir("cve") else {
        return;
    };
    let id = "CVE-2023-45288";
    let nvd = std::fs::read(cve.join("nvd").join(format!("{id}.json"))).unwrap();
    let v: Value = serde_json::from_slice(&nvd).unwrap();
    let metrics = v["metrics"]["cvssMetricV31"].as_array().unwrap();
    assert_eq!(metrics.len(), 1, "the test expects one v3.1 entry");
    let expected = metrics[0]["cvssData"]["baseSeverity"]
        .as_str()
        .unwrap()
        .to_ascii_lowercase();
    let mut zip = std::io::Cursor::new(Vec::new());
    {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(&mut zip);
        w.start_file("PYSEC-T-1.json", zip::write::SimpleFileOptions::default())
            .unwrap();
        write!(
            w,
            r#"{{"id":"PYSEC-T-1","aliases":["{id}"],"affected":[{{"package":{{"ecosystem":"PyPI","name":"rated-by-nvd"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"2.0"}}]}}]}}]}}"#
        )
        .unwrap();
        w.finish().unwrap();
    }
    let server = bulwark_testutil::http::StaticServer::start(vec![
        ("/PyPI/all.zip".into(), zip.into_inner()),
        (format!("/nvd/{id}.json"), nvd),
    ]);
    let t = tempfile::tempdir().unwrap();
    let db = t.path().join("osv.db");
    let r = run(bulwark()
        .args(["db", "update", "--ecosystem", "PyPI", "--db-repository"])
        .arg(&server.base)
        .arg("--cve-feed")
        .arg(format!("{}/nvd/{id}.json", server.base))
        .arg("--db-path")
        .arg(&db));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let st = status_json(&db);
    assert_eq!(st["cve_records"], 1, "{st:#}");
    let proj = t.path().join("proj");
    std::fs::create_dir_all(&proj).unwrap();
    std::fs::write(proj.join("requirements.txt"), "rated-by-nvd==1.0\n").unwrap();
    let r = run(bulwark()
        .args([
            "fs",
            "--offline",
            "--scanners",
            "vuln",
            "-f",
            "json",
            "--db-path",
        ])
        .arg(&db)
        .arg(&proj));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let f = vulnerabilities(&v);
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["severity"], expected.as_str());
    assert_eq!(f[0]["properties"]["rating_record"], id);
    assert!(f[0]["properties"]["rating_source"].is_string());
    assert!(f[0]["properties"]["cvss_vector"].is_string());
}
