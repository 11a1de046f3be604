//! The queue and result store, the same checks on both backends: SQLite (a temp file) and a
//! real PostgreSQL 15 started by the test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::many_single_char_names
)]

use bulwark_server::store::{InventoryRow, JobKind, JobState, NewChange, NewJob, Store, VulnPair};

fn job(id: &str, digest: &str) -> NewJob {
    NewJob {
        id: id.into(),
        kind: JobKind::Scan,
        image: format!("127.0.0.1:5000/app@{digest}"),
        repository: "app".into(),
        digest: digest.into(),
        tag: Some("1".into()),
        mime_type: None,
        insecure: true,
        pinned_to: None,
        pinned_until: None,
        db_version: None,
    }
}

fn pair(id: &str) -> VulnPair {
    VulnPair {
        id: id.into(),
        package: "urllib3".into(),
        version: "1.26.4".into(),
        fix_version: "1.26.5".into(),
        severity: "high".into(),
        target: "/usr/lib/python3/dist-packages".into(),
    }
}

async fn queue_semantics(store: &Store) {
    let t = 1_000;
    assert!(store.enqueue(&job("a", "sha256:aa"), t).await.unwrap());
    assert!(store.enqueue(&job("b", "sha256:bb"), t + 1).await.unwrap());
    let depth = store.queue_depth().await.unwrap();
    assert_eq!((depth.queued, depth.running), (2, 0));

    // Oldest first; a leased job is not handed out again while its lease holds.
    let a = store
        .lease("w1", "i1", t + 2, t + 12, 3)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (a.id.as_str(), a.state, a.attempts),
        ("a", JobState::Running, 1)
    );
    let b = store
        .lease("w2", "i1", t + 2, t + 12, 3)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(b.id, "b");
    assert!(
        store
            .lease("w3", "i2", t + 3, t + 13, 3)
            .await
            .unwrap()
            .is_none()
    );

    // A lease that is renewed holds; one that expires passes to another worker.
    assert!(store.renew("a", "w1", t + 30).await.unwrap());
    let again = store
        .lease("w3", "i2", t + 20, t + 40, 3)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.id.as_str(), again.attempts), ("b", 2));
    assert!(!store.renew("b", "w2", t + 50).await.unwrap(), "w2 lost b");
    assert!(!store.complete("b", "w2", "v1", t + 21).await.unwrap());
    assert!(store.complete("b", "w3", "v1", t + 21).await.unwrap());
    let b = store.job("b").await.unwrap().unwrap();
    assert_eq!(
        (b.state, b.db_version.as_deref()),
        (JobState::Done, Some("v1"))
    );

    // Failures are recorded; re-queue gives a job back without counting the attempt.
    assert!(store.requeue("a", "w1", t + 22).await.unwrap());
    let a = store.job("a").await.unwrap().unwrap();
    assert_eq!((a.state, a.attempts), (JobState::Queued, 0));
    let a = store
        .lease("w1", "i1", t + 23, t + 33, 3)
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .fail(&a.id, "w1", "registry said no", t + 24)
            .await
            .unwrap()
    );
    let a = store.job("a").await.unwrap().unwrap();
    assert_eq!(a.state, JobState::Failed);
    assert_eq!(a.error.as_deref(), Some("registry said no"));

    // A job whose workers keep dying fails after max_attempts.
    store.enqueue(&job("c", "sha256:cc"), t + 25).await.unwrap();
    for n in 0..2 {
        let now = t + 30 + n * 100;
        let c = store
            .lease("wx", "ix", now, now + 10, 2)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.id, "c");
    }
    assert!(
        store
            .lease("wy", "iy", t + 300, t + 310, 2)
            .await
            .unwrap()
            .is_none()
    );
    let c = store.job("c").await.unwrap().unwrap();
    assert_eq!(c.state, JobState::Failed);
    assert!(c.error.unwrap().contains("started 2 times"));

    // Jobs pinned to an instance (they carry its in-memory credentials) go to it only, and
    // fail once that instance stops renewing the pin.
    let mut pinned = job("d", "sha256:dd");
    pinned.pinned_to = Some("owner".into());
    pinned.pinned_until = Some(t + 500);
    store.enqueue(&pinned, t + 400).await.unwrap();
    assert!(
        store
            .lease("w9", "other", t + 401, t + 411, 3)
            .await
            .unwrap()
            .is_none()
    );
    store.renew_pins("owner", t + 700).await.unwrap();
    assert!(
        store
            .lease("w9", "other", t + 600, t + 611, 3)
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.job("d").await.unwrap().unwrap().state == JobState::Queued);
    assert!(
        store
            .lease("w9", "other", t + 701, t + 711, 3)
            .await
            .unwrap()
            .is_none()
    );
    let d = store.job("d").await.unwrap().unwrap();
    assert_eq!(d.state, JobState::Failed);
    assert!(d.error.unwrap().contains("credentials"));
    let mut pinned = job("e", "sha256:ee");
    pinned.pinned_to = Some("owner".into());
    pinned.pinned_until = Some(t + 900);
    store.enqueue(&pinned, t + 800).await.unwrap();
    let e = store
        .lease("w1", "owner", t + 801, t + 811, 3)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(e.id, "e");

    // Re-scan jobs are queued once per (digest, database version).
    let mut r = job("r1", "sha256:aa");
    r.kind = JobKind::Rescan;
    r.db_version = Some("v2".into());
    assert!(store.enqueue(&r, t).await.unwrap());
    r.id = "r2".into();
    assert!(!store.enqueue(&r, t).await.unwrap());
}

