//! The registry client under network deadlines, against loopback stubs that hang, never
//! answer, drip, or keep asking to retry: each request ends with `OciError::Deadline` naming
//! the host and the deadline, in about that deadline's time, without retrying a timeout.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers

use std::io::Read;
use std::time::{Duration, Instant};

use bulwark_net::{Expired, Notifier, Timeouts};
use bulwark_oci::{CredentialStore, Digest, OciError, Reference, RegistryClient, RegistryOptions};
use bulwark_testutil::http::{self, Reply, Server};

const MANIFEST: &[u8] = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","size":0},"layers":[]}"#;

fn client(t: Timeouts) -> RegistryClient {
    RegistryClient::new(RegistryOptions {
        credentials: CredentialStore {
            ignore_docker_config: true,
            ..CredentialStore::default()
        },
        base_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(20),
        max_attempts: 4,
        timeouts: t,
        ..RegistryOptions::default()
    })
}

fn t(connect_ms: u64, read_ms: u64, total_ms: u64) -> Timeouts {
    Timeouts {
        connect: Duration::from_millis(connect_ms),
        read: Duration::from_millis(read_ms),
        total: Duration::from_millis(total_ms),
    }
}

fn reference(s: &Server) -> Reference {
    Reference::parse(&format!("{}/app:1", s.host())).unwrap()
}

fn deadline_of(e: &OciError) -> &bulwark_net::DeadlineError {
    match e {
        OciError::Deadline { deadline, .. } => deadline,
        other => panic!("not a deadline error: {other}"),
    }
}

#[test]
fn registry_that_never_answers_fails_after_the_read_deadline_without_retrying() {
    let s = http::silent();
    let c = client(t(2000, 800, 30_000));
    let start = Instant::now();
    let e = c.get_manifest(&reference(&s)).unwrap_err();
    let took = start.elapsed();
    let d = deadline_of(&e);
    assert_eq!(d.expired, Expired::Read);
    assert_eq!(d.host, s.host());
    let text = e.to_string();
    assert!(
        text.contains("127.0.0.1:") && text.contains("read deadline"),
        "{text}"
    );
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert_eq!(
        s.requests().len(),
        1,
        "a timed-out request must not be retried"
    );
}

#[test]
fn registry_that_never_reads_fails_after_the_read_deadline() {
    let s = http::hang();
    let c = client(t(2000, 800, 30_000));
    let start = Instant::now();
    let e = c.get_manifest(&reference(&s)).unwrap_err();
    assert_eq!(deadline_of(&e).expired, Expired::Read);
    assert!(start.elapsed() < Duration::from_secs(3));
}

#[test]
fn dripping_manifest_fails_at_the_total_deadline() {
    let s = http::serve(|_| Reply::DripBody {
        status: 200,
        headers: vec![(
            "Content-Type".into(),
            "application/vnd.oci.image.manifest.v1+json".into(),
        )],
        body: MANIFEST.to_vec(),
        every: Duration::from_millis(150),
    });
    let c = client(t(2000, 1000, 2000));
    let start = Instant::now();
    let e = c.get_manifest(&reference(&s)).unwrap_err();
    let took = start.elapsed();
    assert_eq!(deadline_of(&e).expired, Expired::Total, "{e}");
    assert!(e.to_string().contains("total deadline"), "{e}");
    assert!(
        took >= Duration::from_millis(1900) && took < Duration::from_secs(5),
        "{took:?}"
    );
}

#[test]
fn dripping_blob_stream_fails_at_the_total_deadline_naming_the_host() {
    let blob = vec![7u8; 4096];
    let digest = Digest::sha256_of(&blob);
    let s = http::drip_body(blob, Duration::from_millis(100));
    let c = client(t(2000, 1000, 1500));
    let seen = std::sync::Arc::new(std::sync::Mutex::new(0usize));
    let start = Instant::now();
    let mut r = c.get_blob(&reference(&s), &digest, None).unwrap();
    let mut sink = Vec::new();
    let e = r.read_to_end(&mut sink).unwrap_err();
    let took = start.elapsed();
    assert_eq!(e.kind(), std::io::ErrorKind::TimedOut, "{e}");
    let text = e.to_string();
    assert!(
        text.contains(&s.host()) && text.contains("total deadline"),
        "{text}"
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
    drop(seen);
}

#[test]
fn retry_backoff_never_crosses_the_total_deadline() {
    // 503 with Retry-After: 60 (capped at max_backoff 8 s by default): the sleep that would
    // cross a 1.5 s total deadline is refused at once
    let s = http::serve(|_| Reply::Full {
        status: 503,
        headers: vec![("Retry-After".into(), "60".into())],
        body: Vec::new(),
    });
    let c = RegistryClient::new(RegistryOptions {
        credentials: CredentialStore {
            ignore_docker_config: true,
            ..CredentialStore::default()
        },
        timeouts: t(2000, 2000, 1500),
        ..RegistryOptions::default()
    });
    let start = Instant::now();
    let e = c.get_manifest(&reference(&s)).unwrap_err();
    assert_eq!(deadline_of(&e).expired, Expired::Total, "{e}");
    assert!(start.elapsed() < Duration::from_millis(1500));
    assert_eq!(s.requests().len(), 1);
}

#[test]
fn unaccepted_connection_fails_after_the_connect_deadline() {
    let Some(s) = http::unaccepting() else {
        assert!(
            !bulwark_testutil::is_ci(),
            "the kernel accepted beyond the listen backlog"
        );
        eprintln!("SKIP: cannot fill the accept queue on this kernel");
        return;
    };
    let c = client(t(700, 5000, 30_000));
    let start = Instant::now();
    let e = c.get_manifest(&reference(&s)).unwrap_err();
    assert_eq!(deadline_of(&e).expired, Expired::Connect, "{e}");
    assert!(e.to_string().contains("connect deadline"), "{e}");
    assert!(start.elapsed() < Duration::from_secs(3));
}

#[test]
fn long_waits_are_reported() {
    let s = http::silent();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = std::sync::Arc::clone(&seen);
    let c = RegistryClient::new(RegistryOptions {
        credentials: CredentialStore {
            ignore_docker_config: true,
            ..CredentialStore::default()
        },
        timeouts: t(2000, 6000, 30_000),
        notifier: Notifier::new(move |m| sink.lock().unwrap().push(m.to_owned())),
        ..RegistryOptions::default()
    });
    let e = c.get_manifest(&reference(&s)).unwrap_err();
    assert_eq!(deadline_of(&e).expired, Expired::Read);
    let seen = seen.lock().unwrap();
    assert!(
        seen.iter()
            .any(|m| m.contains(&s.host()) && m.contains("GET /v2/app/manifests/1")),
        "{seen:?}"
    );
}
