//! Keyless `bulwark sign-blob` end to end against local stand-ins for Fulcio and Rekor
//! (`bulwark_testutil::sigstore`): the bundle verifies with our `verify-blob --bundle` by
//! identity and with sigstore-python given the matching trust config, and is rejected for
//! another identity or issuer, a non-matching regexp, the production root, and a tampered
//! certificate, log entry (SET) or signature. Key-based `sign-blob --bundle` logs to Rekor
//! too and verifies by key.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use bulwark_testutil::sigstore::TestSigstore;
use serde_json::Value;

const ISSUER: &str = "https://issuer.bulwark.test";
const EMAIL: &str = "alice@bulwark.test";

fn bulwark(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("bulwark").unwrap();
    cmd.current_dir(dir)
        .env("HOME", dir)
        .env("COSIGN_PASSWORD", "pw")
        .env_remove("SIGSTORE_ID_TOKEN")
        .env_remove("ACTIONS_ID_TOKEN_REQUEST_URL")
        .env_remove("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
    cmd
}

fn run(cmd: &mut Command) -> (i32, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn sign_keyless(dir: &Path, s: &TestSigstore, token: &str, bundle: &str) -> (i32, String) {
    run(bulwark(dir).args([
        "sign-blob",
        "--identity-token",
        token,
        "--fulcio-url",
        &s.fulcio.url(),
        "--rekor-url",
        &s.rekor.url(),
        "--bundle",
        bundle,
        "a.txt",
    ]))
}

fn verify(dir: &Path, bundle: &str, identity: &str, issuer: &str) -> (i32, String) {
    run(bulwark(dir).args([
        "verify-blob",
        "--bundle",
        bundle,
        "--trusted-root",
        "root.json",
        "--certificate-identity",
        identity,
        "--certificate-oidc-issuer",
        issuer,
        "a.txt",
    ]))
}

fn edit(dir: &Path, from: &str, to: &str, f: impl FnOnce(&mut Value)) {
    let mut v: Value = serde_json::from_slice(&fs::read(dir.join(from)).unwrap()).unwrap();
    f(&mut v);
    fs::write(dir.join(to), serde_json::to_vec(&v).unwrap()).unwrap();
}

fn flip_b64(v: &mut Value, pointer: &str, at: usize) {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    let slot = v
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer}"));
    let mut raw = STANDARD.decode(slot.as_str().unwrap()).unwrap();
    let i = at.min(raw.len() - 1);
    raw[i] ^= 0x01;
    *slot = STANDARD.encode(raw).into();
}

fn setup() -> (tempfile::TempDir, TestSigstore) {
    let tmp = tempfile::tempdir().unwrap();
    let s = TestSigstore::start();
    fs::write(tmp.path().join("a.txt"), b"keyless test artifact\n").unwrap();
    fs::write(
        tmp.path().join("root.json"),
        serde_json::to_vec(&s.trusted_root()).unwrap(),
    )
    .unwrap();
    (tmp, s)
}

#[test]
fn keyless_sign_blob_verifies_by_identity_and_tampering_is_rejected() {
    let (tmp, s) = setup();
    let d = tmp.path();
    let token = TestSigstore::token(ISSUER, "alice-subject", Some(EMAIL));
    let (code, err) = sign_keyless(d, &s, &token, "b.json");
    assert_eq!(code, 0, "{err}");
    let bundle: Value = serde_json::from_slice(&fs::read(d.join("b.json")).unwrap()).unwrap();
    assert_eq!(
        bundle["mediaType"],
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    assert!(
        bundle
            .pointer("/verificationMaterial/certificate/rawBytes")
            .is_some()
    );
    assert_eq!(
        bundle.pointer("/verificationMaterial/tlogEntries/0/kindVersion/kind"),
        Some(&Value::from("hashedrekord"))
    );

    let (code, err) = verify(d, "b.json", EMAIL, ISSUER);
    assert_eq!(code, 0, "{err}");
    // by regexp, and by digest
    let (code, err) = run(bulwark(d).args([
        "verify-blob",
        "--bundle",
        "b.json",
        "--trusted-root",
        "root.json",
        "--certificate-identity-regexp",
        "^alice@",
        "--certificate-oidc-issuer-regexp",
        "bulwark\\.test$",
        "a.txt",
    ]));
    assert_eq!(code, 0, "{err}");

    assert_eq!(verify(d, "b.json", "mallory@bulwark.test", ISSUER).0, 1);
    assert_eq!(verify(d, "b.json", EMAIL, "https://other-issuer.test").0, 1);
    let (code, _) = run(bulwark(d).args([
        "verify-blob",
        "--bundle",
        "b.json",
        "--trusted-root",
        "root.json",
        "--certificate-identity-regexp",
        "^bob@",
        "--certificate-oidc-issuer",
        ISSUER,
        "a.txt",
    ]));
    assert_eq!(code, 1, "a non-matching identity regexp must fail");
    // the stand-in CA is not in the production root
    let (code, _) = run(bulwark(d).args([
        "verify-blob",
        "--bundle",
        "b.json",
        "--certificate-identity",
        EMAIL,
        "--certificate-oidc-issuer",
        ISSUER,
        "a.txt",
    ]));
    assert_eq!(code, 1, "a bundle from another instance must fail");
    // another artifact
    fs::write(d.join("a.txt"), b"something else\n").unwrap();
    assert_eq!(verify(d, "b.json", EMAIL, ISSUER).0, 1);
    fs::write(d.join("a.txt"), b"keyless test artifact\n").unwrap();

    // tampered certificate (a byte inside the signed TBS), SET, signature, log body
    edit(d, "b.json", "cert.json", |v| {
        flip_b64(v, "/verificationMaterial/certificate/rawBytes", 200);
    });
    assert_eq!(verify(d, "cert.json", EMAIL, ISSUER).0, 1);
    edit(d, "b.json", "set.json", |v| {
        flip_b64(
            v,
            "/verificationMaterial/tlogEntries/0/inclusionPromise/signedEntryTimestamp",
            20,
        );
    });
    assert_eq!(verify(d, "set.json", EMAIL, ISSUER).0, 1);
    edit(d, "b.json", "sig.json", |v| {
        flip_b64(v, "/messageSignature/signature", 20);
    });
    assert_eq!(verify(d, "sig.json", EMAIL, ISSUER).0, 1);
    edit(d, "b.json", "body.json", |v| {
        flip_b64(
            v,
            "/verificationMaterial/tlogEntries/0/canonicalizedBody",
            60,
        );
    });
    assert_eq!(verify(d, "body.json", EMAIL, ISSUER).0, 1);
    // a second signature by someone else, with the first bundle's certificate swapped in
    let other = TestSigstore::token(ISSUER, "bob-subject", Some("bob@bulwark.test"));
    assert_eq!(sign_keyless(d, &s, &other, "bob.json").0, 0);
    let bob: Value = serde_json::from_slice(&fs::read(d.join("bob.json")).unwrap()).unwrap();
    edit(d, "b.json", "swap.json", |v| {
        v["verificationMaterial"]["certificate"] =
            bob["verificationMaterial"]["certificate"].clone();
    });
    assert_eq!(verify(d, "swap.json", "bob@bulwark.test", ISSUER).0, 1);
    assert_eq!(verify(d, "bob.json", "bob@bulwark.test", ISSUER).0, 0);
}

#[test]
fn keyless_sign_blob_without_token_or_with_refused_token_fails_clearly() {
    let (tmp, s) = setup();
    let d = tmp.path();
    let (code, err) = run(bulwark(d).args([
        "sign-blob",
        "--fulcio-url",
        &s.fulcio.url(),
        "--rekor-url",
        &s.rekor.url(),
        "--bundle",
        "b.json",
        "a.txt",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("SIGSTORE_ID_TOKEN"), "{err}");
    // the token from the environment is used
    let token = TestSigstore::token(ISSUER, "env-subject", Some(EMAIL));
    let (code, err) = run(bulwark(d).env("SIGSTORE_ID_TOKEN", &token).args([
        "sign-blob",
        "--fulcio-url",
        &s.fulcio.url(),
        "--rekor-url",
        &s.rekor.url(),
        "--bundle",
        "b.json",
        "a.txt",
    ]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(verify(d, "b.json", EMAIL, ISSUER).0, 0);
    // a Fulcio that is not there: a runtime error naming the service
    let (code, err) = run(bulwark(d).args([
        "sign-blob",
        "--identity-token",
        &token,
        "--fulcio-url",
        "http://127.0.0.1:9",
        "--rekor-url",
        &s.rekor.url(),
        "--bundle",
        "c.json",
        "a.txt",
    ]));
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("Fulcio"), "{err}");
}

#[test]
fn key_sign_blob_bundle_is_logged_and_verifies_by_key() {
    let (tmp, s) = setup();
    let d = tmp.path();
    let (code, err) = run(bulwark(d).args(["generate-key-pair"]));
    assert_eq!(code, 0, "{err}");
    let (code, err) = run(bulwark(d).args([
        "sign-blob",
        "--key",
        "cosign.key",
        "--rekor-url",
        &s.rekor.url(),
        "--bundle",
        "k.json",
        "a.txt",
    ]));
    assert_eq!(code, 0, "{err}");
    let bundle: Value = serde_json::from_slice(&fs::read(d.join("k.json")).unwrap()).unwrap();
    assert!(
        bundle
            .pointer("/verificationMaterial/tlogEntries/0")
            .is_some()
    );
    let key_verify = |file: &str| {
        run(bulwark(d).args([
            "verify-blob",
            "--bundle",
            file,
            "--trusted-root",
            "root.json",
            "--key",
            "cosign.pub",
            "a.txt",
        ]))
    };
    let (code, err) = key_verify("k.json");
    assert_eq!(code, 0, "{err}");
    edit(d, "k.json", "kset.json", |v| {
        flip_b64(
            v,
            "/verificationMaterial/tlogEntries/0/inclusionPromise/signedEntryTimestamp",
            20,
        );
    });
    assert_eq!(key_verify("kset.json").0, 1);
}

fn sigstore_python() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-m", "sigstore", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let msg = "sigstore-python is not installed (pip install sigstore)";
        assert!(!bulwark_testutil::is_ci(), "{msg}");
        eprintln!("SKIPPED: {msg}");
    }
    ok
}

#[test]
fn sigstore_python_verifies_keyless_bundles() {
    if !sigstore_python() {
        return;
    }
    let (tmp, s) = setup();
    let d = tmp.path();
    fs::write(
        d.join("trust.json"),
        serde_json::to_vec(&s.client_trust_config()).unwrap(),
    )
    .unwrap();
    let token = TestSigstore::token(ISSUER, "alice-subject", Some(EMAIL));
    assert_eq!(sign_keyless(d, &s, &token, "b.json").0, 0);
    let python = |bundle: &str, identity: &str| {
        let out = std::process::Command::new("python3")
            .current_dir(d)
            .args([
                "-m",
                "sigstore",
                "--trust-config",
                "trust.json",
                "verify",
                "identity",
                "--offline",
                "--bundle",
                bundle,
                "--cert-identity",
                identity,
                "--cert-oidc-issuer",
                ISSUER,
                "a.txt",
            ])
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = python("b.json", EMAIL);
    assert_eq!(code, 0, "sigstore-python refused our bundle: {err}");
    assert_ne!(python("b.json", "mallory@bulwark.test").0, 0);
    edit(d, "b.json", "sig.json", |v| {
        flip_b64(v, "/messageSignature/signature", 20);
    });
    assert_ne!(python("sig.json", EMAIL).0, 0);
}
