//! Keyless `bulwark sign IMAGE` and `bulwark verify IMAGE --certificate-identity …`
//! end to end: an image in a real local registry (Debian's `docker-registry`, pushed with
//! `skopeo`), signed keylessly against the local Fulcio/Rekor stand-ins
//! (`bulwark_testutil::sigstore`), verified by identity and issuer against their trusted
//! root; another identity or issuer, a non-matching regexp, the production root, and a
//! tampered certificate, Rekor bundle (SET) or signature are rejected.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use assert_cmd::Command;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bulwark_sign::{Digest, SignatureManifest, SignatureStore};
use bulwark_testutil::registry::LocalRegistry;
use bulwark_testutil::sigstore::TestSigstore;

const ISSUER: &str = "https://issuer.bulwark.test";
const EMAIL: &str = "alice@bulwark.test";

fn bulwark(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("bulwark").unwrap();
    cmd.current_dir(dir)
        .env("HOME", dir)
        .env_remove("SIGSTORE_ID_TOKEN")
        .env_remove("ACTIONS_ID_TOKEN_REQUEST_URL")
        .env_remove("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn skopeo_copy(src: &str, dest: &str) {
    let mut cmd = std::process::Command::new("skopeo");
    cmd.args([
        "--insecure-policy",
        "copy",
        "--dest-tls-verify=false",
        src,
        dest,
    ]);
    let mut out = cmd.output().unwrap();
    for _ in 0..2 {
        if out.status.success() {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
        out = cmd.output().unwrap();
    }
    assert!(
        out.status.success(),
        "skopeo copy {src} {dest}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Pushes a fresh image to `repo:v1`; returns its reference and registry digest.
fn push_image(reg: &LocalRegistry, dir: &Path, repo: &str, content: &[u8]) -> (String, Digest) {
    let layout = dir.join(repo.replace('/', "_"));
    bulwark_testutil::image::write_oci_image(&layout, "v1", content);
    let image = format!("{}/{repo}:v1", reg.host());
    skopeo_copy(
        &format!("oci:{}:v1", layout.display()),
        &format!("docker://{image}"),
    );
    let client = bulwark_oci::RegistryClient::new(bulwark_oci::RegistryOptions::default());
    let reference = bulwark_oci::Reference::parse(&image).unwrap();
    let digest = client.get_manifest(&reference).unwrap().digest.to_string();
    (image, digest.parse().unwrap())
}

fn store_for(reg: &LocalRegistry, repo: &str) -> bulwark_sign::RegistryStore {
    let client = Arc::new(bulwark_oci::RegistryClient::new(
        bulwark_oci::RegistryOptions::default(),
    ));
    let reference = bulwark_oci::Reference::parse(&format!("{}/{repo}", reg.host())).unwrap();
    bulwark_sign::RegistryStore::new(client, &reference)
}

fn sign(dir: &Path, s: &TestSigstore, token: &str, image: &str) -> (i32, String, String) {
    run(bulwark(dir).args([
        "sign",
        "--identity-token",
        token,
        "--fulcio-url",
        &s.fulcio.url(),
        "--rekor-url",
        &s.rekor.url(),
        "-a",
        "build=7",
        image,
    ]))
}

fn verify(dir: &Path, image: &str, flags: &[&str]) -> (i32, String, String) {
    run(bulwark(dir)
        .args(["verify", "--trusted-root", "root.json"])
        .args(flags)
        .arg(image))
}

fn flip_b64(text: &str, at: usize) -> String {
    let mut raw = STANDARD.decode(text.trim()).unwrap();
    let i = at.min(raw.len() - 1);
    raw[i] ^= 0x01;
    STANDARD.encode(raw)
}

#[test]
fn keyless_image_sign_verify_by_identity_and_tampering() {
    let Some(reg) = bulwark_testutil::registry::start_registry(None) else {
        return;
    };
    let s = TestSigstore::start();
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("root.json"),
        serde_json::to_vec(&s.trusted_root()).unwrap(),
    )
    .unwrap();
    let (image, digest) = push_image(&reg, d, "team/app", b"keyless image");
    let (other_image, other_digest) = push_image(&reg, d, "team/other", b"another image");

    let alice = TestSigstore::token(ISSUER, "alice-subject", Some(EMAIL));
    let (code, _, err) = sign(d, &s, &alice, &image);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!("sha256-{}.sig", digest.hex())),
        "{err}"
    );
    // a second image signed by bob (for the swapped-certificate case)
    // (its token from SIGSTORE_ID_TOKEN, as cosign reads it)
    let bob = TestSigstore::token(ISSUER, "bob-subject", Some("bob@bulwark.test"));
    let (code, _, err) = run(bulwark(d).env("SIGSTORE_ID_TOKEN", &bob).args([
        "sign",
        "--fulcio-url",
        &s.fulcio.url(),
        "--rekor-url",
        &s.rekor.url(),
        &other_image,
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("bob@bulwark.test"), "{err}");

    // what was stored: cosign's keyless annotations
    let store = store_for(&reg, "team/app");
    let original = store.get_signatures(&digest).unwrap().unwrap();
    assert_eq!(original.layers.len(), 1);
    let layer = &original.layers[0];
    for k in [
        "dev.cosignproject.cosign/signature",
        "dev.sigstore.cosign/certificate",
        "dev.sigstore.cosign/chain",
        "dev.sigstore.cosign/bundle",
    ] {
        assert!(layer.annotations.contains_key(k), "{k}: {layer:?}");
    }
    let rekor: serde_json::Value =
        serde_json::from_str(&layer.annotations["dev.sigstore.cosign/bundle"]).unwrap();
    assert!(rekor["SignedEntryTimestamp"].is_string(), "{rekor}");
    assert!(rekor["Payload"]["logIndex"].is_i64(), "{rekor}");

    let good = [
        "--certificate-identity",
        EMAIL,
        "--certificate-oidc-issuer",
        ISSUER,
    ];
    for target in [image.clone(), format!("{}/team/app@{digest}", reg.host())] {
        let (code, out, err) = verify(d, &target, &good);
        assert_eq!(code, 0, "{target}: {err}");
        let got: Vec<serde_json::Value> = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0]["critical"]["image"]["docker-manifest-digest"],
            digest.to_string()
        );
        assert_eq!(got[0]["optional"]["build"], "7");
        assert!(err.contains(EMAIL), "{err}");
    }
    let (code, _, err) = verify(
        d,
        &image,
        &[
            "--certificate-identity-regexp",
            "^alice@bulwark\\.test$",
            "--certificate-oidc-issuer-regexp",
            "^https://issuer\\.bulwark\\.",
        ],
    );
    assert_eq!(code, 0, "{err}");
    // -a annotations are checked on keyless payloads too
    let (code, _, err) = verify(d, &image, &[&good[..], &["-a", "build=8"]].concat());
    assert_eq!(code, 1, "{err}");

    // wrong identity, issuer, regexps
    for (flags, why) in [
        (
            vec![
                "--certificate-identity",
                "bob@bulwark.test",
                "--certificate-oidc-issuer",
                ISSUER,
            ],
            "identity",
        ),
        (
            vec![
                "--certificate-identity",
                EMAIL,
                "--certificate-oidc-issuer",
                "https://other-issuer.bulwark.test",
            ],
            "issuer",
        ),
        (
            vec![
                "--certificate-identity-regexp",
                "^bob@",
                "--certificate-oidc-issuer",
                ISSUER,
            ],
            "identity",
        ),
        (
            vec![
                "--certificate-identity",
                EMAIL,
                "--certificate-oidc-issuer-regexp",
                "^https://accounts\\.google\\.com$",
            ],
            "issuer",
        ),
    ] {
        let (code, out, err) = verify(d, &image, &flags);
        assert_eq!(code, 1, "{flags:?}: {err}");
        assert!(out.is_empty(), "{out}");
        assert!(err.contains(why), "{flags:?}: {err}");
    }
    // the production root does not know the stand-in Fulcio/Rekor (another instance)
    let (code, _, err) = run(bulwark(d).arg("verify").args(good).arg(&image));
    assert_eq!(code, 1, "production root: {err}");
    // bob's signature does not verify for alice, and is not one of this image's
    let (code, _, err) = verify(d, &other_image, &good);
    assert_eq!(code, 1, "{err}");
    let bob_layer = store_for(&reg, "team/other")
        .get_signatures(&other_digest)
        .unwrap()
        .unwrap()
        .layers[0]
        .clone();

    // tampering: each edit of the stored layer must make verification fail
    let tamper = |what: &str, edit: &dyn Fn(&mut bulwark_sign::SignatureLayer)| {
        let mut layer = original.layers[0].clone();
        edit(&mut layer);
        let mut sigs = SignatureManifest::new();
        sigs.append(layer);
        store.put_signatures(&digest, &sigs).unwrap();
        let (code, out, err) = verify(d, &image, &good);
        assert_eq!(code, 1, "{what}: {err}");
        assert!(out.is_empty(), "{what}: {out}");
        err
    };
    // another valid Fulcio certificate (bob's) in place of alice's
    let err = tamper("swapped certificate", &|l| {
        l.annotations.insert(
            "dev.sigstore.cosign/certificate".into(),
            bob_layer.annotations["dev.sigstore.cosign/certificate"].clone(),
        );
    });
    assert!(err.contains("layer 0"), "{err}");
    // a flipped bit in the CA's signature of alice's certificate (it still parses)
    let err = tamper("tampered certificate", &|l| {
        let pem = &l.annotations["dev.sigstore.cosign/certificate"];
        let body: String = pem.lines().filter(|x| !x.starts_with("-----")).collect();
        let flipped = flip_b64(&body, usize::MAX);
        l.annotations.insert(
            "dev.sigstore.cosign/certificate".into(),
            format!("-----BEGIN CERTIFICATE-----\n{flipped}\n-----END CERTIFICATE-----\n"),
        );
    });
    assert!(err.contains("certificate"), "{err}");
    // the Rekor bundle: a flipped SET, another integrated time, another log index
    let err = tamper("tampered SET", &|l| {
        let mut b: serde_json::Value =
            serde_json::from_str(&l.annotations["dev.sigstore.cosign/bundle"]).unwrap();
        b["SignedEntryTimestamp"] =
            flip_b64(b["SignedEntryTimestamp"].as_str().unwrap(), 10).into();
        l.annotations
            .insert("dev.sigstore.cosign/bundle".into(), b.to_string());
    });
    assert!(
        err.contains("tlog") || err.contains("SET") || err.contains("signed entry"),
        "{err}"
    );
    tamper("tampered integratedTime", &|l| {
        let mut b: serde_json::Value =
            serde_json::from_str(&l.annotations["dev.sigstore.cosign/bundle"]).unwrap();
        b["Payload"]["integratedTime"] =
            (b["Payload"]["integratedTime"].as_i64().unwrap() - 60).into();
        l.annotations
            .insert("dev.sigstore.cosign/bundle".into(), b.to_string());
    });
    // bob's (validly signed) log entry in alice's layer: the body does not match
    tamper("swapped log entry", &|l| {
        l.annotations.insert(
            "dev.sigstore.cosign/bundle".into(),
            bob_layer.annotations["dev.sigstore.cosign/bundle"].clone(),
        );
    });
    tamper("tampered signature", &|l| {
        let sig = flip_b64(&l.annotations["dev.cosignproject.cosign/signature"], 20);
        l.annotations
            .insert("dev.cosignproject.cosign/signature".into(), sig);
    });
    // the payload of another image under alice's valid signature bits
    tamper("tampered payload", &|l| {
        l.payload = bob_layer.payload.clone();
    });
    tamper("no bundle annotation", &|l| {
        l.annotations.remove("dev.sigstore.cosign/bundle");
    });

    // alice's intact signature copied onto another image: the payload names this one
    let mut copied = SignatureManifest::new();
    copied.append(original.layers[0].clone());
    store_for(&reg, "team/other")
        .put_signatures(&other_digest, &copied)
        .unwrap();
    let (code, _, err) = verify(d, &other_image, &good);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&digest.to_string()) || err.contains("digest"),
        "{err}"
    );

    // restored: verifies again
    store.put_signatures(&digest, &original).unwrap();
    let (code, _, err) = verify(d, &image, &good);
    assert_eq!(code, 0, "{err}");

    // usage: --rekor-key is for key signatures; identity without issuer
    let (code, _, err) = verify(
        d,
        &image,
        &[&good[..], &["--rekor-key", "root.json"]].concat(),
    );
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = verify(d, &image, &["--certificate-identity", EMAIL]);
    assert_eq!(code, 2, "{err}");
    // no token: usage error naming what to do
    let (code, _, err) = run(bulwark(d).args(["sign", "--fulcio-url", &s.fulcio.url(), &image]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("SIGSTORE_ID_TOKEN"), "{err}");
}

