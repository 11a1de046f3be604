//! Store format, import sources, corruption handling, range semantics and never-panic
//! properties.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

use std::io::Write;
use std::path::Path;

use bulwark_vulndb::{
    BulwarkVersions, EcosystemKey, Event, PackageQuery, Store, VulnDbError, evaluate_range, import,
    match_advisories, match_package, match_package_with, parse_record,
};
use proptest::prelude::*;

fn rec(id: &str, eco: &str, name: &str, events: &str) -> String {
    format!(
        r#"{{"id":"{id}","modified":"2024-01-01T00:00:00Z","affected":[{{"package":{{"ecosystem":"{eco}","name":"{name}"}},"ranges":[{{"type":"ECOSYSTEM","events":{events}}}]}}]}}"#
    )
}

fn small_store(dir: &Path) -> std::path::PathBuf {
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("nested/deeper")).unwrap();
    std::fs::write(
        src.join("a.json"),
        rec(
            "PYSEC-A",
            "PyPI",
            "Foo_Bar",
            r#"[{"introduced":"0"},{"fixed":"2.0"}]"#,
        ),
    )
    .unwrap();
    std::fs::write(
        src.join("nested/deeper/b.JSON"),
        rec(
            "GHSA-b",
            "npm",
            "@scope/pkg",
            r#"[{"introduced":"1.0.0"},{"fixed":"1.2.0"}]"#,
        ),
    )
    .unwrap();
    std::fs::write(
        src.join("nested/broken.json"),
        b"{\"id\": \"BROKEN-1\", \"affected\": 7}",
    )
    .unwrap();
    std::fs::write(src.join("nested/noid.json"), b"[1,2,3").unwrap();
    std::fs::write(
        src.join("withdrawn.json"),
        r#"{"id":"W-1","withdrawn":"2024-01-01T00:00:00Z","affected":[]}"#,
    )
    .unwrap();
    std::fs::write(src.join("notes.yaml"), b"id: X").unwrap();
    let db = dir.join("db.bwdb");
    let meta = import(&[src], &db).unwrap();
    assert_eq!(meta.stats.records, 2);
    assert_eq!(meta.stats.malformed, 2);
    assert!(meta.stats.malformed_ids.contains(&"BROKEN-1".to_owned()));
    assert!(
        meta.stats
            .malformed_ids
            .iter()
            .any(|s| s.ends_with("noid.json"))
    );
    assert_eq!(meta.stats.withdrawn, 1);
    assert_eq!(meta.stats.non_json_skipped, 1);
    db
}

#[test]
fn directory_import_recursive_tolerant() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_store(dir.path());
    let store = Store::open(&db).unwrap();
    assert_eq!(store.package_count(), 2);
    // PEP 503: Foo_Bar → foo-bar; any spelling of the query finds it.
    for name in ["foo-bar", "FOO.bar", "foo__bar"] {
        let m = match_package(
            &store,
            &PackageQuery {
                ecosystem: "PyPI".into(),
                name: name.into(),
                version: "1.0".into(),
                ..PackageQuery::default()
            },
        )
        .unwrap();
        assert_eq!(m.len(), 1, "{name}");
    }
    assert_eq!(store.lookup("npm", "@scope/pkg").unwrap()[0].id, "GHSA-b");
    assert!(store.lookup("npm", "@scope/PKG").unwrap().is_empty());
    // Same answers from the in-memory index.
    store.preload_index().unwrap();
    assert_eq!(store.lookup("npm", "@scope/pkg").unwrap()[0].id, "GHSA-b");
    assert_eq!(store.lookup("PyPI", "foo-bar").unwrap()[0].id, "PYSEC-A");
    assert!(store.lookup("PyPI", "foo").unwrap().is_empty());
    // Coverage: which ecosystem keys hold any record.
    assert!(store.has_records_for("npm").unwrap());
    assert!(store.has_records_for("PyPI").unwrap());
    for absent in ["Debian:12", "Go", "Py", "PyPI:3", "", "zzz"] {
        assert!(!store.has_records_for(absent).unwrap(), "{absent}");
    }
    let st = bulwark_vulndb::status(&db).unwrap();
    assert_eq!(st.packages, 2);
    assert!(st.size_bytes > 80);
    assert_eq!(st.metadata.sources[0].kind, "directory");
    assert_eq!(st.metadata.sources[0].records, 2);
}

