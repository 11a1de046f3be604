//! The cosign-v3-style Sigstore bundle in shared/conformance/cosign/bundle (keyless,
//! DSSE, one Rekor `dsse` entry) parses, its DSSE signature verifies with the leaf
//! certificate's key, its statement names the attested image, and its Rekor
//! SignedEntryTimestamp verifies with the public-good Rekor key from the trusted root
//! shipped beside it. The certificate chain (Fulcio) is not validated: out of scope.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bulwark_sign::bundle::{
    BundleContent, BundleFailure, IN_TOTO_PAYLOAD_TYPE, VerificationMaterial, check_statement,
    verify_dsse,
};
use bulwark_sign::{
    Bundle, Digest, PublicKey, RekorError, TlogStatus, VerifyOptions, verify_bundle_for_image,
};
use serde_json::Value;

const ATTESTED_IMAGE: &str =
    "sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4";
const ATTESTATION_PREDICATE: &str = "https://cosign.sigstore.dev/attestation/v1";

fn dir() -> Option<PathBuf> {
    bulwark_testutil::conformance_dir("cosign").map(|d| d.join("bundle"))
}

fn load() -> Option<(Bundle, PublicKey, PublicKey)> {
    let dir = dir()?;
    let bundle =
        Bundle::parse(&fs::read(dir.join("oci-attestation.sigstore.json")).unwrap()).unwrap();
    let VerificationMaterial::Certificate(cert) = &bundle.verification_material else {
        panic!(
            "expected a certificate, got {}",
            bundle.verification_material
        );
    };
    let leaf = bulwark_sign::x509::certificate_public_key(cert).unwrap();
    let root: Value =
        serde_json::from_slice(&fs::read(dir.join("trusted_root_pgi.json")).unwrap()).unwrap();
    let log_id = &bundle.tlog_entries[0].log_id;
    let rekor = root["tlogs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| {
            STANDARD
                .decode(t["logId"]["keyId"].as_str().unwrap())
                .unwrap()
                == *log_id
        })
        .map(|t| {
            let der = STANDARD
                .decode(t["publicKey"]["rawBytes"].as_str().unwrap())
                .unwrap();
            PublicKey::from_spki_der(&der).unwrap()
        })
        .expect("the trusted root has the bundle's log");
    Some((bundle, leaf, rekor))
}

#[test]
fn conformance_bundle_parses_as_cosign_writes_it() {
    let Some((bundle, _, rekor)) = load() else {
        return;
    };
    assert_eq!(
        bundle.media_type,
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    assert_eq!(bundle.tlog_entries.len(), 1);
    let entry = &bundle.tlog_entries[0];
    assert_eq!(
        (entry.kind.as_str(), entry.version.as_str()),
        ("dsse", "0.0.1")
    );
    assert_eq!(entry.log_index, 175_508_996);
    assert_eq!(entry.integrated_time, 1_740_770_291);
    assert!(entry.signed_entry_timestamp.is_some());
    // the log ID is the sha256 of the Rekor key
    assert_eq!(
        bulwark_sign::digest::Digest::from_sha256(&entry.log_id.clone().try_into().unwrap()).hex(),
        rekor.fingerprint()
    );
    let BundleContent::Dsse(env) = &bundle.content else {
        panic!("expected a DSSE envelope");
    };
    assert_eq!(env.payload_type, IN_TOTO_PAYLOAD_TYPE);
    assert_eq!(env.signatures.len(), 1);
}

#[test]
fn conformance_bundle_verifies_with_the_leaf_key_and_rekor_set() {
    let Some((bundle, leaf, rekor)) = load() else {
        return;
    };
    let image: Digest = ATTESTED_IMAGE.parse().unwrap();
    let BundleContent::Dsse(env) = &bundle.content else {
        panic!("expected a DSSE envelope");
    };
    verify_dsse(env, &leaf).unwrap();
    let (_, predicate, _) = check_statement(&env.payload, &image, None).unwrap();
    assert_eq!(predicate, ATTESTATION_PREDICATE);

    let options = VerifyOptions {
        rekor_key: Some(rekor.clone()),
        require_tlog: true,
        ..VerifyOptions::default()
    };
    let ok = verify_bundle_for_image(
        &bundle,
        &image,
        &leaf,
        Some(ATTESTATION_PREDICATE),
        &options,
    )
    .unwrap();
    assert_eq!(
        ok.tlog,
        TlogStatus::Verified {
            log_index: 175_508_996,
            integrated_time: 1_740_770_291,
            log_id: rekor.fingerprint(),
        }
    );

    // An attestation is not an image signature.
    assert!(matches!(
        verify_bundle_for_image(
            &bundle,
            &image,
            &leaf,
            Some(bulwark_sign::COSIGN_SIGN_PREDICATE_TYPE),
            &options
        ),
        Err(BundleFailure::PredicateType { .. })
    ));
    // Another image.
    assert!(matches!(
        verify_bundle_for_image(&bundle, &Digest::of(b"other"), &leaf, None, &options),
        Err(BundleFailure::Subject { .. })
    ));
    // Another key (the Rekor key is a P-256 key too).
    assert!(matches!(
        verify_bundle_for_image(&bundle, &image, &rekor, None, &options),
        Err(BundleFailure::Signature(_))
    ));
}

#[test]
fn tampering_with_the_conformance_bundle_is_detected() {
    let Some((bundle, leaf, rekor)) = load() else {
        return;
    };
    let image: Digest = ATTESTED_IMAGE.parse().unwrap();
    let options = VerifyOptions {
        rekor_key: Some(rekor),
        require_tlog: true,
        ..VerifyOptions::default()
    };

    let mut payload_changed = bundle.clone();
    if let BundleContent::Dsse(env) = &mut payload_changed.content {
        let last = env.payload.len() - 2;
        env.payload[last] ^= 0x01;
    }
    assert!(matches!(
        verify_bundle_for_image(&payload_changed, &image, &leaf, None, &options),
        Err(BundleFailure::Signature(_))
    ));

    let mut time_changed = bundle.clone();
    time_changed.tlog_entries[0].integrated_time += 1;
    assert!(matches!(
        verify_bundle_for_image(&time_changed, &image, &leaf, None, &options),
        Err(BundleFailure::Rekor(RekorError::Set(_)))
    ));

    // A SET-valid entry does not vouch for a different envelope signature.
    let mut body_swapped = bundle.clone();
    body_swapped.tlog_entries[0].canonicalized_body = b"{}".to_vec();
    assert!(matches!(
        verify_bundle_for_image(&body_swapped, &image, &leaf, None, &options),
        Err(BundleFailure::Rekor(_))
    ));

    // Without any entry the log cannot be required.
    let mut no_tlog = bundle;
    no_tlog.tlog_entries.clear();
    assert!(matches!(
        verify_bundle_for_image(&no_tlog, &image, &leaf, None, &options),
        Err(BundleFailure::TlogRequired(_))
    ));
}