#[test]
fn keyless_oci_layout_sign_and_verify() {
    let s = TestSigstore::start();
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("root.json"),
        serde_json::to_vec(&s.trusted_root()).unwrap(),
    )
    .unwrap();
    bulwark_testutil::image::write_oci_image(&d.join("layout"), "v1", b"layout image");
    let target = format!("oci:{}:v1", d.join("layout").display());
    let alice = TestSigstore::token(ISSUER, "alice-subject", Some(EMAIL));
    let (code, _, err) = sign(d, &s, &alice, &target);
    assert_eq!(code, 0, "{err}");
    let flags = [
        "--certificate-identity",
        EMAIL,
        "--certificate-oidc-issuer",
        ISSUER,
    ];
    let (code, out, err) = verify(d, &target, &flags);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"build\":\"7\""), "{out}");
    let (code, _, err) = verify(
        d,
        &target,
        &[
            "--certificate-identity",
            "mallory@bulwark.test",
            "--certificate-oidc-issuer",
            ISSUER,
        ],
    );
    assert_eq!(code, 1, "{err}");
    // unreachable Fulcio: a runtime error (3) naming the service, nothing stored
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (code, _, err) = run(bulwark(d).args([
        "sign",
        "--identity-token",
        &alice,
        "--fulcio-url",
        &format!("http://127.0.0.1:{closed}"),
        "--rekor-url",
        &s.rekor.url(),
        &target,
    ]));
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("Fulcio"), "{err}");
    let (code, out, err) = verify(d, &target, &flags);
    assert_eq!(code, 0, "{err}");
    let got: Vec<serde_json::Value> = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(got.len(), 1, "still one signature: {out}");
}
