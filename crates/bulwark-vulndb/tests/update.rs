//! `update` against a scripted HTTP server on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bulwark_testutil::http;
use bulwark_vulndb::{
    Progress, Store, UpdateOptions, UpdateOutcome, VulnDbError, ensure_fresh, update,
};

#[derive(Clone)]
enum Reply {
    Zip {
        body: Vec<u8>,
        etag: &'static str,
    },
    NotModified,
    Status(u16),
    /// Announce the full length, send only `sent` bytes, close.
    Truncated {
        body: Vec<u8>,
        sent: usize,
    },
}

/// The loopback stand-in answering each request with the next scripted reply (`599` when the
/// script has run out).
struct Server {
    base: String,
    http: http::Server,
    script: Arc<Mutex<VecDeque<Reply>>>,
}

impl Server {
    fn start(script: Vec<Reply>) -> Server {
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let next = script.clone();
        let http = http::serve(move |_| match next.lock().unwrap().pop_front() {
            Some(Reply::Zip { body, etag }) => http::Reply::Full {
                status: 200,
                headers: vec![
                    ("ETag".into(), etag.into()),
                    (
                        "Last-Modified".into(),
                        "Fri, 27 Nov 2026 07:00:00 GMT".into(),
                    ),
                ],
                body,
            },
            Some(Reply::NotModified) => http::Reply::status(304),
            Some(Reply::Status(code)) => http::Reply::status(code),
            Some(Reply::Truncated { body, sent }) => http::Reply::Truncated {
                status: 200,
                headers: vec![("ETag".into(), "\"broken\"".into())],
                body,
                sent,
            },
            None => http::Reply::status(599),
        });
        Server {
            base: http.url(),
            http,
            script,
        }
    }

    fn push(&self, r: Reply) {
        self.script.lock().unwrap().push_back(r);
    }

    /// (path, If-None-Match) of every request so far.
    fn requests(&self) -> Vec<(String, Option<String>)> {
        self.http
            .received()
            .into_iter()
            .map(|r| {
                let inm = r
                    .headers
                    .iter()
                    .find(|(k, _)| k == "if-none-match")
                    .map(|(_, v)| v.clone());
                (r.path, inm)
            })
            .collect()
    }
}

