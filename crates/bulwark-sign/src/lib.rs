//! Cosign-compatible image signing and verification, independent of transport.
//!
//! - [`keys`]: `cosign.key` / `cosign.pub` formats (scrypt + nacl/secretbox envelope).
//! - [`payload`]: the simple-signing payload an image signature signs.
//! - [`signature`]: ECDSA P-256/SHA-256, base64 DER; `sign-blob` / `verify-blob`.
//! - [`manifest`]: the `.sig` OCI manifest (one layer per signature) and its config.
//! - [`rekor`]: offline Rekor bundle (SignedEntryTimestamp) verification.
//! - [`verify`]: `cosign verify` semantics over a fetched signature set.
//! - [`bundle`]: Sigstore bundles (v0.1–v0.3), DSSE/in-toto, Cosign v3 `--new-bundle-format`.
//! - [`referrers`]: the OCI 1.1 referrer manifest and tag-schema fallback index for bundles.
//! - [`keyless`]: keyless signing: OIDC tokens, Fulcio v2 and Rekor v1 clients, blob bundles.
//! - [`cosign_keyless`]: keyless `.sig` layers (certificate, chain, Rekor bundle): signing
//!   and verification through [`sigstore`].
//! - [`x509`]: the public key of a certificate (no chain validation).
//! - [`sigstore`]: Sigstore bundle verification against a trusted root (Fulcio chain, SCTs,
//!   identity, Rekor v1/v2 proofs and checkpoints, RFC 3161 timestamps); see `docs/sigstore.md`.
//! - [`tuf`]: a TUF 1.0 client for Sigstore's trust repository (`bulwark trust update`) and
//!   the choice of the trusted root verification uses by default.
//! - [`store`]: the [`store::SignatureStore`] seam and an OCI-layout implementation.
//! - [`registry`]: the registry implementation (`sha256-<hex>.sig` tags) over `bulwark-oci`.
//!
//! The registry HTTP client lives in `bulwark-oci`; [`registry::RegistryStore`] adapts it.

pub mod bundle;
pub mod canonical;
pub mod cosign_keyless;
pub mod digest;
mod gojson;
pub mod keyless;
pub mod keys;
pub mod manifest;
pub mod payload;
pub mod referrers;
pub mod registry;
pub mod rekor;
pub mod signature;
pub mod sigstore;
pub mod store;
pub mod store_error;
pub mod tuf;
pub mod verify;
pub mod x509;

pub use bundle::{
    Bundle, BundleError, BundleFailure, COSIGN_SIGN_PREDICATE_TYPE, VerifiedBundle,
    sign_image_bundle, verify_bundle_for_image,
};
pub use digest::{Digest, DigestError};
pub use keys::{
    GeneratedKeyPair, KeyEncryption, KeyError, PrivateKey, PublicKey, generate_key_pair,
};
pub use manifest::{ManifestError, SignatureLayer, SignatureManifest};
pub use payload::{PayloadError, SimpleSigningPayload};
pub use referrers::{BundleStore, FoundBundle, PutBundle};
pub use registry::{AppendPolicy, RegistryStore, RegistryStoreError};
pub use rekor::{RekorError, TlogStatus, verify_bundle};
pub use signature::{VerifyError, sign_blob, sign_payload, verify_blob, verify_payload};
pub use store::{OciLayoutStore, SignatureStore, StoreError};
pub use verify::{NoValidSignature, VerifiedSignature, VerifyOptions, verify_image_signatures};

/// Signs `image` (its manifest digest, under repository name `docker_reference`) with
/// `key` and the given `-a` annotations, and appends the signature to `store`.
/// Returns the new layer and whether it was added (false: identical signature present).
pub fn sign_image(
    store: &dyn SignatureStore,
    key: &PrivateKey,
    docker_reference: &str,
    image: &Digest,
    annotations: &std::collections::BTreeMap<String, String>,
) -> Result<(SignatureLayer, bool), StoreError> {
    let payload = SimpleSigningPayload::new(docker_reference, image.clone())
        .with_annotations(annotations)
        .to_json();
    let signature = sign_payload(key, &payload);
    let layer = SignatureLayer::simple_signing(payload, signature, None);
    let added = store.append_signature(image, layer.clone())?;
    Ok((layer, added))
}

