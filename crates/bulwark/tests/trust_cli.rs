//! `bulwark trust update` against a TUF repository the test builds and signs itself (keys
//! generated here; root v1 → v2 rotation, timestamp, snapshot, targets, consistent snapshot
//! file names), served by the loopback `StaticServer` in place of Sigstore's TUF CDN; then
//! `bulwark verify-blob --bundle` using the trusted root it stored. Negative cases: expired
//! timestamp, targets signed by a key the root does not name, snapshot rollback, a target
//! whose hash differs, a rotation signed only by the new root key: exit 3, the error names
//! the file, and the previously stored trusted root stays.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use bulwark_testutil::cli::{Run, run};
use bulwark_testutil::http::StaticServer;
use p256::ecdsa::{Signature, SigningKey, signature::Signer as _};
use p256::pkcs8::{EncodePublicKey as _, LineEnding};
use serde::Serialize as _;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";
const FUTURE: &str = "2099-01-01T00:00:00Z";
const PAST: &str = "2001-01-01T00:00:00Z";

fn hex(b: &[u8]) -> String {
    use std::fmt::Write as _;
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

struct Key {
    sk: SigningKey,
}

impl Key {
    fn new() -> Self {
        Self {
            sk: SigningKey::random(&mut rand_core::OsRng),
        }
    }
    fn json(&self) -> Value {
        let pem = self
            .sk
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        json!({"keytype": "ecdsa", "scheme": "ecdsa-sha2-nistp256", "keyval": {"public": pem}})
    }
    fn id(&self) -> String {
        hex(&Sha256::digest(canonical(&self.json())))
    }
}

/// Signs `signed` with `signers`; the result is a metadata file.
fn sign(signed: &Value, signers: &[&Key]) -> Vec<u8> {
    let bytes = canonical(signed);
    let signatures: Vec<Value> = signers
        .iter()
        .map(|k| {
            let sig: Signature = k.sk.sign(&bytes);
            json!({"keyid": k.id(), "sig": hex(sig.to_der().as_bytes())})
        })
        .collect();
    serde_json::to_vec_pretty(&json!({"signed": signed, "signatures": signatures})).unwrap()
}

fn meta(bytes: &[u8], version: u64) -> Value {
    json!({"version": version, "length": bytes.len(), "hashes": {"sha256": hex(&Sha256::digest(bytes))}})
}

struct Keys {
    root1: Key,
    root2: Key,
    timestamp: Key,
    snapshot: Key,
    targets: Key,
    rogue: Key,
}

/// One state of the repository.
struct Repo<'a> {
    keys: &'a Keys,
    /// Who signs `2.root.json` (`None`: no rotation served).
    root2_signers: Option<Vec<&'a Key>>,
    timestamp_version: u64,
    timestamp_expires: &'a str,
    snapshot_version: u64,
    targets_version: u64,
    targets_signer: &'a Key,
    /// The trusted root the targets metadata describes.
    target: Vec<u8>,
    /// What the server sends for it (`None`: the described bytes).
    served_target: Option<Vec<u8>>,
}

impl<'a> Repo<'a> {
    fn new(keys: &'a Keys, target: Vec<u8>) -> Self {
        Self {
            keys,
            root2_signers: Some(vec![&keys.root1, &keys.root2]),
            timestamp_version: 1,
            timestamp_expires: FUTURE,
            snapshot_version: 1,
            targets_version: 1,
            targets_signer: &keys.targets,
            target,
            served_target: None,
        }
    }

    fn root(&self, version: u64, root_key: &Key) -> Value {
        let k = self.keys;
        let role = |key: &Key| json!({"keyids": [key.id()], "threshold": 1});
        json!({
            "_type": "root", "spec_version": "1.0.31", "version": version, "expires": FUTURE,
            "consistent_snapshot": true,
            "keys": {
                root_key.id(): root_key.json(), k.timestamp.id(): k.timestamp.json(),
                k.snapshot.id(): k.snapshot.json(), k.targets.id(): k.targets.json(),
            },
            "roles": {
                "root": role(root_key), "timestamp": role(&k.timestamp),
                "snapshot": role(&k.snapshot), "targets": role(&k.targets),
            },
        })
    }