async fn results_and_changes(store: &Store) {
    let t = 5_000;
    assert!(store.inventory("sha256:aa").await.unwrap().is_none());
    let row = InventoryRow {
        digest: "sha256:aa".into(),
        image: "127.0.0.1:5000/app@sha256:aa".into(),
        repository: "app".into(),
        inventory: "{}".into(),
    };
    store.put_inventory(&row, t).await.unwrap();
    store.put_inventory(&row, t + 1).await.unwrap();
    assert_eq!(store.inventory_digests().await.unwrap(), vec!["sha256:aa"]);
    store
        .put_result("sha256:aa", "v1", "[1]", None, t)
        .await
        .unwrap();
    // A second write for the same digest and version (a retried job) keeps the first.
    store
        .put_result("sha256:aa", "v1", "[2]", None, t + 1)
        .await
        .unwrap();
    assert_eq!(
        store
            .result("sha256:aa", "v1")
            .await
            .unwrap()
            .unwrap()
            .findings,
        "[1]"
    );
    let change = NewChange {
        image: row.image.clone(),
        repository: "app".into(),
        digest: "sha256:aa".into(),
        previous_db_version: Some("v1".into()),
        db_version: "v2".into(),
        added: vec![pair("CVE-1")],
        removed: vec![],
    };
    store
        .put_result("sha256:aa", "v2", "[3]", Some(&change), t + 10)
        .await
        .unwrap();
    store
        .put_result("sha256:aa", "v2", "[3]", Some(&change), t + 11)
        .await
        .unwrap();
    let latest = store
        .latest_result("sha256:aa", None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(latest.db_version, "v2");
    let other = store
        .latest_result("sha256:aa", Some("v2"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(other.db_version, "v1");
    let changes = store.changes(0, 100).await.unwrap();
    assert_eq!(
        changes.len(),
        1,
        "a retried re-scan records its change once"
    );
    assert_eq!(changes[0].added, vec![pair("CVE-1")]);
    assert!(store.changes(changes[0].seq, 100).await.unwrap().is_empty());
}

#[tokio::test]
async fn sqlite_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/store.db");
    let store = Store::open(path.to_str().unwrap()).await.unwrap();
    assert_eq!(store.backend(), "sqlite");
    store.ping().await.unwrap();
    queue_semantics(&store).await;
    results_and_changes(&store).await;
}

#[tokio::test]
async fn postgres_store() {
    let Some(pg) = bulwark_testutil::postgres::start_postgres() else {
        return;
    };
    let store = Store::open(&pg.url()).await.unwrap();
    assert_eq!(store.backend(), "postgres");
    // A second instance opening the same database finds the tables made.
    let second = Store::open(&pg.url()).await.unwrap();
    second.ping().await.unwrap();
    queue_semantics(&store).await;
    results_and_changes(&store).await;
}

#[tokio::test]
async fn postgres_errors_name_the_database_without_the_password() {
    let Err(e) = Store::open("postgres://user:s3cret@127.0.0.1:1/db").await else {
        panic!("connecting to a closed port must fail");
    };
    let text = e.to_string();
    assert!(text.contains("user:***@127.0.0.1:1/db"), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
}
