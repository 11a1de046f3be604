//! Imports never replace a good store with one that cannot see (issue 20 item 3), rejected
//! documents are named with the reason, too-large ones are not "malformed" (item 6), and temp
//! files of a killed import are removed by the next one.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

use std::path::{Path, PathBuf};

use bulwark_vulndb::{ImportOptions, Store, VulnDbError, import, import_with};

fn rec(id: &str, name: &str) -> String {
    format!(
        r#"{{"id":"{id}","modified":"2024-01-01T00:00:00Z","affected":[{{"package":{{"ecosystem":"PyPI","name":"{name}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"2.0"}}]}}]}}]}}"#
    )
}

fn dir_of(root: &Path, name: &str, records: &[(&str, String)]) -> PathBuf {
    let d = root.join(name);
    std::fs::create_dir_all(&d).unwrap();
    for (file, body) in records {
        std::fs::write(d.join(file), body).unwrap();
    }
    d
}

fn good_store(root: &Path, n: usize) -> (PathBuf, Vec<u8>) {
    let recs: Vec<(String, String)> = (0..n)
        .map(|i| {
            (
                format!("R-{i}.json"),
                rec(&format!("PYSEC-{i}"), &format!("p{i}")),
            )
        })
        .collect();
    let recs: Vec<(&str, String)> = recs.iter().map(|(f, b)| (f.as_str(), b.clone())).collect();
    let src = dir_of(root, "good", &recs);
    let db = root.join("osv.db");
    assert_eq!(import(&[src], &db).unwrap().stats.records, n as u64);
    let bytes = std::fs::read(&db).unwrap();
    (db, bytes)
}

#[test]
fn an_empty_folder_is_refused_and_the_store_kept() {
    let t = tempfile::tempdir().unwrap();
    let (db, before) = good_store(t.path(), 4);
    let empty = dir_of(t.path(), "empty", &[]);
    let err = import(&[empty], &db).unwrap_err();
    assert!(matches!(err, VulnDbError::Refused { .. }), "{err}");
    assert!(err.to_string().contains("no OSV records"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // --force does not make an empty database acceptable.
    let empty = t.path().join("empty");
    let err = import_with(&[empty], &db, &ImportOptions { force: true }).unwrap_err();
    assert!(matches!(err, VulnDbError::Refused { .. }), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_folder_of_only_rejected_records_is_refused_naming_them() {
    let t = tempfile::tempdir().unwrap();
    let (db, before) = good_store(t.path(), 3);
    let bad = dir_of(
        t.path(),
        "bad",
        &[
            ("a.json", r#"{"id": "X-1", "affected": 7}"#.to_owned()),
            ("b.json", "{\"id\": \"X-2\"".to_owned()),
        ],
    );
    let err = import(&[bad], &db).unwrap_err().to_string();
    assert!(err.contains("2 rejected"), "{err}");
    assert!(err.contains("a.json: not an OSV record"), "{err}");
    assert!(err.contains("b.json: not an OSV record"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_large_drop_needs_force_and_a_source_with_nothing_too() {
    let t = tempfile::tempdir().unwrap();
    let (db, before) = good_store(t.path(), 10);
    let small = dir_of(t.path(), "small", &[("s.json", rec("PYSEC-S", "s"))]);
    let err = import(std::slice::from_ref(&small), &db)
        .unwrap_err()
        .to_string();
    assert!(err.contains("shrink from 10 to 1 records"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // An empty source next to a good one is refused too (it was named, it gave nothing).
    let good = t.path().join("good");
    let empty = dir_of(t.path(), "empty", &[]);
    let err = import(&[good.clone(), empty.clone()], &db)
        .unwrap_err()
        .to_string();
    assert!(err.contains("yielded no records"), "{err}");
    let report = import_with(&[good, empty], &db, &ImportOptions { force: true }).unwrap();
    assert_eq!(report.meta.stats.records, 10);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    let report = import_with(&[small], &db, &ImportOptions { force: true }).unwrap();
    assert_eq!(report.meta.stats.records, 1);
    assert!(
        report.warnings[0].contains("shrink"),
        "{:?}",
        report.warnings
    );
}

/// A valid record larger than the 64 MiB limit is listed as too large, not as malformed, and
/// the stored metadata names every rejected file with its reason.
#[test]
fn a_huge_valid_record_is_too_large_not_malformed() {
    let t = tempfile::tempdir().unwrap();
    let src = dir_of(
        t.path(),
        "src",
        &[
            ("ok.json", rec("PYSEC-OK", "ok")),
            (
                "broken.json",
                "{\"id\": \"BROKEN-1\", \"affected\": 7}".to_owned(),
            ),
        ],
    );
    let huge = format!(
        r#"{{"id":"PYSEC-HUGE","details":"{}","affected":[]}}"#,
        "a".repeat(119 * 1024 * 1024)
    );
    std::fs::write(src.join("huge.json"), huge).unwrap();
    let db = t.path().join("osv.db");
    let meta = import(std::slice::from_ref(&src), &db).unwrap();
    assert_eq!(meta.stats.records, 1);
    assert_eq!(meta.stats.malformed, 1);
    assert_eq!(meta.stats.too_large, 1);
    let huge_entry = meta
        .stats
        .rejected
        .iter()
        .find(|r| r.file.ends_with("huge.json"))
        .unwrap();
    assert_eq!(huge_entry.reason, "too large: 119.0 MiB (limit 64 MiB)");
    let broken = meta
        .stats
        .rejected
        .iter()
        .find(|r| r.file.ends_with("broken.json"))
        .unwrap();
    assert_eq!(broken.id.as_deref(), Some("BROKEN-1"));
    assert!(
        broken.reason.starts_with("not an OSV record:"),
        "{broken:?}"
    );
    // The same list is read back from the store (`db status`).
    let stored = Store::open(&db).unwrap().metadata().unwrap().clone();
    assert_eq!(stored.stats.rejected, meta.stats.rejected);
}

#[test]
fn temp_files_of_dead_imports_are_removed_live_ones_kept() {
    let t = tempfile::tempdir().unwrap();
    let (db, _) = good_store(t.path(), 2);
    // A process that has exited: its pid is free (and not reused within this test).
    let mut dead = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = dead.id();
    dead.wait().unwrap();
    let mut live = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    let stale = t.path().join(format!(".osv.db.tmp-{dead_pid}-123"));
    let running = t.path().join(format!(".osv.db.tmp-{}-456", live.id()));
    let other = t.path().join(".other.db.tmp-1-1");
    for f in [&stale, &running, &other] {
        std::fs::write(f, vec![0u8; 1024]).unwrap();
    }
    let good = t.path().join("good");
    import(&[good], &db).unwrap();
    let stale_gone = !stale.exists();
    let kept = running.exists() && other.exists();
    live.kill().unwrap();
    live.wait().unwrap();
    assert!(stale_gone, "stale temp file of pid {dead_pid} left behind");
    assert!(
        kept,
        "a running import's temp file or another store's was removed"
    );
    assert_eq!(bulwark_vulndb::remove_stale_temp_files(&db), vec![running]);
}