fn record(id: &str, name: &str, fixed: &str) -> String {
    format!(
        r#"{{"id":"{id}","modified":"2024-01-01T00:00:00Z","aliases":["CVE-{id}"],
        "affected":[{{"package":{{"ecosystem":"PyPI","name":"{name}"}},
        "ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"{fixed}"}}]}}]}}]}}"#
    )
}

fn make_zip(records: &[(&str, &str, &str)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (id, name, fixed) in records {
            w.start_file(format!("{id}.json"), opts).unwrap();
            w.write_all(record(id, name, fixed).as_bytes()).unwrap();
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

fn opts(base: &str, db: &std::path::Path) -> UpdateOptions {
    let mut o = UpdateOptions::new(db, vec!["PyPI".to_owned()]);
    base.clone_into(&mut o.base_url);
    o.attempts_per_url = 2;
    o.backoff = Duration::from_millis(5);
    o.max_backoff = Duration::from_millis(20);
    o.timeouts = bulwark_net::Timeouts {
        connect: Duration::from_secs(5),
        read: Duration::from_secs(10),
        total: Duration::from_secs(20),
    };
    o
}

fn ids(store: &Store, name: &str) -> Vec<String> {
    store
        .lookup("PyPI", name)
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect()
}

#[test]
fn retry_then_success_then_304_then_truncation_keeps_old_db() {
    let zip1 = make_zip(&[("PYSEC-1", "alpha", "1.0"), ("PYSEC-2", "beta", "2.0")]);
    let zip2 = make_zip(&[("PYSEC-3", "gamma", "3.0")]);
    let server = Server::start(vec![
        Reply::Status(500),
        Reply::Zip {
            body: zip1.clone(),
            etag: "\"v1\"",
        },
    ]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("osv.bwdb");
    let o = opts(&server.base, &db);

    // 1. 500 then 200: retried, store built.
    let mut events = Vec::new();
    let out = update(&o, &mut |p| events.push(p)).unwrap();
    let UpdateOutcome::Updated(meta) = out else {
        panic!("expected Updated, got {out:?}")
    };
    assert_eq!(meta.stats.records, 2);
    assert_eq!(meta.sources.len(), 1);
    assert_eq!(meta.sources[0].etag.as_deref(), Some("\"v1\""));
    assert!(
        events.iter().any(
            |e| matches!(e, Progress::Retrying { attempt: 1, error, .. } if error.contains("500"))
        ),
        "{events:?}"
    );
    let store = Store::open(&db).unwrap();
    assert_eq!(ids(&store, "alpha"), ["PYSEC-1"]);
    drop(store);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].0, "/PyPI/all.zip");
    assert_eq!(reqs[0].1, None);

    // 2. Conditional request answered 304: nothing rebuilt.
    server.push(Reply::NotModified);
    let built_before = Store::open(&db).unwrap().metadata().unwrap().built_at_unix;
    let out = update(&o, &mut |_| {}).unwrap();
    assert_eq!(out, UpdateOutcome::NotModified);
    assert_eq!(server.requests()[2].1.as_deref(), Some("\"v1\""));
    assert_eq!(
        Store::open(&db).unwrap().metadata().unwrap().built_at_unix,
        built_before
    );

    // 3. Connection dropped half-way, twice (both attempts): error, old store intact.
    for _ in 0..2 {
        server.push(Reply::Truncated {
            body: zip2.clone(),
            sent: zip2.len() / 2,
        });
    }
    let err = update(&o, &mut |_| {}).unwrap_err();
    assert!(matches!(err, VulnDbError::Download { .. }), "{err}");
    let store = Store::open(&db).unwrap();
    assert_eq!(ids(&store, "alpha"), ["PYSEC-1"]);
    assert_eq!(ids(&store, "beta"), ["PYSEC-2"]);
    assert!(ids(&store, "gamma").is_empty());
    // No partial files left behind.
    let leftovers: Vec<_> = std::fs::read_dir(bulwark_vulndb::archive_dir(&db))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".part"))
        .collect();
    assert!(leftovers.is_empty());
    drop(store);

    // 4. Then a good download replaces the store.
    server.push(Reply::Zip {
        body: zip2,
        etag: "\"v2\"",
    });
    let out = update(&o, &mut |_| {}).unwrap();
    assert!(matches!(out, UpdateOutcome::Updated(_)));
    let store = Store::open(&db).unwrap();
    assert_eq!(ids(&store, "gamma"), ["PYSEC-3"]);
    assert!(ids(&store, "alpha").is_empty());
}

#[test]
fn falls_through_to_mirror() {
    let primary = Server::start(vec![Reply::Status(404)]);
    let mirror = Server::start(vec![Reply::Zip {
        body: make_zip(&[("PYSEC-9", "delta", "1.0")]),
        etag: "\"m\"",
    }]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("osv.bwdb");
    let mut o = opts(&primary.base, &db);
    o.mirrors = vec![mirror.base.clone()];
    let mut events = Vec::new();
    update(&o, &mut |p| events.push(p)).unwrap();
    // 404 is permanent: one request to the primary, no retry.
    assert_eq!(primary.requests().len(), 1);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Progress::NextMirror { .. }))
    );
    let store = Store::open(&db).unwrap();
    assert_eq!(ids(&store, "delta"), ["PYSEC-9"]);
}

#[test]
fn every_source_failing_is_an_error_naming_them() {
    let server = Server::start(vec![Reply::Status(503), Reply::Status(503)]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("osv.bwdb");
    let err = update(&opts(&server.base, &db), &mut |_| {}).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("PyPI") && msg.contains("503"), "{msg}");
    assert!(!db.exists());
}

#[test]
fn offline_and_max_age() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("osv.bwdb");
    // Unscripted server: any request would get 599 and fail the update.
    let server = Server::start(vec![]);
    let o = opts(&server.base, &db);
    let err = ensure_fresh(&o, Duration::from_hours(1), true, &mut |_| {}).unwrap_err();
    assert!(matches!(err, VulnDbError::MissingOffline(_)), "{err}");
    assert!(err.to_string().contains("offline"));
    assert!(server.requests().is_empty());

    // Build a store by import, then: fresh → no network; offline → no network.
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("a.json"), record("PYSEC-5", "eps", "1.0")).unwrap();
    bulwark_vulndb::import(&[src], &db).unwrap();
    let (store, out) = ensure_fresh(&o, Duration::from_hours(1), false, &mut |_| {}).unwrap();
    assert_eq!(out, UpdateOutcome::Fresh);
    assert_eq!(ids(&store, "eps"), ["PYSEC-5"]);
    let (_, out) = ensure_fresh(&o, Duration::ZERO, true, &mut |_| {}).unwrap();
    assert_eq!(out, UpdateOutcome::Offline);
    assert!(server.requests().is_empty());

    // Stale (max_age 0) and online: it does go to the network (and fails here).
    assert!(ensure_fresh(&o, Duration::ZERO, false, &mut |_| {}).is_err());
    assert_eq!(server.requests().len(), 2);
}