#[doc(hidden)]
pub mod fuzzing {
    //! Entry points shared by the cargo-fuzz targets (`fuzz/`) and the never-panic
    //! property tests: feed untrusted bytes to every parser; only errors may come out.

    use crate::{
        Digest, PrivateKey, PublicKey, SignatureManifest, SimpleSigningPayload, signature,
    };

    // An arbitrary P-256 key generated for this harness; signatures never verify
    // against it, the point is to drive the parsers behind each check.
    const FUZZ_KEY: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEdM67XX2qCzRDLe1rWYqiPqFt6Z3t
iS2lHuo0e04a4HoMIbQeUfVyRRtQnIkrJATcfOfQgaSP6MawAfMrpUh18A==
-----END PUBLIC KEY-----
";

    /// Runs the key parsers (encrypted private key PEM, public key PEM/DER, PKCS#8).
    pub fn keys(data: &[u8]) {
        let _ = PrivateKey::from_encrypted_pem(data, b"");
        let _ = PrivateKey::from_pkcs8_der(data);
        let _ = PublicKey::from_pem(data);
        let _ = PublicKey::from_spki_der(data);
    }

    /// Runs the signature, payload, manifest, bundle and digest parsers.
    pub fn signatures(data: &[u8]) {
        let key = PublicKey::from_pem(FUZZ_KEY.as_bytes()).ok();
        let text = String::from_utf8_lossy(data);
        let _ = signature::decode_signature(&text);
        if let Some(key) = key.as_ref() {
            let _ = signature::verify_der(key, b"payload", data);
            let _ = signature::verify_payload(key, b"payload", &text);
            let _ = crate::verify_bundle(&text, key, b"payload", data, key);
        }
        let _ = SimpleSigningPayload::parse(data);
        let _ = SignatureManifest::parse_descriptors(data);
        let _ = SignatureManifest::from_manifest(data, |_| {
            Ok::<_, crate::ManifestError>(data.to_vec())
        });
        let _ = text.parse::<Digest>();
        let _ = serde_json::from_slice::<serde_json::Value>(data)
            .map(|v| crate::canonical::canonicalize(&v));
    }

    /// Runs the Sigstore bundle, in-toto statement, referrer manifest, tag-schema index
    /// and certificate parsers, and bundle verification on whatever parses.
    pub fn bundles(data: &[u8]) {
        let image = Digest::of(b"fuzz image");
        let key = PublicKey::from_pem(FUZZ_KEY.as_bytes()).ok();
        if let Ok(bundle) = crate::bundle::Bundle::parse(data) {
            let _ = bundle.to_json();
            if let Some(key) = key.as_ref() {
                let options = crate::VerifyOptions {
                    rekor_key: Some(key.clone()),
                    ..crate::VerifyOptions::default()
                };
                let _ =
                    crate::bundle::verify_bundle_for_image(&bundle, &image, key, None, &options);
            }
        }
        let _ = crate::bundle::check_statement(data, &image, None);
        let _ = crate::referrers::parse_bundle_referrer(&image, data);
        let entry = serde_json::json!({"digest": image.to_string()});
        let _ = crate::referrers::append_to_fallback_index("t", Some(data), &entry);
        let _ = crate::x509::certificate_public_key(data);
        let _ = crate::x509::pem_public_key(data);
        if let Some(key) = key.as_ref() {
            let _ = crate::rekor::check_entry(
                data,
                &crate::rekor::Logged::DssePayload(b"payload"),
                b"sig",
                key,
            );
            let _ =
                crate::rekor::check_entry(data, &crate::rekor::Logged::Hash(&image), b"sig", key);
        }
    }

