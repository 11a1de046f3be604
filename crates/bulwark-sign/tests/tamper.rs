//! Exhaustive single-byte tampering: every one-byte change to a signed payload, a
//! signature, a Rekor bundle or a `.sig` manifest must be rejected.

// Test helpers outside #[test] fns get the same unwrap/panic allowance as tests.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fs;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use bulwark_sign::manifest::{Descriptor, ManifestError, SignatureLayer};
use bulwark_sign::{
    Digest, PrivateKey, PublicKey, SignatureManifest, SimpleSigningPayload, VerifyOptions,
    sign_payload, signature, verify_bundle, verify_image_signatures,
};

#[test]
fn every_payload_and_signature_byte_flip_is_rejected() {
    let key = PrivateKey::generate();
    let public = key.public_key();
    let payload = SimpleSigningPayload::new("registry.example/app", Digest::of(b"m")).to_json();
    let sig_b64 = sign_payload(&key, &payload);
    let der = B64.decode(&sig_b64).unwrap();
    signature::verify_der(&public, &payload, &der).unwrap();
    for i in 0..payload.len() {
        let mut p = payload.clone();
        p[i] ^= 0x01;
        assert!(
            signature::verify_der(&public, &p, &der).is_err(),
            "payload byte {i}"
        );
    }
    for i in 0..der.len() {
        for bit in [0x01, 0x80] {
            let mut d = der.clone();
            d[i] ^= bit;
            assert!(
                signature::verify_der(&public, &payload, &d).is_err(),
                "signature byte {i} ^ {bit:#x}"
            );
        }
    }
}

#[test]
fn every_rekor_bundle_byte_flip_is_rejected() {
    let Some(dir) = bulwark_testutil::conformance_dir("cosign") else {
        return;
    };
    let case = dir.join("signatures/key-rekor-valid");
    let bundle = fs::read_to_string(case.join("bundle-annotation.json")).unwrap();
    let bundle = bundle.trim();
    let payload = fs::read(case.join("payload.json")).unwrap();
    let sig = signature::decode_signature(&fs::read_to_string(case.join("signature.b64")).unwrap())
        .unwrap();
    let signer =
        PublicKey::from_pem(&fs::read(dir.join("signatures/cosign2.pub")).unwrap()).unwrap();
    let rekor = PublicKey::from_pem(&fs::read(dir.join("signatures/rekor.pub")).unwrap()).unwrap();
    verify_bundle(bundle, &rekor, &payload, &sig, &signer).unwrap();
    let bytes = bundle.as_bytes();
    for i in 0..bytes.len() {
        let mut b = bytes.to_vec();
        b[i] ^= 0x01;
        let Ok(text) = String::from_utf8(b) else {
            continue;
        };
        assert!(
            verify_bundle(&text, &rekor, &payload, &sig, &signer).is_err(),
            "bundle byte {i} ({:?})",
            char::from(bytes[i])
        );
    }
}

#[test]
fn every_sig_manifest_byte_flip_is_rejected_or_changes_nothing_verified() {
    let key = PrivateKey::generate();
    let image = Digest::of(b"image manifest");
    let payload = SimpleSigningPayload::new("r/app", image.clone()).to_json();
    let mut sigs = SignatureManifest::new();
    sigs.append(SignatureLayer::simple_signing(
        payload.clone(),
        sign_payload(&key, &payload),
        None,
    ));
    let blobs: BTreeMap<Digest, Vec<u8>> = sigs.blobs().into_iter().collect();
    let fetch = |d: &Descriptor| -> Result<Vec<u8>, ManifestError> {
        blobs
            .get(&d.digest)
            .cloned()
            .ok_or_else(|| ManifestError::BadDigest(d.digest.to_string()))
    };
    let manifest = sigs.manifest_json();
    let verifies = |m: &SignatureManifest| {
        verify_image_signatures(m, &image, &key.public_key(), &VerifyOptions::default()).is_ok()
    };
    assert!(verifies(
        &SignatureManifest::from_manifest(&manifest, fetch).unwrap()
    ));

    // A flip may land in something verification does not read (the optional manifest
    // mediaType key, the config descriptor); then the loaded signatures must be exactly
    // the original ones. Any other flip must make loading or verification fail.
    let (mut rejected, mut inert) = (0, 0);
    for i in 0..manifest.len() {
        let mut m = manifest.clone();
        m[i] ^= 0x01;
        match SignatureManifest::from_manifest(&m, fetch) {
            Err(_) => rejected += 1,
            Ok(loaded) if loaded == sigs => inert += 1,
            Ok(loaded) => {
                assert!(
                    !verifies(&loaded),
                    "manifest byte {i} ({:?})",
                    char::from(manifest[i])
                );
                rejected += 1;
            }
        }
    }
    assert!(rejected > 300, "{rejected} rejected, {inert} inert");
    assert!(inert < 150, "{rejected} rejected, {inert} inert");
}
