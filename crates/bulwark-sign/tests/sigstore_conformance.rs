//! sigstore-conformance `bundle-verify` (shared/conformance/sigstore): every case
//! folder is verified twice, with the artifact's path and with its `sha256:` digest,
//! offline, and the verdict must be "verified" unless the folder name ends in `_fail`.
//! A new case folder is picked up without code.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::Path;

use bulwark_sign::sigstore::{AnyKey, Artifact, Matcher, Policy, TrustedRoot, verify_json};

const DEFAULT_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const DEFAULT_ISSUER: &str = "https://token.actions.githubusercontent.com";

fn read_trimmed(path: &Path) -> Option<String> {
    fs::read_to_string(path).ok().map(|s| s.trim().to_owned())
}

/// Runs one case with the given artifact argument; Ok when verified.
fn run_case(case: &Path, artifact_arg: &str, production: &TrustedRoot) -> Result<(), String> {
    let bundle = fs::read(case.join("bundle.sigstore.json")).map_err(|e| e.to_string())?;
    let custom;
    let root = match fs::read(case.join("trusted_root.json")) {
        Ok(json) => {
            custom = TrustedRoot::parse(&json).map_err(|e| e.to_string())?;
            &custom
        }
        Err(_) => production,
    };
    let policy = match fs::read(case.join("key.pub")) {
        Ok(pem) => Policy::Key(AnyKey::from_pem(&pem)?),
        Err(_) => Policy::Identity {
            identity: Matcher::Exact(
                read_trimmed(&case.join("identity")).unwrap_or_else(|| DEFAULT_IDENTITY.into()),
            ),
            issuer: Matcher::Exact(
                read_trimmed(&case.join("issuer")).unwrap_or_else(|| DEFAULT_ISSUER.into()),
            ),
        },
    };
    let artifact = Artifact::from_arg(artifact_arg)?;
    verify_json(&bundle, &artifact, &policy, root)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[test]
fn bundle_verify_cases_give_the_expected_verdict_by_path_and_by_digest() {
    let Some(dir) = bulwark_testutil::conformance_dir("sigstore") else {
        return;
    };
    let cases_dir = dir.join("bundle-verify");
    let production = TrustedRoot::parse(
        &fs::read(dir.join("trusted-roots/production.trusted_root.json")).unwrap(),
    )
    .unwrap();
    let mut cases: Vec<_> = fs::read_dir(&cases_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("bundle.sigstore.json").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 70, "only {} cases", cases.len());
    let mut wrong = Vec::new();
    let mut runs = 0;
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expect_ok = !name.ends_with("_fail");
        let artifact_path = if case.join("artifact").is_file() {
            case.join("artifact")
        } else {
            cases_dir.join("a.txt")
        };
        let digest = bulwark_sign::Digest::of(&fs::read(&artifact_path).unwrap());
        for arg in [
            artifact_path.to_string_lossy().into_owned(),
            digest.to_string(),
        ] {
            runs += 1;
            let got = run_case(case, &arg, &production);
            eprintln!(
                "{name} [{}]: {got:?}",
                if arg.starts_with("sha256:") {
                    "digest"
                } else {
                    "path"
                }
            );
            if got.is_ok() != expect_ok {
                wrong.push(format!(
                    "{name} ({arg}): expected {}, got {got:?}",
                    if expect_ok { "verified" } else { "rejected" }
                ));
            }
        }
    }
    assert_eq!(runs, cases.len() * 2);
    assert!(
        wrong.is_empty(),
        "{} of {runs} runs wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Changing any signed byte of a verified bundle is caught, at the stage that owns it.
#[test]
fn tampering_with_a_verified_bundle_is_caught_at_each_stage() {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde_json::Value;

    let Some(dir) = bulwark_testutil::conformance_dir("sigstore") else {
        return;
    };
    let root = TrustedRoot::production().unwrap();
    let case = dir.join("bundle-verify/happy-path-v0.3");
    let original: Value =
        serde_json::from_slice(&fs::read(case.join("bundle.sigstore.json")).unwrap()).unwrap();
    let artifact = Artifact::of(&fs::read(dir.join("bundle-verify/a.txt")).unwrap());
    let policy = Policy::Identity {
        identity: Matcher::Exact(DEFAULT_IDENTITY.into()),
        issuer: Matcher::Exact(DEFAULT_ISSUER.into()),
    };
    let check = |v: &Value| verify_json(v.to_string().as_bytes(), &artifact, &policy, &root);
    let verified = check(&original).unwrap();
    assert_eq!(verified.identities, vec![DEFAULT_IDENTITY.to_owned()]);
    assert_eq!(verified.issuer.as_deref(), Some(DEFAULT_ISSUER));
    assert_eq!(verified.times, vec![1_710_869_186]);

    let flip = |v: &mut Value, pointer: &str, at: usize| {
        let s = v.pointer(pointer).unwrap().as_str().unwrap();
        let mut raw = STANDARD.decode(s).unwrap();
        let i = at.min(raw.len() - 1);
        raw[i] ^= 0x01;
        *v.pointer_mut(pointer).unwrap() = Value::String(STANDARD.encode(raw));
    };
    let stage_of = |v: &Value| check(v).unwrap_err().stage;

    let mut cert = original.clone();
    flip(&mut cert, "/verificationMaterial/certificate/rawBytes", 400);
    assert!(check(&cert).is_err());
    let mut sig = original.clone();
    flip(&mut sig, "/messageSignature/signature", 20);
    assert_eq!(stage_of(&sig), "signature");
    let mut body = original.clone();
    flip(
        &mut body,
        "/verificationMaterial/tlogEntries/0/canonicalizedBody",
        30,
    );
    assert_eq!(stage_of(&body), "tlog");
    let mut set = original.clone();
    flip(
        &mut set,
        "/verificationMaterial/tlogEntries/0/inclusionPromise/signedEntryTimestamp",
        20,
    );
    assert_eq!(stage_of(&set), "tlog");
    let mut proof = original.clone();
    flip(
        &mut proof,
        "/verificationMaterial/tlogEntries/0/inclusionProof/hashes/0",
        3,
    );
    assert_eq!(stage_of(&proof), "tlog");
    let mut time = original.clone();
    *time
        .pointer_mut("/verificationMaterial/tlogEntries/0/integratedTime")
        .unwrap() = Value::String("1710869187".into());
    assert_eq!(stage_of(&time), "tlog");

    // Another identity or issuer, exact or by regexp.
    for (identity, issuer) in [
        (
            Matcher::Exact(
                "https://github.com/other/repo/.github/workflows/x.yml@refs/heads/main".into(),
            ),
            Matcher::Exact(DEFAULT_ISSUER.into()),
        ),
        (
            Matcher::Exact(DEFAULT_IDENTITY.into()),
            Matcher::Exact("https://accounts.google.com".into()),
        ),
        (
            Matcher::regex("^https://github.com/other/").unwrap(),
            Matcher::regex(".*").unwrap(),
        ),
    ] {
        let p = Policy::Identity { identity, issuer };
        let e = verify_json(original.to_string().as_bytes(), &artifact, &p, &root).unwrap_err();
        assert_eq!(e.stage, "identity", "{e}");
    }
    // Another artifact.
    let e = verify_json(
        original.to_string().as_bytes(),
        &Artifact::of(b"other"),
        &policy,
        &root,
    )
    .unwrap_err();
    assert_eq!(e.stage, "signature", "{e}");
    // The staging root does not know the production log.
    let staging =
        TrustedRoot::parse(&fs::read(dir.join("trusted-roots/staging.trusted_root.json")).unwrap())
            .unwrap();
    let e = verify_json(
        original.to_string().as_bytes(),
        &artifact,
        &policy,
        &staging,
    )
    .unwrap_err();
    assert_eq!(e.stage, "tlog", "{e}");
}