    /// Runs Sigstore bundle verification (keyless and key policies) against the
    /// embedded production root and a custom root parsed from the same bytes.
    pub fn sigstore_bundles(data: &[u8]) {
        use crate::sigstore::{AnyKey, Artifact, Matcher, Policy, TrustedRoot, verify_json};
        let artifact = Artifact::of(b"fuzz artifact");
        let identity = Policy::Identity {
            identity: Matcher::Exact("https://example.com/fuzz".into()),
            issuer: Matcher::Exact("https://token.actions.githubusercontent.com".into()),
        };
        if let Ok(root) = TrustedRoot::production() {
            let _ = verify_json(data, &artifact, &identity, &root);
            if let Ok(key) = AnyKey::from_pem(FUZZ_KEY.as_bytes()) {
                let _ = verify_json(data, &artifact, &Policy::Key(key), &root);
            }
        }
        if let Ok(root) = TrustedRoot::parse(data) {
            let _ = verify_json(data, &artifact, &identity, &root);
        }
    }

    /// Runs the X.509 certificate, SPKI, SCT list, RFC 3161 timestamp and checkpoint
    /// parsers and every certificate accessor the verifier uses.
    pub fn certificates(data: &[u8]) {
        use crate::sigstore::pki::{AnyKey, Cert};
        if let Ok(cert) = Cert::from_der(data) {
            let _ = cert.public_key();
            let _ = cert.validity();
            let _ = cert.is_ca();
            let _ = cert.san_identities();
            let _ = cert.oidc_issuer();
            let _ = cert.issued_by(&cert);
            if let Ok(root) = crate::sigstore::TrustedRoot::production() {
                let _ = crate::sigstore::sct::verified_scts(&cert, &cert, &root);
            }
        }
        let _ = AnyKey::from_spki_der(data);
        let _ = crate::sigstore::sct::parse_sct_list(data);
        if let Ok(root) = crate::sigstore::TrustedRoot::production() {
            let _ = crate::sigstore::tsa::verify_timestamp(data, b"sig", &root);
        }
        let _ = crate::sigstore::tlog::parse_checkpoint(&String::from_utf8_lossy(data));
    }

    /// Runs the keyless-signing parsers of service answers: an identity token (JWT
    /// claims), a Fulcio `signingCert` answer, a Rekor `log/entries` answer, and a
    /// keyless `.sig` layer's Rekor bundle and certificate annotations.
    pub fn keyless_responses(data: &[u8]) {
        let text = String::from_utf8_lossy(data);
        let _ = crate::keyless::IdentityToken::parse(&text);
        // a cosign keyless `.sig` layer: Rekor bundle annotation, certificate annotations
        let _ = crate::cosign_keyless::parse_rekor_bundle(&text);
        let mut layer = crate::SignatureLayer::simple_signing(
            data.to_vec(),
            text.clone().into_owned(),
            Some(text.clone().into_owned()),
        );
        layer.annotations.insert(
            crate::cosign_keyless::CERTIFICATE_ANNOTATION.to_owned(),
            text.clone().into_owned(),
        );
        let _ = crate::cosign_keyless::layer_bundle(&layer);
        if let Ok(answer) = serde_json::from_slice::<serde_json::Value>(data) {
            let _ = crate::keyless::fulcio::parse_response(&answer);
            if let Ok(entry) = crate::keyless::tlog_upload::parse_response(&answer) {
                let _ = entry.to_json();
            }
        }
    }

    /// Runs the trusted-root (Sigstore trust metadata) parser.
    pub fn trust_roots(data: &[u8]) {
        if let Ok(root) = crate::sigstore::TrustedRoot::parse(data) {
            let _ = root.tlog(b"x");
            let _ = root.ctlog(b"x");
        }
    }
}
