//! Cosign keyless `.sig` signatures: a simple-signing layer whose annotations carry the
//! Fulcio certificate (`dev.sigstore.cosign/certificate`), its chain
//! (`dev.sigstore.cosign/chain`) and the Rekor bundle (`dev.sigstore.cosign/bundle`,
//! the SignedEntryTimestamp over the log entry).
//!
//! Verification turns such a layer into a v0.1-shaped Sigstore bundle (X.509 chain, a
//! message signature over the payload's SHA-256, the log entry with its inclusion
//! promise) and runs the Sigstore verifier on it ([`crate::sigstore::verify`]: chain to a
//! Fulcio CA of the trusted root valid at the integrated time, SCT, identity and issuer,
//! SET, entry body against signature + digest + certificate, signature over the
//! payload), then checks the payload's `docker-manifest-digest` against the image.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::bundle::{Bundle, BundleContent, MessageSignature, TlogEntry, VerificationMaterial};
use crate::digest::{Digest, hex_lower};
use crate::keyless::tlog_upload::{self, hex_decode};
use crate::keyless::{IdentityToken, KeylessError, Services, fulcio};
use crate::keys::PrivateKey;
use crate::manifest::SignatureLayer;
use crate::payload::SimpleSigningPayload;
use crate::signature::sign_prehash_der;
use crate::sigstore::{Artifact, Policy, TrustedRoot, Verified};

/// The v0.1 bundle media type the layer is read as.
const BUNDLE_MEDIA_TYPE_V01: &str = "application/vnd.dev.sigstore.bundle+json;version=0.1";

/// The layer annotation holding the signing certificate (PEM).
pub const CERTIFICATE_ANNOTATION: &str = "dev.sigstore.cosign/certificate";
/// The layer annotation holding the certificate's chain (PEM, intermediates then root).
pub const CHAIN_ANNOTATION: &str = "dev.sigstore.cosign/chain";

