//! The TUF client finds `trusted_root.json` through a delegated targets role (as Sigstore's
//! repository delegates `registry.npmjs.org/*` and others), fetches only delegations whose
//! paths cover the target, and refuses a delegated role not signed by the keys its
//! delegator names. The repository is generated and signed here and served over HTTP by
//! the loopback `StaticServer`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;

use bulwark_sign::tuf::{Client, HttpTransport, TufErrorKind};
use bulwark_testutil::http::StaticServer;
use p256::ecdsa::{Signature, SigningKey, signature::Signer as _};
use p256::pkcs8::{EncodePublicKey as _, LineEnding};
use serde::Serialize as _;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

const FUTURE: &str = "2099-01-01T00:00:00Z";

fn hex(b: &[u8]) -> String {
    b.iter().fold(String::new(), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    })
}

fn canonical(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    let mut ser =
        serde_json::Serializer::with_formatter(&mut out, olpc_cjson::CanonicalFormatter::new());
    v.serialize(&mut ser).unwrap();
    out
}

struct Key(SigningKey);

impl Key {
    fn new() -> Self {
        Self(SigningKey::random(&mut rand_core::OsRng))
    }
    fn json(&self) -> Value {
        let pem = self
            .0
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        json!({"keytype": "ecdsa", "scheme": "ecdsa-sha2-nistp256", "keyval": {"public": pem}})
    }
    fn id(&self) -> String {
        hex(&Sha256::digest(canonical(&self.json())))
    }
    fn role(&self) -> Value {
        json!({"keyids": [self.id()], "threshold": 1})
    }
}

fn sign(signed: &Value, key: &Key) -> Vec<u8> {
    let sig: Signature = key.0.sign(&canonical(signed));
    serde_json::to_vec(&json!({"signed": signed,
        "signatures": [{"keyid": key.id(), "sig": hex(sig.to_der().as_bytes())}]}))
    .unwrap()
}

struct Repo {
    root: Vec<u8>,
    files: Vec<(String, Vec<u8>)>,
}

/// Top-level targets delegate `registry.npmjs.org/*` to `npm` and `*.json` to `sigstore`,
/// which lists `target`; `sigstore.json` is signed by `delegate_signer`.
fn repo(target: &[u8], delegate_signer: &Key, delegate_key: &Key) -> Repo {
    let (root_key, ts, snap, top) = (Key::new(), Key::new(), Key::new(), Key::new());
    let npm_key = Key::new();
    let root = sign(
        &json!({"_type": "root", "spec_version": "1.0", "version": 1, "expires": FUTURE,
            "consistent_snapshot": true,
            "keys": {root_key.id(): root_key.json(), ts.id(): ts.json(), snap.id(): snap.json(),
                top.id(): top.json()},
            "roles": {"root": root_key.role(), "timestamp": ts.role(), "snapshot": snap.role(),
                "targets": top.role()}}),
        &root_key,
    );
    let sha = hex(&Sha256::digest(target));
    let delegated = sign(
        &json!({"_type": "targets", "spec_version": "1.0", "version": 1, "expires": FUTURE,
            "targets": {"trusted_root.json": {"length": target.len(), "hashes": {"sha256": sha}}}}),
        delegate_signer,
    );
    let targets = sign(
        &json!({"_type": "targets", "spec_version": "1.0", "version": 1, "expires": FUTURE,
        "targets": {},
        "delegations": {
            "keys": {npm_key.id(): npm_key.json(), delegate_key.id(): delegate_key.json()},
            "roles": [
                {"name": "npm", "keyids": [npm_key.id()], "threshold": 1,
                 "paths": ["registry.npmjs.org/*"], "terminating": true},
                {"name": "sigstore", "keyids": [delegate_key.id()], "threshold": 1,
                 "paths": ["*.json"], "terminating": false},
            ]}}),
        &top,
    );
    let snapshot = sign(
        &json!({"_type": "snapshot", "spec_version": "1.0", "version": 1, "expires": FUTURE,
            "meta": {"targets.json": {"version": 1}, "sigstore.json": {"version": 1},
                "npm.json": {"version": 1}}}),
        &snap,
    );
    let timestamp = sign(
        &json!({"_type": "timestamp", "spec_version": "1.0", "version": 1, "expires": FUTURE,
            "meta": {"snapshot.json": {"version": 1}}}),
        &ts,
    );
    Repo {
        root,
        files: vec![
            ("/timestamp.json".into(), timestamp),
            ("/1.snapshot.json".into(), snapshot),
            ("/1.targets.json".into(), targets),
            ("/1.sigstore.json".into(), delegated),
            (format!("/targets/{sha}.trusted_root.json"), target.to_vec()),
        ],
    }
}

#[test]
fn a_target_in_a_delegated_role_is_found_and_checked() {
    let delegate = Key::new();
    let target = br#"{"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1"}"#;
    let repo = repo(target, &delegate, &delegate);
    let server = StaticServer::start(repo.files);
    let tmp = tempfile::tempdir().unwrap();
    let transport = HttpTransport::new(&server.base, bulwark_net::Timeouts::default());
    let client = Client::new(&transport, tmp.path(), bulwark_sign::tuf::unix_now());
    let updated = client.update(&repo.root, "trusted_root.json").unwrap();
    assert_eq!(updated.trusted_root_json, target);
    let requests = server.requests();
    assert!(
        requests.iter().any(|r| r == "/1.sigstore.json"),
        "{requests:?}"
    );
    // `npm` covers only registry.npmjs.org/*: never fetched.
    assert!(!requests.iter().any(|r| r.contains("npm")), "{requests:?}");
}

#[test]
fn a_delegated_role_signed_by_another_key_is_refused() {
    let (delegate, rogue) = (Key::new(), Key::new());
    let repo = repo(b"{}", &rogue, &delegate);
    let server = StaticServer::start(repo.files);
    let tmp = tempfile::tempdir().unwrap();
    let transport = HttpTransport::new(&server.base, bulwark_net::Timeouts::default());
    let client = Client::new(&transport, tmp.path(), bulwark_sign::tuf::unix_now());
    let err = client.update(&repo.root, "trusted_root.json").unwrap_err();
    assert_eq!(err.kind, TufErrorKind::Signature, "{err}");
    assert_eq!(err.file, "1.sigstore.json", "{err}");
}
