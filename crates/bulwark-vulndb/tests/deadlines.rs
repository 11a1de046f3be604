//! `update` under network deadlines, against loopback stubs: a mirror that never answers is
//! left after the idle-read deadline for the next one; a mirror that drips ends the update at
//! the total deadline with an error naming the host and the deadline; the old store stays.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers

use std::io::Write;
use std::time::{Duration, Instant};

use bulwark_net::{Notifier, Timeouts};
use bulwark_testutil::http::{self, Reply};
use bulwark_vulndb::{Store, UpdateOptions, VulnDbError, update};

fn osv_zip() -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        w.start_file("PYSEC-1.json", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(
            br#"{"id":"PYSEC-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":
            {"ecosystem":"PyPI","name":"alpha"},"ranges":[{"type":"ECOSYSTEM","events":
            [{"introduced":"0"},{"fixed":"1.0"}]}]}]}"#,
        )
        .unwrap();
        w.finish().unwrap();
    }
    buf.into_inner()
}

fn options(base: &str, mirrors: Vec<String>, db: &std::path::Path, t: Timeouts) -> UpdateOptions {
    let mut o = UpdateOptions::new(db, vec!["PyPI".to_owned()]);
    base.clone_into(&mut o.base_url);
    o.mirrors = mirrors;
    o.attempts_per_url = 3;
    o.backoff = Duration::from_millis(5);
    o.max_backoff = Duration::from_millis(20);
    o.timeouts = t;
    o
}

#[test]
fn silent_primary_falls_through_to_the_mirror_after_the_read_deadline() {
    let silent = http::silent();
    let zip = osv_zip();
    let good = http::serve(move |_| Reply::ok("application/zip", zip.clone()));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("osv.db");
    let t = Timeouts {
        connect: Duration::from_secs(2),
        read: Duration::from_millis(800),
        total: Duration::from_secs(30),
    };
    let start = Instant::now();
    update(
        &options(&silent.url(), vec![good.url()], &db, t),
        &mut |_| {},
    )
    .unwrap();
    let took = start.elapsed();
    // one attempt on the silent host (a deadline is not retried), then the mirror
    assert_eq!(silent.requests().len(), 1);
    assert!(took < Duration::from_secs(5), "{took:?}");
    let store = Store::open(&db).unwrap();
    assert_eq!(store.lookup("PyPI", "alpha").unwrap().len(), 1);
}

#[test]
fn dripping_mirror_ends_at_the_total_deadline_and_keeps_the_old_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("osv.db");
    // a good store first
    let zip = osv_zip();
    let good = http::serve(move |_| Reply::ok("application/zip", zip.clone()));
    update(
        &options(&good.url(), vec![], &db, Timeouts::default()),
        &mut |_| {},
    )
    .unwrap();
    let before = std::fs::read(&db).unwrap();

    let drip = http::drip_body(osv_zip(), Duration::from_millis(200));
    let later = http::silent();
    let t = Timeouts {
        connect: Duration::from_secs(2),
        read: Duration::from_secs(1),
        total: Duration::from_secs(2),
    };
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = std::sync::Arc::clone(&seen);
    let mut o = options(&drip.url(), vec![later.url()], &db, t);
    o.notifier = Notifier::new(move |m| sink.lock().unwrap().push(m.to_owned()));
    let start = Instant::now();
    let err = update(&o, &mut |_| {}).unwrap_err();
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(1900) && took < Duration::from_secs(6),
        "{took:?}"
    );
    let VulnDbError::Download { errors, .. } = &err else {
        panic!("unexpected error {err}");
    };
    assert!(errors.contains(&drip.host()), "{errors}");
    assert!(errors.contains("total deadline"), "{errors}");
    // the total deadline is over: the next mirror is not asked
    assert!(later.requests().is_empty());
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the old store must stay"
    );
    // no partial download left behind
    let leftovers: Vec<_> = std::fs::read_dir(bulwark_vulndb::archive_dir(&db))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".part-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    drop(seen);
}

#[test]
fn retries_never_sleep_past_the_total_deadline() {
    // 503 with a long Retry-After-like backoff: the sleep that would cross the deadline is
    // refused at once instead of being slept through
    let busy = http::serve(|_| Reply::status(503));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("osv.db");
    let mut o = options(
        &busy.url(),
        vec![],
        &db,
        Timeouts {
            connect: Duration::from_secs(2),
            read: Duration::from_secs(2),
            total: Duration::from_secs(2),
        },
    );
    o.attempts_per_url = 10;
    o.backoff = Duration::from_secs(5);
    o.max_backoff = Duration::from_secs(5);
    let start = Instant::now();
    let err = update(&o, &mut |_| {}).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    assert!(err.to_string().contains("total deadline"), "{err}");
    assert_eq!(busy.requests().len(), 1);
}
