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
