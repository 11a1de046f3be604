//! `bulwark server` under faults, with real processes and a real PostgreSQL 15: a worker
//! killed with SIGKILL mid-scan (its job finishes on another instance), PostgreSQL restarted
//! during a run (no result lost, none twice), and 200 scan requests from 20 clients at once
//! against two instances sharing the database. Loops are bounded by counts; deadlines only
//! stop a hang.
#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    clippy::duration_suboptimal_units
)]

mod server_support;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use server_support::{Server, free_port, import_db, push, small_image, test_image};

const VULN: &str = "application/vnd.security.vulnerability.report; version=1.1";

fn psql(pg: &bulwark_testutil::postgres::LocalPostgres, sql: &str) -> String {
    let out = Command::new("psql")
        .args(["-X", "-A", "-t", "-d", &pg.url(), "-c", sql])
        .output()
        .expect("run psql");
    assert!(
        out.status.success(),
        "psql: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn server_args<'a>(pg: &'a str, db: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "--database",
        pg,
        "--db-path",
        db,
        "--offline",
        "--refresh-after",
        "1",
    ];
    v.extend_from_slice(extra);
    v
}

/// SIGKILL to the instance running a scan: after its lease expires another instance takes the
/// job and finishes it; Harbor's poll gets the report from either instance.
#[test]
fn killed_worker_job_finishes_on_another_instance() {
    let Some(image_dir) = test_image() else {
        return;
    };
    let Some(osv) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    let Some(pg) = bulwark_testutil::postgres::start_postgres() else {
        return;
    };
    let Some(registry) = bulwark_testutil::registry::start_registry(None) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("osv.db");
    import_db(&db, &[&osv]);
    let digest = push(&image_dir.join("oci"), &registry.host(), "app:1", None);
    let url = pg.url();
    let dbs = db.to_str().unwrap();
    // No layer cache: the scan takes seconds, long enough to be killed in the middle.
    let a_args = server_args(
        &url,
        dbs,
        &["--workers", "1", "--lease", "3s", "--no-cache"],
    );
    let mut a = Server::start(free_port(), &tmp.path().join("a.log"), &a_args, None);
    let id = a.harbor_scan(&registry.host(), "app", &digest, None);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let job = a.job(&id);
        if job["state"] == "running" {
            break;
        }
        assert_eq!(job["state"], "queued", "{job}");
        assert!(Instant::now() < deadline, "job never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    a.child.kill().unwrap(); // SIGKILL
    a.child.wait().unwrap();
    let running = psql(
        &pg,
        &format!("SELECT state, attempts FROM jobs WHERE id = '{id}'"),
    );
    assert_eq!(running, "running|1", "killed mid-scan");

    let b_args = server_args(
        &url,
        dbs,
        &["--workers", "1", "--lease", "3s", "--no-cache"],
    );
    let b = Server::start(free_port(), &tmp.path().join("b.log"), &b_args, None);
    let (status, text) = b.poll_report(&id, VULN, "", Duration::from_secs(180));
    assert_eq!(status, 200, "{text}\n{}", b.log_text());
    let report: Value = serde_json::from_str(&text).unwrap();
    assert!(!report["vulnerabilities"].as_array().unwrap().is_empty());
    let job = b.job(&id);
    assert_eq!(job["state"], "done");
    assert_eq!(
        job["attempts"], 2,
        "taken again after the lease expired: {job}"
    );
    assert_eq!(psql(&pg, "SELECT count(*) FROM results"), "1");
}

/// PostgreSQL stops and starts again while scans run: every job still finishes, each result
/// is stored once, nothing fails.
#[test]
fn postgres_restart_during_a_run_loses_no_result() {
    let Some(osv) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    let Some(pg) = bulwark_testutil::postgres::start_postgres() else {
        return;
    };
    let Some(registry) = bulwark_testutil::registry::start_registry(None) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("osv.db");
    import_db(&db, &[&osv]);
    let digests: Vec<String> = (0..8)
        .map(|n| {
            push(
                &small_image(tmp.path(), n),
                &registry.host(),
                &format!("gen/app:{n}"),
                None,
            )
        })
        .collect();
    let url = pg.url();
    let args = server_args(
        &url,
        db.to_str().unwrap(),
        &["--workers", "2", "--lease", "5s", "--no-cache"],
    );
    let server = Server::start(free_port(), &tmp.path().join("server.log"), &args, None);
    let ids: Vec<String> = digests
        .iter()
        .map(|d| server.harbor_scan(&registry.host(), "gen/app", d, None))
        .collect();
    pg.stop();
    // While the database is down a poll is told to come back later, never that the scan failed.
    let (status, _, _) = server.get(&format!("/api/v1/scan/{}/report", ids[0]), &[]);
    assert_eq!(status, 302);
    std::thread::sleep(Duration::from_secs(2));
    pg.start();
    for id in &ids {
        let (status, text) = server.poll_report(id, VULN, "", Duration::from_secs(180));
        assert_eq!(status, 200, "{text}\n{}", server.log_text());
    }
    assert_eq!(psql(&pg, "SELECT count(*) FROM results"), "8");
    assert_eq!(psql(&pg, "SELECT count(DISTINCT digest) FROM results"), "8");
    assert_eq!(
        psql(&pg, "SELECT count(*) FROM jobs WHERE state <> 'done'"),
        "0"
    );
    assert_eq!(psql(&pg, "SELECT count(*) FROM changes"), "0");
}

/// 20 clients send 10 scan requests each (200 in all, over 8 images) to two instances
/// sharing one PostgreSQL: every request gets a report.
#[test]
fn two_hundred_requests_from_twenty_clients() {
    let Some(osv) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    let Some(pg) = bulwark_testutil::postgres::start_postgres() else {
        return;
    };
    let Some(registry) = bulwark_testutil::registry::start_registry(None) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("osv.db");
    import_db(&db, &[&osv]);
    let digests: Vec<String> = (0..8)
        .map(|n| {
            push(
                &small_image(tmp.path(), n),
                &registry.host(),
                &format!("gen/app:{n}"),
                None,
            )
        })
        .collect();
    let url = pg.url();
    let dbs = db.to_str().unwrap();
    let cache = tmp.path().join("cache");
    let args = server_args(
        &url,
        dbs,
        &["--workers", "2", "--cache-dir", cache.to_str().unwrap()],
    );
    let servers = [
        Server::start(free_port(), &tmp.path().join("a.log"), &args, None),
        Server::start(free_port(), &tmp.path().join("b.log"), &args, None),
    ];
    let host = registry.host();
    let ids: Vec<(usize, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..20)
            .map(|client| {
                let (servers, digests, host) = (&servers, &digests, &host);
                s.spawn(move || {
                    (0..10)
                        .map(|n| {
                            let which = (client + n) % 2;
                            let d = &digests[(client * 10 + n) % digests.len()];
                            (which, servers[which].harbor_scan(host, "gen/app", d, None))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert_eq!(ids.len(), 200);
    let distinct: std::collections::BTreeSet<&String> = ids.iter().map(|(_, id)| id).collect();
    assert_eq!(distinct.len(), 200, "every request has its own id");
    for (which, id) in &ids {
        let (status, text) = servers[*which].poll_report(id, VULN, "", Duration::from_secs(300));
        assert_eq!(status, 200, "{text}");
    }
    assert_eq!(psql(&pg, "SELECT count(*) FROM results"), "8");
    assert_eq!(
        psql(&pg, "SELECT count(*) FROM jobs WHERE state = 'done'"),
        "200"
    );
}

/// SIGTERM while a scan runs: the server stops taking jobs, gives the running one back to the
/// queue when the shutdown timeout passes, exits 0; the next instance on the same embedded
/// store finishes it.
#[test]
fn graceful_shutdown_requeues_the_running_job() {
    let Some(image_dir) = test_image() else {
        return;
    };
    let Some(osv) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    let Some(registry) = bulwark_testutil::registry::start_registry(None) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("osv.db");
    import_db(&db, &[&osv]);
    let digest = push(&image_dir.join("oci"), &registry.host(), "app:1", None);
    let store = tmp.path().join("store.db");
    let (store_s, db_s) = (store.to_str().unwrap(), db.to_str().unwrap());
    let args = [
        "--database",
        store_s,
        "--db-path",
        db_s,
        "--offline",
        "--refresh-after",
        "1",
        "--workers",
        "1",
        "--no-cache",
        "--shutdown-timeout",
        "0s",
    ];
    let mut a = Server::start(free_port(), &tmp.path().join("a.log"), &args, None);
    let id = a.harbor_scan(&registry.host(), "app", &digest, None);
    let deadline = Instant::now() + Duration::from_secs(60);
    while a.job(&id)["state"] != "running" {
        assert!(Instant::now() < deadline, "job never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(a.terminate().success(), "{}", a.log_text());
    assert!(a.log_text().contains("re-queued"), "{}", a.log_text());
    let b = Server::start(free_port(), &tmp.path().join("b.log"), &args, None);
    let (status, text) = b.poll_report(&id, VULN, "", Duration::from_secs(180));
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        b.job(&id)["attempts"],
        1,
        "a re-queued job does not count as a death"
    );
}