    /// The bootstrap root (v1, root key `root1`).
    fn root_v1(&self) -> Vec<u8> {
        sign(&self.root(1, &self.keys.root1), &[&self.keys.root1])
    }

    fn files(&self) -> Vec<(String, Vec<u8>)> {
        let k = self.keys;
        let mut files = Vec::new();
        if let Some(signers) = &self.root2_signers {
            files.push((
                "/2.root.json".to_owned(),
                sign(&self.root(2, &k.root2), signers),
            ));
        }
        let target_sha = hex(&Sha256::digest(&self.target));
        let targets = sign(
            &json!({
                "_type": "targets", "spec_version": "1.0", "version": self.targets_version,
                "expires": FUTURE,
                "targets": {"trusted_root.json": {"length": self.target.len(),
                    "hashes": {"sha256": target_sha}}},
            }),
            &[self.targets_signer],
        );
        let snapshot = sign(
            &json!({
                "_type": "snapshot", "spec_version": "1.0", "version": self.snapshot_version,
                "expires": FUTURE,
                "meta": {"targets.json": meta(&targets, self.targets_version)},
            }),
            &[&k.snapshot],
        );
        let timestamp = sign(
            &json!({
                "_type": "timestamp", "spec_version": "1.0", "version": self.timestamp_version,
                "expires": self.timestamp_expires,
                "meta": {"snapshot.json": meta(&snapshot, self.snapshot_version)},
            }),
            &[&k.timestamp],
        );
        files.push(("/timestamp.json".to_owned(), timestamp));
        files.push((
            format!("/{}.snapshot.json", self.snapshot_version),
            snapshot,
        ));
        files.push((format!("/{}.targets.json", self.targets_version), targets));
        files.push((
            format!("/targets/{target_sha}.trusted_root.json"),
            self.served_target
                .clone()
                .unwrap_or_else(|| self.target.clone()),
        ));
        files
    }
}

fn bulwark(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bulwark"));
    cmd.env("HOME", home)
        .env_remove("BULWARK_CACHE_DIR")
        .env_remove("XDG_CACHE_HOME");
    cmd
}

struct Setup {
    tmp: tempfile::TempDir,
    server: StaticServer,
    root_v1: PathBuf,
    /// The custom trusted root of the `intoto-with-custom-trust-root` case.
    custom_root: Vec<u8>,
    /// The production trusted root (a different, also valid, trusted root).
    production_root: Vec<u8>,
    case: PathBuf,
}

fn setup(keys: &Keys) -> Option<Setup> {
    let sigstore = bulwark_testutil::conformance_dir("sigstore")?;
    let case = sigstore.join("bundle-verify/intoto-with-custom-trust-root");
    let custom_root = fs::read(case.join("trusted_root.json")).unwrap();
    let production_root =
        fs::read(sigstore.join("trusted-roots/production.trusted_root.json")).unwrap();
    let repo = Repo::new(keys, custom_root.clone());
    let tmp = tempfile::tempdir().unwrap();
    let root_v1 = tmp.path().join("root-v1.json");
    fs::write(&root_v1, repo.root_v1()).unwrap();
    let server = StaticServer::start(repo.files());
    Some(Setup {
        tmp,
        server,
        root_v1,
        custom_root,
        production_root,
        case,
    })
}

/// The TUF metadata directory of the repository at `base` (docs/sigstore.md: `sigstore/tuf/HOST`).
fn metadata_dir(home: &Path, base: &str) -> PathBuf {
    let host = base.trim_start_matches("http://").replace(':', "_");
    home.join(".cache/bulwark/sigstore/tuf").join(host)
}

