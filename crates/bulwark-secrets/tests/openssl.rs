//! A freshly generated key (never committed) is found in every PEM flavour openssl writes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

use std::process::Command;

use bulwark_secrets::Scanner;

fn openssl(args: &[&str]) -> Option<Vec<u8>> {
    match Command::new("openssl").args(args).output() {
        Ok(o) if o.status.success() => Some(o.stdout),
        Ok(o) => panic!(
            "openssl {args:?} failed: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => {
            let msg = format!("openssl not runnable ({e})");
            assert!(!bulwark_testutil::is_ci(), "{msg}");
            eprintln!("SKIPPED: {msg}");
            None
        }
    }
}

#[test]
fn finds_freshly_generated_keys() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.pem");
    let key_s = key.to_str().unwrap();
    let Some(_) = openssl(&["genrsa", "-out", key_s, "2048"]) else {
        return;
    };
    let scanner = Scanner::builtin().unwrap();
    let pkcs8 = std::fs::read(&key).unwrap();
    let traditional = openssl(&["rsa", "-in", key_s, "-traditional"]).unwrap();
    let encrypted = openssl(&[
        "pkcs8",
        "-topk8",
        "-in",
        key_s,
        "-v2",
        "aes-256-cbc",
        "-passout",
        "pass:x1y2z3",
    ])
    .unwrap();
    let ec = openssl(&["ecparam", "-name", "prime256v1", "-genkey", "-noout"]).unwrap();
    for (name, pem, label) in [
        ("pkcs8", pkcs8, "-----BEGIN PRIVATE KEY-----"),
        (
            "traditional",
            traditional,
            "-----BEGIN RSA PRIVATE KEY-----",
        ),
        (
            "encrypted",
            encrypted,
            "-----BEGIN ENCRYPTED PRIVATE KEY-----",
        ),
        ("ec", ec, "-----BEGIN EC PRIVATE KEY-----"),
    ] {
        let text = String::from_utf8(pem.clone()).unwrap();
        assert!(text.contains(label), "{name}: {text:.40}");
        // Embedded in a config file after some lines, as it would be in an image.
        let mut file = b"# service config\nname = api\n".to_vec();
        file.extend_from_slice(&pem);
        let f = scanner.scan_file("/etc/service/tls.key", &file);
        assert_eq!(f.len(), 1, "{name}: {f:?}");
        assert_eq!(f[0].rule_id, "private-key");
        assert_eq!(f[0].location.line, Some(4), "{name}");
        let body_line = text.lines().nth(1).unwrap();
        let shown = format!("{f:?}");
        assert!(
            !shown.contains(&body_line[4..30]),
            "{name}: secret leaked in Debug"
        );
    }
}
