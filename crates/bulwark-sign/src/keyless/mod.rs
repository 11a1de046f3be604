//! Keyless signing (Sigstore): an OIDC identity token ([`oidc`]) buys a short-lived
//! certificate for an ephemeral P-256 key from Fulcio ([`fulcio`], v2 API); the signature
//! is logged in Rekor ([`tlog_upload`], v1 API, `hashedrekord` 0.0.1) and everything
//! goes into a v0.3 Sigstore bundle that [`crate::sigstore`] (and other Sigstore clients)
//! verify against a trusted root. Key-based bundles use the same Rekor upload.

pub mod fulcio;
mod http;
pub mod oidc;
pub mod tlog_upload;

use crate::bundle::{
    BUNDLE_MEDIA_TYPE, Bundle, BundleContent, MessageSignature, VerificationMaterial, key_hint,
};
use crate::keys::PrivateKey;
use crate::signature::sign_prehash_der;

pub use oidc::IdentityToken;

/// The public-good Fulcio.
pub const PUBLIC_FULCIO: &str = "https://fulcio.sigstore.dev";
/// The public-good Rekor.
pub const PUBLIC_REKOR: &str = "https://rekor.sigstore.dev";

/// Why keyless signing (or a log upload) failed. Each message names the service and
/// what to check.
#[derive(Debug, thiserror::Error)]
pub enum KeylessError {
    /// No identity token anywhere.
    #[error(
        "no OIDC identity token: pass --identity-token, set SIGSTORE_ID_TOKEN, or run in GitHub Actions with `permissions: id-token: write`"
    )]
    NoToken,
    /// The token is not a JWT with the claims Fulcio needs.
    #[error("identity token: {0}")]
    Token(String),
    /// A service could not be reached or answered with an error.
    #[error("{service} ({url}): {detail}")]
    Service {
        /// `Fulcio`, `Rekor`, `GitHub Actions token service`.
        service: &'static str,
        /// The URL requested.
        url: String,
        /// What went wrong.
        detail: String,
    },
    /// A service answered with something we cannot use.
    #[error("{service}: unexpected response: {detail}")]
    Response {
        /// `Fulcio`, `Rekor`.
        service: &'static str,
        /// What is wrong with it.
        detail: String,
    },
}

/// Where the Sigstore services are and how long to wait for them.
#[derive(Debug, Clone)]
pub struct Services {
    /// Fulcio base URL (`https://fulcio.sigstore.dev`).
    pub fulcio_url: String,
    /// Rekor base URL (`https://rekor.sigstore.dev`).
    pub rekor_url: String,
    /// Deadlines for each request.
    pub timeouts: bulwark_net::Timeouts,
}

impl Default for Services {
    fn default() -> Self {
        Services {
            fulcio_url: PUBLIC_FULCIO.to_owned(),
            rekor_url: PUBLIC_REKOR.to_owned(),
            timeouts: bulwark_net::Timeouts::default(),
        }
    }
}

/// Who signs a blob bundle.
pub enum Signer<'a> {
    /// A long-lived key (the bundle names it by hint).
    Key(&'a PrivateKey),
    /// An ephemeral key certified by Fulcio for this identity.
    Keyless(&'a IdentityToken),
}

/// Signs the artifact whose SHA-256 is `digest` as `cosign sign-blob --bundle` /
/// `sigstore sign` do: a message signature in a v0.3 bundle with a Rekor `hashedrekord`
/// entry (keyless always logs; with a key, `tlog_upload = false` skips the log).
pub fn sign_blob_bundle(
    digest: &[u8; 32],
    signer: &Signer<'_>,
    services: &Services,
    tlog_upload: bool,
) -> Result<Bundle, KeylessError> {
    let (key, material, verifier_pem) = match signer {
        Signer::Key(key) => {
            let public = key.public_key();
            let pem = public.to_pem();
            let material = VerificationMaterial::PublicKey {
                hint: key_hint(&public),
            };
            ((*key).clone(), material, pem)
        }
        Signer::Keyless(token) => {
            let ephemeral = PrivateKey::generate();
            let chain = fulcio::request_certificate(services, token, &ephemeral)?;
            let leaf = chain.first().cloned().ok_or(KeylessError::Response {
                service: "Fulcio",
                detail: "the certificate chain is empty".into(),
            })?;
            // LF line endings, as Go and Python write PEM: other clients rebuild the logged
            // body from the bundle's certificate and compare it byte for byte
            let pem = pem::encode_config(
                &pem::Pem::new("CERTIFICATE", leaf.clone()),
                pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
            );
            (ephemeral, VerificationMaterial::Certificate(leaf), pem)
        }
    };
    let signature = sign_prehash_der(&key, digest);
    let mut tlog_entries = Vec::new();
    if tlog_upload || matches!(signer, Signer::Keyless(_)) {
        let proposed = tlog_upload::hashedrekord(digest, &signature, &verifier_pem);
        tlog_entries.push(tlog_upload::upload(services, &proposed)?);
    }
    Ok(Bundle {
        media_type: BUNDLE_MEDIA_TYPE.to_owned(),
        verification_material: material,
        tlog_entries,
        rfc3161_timestamps: Vec::new(),
        content: BundleContent::MessageSignature(MessageSignature {
            algorithm: "SHA2_256".to_owned(),
            digest: digest.to_vec(),
            signature,
        }),
    })
}
