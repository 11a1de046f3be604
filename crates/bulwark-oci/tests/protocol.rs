//! Registry protocol details that a stock `docker-registry` cannot exercise (Bearer token
//! challenges, 429/5xx retries), checked against a small scripted HTTP server on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bulwark_oci::{
    Credential, CredentialStore, Digest, OciError, Reference, RegistryClient, RegistryOptions,
};

#[derive(Debug, Clone)]
struct Seen {
    line: String,
    auth: Option<String>,
}

/// Serves connections one at a time; `respond(request_line, auth, n)` returns
/// (status, headers, body). Every response closes the connection.
fn serve<F>(respond: F) -> (u16, Arc<Mutex<Vec<Seen>>>)
where
    F: Fn(&str, Option<&str>, usize) -> (u16, Vec<(String, String)>, Vec<u8>) + Send + 'static,
{
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = Arc::clone(&seen);
    std::thread::spawn(move || {
        for (n, conn) in l.incoming().enumerate() {
            let Ok(mut s) = conn else { return };
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut line = String::new();
            if r.read_line(&mut line).unwrap_or(0) == 0 {
                continue;
            }
            let mut auth = None;
            let mut len = 0usize;
            loop {
                let mut h = String::new();
                if r.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = h.split_once(':') {
                    match k.trim().to_ascii_lowercase().as_str() {
                        "authorization" => auth = Some(v.trim().to_string()),
                        "content-length" => len = v.trim().parse().unwrap_or(0),
                        _ => {}
                    }
                }
            }
            let mut body = vec![0u8; len];
            std::io::Read::read_exact(&mut r, &mut body).unwrap();
            let line = line.trim().to_string();
            seen2.lock().unwrap().push(Seen {
                line: line.clone(),
                auth: auth.clone(),
            });
            let (status, headers, body) = respond(&line, auth.as_deref(), n);
            let mut resp = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (k, v) in headers {
                let _ = write!(resp, "{k}: {v}\r\n");
            }
            resp.push_str("\r\n");
            let _ = s.write_all(resp.as_bytes());
            let _ = s.write_all(&body);
        }
    });
    (port, seen)
}

fn opts(cred: Option<Credential>) -> RegistryOptions {
    RegistryOptions {
        credentials: CredentialStore {
            explicit: cred,
            ignore_docker_config: true,
            ..CredentialStore::default()
        },
        base_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(20),
        max_attempts: 4,
        ..RegistryOptions::default()
    }
}

const MANIFEST: &[u8] = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","size":0},"layers":[]}"#;