impl Setup {
    fn update(&self) -> Run {
        run(bulwark(self.tmp.path()).args([
            "trust",
            "update",
            "--tuf-url",
            &self.server.base,
            "--root",
            self.root_v1.to_str().unwrap(),
        ]))
    }

    /// The repository now serves `repo`: a new loopback server, and the metadata this
    /// machine trusts for the old one carried over to it (as if the same repository moved on).
    fn serve(&mut self, repo: &Repo<'_>) {
        let server = StaticServer::start(repo.files());
        let (from, to) = (
            metadata_dir(self.tmp.path(), &self.server.base),
            metadata_dir(self.tmp.path(), &server.base),
        );
        if from.is_dir() {
            fs::create_dir_all(&to).unwrap();
            for entry in fs::read_dir(&from).unwrap() {
                let entry = entry.unwrap();
                fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
            }
        }
        self.server = server;
    }

    fn stored(&self) -> Option<Vec<u8>> {
        fs::read(
            self.tmp
                .path()
                .join(".cache/bulwark/sigstore/trusted_root.json"),
        )
        .ok()
    }

    fn verify_blob(&self, extra: &[&str]) -> Run {
        let bundle = self.case.join("bundle.sigstore.json");
        let artifact = self.case.join("artifact");
        let mut cmd = bulwark(self.tmp.path());
        cmd.args(["verify-blob", "--bundle", bundle.to_str().unwrap()])
            .args(["--certificate-identity", IDENTITY])
            .args(["--certificate-oidc-issuer", ISSUER])
            .args(extra)
            .arg(artifact);
        run(&mut cmd)
    }
}

fn keys() -> Keys {
    Keys {
        root1: Key::new(),
        root2: Key::new(),
        timestamp: Key::new(),
        snapshot: Key::new(),
        targets: Key::new(),
        rogue: Key::new(),
    }
}

#[test]
fn update_with_rotation_then_verify_blob_uses_the_updated_root() {
    let keys = keys();
    let Some(s) = setup(&keys) else { return };
    // Before the update: the embedded production root does not know this instance.
    let before = s.verify_blob(&[]);
    assert_eq!(before.code, 1, "{}", before.stderr);
    let show = run(bulwark(s.tmp.path()).args(["trust", "show"]));
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(show.stdout.contains("embedded"), "{}", show.stdout);

    let up = s.update();
    assert_eq!(up.code, 0, "{}", up.stderr);
    assert!(up.stderr.contains("TUF root v2"), "{}", up.stderr);
    assert_eq!(s.stored().as_deref(), Some(s.custom_root.as_slice()));
    let requests = s.server.requests();
    for path in [
        "/2.root.json",
        "/3.root.json",
        "/timestamp.json",
        "/1.snapshot.json",
        "/1.targets.json",
    ] {
        assert!(requests.iter().any(|r| r == path), "{path} in {requests:?}");
    }

    let show = run(bulwark(s.tmp.path()).args(["trust", "show"]));
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(show.stdout.contains(&s.server.base), "{}", show.stdout);
    assert!(show.stdout.contains("TUF root v2"), "{}", show.stdout);

    let after = s.verify_blob(&[]);
    assert_eq!(after.code, 0, "{}", after.stderr);
    // --trusted-root still overrides the updated root.
    let prod = s.tmp.path().join("production.json");
    fs::write(&prod, &s.production_root).unwrap();
    let overridden = s.verify_blob(&["--trusted-root", prod.to_str().unwrap()]);
    assert_eq!(overridden.code, 1, "{}", overridden.stderr);

    // A second update from the stored root v2: nothing new, still fine.
    let again = s.update();
    assert_eq!(again.code, 0, "{}", again.stderr);
}

