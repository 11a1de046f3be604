//! `cosign verify` semantics over a signature set already fetched from a store:
//! an image verifies when at least one simple-signing layer has a signature by the
//! key over a payload that names the image digest (and carries the required
//! annotations, and, when asked, a verified Rekor bundle).

use std::collections::BTreeMap;
use std::fmt;

use crate::digest::Digest;
use crate::keys::PublicKey;
use crate::manifest::{SignatureLayer, SignatureManifest};
use crate::payload::{PayloadError, SimpleSigningPayload};
use crate::rekor::{RekorError, TlogStatus, verify_bundle};
use crate::signature::{VerifyError, decode_signature, verify_der};

/// What besides the signature itself must hold.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Annotations (`-a key=value`) the payload's `optional` must contain.
    pub annotations: BTreeMap<String, String>,
    /// Rekor's public key; without it bundles are not checked.
    pub rekor_key: Option<PublicKey>,
    /// Fail signatures whose transparency-log status is not `Verified`.
    pub require_tlog: bool,
}

/// A signature that passed every check.
#[derive(Debug, Clone)]
pub struct VerifiedSignature {
    /// Position of the layer in the `.sig` manifest.
    pub layer_index: usize,
    /// The parsed payload (the docker-reference and annotations are for display).
    pub payload: SimpleSigningPayload,
    /// The base64 signature.
    pub signature_b64: String,
    /// Transparency-log outcome.
    pub tlog: TlogStatus,
}

/// Why one layer did not count as a valid signature.
#[derive(Debug, thiserror::Error)]
pub enum LayerFailure {
    /// The layer is another kind of attachment; cosign ignores such layers.
    #[error("layer media type {0:?} is not a simple-signing signature")]
    NotSimpleSigning(String),
    /// The layer lacks the signature annotation.
    #[error("layer has no dev.cosignproject.cosign/signature annotation")]
    MissingSignature,
    /// The signature does not verify.
    #[error(transparent)]
    Signature(#[from] VerifyError),
    /// The payload is malformed or makes the wrong claims.
    #[error(transparent)]
    Payload(#[from] PayloadError),
    /// The Rekor bundle was checked and failed.
    #[error(transparent)]
    Rekor(#[from] RekorError),
    /// A verified transparency-log entry was required but none was checked.
    #[error("a verified transparency-log entry is required: {0}")]
    TlogRequired(String),
}

/// No signature of the image verified.
#[derive(Debug)]
pub struct NoValidSignature {
    /// The image digest being verified.
    pub image: Digest,
    /// Each layer's failure, by layer index (empty when there were no signatures).
    pub failures: Vec<(usize, LayerFailure)>,
}

impl fmt::Display for NoValidSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.failures.is_empty() {
            return write!(f, "no signatures found for {}", self.image);
        }
        write!(f, "no valid signature for {}:", self.image)?;
        for (i, why) in &self.failures {
            write!(f, "\n  layer {i}: {why}")?;
        }
        Ok(())
    }
}

impl std::error::Error for NoValidSignature {}

/// Verifies every signature layer of `sigs` for `image` with `key`; returns the valid
/// ones, or every layer's reason when none is valid.
pub fn verify_image_signatures(
    sigs: &SignatureManifest,
    image: &Digest,
    key: &PublicKey,
    options: &VerifyOptions,
) -> Result<Vec<VerifiedSignature>, NoValidSignature> {
    let mut ok = Vec::new();
    let mut failures = Vec::new();
    for (index, layer) in sigs.layers.iter().enumerate() {
        match verify_layer(layer, image, key, options) {
            Ok((payload, signature_b64, tlog)) => ok.push(VerifiedSignature {
                layer_index: index,
                payload,
                signature_b64,
                tlog,
            }),
            Err(why) => failures.push((index, why)),
        }
    }
    if ok.is_empty() {
        Err(NoValidSignature {
            image: image.clone(),
            failures,
        })
    } else {
        Ok(ok)
    }
}

/// Checks one layer: media type, signature, payload claims, then the Rekor bundle.
pub fn verify_layer(
    layer: &SignatureLayer,
    image: &Digest,
    key: &PublicKey,
    options: &VerifyOptions,
) -> Result<(SimpleSigningPayload, String, TlogStatus), LayerFailure> {
    if !layer.is_simple_signing() {
        return Err(LayerFailure::NotSimpleSigning(layer.media_type.clone()));
    }
    let sig_b64 = layer
        .signature_b64()
        .ok_or(LayerFailure::MissingSignature)?;
    let der = decode_signature(sig_b64)?;
    verify_der(key, &layer.payload, &der)?;
    let payload = SimpleSigningPayload::parse(&layer.payload)?;
    payload.check_digest(image)?;
    payload.check_annotations(&options.annotations)?;
    let tlog = match (layer.bundle_json(), options.rekor_key.as_ref()) {
        (Some(bundle), Some(rekor)) => verify_bundle(bundle, rekor, &layer.payload, &der, key)?,
        (None, _) => TlogStatus::NotChecked {
            reason: "the signature has no Rekor bundle",
        },
        (Some(_), None) => TlogStatus::NotChecked {
            reason: "no Rekor public key was given",
        },
    };
    if options.require_tlog && !matches!(tlog, TlogStatus::Verified { .. }) {
        return Err(LayerFailure::TlogRequired(tlog.describe()));
    }
    Ok((payload, sig_b64.to_owned(), tlog))
}
