//! The daemon source over `tcp://` with TLS (`DOCKER_TLS_VERIFY` + `DOCKER_CERT_PATH`), against
//! the machine's real engine: stunnel terminates mutual TLS on a loopback port in front of the
//! engine's unix socket (socat 1.7's OpenSSL server refuses rustls' session resumption), with
//! a CA, server and client certificates made here by openssl.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bulwark_oci::{DockerDaemon, EngineEndpoint};

fn tool(name: &str) -> bool {
    let ok = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let msg = format!(
            "{name} not installed (apt-get install {})",
            if name == "stunnel" { "stunnel4" } else { name }
        );
        assert!(!bulwark_testutil::is_ci(), "{msg}");
        eprintln!("SKIPPED: {msg}");
    }
    ok
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// ca.pem, server.pem/server-key.pem (IP 127.0.0.1), cert.pem/key.pem (client) in `dir`.
fn make_certs(dir: &Path) {
    openssl(
        dir,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "ca-key.pem",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            "ca-key.pem",
            "-subj",
            "/CN=bulwark test CA",
            "-days",
            "2",
            "-out",
            "ca.pem",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    for (name, key, ext) in [
        (
            "server",
            "server-key.pem",
            "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
        ),
        (
            "client",
            "key.pem",
            "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n",
        ),
    ] {
        openssl(
            dir,
            &[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-out",
                key,
            ],
        );
        openssl(
            dir,
            &[
                "req",
                "-new",
                "-key",
                key,
                "-subj",
                &format!("/CN={name}"),
                "-out",
                &format!("{name}.csr"),
            ],
        );
        std::fs::write(dir.join(format!("{name}.ext")), ext).unwrap();
        let cert = if name == "server" {
            "server.pem"
        } else {
            "cert.pem"
        };
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &format!("{name}.csr"),
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca-key.pem",
                "-CAcreateserial",
                "-days",
                "2",
                "-out",
                cert,
                "-extfile",
                &format!("{name}.ext"),
            ],
        );
    }
}

struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn tls_endpoint_with_client_certificates() {
    if !bulwark_testutil::docker_available() || !tool("stunnel") || !tool("openssl") {
        return;
    }
    let socket = "/var/run/docker.sock";
    if !Path::new(socket).exists() {
        eprintln!("SKIPPED: {socket} not present");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    make_certs(dir.path());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let d = dir.path().display();
    let conf = dir.path().join("stunnel.conf");
    std::fs::write(
        &conf,
        format!(
            "foreground = yes\npid =\n[docker]\naccept = 127.0.0.1:{port}\nconnect = {socket}\ncert = {d}/server.pem\nkey = {d}/server-key.pem\nCAfile = {d}/ca.pem\nverifyChain = yes\nrequireCert = yes\n"
        ),
    )
    .unwrap();
    let child = Command::new("stunnel")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _stunnel = Kill(child);
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "stunnel did not listen"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let host = format!("tcp://127.0.0.1:{port}");
    let env: HashMap<&str, String> = HashMap::from([
        ("DOCKER_TLS_VERIFY", "1".to_string()),
        (
            "DOCKER_CERT_PATH",
            dir.path().to_string_lossy().into_owned(),
        ),
    ]);
    let lookup = |k: &str| env.get(k).cloned();
    let endpoint = EngineEndpoint::from_host_with(&host, &lookup, None).unwrap();
    assert!(endpoint.tls.is_some());
    let daemon = DockerDaemon::with_endpoint(endpoint).unwrap();
    daemon.ping().unwrap();
    // a real request through TLS: inspect of an image that is not there is a clean None
    assert_eq!(
        daemon.inspect("bulwark-tls-test:does-not-exist").unwrap(),
        None
    );

    // Without DOCKER_TLS_VERIFY the client speaks plain HTTP to the TLS port: an error that
    // names the endpoint, not a hang or a panic.
    let plain = EngineEndpoint::from_host_with(&host, &|_| None, None).unwrap();
    let err = DockerDaemon::with_endpoint(plain)
        .unwrap()
        .ping()
        .unwrap_err()
        .to_string();
    assert!(err.contains(&host), "{err}");

    // A client certificate the server's CA did not sign is refused.
    let other = tempfile::tempdir().unwrap();
    make_certs(other.path());
    std::fs::copy(dir.path().join("ca.pem"), other.path().join("ca.pem")).unwrap();
    let env2: HashMap<&str, String> = HashMap::from([
        ("DOCKER_TLS_VERIFY", "1".to_string()),
        (
            "DOCKER_CERT_PATH",
            other.path().to_string_lossy().into_owned(),
        ),
    ]);
    let lookup2 = |k: &str| env2.get(k).cloned();
    let wrong = EngineEndpoint::from_host_with(&host, &lookup2, None).unwrap();
    assert!(DockerDaemon::with_endpoint(wrong).unwrap().ping().is_err());
}