#[test]
fn bearer_challenge_token_and_retries() {
    let manifest_calls = Arc::new(Mutex::new(0));
    let mc = Arc::clone(&manifest_calls);
    let port_cell = Arc::new(Mutex::new(0u16));
    let pc = Arc::clone(&port_cell);
    let (port, seen) = serve(move |line, auth, _| {
        let port = *pc.lock().unwrap();
        if line.starts_with("GET /token?") {
            return (
                200,
                vec![],
                br#"{"token":"tok123","expires_in":300}"#.to_vec(),
            );
        }
        if line.starts_with("GET /v2/team/repo/manifests/1 ") {
            if auth != Some("Bearer tok123") {
                return (
                    401,
                    vec![(
                        "WWW-Authenticate".into(),
                        format!(
                            r#"Bearer realm="http://127.0.0.1:{port}/token",service="test-svc",scope="repository:team/repo:pull""#
                        ),
                    )],
                    br#"{"errors":[{"code":"UNAUTHORIZED","message":"auth required"}]}"#.to_vec(),
                );
            }
            let mut n = mc.lock().unwrap();
            *n += 1;
            return match *n {
                1 => (503, vec![], b"busy".to_vec()),
                2 => (
                    429,
                    vec![("Retry-After".into(), "0".into())],
                    b"slow down".to_vec(),
                ),
                _ => (
                    200,
                    vec![
                        (
                            "Content-Type".into(),
                            "application/vnd.oci.image.manifest.v1+json".into(),
                        ),
                        (
                            "Docker-Content-Digest".into(),
                            Digest::sha256_of(MANIFEST).to_string(),
                        ),
                    ],
                    MANIFEST.to_vec(),
                ),
            };
        }
        (404, vec![], b"{}".to_vec())
    });
    *port_cell.lock().unwrap() = port;
    let client = RegistryClient::new(opts(Some(Credential::Basic {
        username: "alice".into(),
        password: "pw".into(),
    })));
    let r = Reference::parse(&format!("127.0.0.1:{port}/team/repo:1")).unwrap();
    let m = client.get_manifest(&r).unwrap();
    assert_eq!(m.bytes, MANIFEST);
    assert_eq!(m.digest, Digest::sha256_of(MANIFEST));
    let log = seen.lock().unwrap().clone();
    let lines: Vec<&str> = log
        .iter()
        .map(|s| s.line.split(' ').nth(1).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert!(lines[1].starts_with("/token?"));
    assert!(
        lines[1].contains("service=test-svc")
            && lines[1].contains("scope=repository%3Ateam%2Frepo%3Apull"),
        "{}",
        lines[1]
    );
    // token endpoint got Basic credentials: base64("alice:pw")
    assert_eq!(log[1].auth.as_deref(), Some("Basic YWxpY2U6cHc="));
    assert_eq!(log[0].auth, None);
    assert!(
        log[2..]
            .iter()
            .all(|s| s.auth.as_deref() == Some("Bearer tok123"))
    );
    // the token is cached: a second request goes straight through
    client.get_manifest(&r).unwrap();
    let log = seen.lock().unwrap().clone();
    assert_eq!(log.len(), 6);
    assert_eq!(log[5].auth.as_deref(), Some("Bearer tok123"));
}

#[test]
fn retries_are_bounded_and_errors_name_the_image() {
    let (port, seen) = serve(|_, _, _| {
        (
            503,
            vec![],
            br#"{"errors":[{"code":"UNAVAILABLE","message":"down"}]}"#.to_vec(),
        )
    });
    let client = RegistryClient::new(opts(None));
    let r = Reference::parse(&format!("127.0.0.1:{port}/x:1")).unwrap();
    let e = client.get_manifest(&r).unwrap_err();
    match &e {
        OciError::Registry {
            status,
            message,
            image,
            ..
        } => {
            assert_eq!(*status, 503);
            assert!(message.contains("UNAVAILABLE: down"), "{message}");
            assert!(image.contains("/x:1"));
        }
        other => panic!("expected Registry error, got {other}"),
    }
    assert_eq!(seen.lock().unwrap().len(), 4, "max_attempts = 4");
}

#[test]
fn digest_mismatch_from_registry_is_caught() {
    let (port, _) = serve(|line, _, _| {
        if line.contains("/manifests/") {
            (
                200,
                vec![(
                    "Content-Type".into(),
                    "application/vnd.oci.image.manifest.v1+json".into(),
                )],
                MANIFEST.to_vec(),
            )
        } else {
            (200, vec![], b"not the blob you asked for".to_vec())
        }
    });
    let client = RegistryClient::new(opts(None));
    let wrong = Digest::sha256_of(b"something else");
    let r = Reference::parse(&format!("127.0.0.1:{port}/x@{wrong}")).unwrap();
    let e = client.get_manifest(&r).unwrap_err();
    assert!(matches!(e, OciError::DigestMismatch { .. }), "{e}");
    let e = client.get_blob_bytes(&r, &wrong, 1024).unwrap_err();
    assert!(matches!(e, OciError::DigestMismatch { .. }), "{e}");
}

#[test]
fn bearer_without_credentials_is_anonymous_and_rejection_is_reported() {
    let (port, seen) = serve(move |line, _, _| {
        if line.starts_with("GET /token") {
            return (401, vec![], br#"{"details":"bad creds"}"#.to_vec());
        }
        (
            401,
            vec![(
                "WWW-Authenticate".into(),
                "Bearer realm=\"http://127.0.0.1:1/token\"".into(),
            )],
            vec![],
        )
    });
    let client = RegistryClient::new(opts(None));
    let r = Reference::parse(&format!("127.0.0.1:{port}/x:1")).unwrap();
    let e = client.get_manifest(&r).unwrap_err();
    // realm points at a closed port: the token fetch fails and is reported as unauthorized
    assert!(matches!(e, OciError::Unauthorized { .. }), "{e}");
    assert!(e.to_string().contains("token endpoint"), "{e}");
    assert!(seen.lock().unwrap().iter().all(|s| s.auth.is_none()));
}

/// A registry token handed over as is (Harbor's scan request `Bearer` authorization) answers a
/// Bearer challenge directly: no token endpoint is called.
#[test]
fn registry_token_is_sent_without_a_token_exchange() {
    let port_cell = Arc::new(Mutex::new(0u16));
    let pc = Arc::clone(&port_cell);
    let (port, seen) = serve(move |line, auth, _| {
        let port = *pc.lock().unwrap();
        if line.starts_with("GET /v2/team/repo/manifests/1 ") && auth == Some("Bearer given-jwt") {
            return (
                200,
                vec![
                    (
                        "Content-Type".into(),
                        "application/vnd.oci.image.manifest.v1+json".into(),
                    ),
                    (
                        "Docker-Content-Digest".into(),
                        Digest::sha256_of(MANIFEST).to_string(),
                    ),
                ],
                MANIFEST.to_vec(),
            );
        }
        (
            401,
            vec![(
                "WWW-Authenticate".into(),
                format!(r#"Bearer realm="http://127.0.0.1:{port}/token",service="s""#),
            )],
            b"{}".to_vec(),
        )
    });
    *port_cell.lock().unwrap() = port;
    let client = RegistryClient::new(opts(Some(Credential::RegistryToken("given-jwt".into()))));
    let r = Reference::parse(&format!("127.0.0.1:{port}/team/repo:1")).unwrap();
    assert_eq!(client.get_manifest(&r).unwrap().bytes, MANIFEST);
    let log = seen.lock().unwrap().clone();
    assert!(log.iter().all(|s| !s.line.contains("/token")), "{log:?}");
    assert_eq!(
        log.last().unwrap().auth.as_deref(),
        Some("Bearer given-jwt")
    );
}