#[test]
fn zip_and_tarball_import() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("all.zip");
    {
        let f = std::fs::File::create(&zip_path).unwrap();
        let mut w = zip::ZipWriter::new(f);
        let o = zip::write::SimpleFileOptions::default();
        w.start_file("PYSEC-Z.json", o).unwrap();
        w.write_all(rec("PYSEC-Z", "PyPI", "zed", r#"[{"introduced":"0"}]"#).as_bytes())
            .unwrap();
        w.start_file("README.txt", o).unwrap();
        w.write_all(b"hello").unwrap();
        w.finish().unwrap();
    }
    let tgz = dir.path().join("osv.tar.gz");
    {
        let f = std::fs::File::create(&tgz).unwrap();
        let gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
        let mut t = tar::Builder::new(gz);
        let data = rec("RUSTSEC-T", "crates.io", "tee", r#"[{"introduced":"0"}]"#);
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        t.append_data(&mut h, "osv/crates/RUSTSEC-T.json", data.as_bytes())
            .unwrap();
        t.into_inner().unwrap().finish().unwrap();
    }
    let db = dir.path().join("db.bwdb");
    let meta = import(&[zip_path, tgz], &db).unwrap();
    assert_eq!(meta.stats.records, 2);
    assert_eq!(meta.stats.non_json_skipped, 1);
    let kinds: Vec<&str> = meta.sources.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(kinds, ["zip", "tarball"]);
    let store = Store::open(&db).unwrap();
    assert_eq!(store.lookup("PyPI", "zed").unwrap()[0].id, "PYSEC-Z");
    assert_eq!(store.lookup("crates.io", "tee").unwrap()[0].id, "RUSTSEC-T");
    // An unknown file kind is a clear error.
    let junk = dir.path().join("junk.bin");
    std::fs::write(&junk, b"nothing to see").unwrap();
    let err = import(&[junk], &dir.path().join("x.bwdb")).unwrap_err();
    assert!(err.to_string().contains("junk.bin"), "{err}");
}

#[test]
fn reimport_replaces_atomically_and_duplicates_collapse() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("s");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(
        src.join("1.json"),
        rec("X-1", "Go", "m", r#"[{"introduced":"0"}]"#),
    )
    .unwrap();
    std::fs::write(
        src.join("2.json"),
        rec("X-1", "Go", "m", r#"[{"introduced":"0"}]"#),
    )
    .unwrap();
    let db = dir.path().join("db.bwdb");
    let meta = import(std::slice::from_ref(&src), &db).unwrap();
    assert_eq!(meta.stats.duplicates, 1);
    let old = Store::open(&db).unwrap();
    assert_eq!(old.lookup("Go", "m").unwrap().len(), 1);
    std::fs::write(
        src.join("3.json"),
        rec("X-3", "Go", "n", r#"[{"introduced":"0"}]"#),
    )
    .unwrap();
    import(&[src], &db).unwrap();
    // The old handle still reads the old (unlinked) file; a new open sees the new one.
    assert_eq!(old.lookup("Go", "m").unwrap().len(), 1);
    assert!(old.lookup("Go", "n").unwrap().is_empty());
    assert_eq!(
        Store::open(&db).unwrap().lookup("Go", "n").unwrap().len(),
        1
    );
    // No temp files left in the directory.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
}

#[test]
fn corrupt_stores_error_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_store(dir.path());
    let good = std::fs::read(&db).unwrap();
    let check = |bytes: &[u8], what: &str| {
        let p = dir.path().join("bad.bwdb");
        std::fs::write(&p, bytes).unwrap();
        match Store::open(&p) {
            Err(VulnDbError::Corrupt { .. }) => {}
            Err(e) => panic!("{what}: unexpected error kind {e}"),
            Ok(s) => {
                // Header intact but body damaged: lookups must fail, not panic.
                let r1 = s.lookup("PyPI", "foo-bar");
                let r2 = s.lookup("npm", "@scope/pkg");
                let r3 = s.metadata();
                assert!(
                    r1.is_err() || r2.is_err() || r3.is_err(),
                    "{what}: corruption not detected"
                );
            }
        }
    };
    check(&[], "empty");
    check(&good[..40], "short header");
    check(&good[..good.len() - 1], "truncated");
    let mut appended = good.clone();
    appended.push(0);
    check(&appended, "appended");
    let mut magic = good.clone();
    magic[0] ^= 0xff;
    check(&magic, "magic");
    let mut hdr = good.clone();
    hdr[20] ^= 0x01; // entry count, without fixing the CRC
    check(&hdr, "header field");
    // Flip one byte inside the first data block (starts at 80).
    let mut data = good.clone();
    data[90] ^= 0x55;
    check(&data, "data block");
    // Flip one byte of the keys blob, then of the index: a damaged index must not make
    // packages (or a whole ecosystem) look absent.
    let u64_at = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
    let (index_off, keys_off) = (u64_at(&good, 24) as usize, u64_at(&good, 32) as usize);
    for (what, at) in [("keys blob", keys_off + 1), ("index", index_off + 9)] {
        let mut bad = good.clone();
        bad[at] ^= 0x20;
        let p = dir.path().join("bad-index.bwdb");
        std::fs::write(&p, &bad).unwrap();
        let s = Store::open(&p).unwrap();
        for r in [
            s.lookup("PyPI", "foo-bar").map(|_| ()),
            s.has_records_for("PyPI").map(|_| ()),
            s.keys().map(|_| ()),
        ] {
            match r {
                Err(VulnDbError::Corrupt { problem, .. }) => {
                    assert!(problem.contains("index"), "{what}: {problem}");
                }
                other => panic!("{what}: corruption not detected: {other:?}"),
            }
        }
    }
    // Opening a non-existent path is an I/O error naming the path.
    let err = Store::open(&dir.path().join("missing.bwdb")).unwrap_err();
    assert!(err.to_string().contains("missing.bwdb"));
}

#[test]
fn range_semantics() {
    let s = BulwarkVersions;
    let ev = |v: &[(&str, &str)]| -> Vec<Event> {
        v.iter()
            .map(|(k, x)| match *k {
                "i" => Event::Introduced((*x).into()),
                "f" => Event::Fixed((*x).into()),
                "l" => Event::LastAffected((*x).into()),
                _ => Event::Limit((*x).into()),
            })
            .collect()
    };
    let inside = |events: &[Event], v: &str| {
        evaluate_range(events, v, Some(bulwark_version::Scheme::SemVer), &s)
            .unwrap()
            .is_some()
    };
    // introduced/fixed: half-open.
    let r = ev(&[("i", "1.0.0"), ("f", "1.2.0")]);
    assert!(!inside(&r, "0.9.0"));
    assert!(inside(&r, "1.0.0"));
    assert!(inside(&r, "1.1.9"));
    assert!(!inside(&r, "1.2.0"));
    // last_affected: closed.
    let r = ev(&[("i", "0"), ("l", "2.0.0")]);
    assert!(inside(&r, "2.0.0"));
    assert!(!inside(&r, "2.0.1"));
    // limit: versions at/after limit are out.
    let r = ev(&[("i", "1.0.0"), ("lim", "3.0.0")]);
    assert!(inside(&r, "2.9.9"));
    assert!(!inside(&r, "3.0.0"));
    // Events out of order are sorted first (urllib3 PYSEC-2023-192 shape).
    let r = ev(&[("i", "2.0.0"), ("f", "2.0.6"), ("i", "0"), ("f", "1.26.17")]);
    assert!(inside(&r, "1.26.16"));
    assert!(!inside(&r, "1.26.17"));
    assert!(!inside(&r, "1.99.0"));
    assert!(inside(&r, "2.0.5"));
    assert!(!inside(&r, "2.0.6"));
    // Closing event reported is the one bounding the interval containing the version.
    let got = evaluate_range(&r, "2.0.1", Some(bulwark_version::Scheme::SemVer), &s)
        .unwrap()
        .unwrap();
    assert_eq!(got.0.as_deref(), Some("2.0.0"));
    assert_eq!(got.1, Some(Event::Fixed("2.0.6".into())));
    // Unparsable versions are an error, not a silent "not affected".
    assert!(
        evaluate_range(
            &r,
            "not a version",
            Some(bulwark_version::Scheme::SemVer),
            &s
        )
        .is_err()
    );
    assert!(evaluate_range(&r, "1.0.0", None, &s).is_err());
}

#[test]
fn versions_list_and_git_ranges() {
    let json = r#"{"id":"PYSEC-V","affected":[{"package":{"ecosystem":"PyPI","name":"vee"},
      "ranges":[{"type":"GIT","repo":"https://x","events":[{"introduced":"abc"},{"fixed":"def"}]}],
      "versions":["1.0","1.1"]}]}"#;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("s");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("v.json"), json).unwrap();
    let db = dir.path().join("db.bwdb");
    import(&[src], &db).unwrap();
    let store = Store::open(&db).unwrap();
    let q = |v: &str| PackageQuery {
        ecosystem: "PyPI".into(),
        name: "vee".into(),
        version: v.into(),
        ..PackageQuery::default()
    };
    let (m, diag) = match_package_with(&store, &q("1.1"), &BulwarkVersions).unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].evidence[0].range_type, "versions");
    assert!(m[0].is_unfixed());
    assert_eq!(diag.git_ranges_skipped, 1);
    // PEP 440 equality: 1.1.0 == 1.1.
    assert_eq!(match_package(&store, &q("1.1.0")).unwrap().len(), 1);
    assert!(match_package(&store, &q("1.2")).unwrap().is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The fuzz target's body: any bytes as an OSV record, then matching what parsed.
    #[test]
    fn parse_and_match_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(rec) = parse_record(&bytes) {
            let _ = rec.id.len();
        }
    }

    #[test]
    fn structured_records_never_panic(
        id in "[A-Z]{1,4}-[0-9]{1,4}",
        eco in prop::sample::select(vec!["PyPI", "npm", "Go", "Debian:12", "Alpine:v3.20", "Red Hat:enterprise_linux:9::baseos", "Weird:eco"]),
        name in "[a-zA-Z0-9._-]{1,12}",
        events in proptest::collection::vec((0u8..4, "[0-9a-z.:~+-]{0,8}"), 0..6),
        version in "[0-9a-z.:~+-]{0,10}",
    ) {
        let evs: Vec<String> = events
            .iter()
            .map(|(k, v)| {
                let key = ["introduced", "fixed", "last_affected", "limit"][usize::from(*k)];
                format!(r#"{{"{key}":"{v}"}}"#)
            })
            .collect();
        let json = rec(&id, eco, &name, &format!("[{}]", evs.join(",")));
        let parsed = parse_record(json.as_bytes()).unwrap();
        let advisories: Vec<bulwark_vulndb::Advisory> = {
            let dir = tempfile::tempdir().unwrap();
            let src = dir.path().join("s");
            std::fs::create_dir(&src).unwrap();
            std::fs::write(src.join("r.json"), &json).unwrap();
            let db = dir.path().join("d.bwdb");
            import(&[src], &db).unwrap();
            let key = EcosystemKey::parse(eco);
            Store::open(&db).unwrap().lookup(&key.index_key(), &bulwark_vulndb::normalize_name(&key.base, &name)).unwrap()
        };
        prop_assert_eq!(advisories.len(), usize::from(!parsed.affected.is_empty()));
        let q = PackageQuery { ecosystem: eco.into(), name: name.clone(), version: version.clone(), ..PackageQuery::default() };
        let key = EcosystemKey::for_query(eco, None);
        let _ = match_advisories(&advisories, &q, &key, &BulwarkVersions);
    }

    #[test]
    fn store_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400), seed in any::<u64>()) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.bwdb");
        std::fs::write(&p, &bytes).unwrap();
        if let Ok(s) = Store::open(&p) {
            let _ = s.lookup("PyPI", &seed.to_string());
            let _ = s.metadata();
            let _ = s.keys();
        }
    }

    #[test]
    fn mutated_store_never_panics(pos in any::<usize>(), val in any::<u8>(), len_cut in any::<usize>()) {
        let dir = tempfile::tempdir().unwrap();
        let db = {
            let src = dir.path().join("s");
            std::fs::create_dir(&src).unwrap();
            std::fs::write(src.join("a.json"), rec("A-1", "PyPI", "aa", r#"[{"introduced":"0"},{"fixed":"1"}]"#)).unwrap();
            std::fs::write(src.join("b.json"), rec("B-1", "npm", "bb", r#"[{"introduced":"0"}]"#)).unwrap();
            let db = dir.path().join("d.bwdb");
            import(&[src], &db).unwrap();
            db
        };
        let mut bytes = std::fs::read(&db).unwrap();
        let i = pos % bytes.len();
        bytes[i] = val;
        // Patch the header CRC so mutations of header fields reach the offset validation.
        if i < 72 {
            let crc = crc32fast::hash(&bytes[..72]);
            bytes[72..76].copy_from_slice(&crc.to_le_bytes());
        }
        if len_cut % 4 == 0 {
            let cut = len_cut % bytes.len();
            bytes.truncate(cut);
        }
        std::fs::write(&db, &bytes).unwrap();
        if let Ok(s) = Store::open(&db) {
            let _ = s.lookup("PyPI", "aa");
            let _ = s.lookup("npm", "bb");
            let _ = s.metadata();
            let _ = s.keys();
            if s.preload_index().is_ok() {
                let _ = s.lookup("PyPI", "aa");
                let _ = s.keys();
            }
        }
    }
}
