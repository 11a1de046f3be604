//! `bulwark verify-blob --bundle` end to end on the sigstore-conformance `bundle-verify`
//! cases (each case twice: artifact path and `sha256:` digest, offline, embedded
//! production root unless the case ships one), the keyless and key flags, and the
//! cosign-compatible spellings (`generate-key-pair`, `--key env://VAR`,
//! `sign --new-bundle-format IMAGE`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

fn bulwark(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("bulwark").unwrap();
    cmd.current_dir(dir)
        .env("HOME", dir)
        .env("COSIGN_PASSWORD", "pw");
    cmd
}

fn run(cmd: &mut Command) -> (i32, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn cases() -> Option<(PathBuf, Vec<PathBuf>)> {
    let dir = bulwark_testutil::conformance_dir("sigstore")?.join("bundle-verify");
    let mut cases: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("bundle.sigstore.json").is_file())
        .collect();
    cases.sort();
    Some((dir, cases))
}

fn read_trimmed(p: &Path) -> Option<String> {
    fs::read_to_string(p).ok().map(|s| s.trim().to_owned())
}

#[test]
fn verify_blob_bundle_conformance_by_path_and_by_digest() {
    let Some((dir, cases)) = cases() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    assert!(cases.len() >= 70);
    let mut wrong = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let artifact = if case.join("artifact").is_file() {
            case.join("artifact")
        } else {
            dir.join("a.txt")
        };
        let digest = bulwark_sign::Digest::of(&fs::read(&artifact).unwrap()).to_string();
        for arg in [artifact.to_string_lossy().into_owned(), digest] {
            let mut cmd = bulwark(tmp.path());
            cmd.arg("verify-blob")
                .arg("--bundle")
                .arg(case.join("bundle.sigstore.json"));
            if case.join("key.pub").is_file() {
                cmd.arg("--key").arg(case.join("key.pub"));
            } else {
                cmd.arg("--certificate-identity")
                    .arg(read_trimmed(&case.join("identity")).unwrap_or_else(|| IDENTITY.into()))
                    .arg("--certificate-oidc-issuer")
                    .arg(read_trimmed(&case.join("issuer")).unwrap_or_else(|| ISSUER.into()));
            }
            if case.join("trusted_root.json").is_file() {
                cmd.arg("--trusted-root")
                    .arg(case.join("trusted_root.json"));
            }
            cmd.arg(&arg);
            let (code, err) = run(&mut cmd);
            let ok = if name.ends_with("_fail") {
                // 1: does not verify; 3: an input of the case cannot be loaded at all
                // (its trusted root is refused, its key.pub is not a key).
                code == 1
                    || (code == 3
                        && (err.contains("cannot load the trusted root")
                            || err.contains("cannot load the public key")))
            } else {
                code == 0 && err.contains("Verified OK")
            };
            if !ok {
                wrong.push(format!("{name} {arg}: exit {code}: {err}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn verify_blob_bundle_identity_regexp_issuer_and_usage_errors() {
    let Some((dir, _)) = cases() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let case = dir.join("happy-path-v0.3");
    let bundle = case.join("bundle.sigstore.json");
    let artifact = dir.join("a.txt");
    let verify = |extra: &[&str]| {
        let mut cmd = bulwark(tmp.path());
        cmd.arg("verify-blob")
            .arg("--bundle")
            .arg(&bundle)
            .args(extra)
            .arg(&artifact);
        run(&mut cmd)
    };
    let (code, err) = verify(&[
        "--certificate-identity-regexp",
        "^https://github.com/sigstore-conformance/",
        "--certificate-oidc-issuer-regexp",
        r"^https://token\.actions\.githubusercontent\.com$",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(IDENTITY), "{err}");
    let (code, err) = verify(&[
        "--certificate-identity",
        "https://github.com/someone-else/repo/.github/workflows/x.yml@refs/heads/main",
        "--certificate-oidc-issuer",
        ISSUER,
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("identity"), "{err}");
    let (code, err) = verify(&[
        "--certificate-identity",
        IDENTITY,
        "--certificate-oidc-issuer",
        "https://accounts.google.com",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("issuer"), "{err}");
    // The staging root does not vouch for a production bundle.
    let staging = dir.join("../trusted-roots/staging.trusted_root.json");
    let (code, err) = verify(&[
        "--certificate-identity",
        IDENTITY,
        "--certificate-oidc-issuer",
        ISSUER,
        "--trusted-root",
        staging.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    // Usage errors: no policy, an invalid regexp, only half of the identity.
    assert_eq!(verify(&[]).0, 2);
    assert_eq!(
        verify(&[
            "--certificate-identity-regexp",
            "(",
            "--certificate-oidc-issuer",
            ISSUER
        ])
        .0,
        2
    );
    assert_eq!(verify(&["--certificate-identity", IDENTITY]).0, 2);
    // A malformed digest argument is a usage error, an unreadable file a runtime error.
    let mut cmd = bulwark(tmp.path());
    cmd.args([
        "verify-blob",
        "--certificate-identity",
        IDENTITY,
        "--certificate-oidc-issuer",
        ISSUER,
        "--bundle",
    ])
    .arg(&bundle)
    .arg("sha256:xyz");
    assert_eq!(run(&mut cmd).0, 2);
    let mut cmd = bulwark(tmp.path());
    cmd.args([
        "verify-blob",
        "--certificate-identity",
        IDENTITY,
        "--certificate-oidc-issuer",
        ISSUER,
        "--bundle",
    ])
    .arg(&bundle)
    .arg(tmp.path().join("missing"));
    assert_eq!(run(&mut cmd).0, 3);
}

#[test]
fn verify_blob_bundle_with_a_key_from_the_environment() {
    let Some((dir, _)) = cases() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let case = dir.join("managed-key-happy-path");
    let pem = fs::read_to_string(case.join("key.pub")).unwrap();
    let mut cmd = bulwark(tmp.path());
    cmd.env("CONFORMANCE_KEY", &pem)
        .args(["verify-blob", "--key", "env://CONFORMANCE_KEY", "--bundle"])
        .arg(case.join("bundle.sigstore.json"))
        .arg(dir.join("a.txt"));
    let (code, err) = run(&mut cmd);
    assert_eq!(code, 0, "{err}");
    // Another key is rejected; an unset variable is a usage error.
    let (code, err) =
        run(bulwark(tmp.path()).args(["generate-key-pair", "--output-key-prefix", "other"]));
    assert_eq!(code, 0, "{err}");
    let other = fs::read_to_string(tmp.path().join("other.pub")).unwrap();
    let mut cmd = bulwark(tmp.path());
    cmd.env("CONFORMANCE_KEY", &other)
        .args(["verify-blob", "--key", "env://CONFORMANCE_KEY", "--bundle"])
        .arg(case.join("bundle.sigstore.json"))
        .arg(dir.join("a.txt"));
    assert_eq!(run(&mut cmd).0, 1);
    let mut cmd = bulwark(tmp.path());
    cmd.env_remove("NO_SUCH_KEY_VAR")
        .args(["verify-blob", "--key", "env://NO_SUCH_KEY_VAR", "--bundle"])
        .arg(case.join("bundle.sigstore.json"))
        .arg(dir.join("a.txt"));
    let (code, err) = run(&mut cmd);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("NO_SUCH_KEY_VAR"), "{err}");
}

#[test]
fn generate_key_pair_alias_and_env_private_key_for_sign_blob() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (code, err) = run(bulwark(d).args(["generate-key-pair", "--output-key-prefix", "ci"]));
    assert_eq!(code, 0, "{err}");
    assert!(d.join("ci.key").is_file() && d.join("ci.pub").is_file());
    fs::write(d.join("blob"), b"hello").unwrap();
    let key_pem = fs::read_to_string(d.join("ci.key")).unwrap();
    let out = bulwark(d)
        .env("COSIGN_PRIVATE_KEY", &key_pem)
        .args(["sign-blob", "--key", "env://COSIGN_PRIVATE_KEY", "blob"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sig = String::from_utf8(out.stdout).unwrap();
    let (code, err) = run(bulwark(d).args([
        "verify-blob",
        "--key",
        "ci.pub",
        "--signature",
        sig.trim(),
        "blob",
    ]));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn sign_new_bundle_format_is_a_switch_not_a_value() {
    let tmp = tempfile::tempdir().unwrap();
    // Before the fix clap read the image as the flag's value ("invalid value for
    // --new-bundle-format"): a usage error. Now the image is parsed and the missing key
    // file is the (runtime) error.
    let (code, err) = run(bulwark(tmp.path()).args([
        "sign",
        "--new-bundle-format",
        "oci:missing-layout",
        "--key",
        "missing.key",
    ]));
    assert_ne!(code, 2, "{err}");
    assert!(!err.contains("--new-bundle-format"), "{err}");
    let (code, err) = run(bulwark(tmp.path()).args([
        "sign",
        "--new-bundle-format=maybe",
        "oci:missing-layout",
        "--key",
        "missing.key",
    ]));
    assert_eq!(code, 2, "{err}");
}
