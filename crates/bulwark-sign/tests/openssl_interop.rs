//! Cross-checks with the openssl CLI: openssl accepts our signatures and keys, and we
//! accept openssl's signatures. Skips visibly when openssl is absent (fails under CI).

// Test helpers outside #[test] fns get the same unwrap/panic allowance as tests.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::fs;
use std::path::Path;
use std::process::Command;

use bulwark_sign::signature::{sign_payload_der, verify_der};
use bulwark_sign::{Digest, KeyError, PrivateKey, PublicKey, SimpleSigningPayload};

fn openssl_available() -> bool {
    let ok = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(!bulwark_testutil::is_ci(), "openssl is required under CI");
        eprintln!("SKIPPED: openssl not found");
    }
    ok
}

fn openssl(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn openssl_verifies_our_signature_and_rejects_tampering() {
    if !openssl_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let key = PrivateKey::generate();
    let payload =
        SimpleSigningPayload::new("registry.example/app", Digest::of(b"manifest")).to_json();
    fs::write(dir.join("pub.pem"), key.public_key().to_pem()).unwrap();
    fs::write(dir.join("payload"), &payload).unwrap();
    fs::write(dir.join("sig.der"), sign_payload_der(&key, &payload)).unwrap();

    let out = openssl(
        dir,
        &[
            "dgst",
            "-sha256",
            "-verify",
            "pub.pem",
            "-signature",
            "sig.der",
            "payload",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "Verified OK");

    let mut tampered = payload.clone();
    tampered[5] ^= 1;
    fs::write(dir.join("payload"), &tampered).unwrap();
    let out = openssl(
        dir,
        &[
            "dgst",
            "-sha256",
            "-verify",
            "pub.pem",
            "-signature",
            "sig.der",
            "payload",
        ],
    );
    assert!(!out.status.success());
}

#[test]
fn we_verify_openssl_signatures_and_read_its_keys() {
    if !openssl_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = openssl(
        dir,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "key.pem",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = openssl(
        dir,
        &["pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem"],
    );
    assert!(out.status.success());
    let out = openssl(
        dir,
        &[
            "pkcs8", "-topk8", "-nocrypt", "-in", "key.pem", "-outform", "DER", "-out", "key.der",
        ],
    );
    assert!(out.status.success());
    fs::write(dir.join("blob"), b"hello from openssl").unwrap();
    let out = openssl(
        dir,
        &[
            "dgst", "-sha256", "-sign", "key.pem", "-out", "sig.der", "blob",
        ],
    );
    assert!(out.status.success());

    let public = PublicKey::from_pem(&fs::read(dir.join("pub.pem")).unwrap()).unwrap();
    let sig = fs::read(dir.join("sig.der")).unwrap();
    verify_der(&public, b"hello from openssl", &sig).unwrap();
    assert!(verify_der(&public, b"hello from openss1", &sig).is_err());

    // openssl's PKCS#8 private key loads and yields the same public key; and the
    // public PEM we write for it is the one openssl wrote.
    let private = PrivateKey::from_pkcs8_der(&fs::read(dir.join("key.der")).unwrap()).unwrap();
    assert_eq!(private.public_key(), public);
    assert_eq!(
        public.to_pem(),
        fs::read_to_string(dir.join("pub.pem")).unwrap()
    );
}

#[test]
fn non_p256_keys_are_refused_by_name() {
    if !openssl_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for (name, args) in [
        (
            "rsa",
            &[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:1024",
                "-out",
                "k.pem",
            ][..],
        ),
        (
            "p384",
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-384",
                "-out",
                "k.pem",
            ][..],
        ),
        (
            "ed25519",
            &["genpkey", "-algorithm", "ED25519", "-out", "k.pem"][..],
        ),
    ] {
        assert!(openssl(dir, args).status.success(), "{name}");
        assert!(
            openssl(dir, &["pkey", "-in", "k.pem", "-pubout", "-out", "p.pem"])
                .status
                .success()
        );
        assert!(
            openssl(
                dir,
                &[
                    "pkcs8", "-topk8", "-nocrypt", "-in", "k.pem", "-outform", "DER", "-out",
                    "k.der"
                ]
            )
            .status
            .success()
        );
        let public = PublicKey::from_pem(&fs::read(dir.join("p.pem")).unwrap());
        assert!(
            matches!(public, Err(KeyError::UnsupportedAlgorithm { .. })),
            "{name}: {public:?}"
        );
        let private = PrivateKey::from_pkcs8_der(&fs::read(dir.join("k.der")).unwrap());
        assert!(
            matches!(private, Err(KeyError::UnsupportedAlgorithm { .. })),
            "{name}: {private:?}"
        );
    }
}