fn pem_lf(der: &[u8]) -> String {
    pem::encode_config(
        &pem::Pem::new("CERTIFICATE", der.to_vec()),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

/// cosign's Rekor bundle annotation for a log entry:
/// `{"SignedEntryTimestamp", "Payload": {"body", "integratedTime", "logIndex", "logID"}}`.
pub fn rekor_bundle_json(entry: &TlogEntry) -> String {
    json!({
        "SignedEntryTimestamp": STANDARD.encode(entry.signed_entry_timestamp.as_deref().unwrap_or_default()),
        "Payload": {
            "body": STANDARD.encode(&entry.canonicalized_body),
            "integratedTime": entry.integrated_time,
            "logIndex": entry.log_index,
            "logID": hex_lower(&entry.log_id),
        }
    })
    .to_string()
}

/// Signs `image` keylessly as `cosign sign` does without a key: an ephemeral key
/// certified by Fulcio for `token`'s identity signs the simple-signing payload, the
/// signature is logged in Rekor (`hashedrekord`), and the returned layer carries the
/// signature, certificate, chain and Rekor bundle annotations.
pub fn sign_image_keyless(
    docker_reference: &str,
    image: &Digest,
    annotations: &BTreeMap<String, String>,
    token: &IdentityToken,
    services: &Services,
) -> Result<SignatureLayer, KeylessError> {
    let payload = SimpleSigningPayload::new(docker_reference, image.clone())
        .with_annotations(annotations)
        .to_json();
    let ephemeral = PrivateKey::generate();
    let chain = fulcio::request_certificate(services, token, &ephemeral)?;
    let (leaf, rest) = chain.split_first().ok_or(KeylessError::Response {
        service: "Fulcio",
        detail: "the certificate chain is empty".into(),
    })?;
    let leaf_pem = pem_lf(leaf);
    let digest = Artifact::of(&payload).0;
    let signature = sign_prehash_der(&ephemeral, &digest);
    let proposed = tlog_upload::hashedrekord(&digest, &signature, &leaf_pem);
    let entry = tlog_upload::upload(services, &proposed)?;
    let mut layer = SignatureLayer::simple_signing(
        payload,
        STANDARD.encode(&signature),
        Some(rekor_bundle_json(&entry)),
    );
    layer
        .annotations
        .insert(CERTIFICATE_ANNOTATION.to_owned(), leaf_pem);
    layer.annotations.insert(
        CHAIN_ANNOTATION.to_owned(),
        rest.iter().map(|c| pem_lf(c)).collect::<String>(),
    );
    Ok(layer)
}

/// True when the layer carries a certificate (a keyless signature).
pub fn is_keyless(layer: &SignatureLayer) -> bool {
    layer.annotations.contains_key(CERTIFICATE_ANNOTATION)
}

fn certs(pem_text: &str, what: &str) -> Result<Vec<Vec<u8>>, String> {
    let found = pem::parse_many(pem_text.as_bytes()).map_err(|e| format!("{what}: {e}"))?;
    Ok(found
        .into_iter()
        .filter(|p| p.tag() == "CERTIFICATE")
        .map(pem::Pem::into_contents)
        .collect())
}

/// The log entry of a cosign Rekor bundle annotation. Never panics.
pub fn parse_rekor_bundle(text: &str) -> Result<TlogEntry, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let set = v
        .get("SignedEntryTimestamp")
        .and_then(Value::as_str)
        .and_then(|s| STANDARD.decode(s).ok())
        .ok_or("no base64 SignedEntryTimestamp")?;
    let p = v.get("Payload").ok_or("no Payload")?;
    let int = |k: &str| {
        p.get(k)
            .and_then(Value::as_i64)
            .ok_or(format!("no integer Payload.{k}"))
    };
    let body = p
        .get("body")
        .and_then(Value::as_str)
        .and_then(|s| STANDARD.decode(s).ok())
        .ok_or("no base64 Payload.body")?;
    let parsed: Value =
        serde_json::from_slice(&body).map_err(|e| format!("Payload.body is not JSON: {e}"))?;
    let text_of = |k: &str| {
        parsed
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let log_id = p
        .get("logID")
        .and_then(Value::as_str)
        .and_then(hex_decode)
        .ok_or("no hex Payload.logID")?;
    Ok(TlogEntry {
        log_index: int("logIndex")?,
        log_id,
        kind: text_of("kind"),
        version: text_of("apiVersion"),
        integrated_time: int("integratedTime")?,
        signed_entry_timestamp: Some(set),
        canonicalized_body: body,
        inclusion_proof: None,
    })
}

/// The v0.1 bundle equivalent of a keyless `.sig` layer.
pub fn layer_bundle(layer: &SignatureLayer) -> Result<Bundle, String> {
    let get = |k: &str| layer.annotations.get(k).ok_or(format!("no {k} annotation"));
    let signature = STANDARD
        .decode(get(crate::manifest::SIGNATURE_ANNOTATION)?.trim())
        .map_err(|_| "the signature annotation is not base64".to_owned())?;
    let mut chain = certs(get(CERTIFICATE_ANNOTATION)?, "certificate annotation")?;
    if chain.len() != 1 {
        return Err(format!(
            "the certificate annotation holds {} certificates, not 1",
            chain.len()
        ));
    }
    if let Some(rest) = layer.annotations.get(CHAIN_ANNOTATION) {
        chain.extend(certs(rest, "chain annotation")?);
    }
    let entry = parse_rekor_bundle(get(crate::manifest::BUNDLE_ANNOTATION)?)
        .map_err(|e| format!("Rekor bundle annotation: {e}"))?;
    Ok(Bundle {
        media_type: BUNDLE_MEDIA_TYPE_V01.to_owned(),
        verification_material: VerificationMaterial::X509Chain(chain),
        tlog_entries: vec![entry],
        rfc3161_timestamps: Vec::new(),
        content: BundleContent::MessageSignature(MessageSignature {
            algorithm: "SHA2_256".to_owned(),
            digest: Artifact::of(&layer.payload).0.to_vec(),
            signature,
        }),
    })
}

/// Verifies one keyless `.sig` layer for `image` against `root` under `policy` (an
/// identity policy), and the payload's digest and required `annotations`.
pub fn verify_keyless_layer(
    layer: &SignatureLayer,
    image: &Digest,
    policy: &Policy,
    root: &TrustedRoot,
    annotations: &BTreeMap<String, String>,
) -> Result<(SimpleSigningPayload, Verified), String> {
    if !layer.is_simple_signing() {
        return Err(format!(
            "layer media type {:?} is not a simple-signing signature",
            layer.media_type
        ));
    }
    let bundle = layer_bundle(layer)?;
    let verified = crate::sigstore::verify(&bundle, &Artifact::of(&layer.payload), policy, root)
        .map_err(|e| e.to_string())?;
    let payload = SimpleSigningPayload::parse(&layer.payload).map_err(|e| e.to_string())?;
    payload.check_digest(image).map_err(|e| e.to_string())?;
    payload
        .check_annotations(annotations)
        .map_err(|e| e.to_string())?;
    Ok((payload, verified))
}