/// A mirror serving an empty `all.zip` (a valid archive with no records) must not replace a
/// good store: the update fails naming the archive, the store keeps its records; `force`
/// accepts it only when the user asks.
#[test]
fn an_empty_archive_is_refused_and_the_old_store_kept() {
    let good = make_zip(&[("PYSEC-1", "alpha", "1.0"), ("PYSEC-2", "beta", "2.0")]);
    let empty = make_zip(&[]);
    let server = Server::start(vec![
        Reply::Zip {
            body: good,
            etag: "\"good\"",
        },
        Reply::Zip {
            body: empty.clone(),
            etag: "\"empty\"",
        },
    ]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("osv.bwdb");
    let o = opts(&server.base, &db);
    update(&o, &mut |_| {}).unwrap();
    let before = std::fs::read(&db).unwrap();
    let err = update(&o, &mut |_| {}).unwrap_err();
    assert!(matches!(err, VulnDbError::Refused { .. }), "{err}");
    assert!(err.to_string().contains("no OSV records"), "{err}");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the old store must stay"
    );
    let store = Store::open(&db).unwrap();
    assert_eq!(ids(&store, "alpha"), ["PYSEC-1"]);
}

/// `update` downloads CVE data next to the OSV archives (here an NVD CVE API 2.0 feed made
/// of the real NVD records of the conformance set, padded past the 64 MiB per-document limit
/// so it is read as a stream) from a loopback stand-in, and NVD's own ratings rate the OSV
/// records that carry none.
#[test]
fn cve_feeds_are_downloaded_and_rate_unrated_records() {
    let Some(cve) = bulwark_testutil::conformance_dir("cve") else {
        return;
    };
    let mut items = Vec::new();
    let mut expected = Vec::new();
    let mut osv = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut osv);
        let zopts = zip::write::SimpleFileOptions::default();
        let mut files: Vec<_> = std::fs::read_dir(cve.join("nvd"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            let id = v["id"].as_str().unwrap().to_owned();
            // NVD's own v3.x entries, highest score first: what the rating must be.
            let mut nvd: Vec<(f64, String)> = ["cvssMetricV31", "cvssMetricV30"]
                .iter()
                .flat_map(|k| v["metrics"][*k].as_array().cloned().unwrap_or_default())
                .filter(|m| m["source"] == "nvd@nist.gov")
                .map(|m| {
                    (
                        m["cvssData"]["baseScore"].as_f64().unwrap(),
                        m["cvssData"]["baseSeverity"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            nvd.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
            if let Some((_, sev)) = nvd.first() {
                expected.push((id.clone(), sev.clone()));
            }
            let name = format!("pkg-{}", id.to_ascii_lowercase());
            w.start_file(format!("PYSEC-{id}.json"), zopts).unwrap();
            write!(
                w,
                r#"{{"id":"PYSEC-{id}","aliases":["{id}"],"affected":[{{"package":{{"ecosystem":"PyPI","name":"{name}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}}]}}]}}]}}"#
            )
            .unwrap();
            items.push(format!("{{\"cve\": {text}}}"));
        }
        w.finish().unwrap();
    }
    assert!(expected.len() > 40, "{}", expected.len());
    let padding = " ".repeat(65 * 1024 * 1024);
    let feed = format!(
        "{{\"resultsPerPage\": {n}, \"format\": \"NVD_CVE\", \"version\": \"2.0\",{padding}\"vulnerabilities\": [{}]}}",
        items.join(","),
        n = items.len()
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(feed.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let server = http::Server::start(vec![
        ("/PyPI/all.zip".into(), osv.into_inner()),
        ("/feeds/nvdcve-2.0-2024.json.gz".into(), gz),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("osv.bwdb");
    let mut o = opts(&server.base, &db);
    o.cve_feeds = vec![format!("{}/feeds/nvdcve-2.0-2024.json.gz", server.base)];
    let UpdateOutcome::Updated(meta) = update(&o, &mut |_| {}).unwrap() else {
        panic!("expected Updated")
    };
    assert_eq!(meta.stats.cve_records, items.len() as u64);
    assert_eq!(meta.stats.too_large, 0, "{:?}", meta.stats.rejected);
    assert!(
        meta.sources
            .iter()
            .any(|s| s.kind == "cve-download" && s.location.ends_with("nvdcve-2.0-2024.json.gz"))
    );
    assert_eq!(
        server.requests(),
        ["/PyPI/all.zip", "/feeds/nvdcve-2.0-2024.json.gz"]
    );
    let store = Store::open(&db).unwrap();
    for (id, sev) in &expected {
        let q = bulwark_vulndb::PackageQuery {
            ecosystem: "PyPI".into(),
            name: format!("pkg-{}", id.to_ascii_lowercase()),
            version: "1.0".into(),
            ..Default::default()
        };
        let m = bulwark_vulndb::match_package(&store, &q).unwrap();
        assert_eq!(
            format!("{:?}", m[0].severity).to_ascii_uppercase(),
            *sev,
            "{id}"
        );
        assert!(
            matches!(&m[0].severity_source, bulwark_vulndb::SeveritySource::Related { origin, record, .. } if origin == "NVD" && record == id),
            "{id}: {:?}",
            m[0].severity_source
        );
    }
}
