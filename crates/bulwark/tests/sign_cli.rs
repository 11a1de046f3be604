//! End-to-end tests of `bulwark key generate`, `sign`, `verify`, `sign-blob` and
//! `verify-blob`: real keys, real files, openssl as an independent verifier, a real local
//! registry (Debian's `docker-registry`, images pushed with `skopeo`) and the cosign-made
//! signatures of the conformance set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use assert_cmd::Command;
use base64::Engine as _;
use bulwark_sign::{Digest, SignatureLayer, SignatureManifest, SignatureStore};

const PW: &str = "correct horse";

fn bulwark(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("bulwark").unwrap();
    cmd.current_dir(dir)
        .env("HOME", dir)
        .env("DOCKER_CONFIG", dir.join(".docker"))
        .env("COSIGN_PASSWORD", PW);
    for (k, _) in std::env::vars() {
        if k.starts_with("BULWARK_") && k != "BULWARK_CONFORMANCE" {
            cmd.env_remove(k);
        }
    }
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

/// Generates `dir/NAME.key` + `.pub` with the test password.
fn keypair(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let (code, _, err) = run(bulwark(dir).args(["key", "generate", "--output-key-prefix", name]));
    assert_eq!(code, 0, "{err}");
    (
        dir.join(format!("{name}.key")),
        dir.join(format!("{name}.pub")),
    )
}

use bulwark_testutil::registry::{LocalRegistry, tools_available as tools};

// ---------------------------------------------------------------- keys

#[test]
fn key_generate_modes_refusal_and_force() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (key, public) = keypair(d, "cosign");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let key_text = std::fs::read_to_string(&key).unwrap();
    assert!(
        key_text.starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----"),
        "{key_text}"
    );
    let pub_text = std::fs::read_to_string(&public).unwrap();
    let loaded =
        bulwark_sign::PrivateKey::from_encrypted_pem(key_text.as_bytes(), PW.as_bytes()).unwrap();
    assert_eq!(loaded.public_key().to_pem(), pub_text);

    // no overwrite without --force: exit 2, files untouched
    let (code, out, err) = run(bulwark(d).args(["key", "generate"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--force") && err.contains("cosign.key"),
        "{err}"
    );
    assert!(out.is_empty());
    assert_eq!(std::fs::read_to_string(&key).unwrap(), key_text);
    // nor when only the .pub exists
    std::fs::remove_file(&key).unwrap();
    let (code, _, err) = run(bulwark(d).args(["key", "generate"]));
    assert_eq!(code, 2, "{err}");
    assert!(!key.exists());

    // --force replaces both, and tightens a loose mode on the old file
    std::fs::write(&key, "old").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let (code, _, err) = run(bulwark(d).args(["key", "generate", "--force"]));
    assert_eq!(code, 0, "{err}");
    let new_text = std::fs::read_to_string(&key).unwrap();
    assert_ne!(new_text, key_text);
    assert_ne!(std::fs::read_to_string(&public).unwrap(), pub_text);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // neither the password nor the key is printed
    assert!(!err.contains(PW) && !err.contains("PRIVATE KEY"), "{err}");
}

#[test]
fn key_generate_empty_and_stdin_passwords() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (code, _, err) = run(bulwark(d).env("COSIGN_PASSWORD", "").args([
        "key",
        "generate",
        "--output-key-prefix",
        "empty",
    ]));
    assert_eq!(code, 0, "{err}");
    let pem = std::fs::read(d.join("empty.key")).unwrap();
    bulwark_sign::PrivateKey::from_encrypted_pem(&pem, b"").expect("empty password");
    assert!(bulwark_sign::PrivateKey::from_encrypted_pem(&pem, b"x").is_err());

    // no COSIGN_PASSWORD and no terminal: one line of standard input
    let (code, _, err) = run(bulwark(d)
        .env_remove("COSIGN_PASSWORD")
        .write_stdin("from stdin\nignored\n")
        .args(["key", "generate", "--output-key-prefix", "piped"]));
    assert_eq!(code, 0, "{err}");
    let pem = std::fs::read(d.join("piped.key")).unwrap();
    bulwark_sign::PrivateKey::from_encrypted_pem(&pem, b"from stdin").expect("stdin password");
}

// ---------------------------------------------------------------- blobs

#[test]
fn sign_blob_verify_blob_round_trip_and_openssl() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (key, public) = keypair(d, "k");
    let file = d.join("artifact.bin");
    std::fs::write(&file, b"release artifact\x00\x01 bytes").unwrap();

    let (code, out, err) = run(bulwark(d)
        .args(["sign-blob", "--key"])
        .arg(&key)
        .arg(&file)
        .args(["--output-signature", "artifact.sig"]));
    assert_eq!(code, 0, "{err}");
    let sig = out.trim().to_owned();
    assert_eq!(
        std::fs::read_to_string(d.join("artifact.sig")).unwrap(),
        sig
    );

    // the signature as a file and as a literal
    for s in ["artifact.sig", sig.as_str()] {
        let (code, _, err) = run(bulwark(d)
            .args(["verify-blob", "--key"])
            .arg(&public)
            .args(["--signature", s])
            .arg(&file));
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("Verified OK"), "{err}");
    }
    // other content, or another key: exit 1
    let other = d.join("other.bin");
    std::fs::write(&other, b"release artifact\x00\x02 bytes").unwrap();
    let (code, _, err) = run(bulwark(d)
        .args(["verify-blob", "--key"])
        .arg(&public)
        .args(["--signature", "artifact.sig"])
        .arg(&other));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("does not verify"), "{err}");
    let (_, public2) = keypair(d, "k2");
    let (code, _, _) = run(bulwark(d)
        .args(["verify-blob", "--key"])
        .arg(&public2)
        .args(["--signature", "artifact.sig"])
        .arg(&file));
    assert_eq!(code, 1);
    // garbage signature text: exit 1 with the reason
    let (code, _, err) = run(bulwark(d)
        .args(["verify-blob", "--key"])
        .arg(&public)
        .args(["--signature", "not base64!"])
        .arg(&file));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("base64"), "{err}");

    // openssl agrees
    if tools(&["openssl"]) {
        let der = base64::engine::general_purpose::STANDARD
            .decode(&sig)
            .unwrap();
        std::fs::write(d.join("artifact.der"), der).unwrap();
        let out = std::process::Command::new("openssl")
            .args(["dgst", "-sha256", "-verify"])
            .arg(&public)
            .args(["-signature"])
            .arg(d.join("artifact.der"))
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "Verified OK");
    }
}