/// Updates once from a good repository (the custom root), then serves `bad` (describing
/// the production root) and expects exit 3 naming `file` and `words`, the custom root kept.
fn refused(change: impl Fn(&mut Repo<'_>), file: &str, words: &str) {
    let keys = keys();
    let Some(mut s) = setup(&keys) else { return };
    let mut good = Repo::new(&keys, s.custom_root.clone());
    good.timestamp_version = 2;
    good.snapshot_version = 2;
    s.serve(&good);
    let up = s.update();
    assert_eq!(up.code, 0, "{}", up.stderr);
    assert_eq!(s.stored().as_deref(), Some(s.custom_root.as_slice()));

    let mut bad = Repo::new(&keys, s.production_root.clone());
    bad.timestamp_version = 3;
    bad.snapshot_version = 3;
    bad.targets_version = 2;
    change(&mut bad);
    s.serve(&bad);
    let r = s.update();
    assert_eq!(r.code, 3, "stdout {} stderr {}", r.stdout, r.stderr);
    assert!(r.stderr.contains(file), "{file}: {}", r.stderr);
    assert!(r.stderr.contains(words), "{words}: {}", r.stderr);
    assert!(
        r.stderr.contains("previous trusted root stays"),
        "{}",
        r.stderr
    );
    assert_eq!(s.stored().as_deref(), Some(s.custom_root.as_slice()));
    let still = s.verify_blob(&[]);
    assert_eq!(still.code, 0, "{}", still.stderr);

    // The same repository without the fault is accepted (the test's fault is the cause).
    let mut fixed = Repo::new(&keys, s.production_root.clone());
    fixed.timestamp_version = 4;
    fixed.snapshot_version = 4;
    fixed.targets_version = 3;
    s.serve(&fixed);
    let ok = s.update();
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert_eq!(s.stored().as_deref(), Some(s.production_root.as_slice()));
}

#[test]
fn expired_timestamp_is_refused() {
    refused(|r| r.timestamp_expires = PAST, "timestamp.json", "expired");
}

#[test]
fn targets_signed_by_an_unknown_key_is_refused() {
    refused(
        |r| r.targets_signer = &r.keys.rogue,
        "2.targets.json",
        "0 valid signature(s)",
    );
}

#[test]
fn snapshot_rollback_is_refused() {
    refused(
        |r| {
            r.snapshot_version = 1;
        },
        "timestamp.json",
        "snapshot version 1 is older than the trusted 2",
    );
}

#[test]
fn timestamp_rollback_is_refused() {
    refused(
        |r| {
            r.timestamp_version = 1;
        },
        "timestamp.json",
        "version 1 is older than the trusted 2",
    );
}

#[test]
fn target_hash_mismatch_is_refused() {
    refused(
        |r| {
            let mut t = r.target.clone();
            let last = t.len() - 2;
            t[last] ^= 0x01;
            r.served_target = Some(t);
        },
        ".trusted_root.json",
        "sha256 is",
    );
}

#[test]
fn rotation_signed_only_by_the_new_root_key_is_refused() {
    let keys = keys();
    let Some(mut s) = setup(&keys) else { return };
    let mut good = Repo::new(&keys, s.custom_root.clone());
    good.root2_signers = None;
    s.serve(&good);
    let up = s.update();
    assert_eq!(up.code, 0, "{}", up.stderr);

    let mut bad = Repo::new(&keys, s.production_root.clone());
    bad.root2_signers = Some(vec![&keys.root2]);
    s.serve(&bad);
    let r = s.update();
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("2.root.json"), "{}", r.stderr);
    assert!(
        r.stderr.contains("trusted root v1 must sign"),
        "{}",
        r.stderr
    );
    assert_eq!(s.stored().as_deref(), Some(s.custom_root.as_slice()));
}

#[test]
fn a_bootstrap_root_with_a_bad_self_signature_is_refused() {
    let keys = keys();
    let Some(s) = setup(&keys) else { return };
    let repo = Repo::new(&keys, s.custom_root.clone());
    fs::write(&s.root_v1, sign(&repo.root(1, &keys.root1), &[&keys.rogue])).unwrap();
    let r = s.update();
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("bootstrap root.json"), "{}", r.stderr);
    assert!(s.stored().is_none());
}