#[test]
fn wrong_password_is_one_clear_line() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (key, _) = keypair(d, "k");
    std::fs::write(d.join("f"), b"x").unwrap();
    let (code, out, err) = run(bulwark(d)
        .env("COSIGN_PASSWORD", "wrong")
        .args(["sign-blob", "--key"])
        .arg(&key)
        .arg("f"));
    assert_eq!(code, 3, "{err}");
    assert!(out.is_empty());
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("wrong password") && err.contains("k.key"),
        "{err}"
    );
}

// ---------------------------------------------------------------- OCI layouts

fn payloads(stdout: &str) -> Vec<serde_json::Value> {
    assert_eq!(stdout.lines().count(), 1, "one JSON line: {stdout}");
    serde_json::from_str(stdout.trim()).unwrap()
}

#[test]
fn oci_layout_sign_verify_annotations_and_payload_files() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (key, public) = keypair(d, "k");
    let layout = d.join("layout");
    let digest = bulwark_testutil::image::write_oci_image(&layout, "v1", b"hello");

    // nothing signed yet
    let (code, out, err) = run(bulwark(d)
        .args(["verify", "--key"])
        .arg(&public)
        .arg("oci:layout"));
    assert_eq!(code, 1, "{err}");
    assert!(
        out.is_empty() && err.contains("no signatures found"),
        "{err}"
    );

    let (code, _, err) = run(bulwark(d).args(["sign", "--key"]).arg(&key).args([
        "-a",
        "env=prod",
        "--output-payload",
        "payload.json",
        "--output-signature",
        "payload.sig",
        "oci:layout",
    ]));
    assert_eq!(code, 0, "{err}");
    let payload: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("payload.json")).unwrap()).unwrap();
    assert_eq!(
        payload["critical"]["image"]["docker-manifest-digest"],
        digest.as_str()
    );
    assert_eq!(
        payload["critical"]["type"],
        "cosign container image signature"
    );
    assert_eq!(payload["optional"]["env"], "prod");

    // openssl verifies the payload with the signature written next to it
    if tools(&["openssl"]) {
        let sig = std::fs::read_to_string(d.join("payload.sig")).unwrap();
        std::fs::write(
            d.join("payload.der"),
            base64::engine::general_purpose::STANDARD
                .decode(sig.trim())
                .unwrap(),
        )
        .unwrap();
        let out = std::process::Command::new("openssl")
            .args(["dgst", "-sha256", "-verify"])
            .arg(&public)
            .arg("-signature")
            .arg(d.join("payload.der"))
            .arg(d.join("payload.json"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // signing again with the same key and payload: deterministic ECDSA, no duplicate layer
    let (code, _, err) =
        run(bulwark(d)
            .args(["sign", "--key"])
            .arg(&key)
            .args(["-a", "env=prod", "oci:layout:v1"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("already stored"), "{err}");
    // a second signature (another annotation) is appended
    let (code, _, err) = run(bulwark(d)
        .args(["sign", "--key"])
        .arg(&key)
        .args(["-a", "env=dev"])
        .arg(&layout));
    assert_eq!(code, 0, "{err}");

    let (code, out, err) = run(bulwark(d)
        .args(["verify", "--key"])
        .arg(&public)
        .arg("oci:layout"));
    assert_eq!(code, 0, "{err}");
    let got = payloads(&out);
    assert_eq!(got.len(), 2, "{out}");
    assert!(err.contains("transparency log not checked"), "{err}");
    // annotation filter
    let (code, out, err) = run(bulwark(d).args(["verify", "--key"]).arg(&public).args([
        "-a",
        "env=dev",
        "oci:layout",
    ]));
    assert_eq!(code, 0, "{err}");
    let got = payloads(&out);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["optional"]["env"], "dev");
    let (code, out, err) =
        run(bulwark(d)
            .args(["verify", "--key"])
            .arg(&public)
            .args(["-a", "env=qa", "oci:layout"]));
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("env"), "{err}");
    // another key: exit 1
    let (_, other_pub) = keypair(d, "other");
    let (code, _, err) = run(bulwark(d)
        .args(["verify", "--key"])
        .arg(&other_pub)
        .arg("oci:layout"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("does not verify"), "{err}");

    // --upload=false writes the files but stores nothing
    let digest2 = bulwark_testutil::image::write_oci_image(&layout, "v2", b"second");
    let (code, _, err) = run(bulwark(d)
        .args(["sign", "--upload=false", "--key"])
        .arg(&key)
        .args(["--output-payload", "p2.json", "oci:layout:v2"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::read_to_string(d.join("p2.json"))
            .unwrap()
            .contains(&digest2)
    );
    let (code, _, _) = run(bulwark(d)
        .args(["verify", "--key"])
        .arg(&public)
        .arg("oci:layout:v2"));
    assert_eq!(code, 1);
    // two images and no tag: usage error
    let (code, _, err) = run(bulwark(d)
        .args(["verify", "--key"])
        .arg(&public)
        .arg("oci:layout"));
    assert_eq!(code, 2, "{err}");
}

// ---------------------------------------------------------------- registry

fn start_registry() -> Option<LocalRegistry> {
    bulwark_testutil::registry::start_registry(None)
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

/// The digest the registry serves for `repo_tag` (skopeo may compress layers on push, so
/// it differs from the layout's).
fn remote_digest(reg: &LocalRegistry, repo_tag: &str) -> String {
    let client = bulwark_oci::RegistryClient::new(bulwark_oci::RegistryOptions::default());
    let reference = bulwark_oci::Reference::parse(&format!("{}/{repo_tag}", reg.host())).unwrap();
    client.get_manifest(&reference).unwrap().digest.to_string()
}

fn store_for(reg: &LocalRegistry, repo: &str) -> bulwark_sign::RegistryStore {
    let client = Arc::new(bulwark_oci::RegistryClient::new(
        bulwark_oci::RegistryOptions::default(),
    ));
    let reference = bulwark_oci::Reference::parse(&format!("{}/{repo}", reg.host())).unwrap();
    bulwark_sign::RegistryStore::new(client, &reference)
}

#[test]
fn registry_sign_verify_and_tampering() {
    let Some(reg) = start_registry() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (key, public) = keypair(d, "k");
    let layout = d.join("layout");
    bulwark_testutil::image::write_oci_image(&layout, "v1", b"first image");
    let host = reg.host();
    skopeo_copy(
        &format!("oci:{}:v1", layout.display()),
        &format!("docker://{host}/team/app:v1"),
    );
    let digest = remote_digest(&reg, "team/app:v1");
    let image = format!("{host}/team/app:v1");

    let (code, _, err) = run(bulwark(d)
        .args(["sign", "--key"])
        .arg(&key)
        .args(["-a", "build=42", &image]));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("tag") && err.contains(&digest),
        "mutable-tag warning: {err}"
    );
    assert!(
        err.contains(&format!(
            "sha256-{}.sig",
            digest.trim_start_matches("sha256:")
        )),
        "{err}"
    );

    // by tag and by digest
    for target in [image.clone(), format!("{host}/team/app@{digest}")] {
        let (code, out, err) = run(bulwark(d)
            .args(["verify", "--key"])
            .arg(&public)
            .arg(&target));
        assert_eq!(code, 0, "{target}: {err}");
        let got = payloads(&out);
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0]["critical"]["identity"]["docker-reference"],
            format!("{host}/team/app")
        );
        assert_eq!(
            got[0]["critical"]["image"]["docker-manifest-digest"],
            digest.as_str()
        );
        assert_eq!(got[0]["optional"]["build"], "42");
        assert!(err.contains("transparency log not checked"), "{err}");
    }
    // skopeo sees the cosign-style tag
    let out = std::process::Command::new("skopeo")
        .args([
            "list-tags",
            "--tls-verify=false",
            &format!("docker://{host}/team/app"),
        ])
        .output()
        .unwrap();
    let tags = String::from_utf8_lossy(&out.stdout);
    assert!(
        tags.contains(&format!("sha256-{}.sig", &digest[7..])),
        "{tags}"
    );

    // the tag now points at another image: its digest has no signature
    let other_layout = d.join("other");
    bulwark_testutil::image::write_oci_image(&other_layout, "v1", b"an attacker's image");
    skopeo_copy(
        &format!("oci:{}:v1", other_layout.display()),
        &format!("docker://{host}/team/app:v1"),
    );
    let (code, out, err) = run(bulwark(d)
        .args(["verify", "--key"])
        .arg(&public)
        .arg(&image));
    assert_eq!(code, 1, "{err}");
    assert!(
        out.is_empty() && err.contains("no signatures found"),
        "{err}"
    );
    // the original digest still verifies
    let (code, _, err) = run(bulwark(d)
        .args(["verify", "--key"])
        .arg(&public)
        .arg(format!("{host}/team/app@{digest}")));
    assert_eq!(code, 0, "{err}");

    // tampered signature layer: payload edited (annotation changed), signature kept
    let store = store_for(&reg, "team/app");
    let image_digest: Digest = digest.parse().unwrap();
    let sigs = store.get_signatures(&image_digest).unwrap().unwrap();
    let layer = &sigs.layers[0];
    let edited = String::from_utf8(layer.payload.clone())
        .unwrap()
        .replace("\"42\"", "\"43\"");
    assert_ne!(edited.as_bytes(), layer.payload.as_slice());
    let mut tampered = SignatureManifest::new();
    tampered.append(SignatureLayer::simple_signing(
        edited.into_bytes(),
        layer.signature_b64().unwrap().to_owned(),
        None,
    ));
    store.put_signatures(&image_digest, &tampered).unwrap();
    let (code, out, err) = run(bulwark(d)
        .args(["verify", "--key"])
        .arg(&public)
        .arg(format!("{host}/team/app@{digest}")));
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty() && err.contains("does not verify"), "{err}");

    // unreachable registry: runtime error (3), not a verification failure
    let dead = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (code, _, err) = run(bulwark(d)
        .args(["verify", "--key"])
        .arg(&public)
        .arg(format!("127.0.0.1:{dead}/team/app:v1")));
    assert_eq!(code, 3, "{err}");
}

/// Several `bulwark sign` processes append to one image's `.sig` tag at once; every
/// signature must survive (read-after-write check + merge + retry in `RegistryStore`).
#[test]
fn registry_concurrent_sign_processes_keep_every_signature() {
    let Some(reg) = start_registry() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (key, public) = keypair(d, "k");
    let layout = d.join("layout");
    bulwark_testutil::image::write_oci_image(&layout, "v1", b"concurrent");
    let host = reg.host();
    skopeo_copy(
        &format!("oci:{}:v1", layout.display()),
        &format!("docker://{host}/race/app:v1"),
    );
    let digest = remote_digest(&reg, "race/app:v1");
    let target = format!("{host}/race/app@{digest}");

    const WRITERS: usize = 6;
    let children: Vec<_> = (0..WRITERS)
        .map(|i| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("bulwark"))
                .current_dir(d)
                .env("HOME", d)
                .env("DOCKER_CONFIG", d.join(".docker"))
                .env("COSIGN_PASSWORD", PW)
                .args(["sign", "--key"])
                .arg(&key)
                .args(["-a", &format!("writer={i}"), &target])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (code, out, err) = run(bulwark(d)
        .args(["verify", "--key"])
        .arg(&public)
        .arg(&target));
    assert_eq!(code, 0, "{err}");
    let mut writers: Vec<String> = payloads(&out)
        .iter()
        .map(|p| p["optional"]["writer"].as_str().unwrap().to_owned())
        .collect();
    writers.sort();
    let expected: Vec<String> = (0..WRITERS).map(|i| i.to_string()).collect();
    assert_eq!(writers, expected, "every concurrent signature is kept");
}

// ---------------------------------------------------------------- cosign-made signatures

fn case_layer(dir: &Path) -> SignatureLayer {
    let payload = std::fs::read(dir.join("payload.json")).unwrap();
    let sig = std::fs::read_to_string(dir.join("signature.b64")).unwrap();
    let media_type = std::fs::read_to_string(dir.join("layer-media-type.txt")).unwrap();
    let bundle = std::fs::read_to_string(dir.join("bundle-annotation.json")).ok();
    let mut layer = SignatureLayer::simple_signing(
        payload,
        sig.trim().to_owned(),
        bundle.map(|b| b.trim().to_owned()),
    );
    media_type.trim().clone_into(&mut layer.media_type);
    layer
}

fn payload_digest(layer: &SignatureLayer) -> Digest {
    let v: serde_json::Value = serde_json::from_slice(&layer.payload).unwrap();
    v["critical"]["image"]["docker-manifest-digest"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Pushes `layers` as the `.sig` manifest of `image` in `repo` (the signed image manifests
/// reference blobs that are not part of the conformance data, so only the signature side is
/// pushed and verification addresses the image by digest).
fn push_sig(
    reg: &LocalRegistry,
    repo: &str,
    image: &Digest,
    layers: Vec<SignatureLayer>,
) -> String {
    let mut m = SignatureManifest::new();
    for l in layers {
        m.append(l);
    }
    store_for(reg, repo).put_signatures(image, &m).unwrap();
    format!("{}/{repo}@{image}", reg.host())
}

#[test]
fn cosign_made_signatures_from_a_registry() {
    let Some(conf) = bulwark_testutil::conformance_dir("cosign") else {
        return;
    };
    let Some(reg) = start_registry() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let sigdir = conf.join("signatures");
    let cosign_pub = sigdir.join("cosign.pub");
    let verify = |target: &str, key: &Path, extra: &[&str]| {
        run(bulwark(d)
            .args(["verify", "--key"])
            .arg(key)
            .args(extra)
            .arg(target))
    };

    for (case, repo) in [
        ("valid", "c/valid"),
        ("valid-2nd-signature", "c/second"),
        ("valid-with-tag", "c/tagged"),
    ] {
        let layer = case_layer(&sigdir.join(case));
        let image = payload_digest(&layer);
        if let Ok(m) = std::fs::read(sigdir.join(case).join("manifest.json")) {
            assert_eq!(
                Digest::of(&m),
                image,
                "{case}: manifest.json is the signed image"
            );
        }
        let expected: serde_json::Value = serde_json::from_slice(&layer.payload).unwrap();
        let target = push_sig(&reg, repo, &image, vec![layer]);
        let (code, out, err) = verify(&target, &cosign_pub, &[]);
        assert_eq!(code, 0, "{case}: {err}");
        assert_eq!(payloads(&out), vec![expected], "{case}");
    }

    // cosign's Rekor bundle: verified with --rekor-key, "not checked" without
    let rekor_case = case_layer(&sigdir.join("key-rekor-valid"));
    let image = payload_digest(&rekor_case);
    let target = push_sig(&reg, "c/rekor", &image, vec![rekor_case]);
    let cosign2 = sigdir.join("cosign2.pub");
    let (code, _, err) = verify(&target, &cosign2, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("transparency log not checked"), "{err}");
    let rekor_pub = sigdir.join("rekor.pub");
    let rekor_arg = rekor_pub.to_str().unwrap();
    let (code, _, err) = verify(
        &target,
        &cosign2,
        &["--rekor-key", rekor_arg, "--require-tlog"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("transparency log verified"), "{err}");
    // the bundle does not vouch for another key's verification
    let (code, _, _) = verify(&target, &cosign_pub, &["--rekor-key", rekor_arg]);
    assert_eq!(code, 1);

    // rejected: unknown key, another attachment type, a manifest that is not the signed one
    let unknown = case_layer(&sigdir.join("unknown-key"));
    let target = push_sig(&reg, "c/unknown", &payload_digest(&unknown), vec![unknown]);
    let (code, out, err) = verify(&target, &cosign_pub, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty() && err.contains("does not verify"), "{err}");

    // (its payload is not a simple-signing document: attach it to the valid image)
    let other = case_layer(&sigdir.join("other-attachment"));
    let valid_image = payload_digest(&case_layer(&sigdir.join("valid")));
    let target = push_sig(&reg, "c/other", &valid_image, vec![other]);
    let (code, _, err) = verify(&target, &cosign_pub, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not a simple-signing"), "{err}");

    let modified =
        Digest::of(&std::fs::read(sigdir.join("modified-manifest/manifest.json")).unwrap());
    let valid = case_layer(&sigdir.join("valid"));
    assert_ne!(modified, payload_digest(&valid));
    let target = push_sig(&reg, "c/modified", &modified, vec![valid.clone()]);
    let (code, _, err) = verify(&target, &cosign_pub, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("sha256:"), "{err}");

    // a set with one bad and one good layer verifies, printing only the good payload
    let unknown = case_layer(&sigdir.join("unknown-key"));
    let image = payload_digest(&valid);
    if payload_digest(&unknown) == image {
        let target = push_sig(&reg, "c/mixed", &image, vec![unknown, valid.clone()]);
        let (code, out, err) = verify(&target, &cosign_pub, &[]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(payloads(&out).len(), 1);
    }
    // bulwark signs next to cosign's signature without disturbing it
    let (key, public) = keypair(d, "k");
    let target = push_sig(&reg, "c/both", &image, vec![valid]);
    let (code, _, err) = run(bulwark(d).args(["sign", "--key"]).arg(&key).arg(&target));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = verify(&target, &cosign_pub, &[]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = verify(&target, &public, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(payloads(&out).len(), 1);
}

// ---------------------------------------------------------------- Cosign v3 bundles

const BUNDLE_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

fn oci_client() -> bulwark_oci::RegistryClient {
    bulwark_oci::RegistryClient::new(bulwark_oci::RegistryOptions::default())
}

fn fetch_json(reg: &LocalRegistry, repo_ref: &str) -> serde_json::Value {
    let reference = bulwark_oci::Reference::parse(&format!("{}/{repo_ref}", reg.host())).unwrap();
    serde_json::from_slice(&oci_client().get_manifest(&reference).unwrap().bytes).unwrap()
}

/// `bulwark sign --new-bundle-format` against distribution 2.8 (no referrers API: the
/// `sha256-<hex>` tag-schema index is written and appended to), verified by `bulwark
/// verify`; wrong keys and bundles of other images are refused.
#[test]
fn registry_new_bundle_format_sign_verify_and_tampering() {
    let Some(reg) = start_registry() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (key, public) = keypair(d, "k");
    let (_, other_public) = keypair(d, "other");
    let host = reg.host();
    for (name, content) in [("a", &b"image a"[..]), ("b", b"image b"), ("c", b"image c")] {
        let layout = d.join(name);
        bulwark_testutil::image::write_oci_image(&layout, "v1", content);
        skopeo_copy(
            &format!("oci:{}:v1", layout.display()),
            &format!("docker://{host}/team/bundled:{name}"),
        );
    }
    let digest_a = remote_digest(&reg, "team/bundled:a");
    let digest_b = remote_digest(&reg, "team/bundled:b");
    let digest_c = remote_digest(&reg, "team/bundled:c");
    let fallback_a = format!("sha256-{}", &digest_a[7..]);
    let image_a = format!("{host}/team/bundled@{digest_a}");

    let (code, _, err) = run(bulwark(d)
        .args(["sign", "--new-bundle-format", "--key"])
        .arg(&key)
        .args(["-a", "build=7", "--bundle"])
        .arg(d.join("a.bundle.json"))
        .arg(&image_a));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("tag {fallback_a}")), "{err}");

    // the referrer manifest and the tag-schema index, as cosign lays them out
    let index = fetch_json(&reg, &format!("team/bundled:{fallback_a}"));
    assert_eq!(
        index["mediaType"],
        "application/vnd.oci.image.index.v1+json"
    );
    let entries = index["manifests"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["artifactType"], BUNDLE_TYPE);
    assert_eq!(
        entries[0]["annotations"]["dev.sigstore.bundle.predicateType"],
        "https://sigstore.dev/cosign/sign/v1"
    );
    let referrer = fetch_json(
        &reg,
        &format!("team/bundled@{}", entries[0]["digest"].as_str().unwrap()),
    );
    assert_eq!(referrer["artifactType"], BUNDLE_TYPE);
    assert_eq!(referrer["subject"]["digest"], digest_a.as_str());
    assert_eq!(
        referrer["config"]["mediaType"],
        "application/vnd.oci.empty.v1+json"
    );
    assert_eq!(referrer["layers"][0]["mediaType"], BUNDLE_TYPE);
    assert_eq!(
        referrer["annotations"]["dev.sigstore.bundle.content"],
        "dsse-envelope"
    );
    // the bundle written with --bundle is the pushed layer
    let bundle_file = std::fs::read(d.join("a.bundle.json")).unwrap();
    assert_eq!(
        referrer["layers"][0]["digest"],
        Digest::of(&bundle_file).to_string()
    );
    let bundle: serde_json::Value = serde_json::from_slice(&bundle_file).unwrap();
    assert_eq!(bundle["mediaType"], BUNDLE_TYPE);
    assert!(bundle["verificationMaterial"]["publicKey"]["hint"].is_string());
    assert_eq!(
        bundle["dsseEnvelope"]["payloadType"],
        "application/vnd.in-toto+json"
    );
    // no `.sig` tag was written
    let out = std::process::Command::new("skopeo")
        .args([
            "list-tags",
            "--tls-verify=false",
            &format!("docker://{host}/team/bundled"),
        ])
        .output()
        .unwrap();
    let tags = String::from_utf8_lossy(&out.stdout);
    assert!(
        tags.contains(&fallback_a) && !tags.contains(".sig"),
        "{tags}"
    );

    let (code, out, err) = run(bulwark(d)
        .args(["verify", "--key"])
        .arg(&public)
        .arg(&image_a));
    assert_eq!(code, 0, "{err}");
    let got = payloads(&out);
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0]["critical"]["type"],
        "https://sigstore.dev/cosign/sign/v1"
    );
    assert_eq!(
        got[0]["critical"]["image"]["docker-manifest-digest"],
        digest_a.as_str()
    );
    assert_eq!(got[0]["optional"]["build"], "7");
    assert!(err.contains("transparency log not checked"), "{err}");
    // -a must match the signed subject annotations
    let (code, _, err) = run(bulwark(d)
        .args(["verify", "--key"])
        .arg(&public)
        .args(["-a", "build=8"])
        .arg(&image_a));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("build=8"), "{err}");

    // a second signature is appended to the index, not replacing the first
    let (code, _, err) = run(bulwark(d)
        .args(["sign", "--new-bundle-format", "--key"])
        .arg(&key)
        .arg(&image_a));
    assert_eq!(code, 0, "{err}");
    let index = fetch_json(&reg, &format!("team/bundled:{fallback_a}"));
    assert_eq!(index["manifests"].as_array().unwrap().len(), 2, "{index}");
    assert_eq!(index["manifests"][0], entries[0]);
    let (code, out, err) = run(bulwark(d)
        .args(["verify", "--key"])
        .arg(&public)
        .arg(&image_a));
    assert_eq!(code, 0, "{err}");
    assert_eq!(payloads(&out).len(), 2);

    // the wrong key
    let (code, out, err) = run(bulwark(d)
        .args(["verify", "--key"])
        .arg(&other_public)
        .arg(&image_a));
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty() && err.contains("does not verify"), "{err}");

    // B's valid bundle attached to C (a referrer whose subject is C): refused, it signs B
    let (code, _, err) = run(bulwark(d)
        .args(["sign", "--new-bundle-format", "--key"])
        .arg(&key)
        .args(["--bundle"])
        .arg(d.join("b.bundle.json"))
        .arg(format!("{host}/team/bundled@{digest_b}")));
    assert_eq!(code, 0, "{err}");
    let b_bundle = std::fs::read(d.join("b.bundle.json")).unwrap();
    let store = store_for(&reg, "team/bundled");
    let c: Digest = digest_c.parse().unwrap();
    bulwark_sign::BundleStore::put_bundle(
        &store,
        &c,
        &b_bundle,
        "dsse-envelope",
        Some("https://sigstore.dev/cosign/sign/v1"),
    )
    .unwrap();
    let image_c = format!("{host}/team/bundled@{digest_c}");
    let (code, out, err) = run(bulwark(d)
        .args(["verify", "--key"])
        .arg(&public)
        .arg(&image_c));
    assert_eq!(code, 1, "{err}");
    assert!(
        out.is_empty() && err.contains(&format!("signs {digest_b}, not the image {digest_c}")),
        "{err}"
    );
    // B's referrer descriptor copied into C's index: its subject is B, refused
    let b_index = fetch_json(&reg, &format!("team/bundled:sha256-{}", &digest_b[7..]));
    let mut c_index = fetch_json(&reg, &format!("team/bundled:sha256-{}", &digest_c[7..]));
    c_index["manifests"]
        .as_array_mut()
        .unwrap()
        .push(b_index["manifests"][0].clone());
    oci_client()
        .put_manifest(
            &bulwark_oci::Reference::parse(&format!(
                "{host}/team/bundled:sha256-{}",
                &digest_c[7..]
            ))
            .unwrap(),
            "application/vnd.oci.image.index.v1+json",
            &serde_json::to_vec(&c_index).unwrap(),
        )
        .unwrap();
    let (code, _, err) = run(bulwark(d)
        .args(["verify", "--key"])
        .arg(&public)
        .arg(&image_c));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("its subject is {digest_b}, not the image")),
        "{err}"
    );

    // skopeo reads the tag-schema index and copies it with its referrers
    let out = std::process::Command::new("skopeo")
        .args([
            "inspect",
            "--raw",
            "--tls-verify=false",
            &format!("docker://{host}/team/bundled:{fallback_a}"),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let raw: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(raw["manifests"].as_array().unwrap().len(), 2);
    let copied = d.join("copied");
    let mut cmd = std::process::Command::new("skopeo");
    let out = cmd
        .args([
            "--insecure-policy",
            "copy",
            "--all",
            "--src-tls-verify=false",
            &format!("docker://{host}/team/bundled:{fallback_a}"),
            &format!("oci:{}:{fallback_a}", copied.display()),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The same flow in an OCI layout: the bundle referrer and a `sha256-<hex>` index entry
/// in index.json, next to a `.sig` signature; both verify, the layout still resolves to
/// its one image, and a tampered bundle blob is refused.
#[test]
fn oci_layout_new_bundle_format_with_sig_signature() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (key, public) = keypair(d, "k");
    let layout = d.join("layout");
    let digest = bulwark_testutil::image::write_oci_image(&layout, "v1", b"hello bundles");
    let target = format!("oci:{}", layout.display());

    // Signatures are deterministic (RFC 6979): the third differs by its annotation; an
    // identical bundle would be the same referrer and is not listed twice.
    for extra in [
        &["--new-bundle-format"][..],
        &[],
        &["--new-bundle-format=true", "-a", "n=2"],
    ] {
        let (code, _, err) = run(bulwark(d)
            .arg("sign")
            .args(extra)
            .arg("--key")
            .arg(&key)
            .arg(&target));
        assert_eq!(code, 0, "{extra:?}: {err}");
    }
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(layout.join("index.json")).unwrap()).unwrap();
    let fallback = format!("sha256-{}", &digest[7..]);
    let tagged: Vec<&serde_json::Value> = index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["annotations"]["org.opencontainers.image.ref.name"] == fallback.as_str())
        .collect();
    assert_eq!(tagged.len(), 1, "{index}");
    let fallback_blob = layout
        .join("blobs/sha256")
        .join(&tagged[0]["digest"].as_str().unwrap()[7..]);
    let fallback_index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&fallback_blob).unwrap()).unwrap();
    assert_eq!(fallback_index["manifests"].as_array().unwrap().len(), 2);

    let (code, out, err) = run(bulwark(d)
        .args(["verify", "--key"])
        .arg(&public)
        .arg(&target));
    assert_eq!(code, 0, "{err}");
    let got = payloads(&out);
    assert_eq!(got.len(), 3, "{out}");
    let types: Vec<&str> = got
        .iter()
        .map(|p| p["critical"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "cosign container image signature",
            "https://sigstore.dev/cosign/sign/v1",
            "https://sigstore.dev/cosign/sign/v1"
        ]
    );

    // rewrite one bundle blob in place: its digest no longer matches, that bundle fails,
    // the others still verify
    let referrer_digest = fallback_index["manifests"][0]["digest"].as_str().unwrap();
    let referrer: serde_json::Value = serde_json::from_slice(
        &std::fs::read(layout.join("blobs/sha256").join(&referrer_digest[7..])).unwrap(),
    )
    .unwrap();
    let bundle_path = layout
        .join("blobs/sha256")
        .join(&referrer["layers"][0]["digest"].as_str().unwrap()[7..]);
    let mut bundle = std::fs::read(&bundle_path).unwrap();
    let n = bundle.len();
    bundle[n - 3] ^= 1;
    std::fs::write(&bundle_path, &bundle).unwrap();
    let (code, out, err) = run(bulwark(d)
        .args(["verify", "--key"])
        .arg(&public)
        .arg(&target));
    assert_eq!(code, 0, "{err}");
    assert_eq!(payloads(&out).len(), 2);
    let (code, _, err) = run(bulwark(d)
        .args(["verify", "--key"])
        .arg(&public)
        .args(["-a", "x=y"])
        .arg(&target));
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!("bundle referrer {referrer_digest}")),
        "{err}"
    );
}
