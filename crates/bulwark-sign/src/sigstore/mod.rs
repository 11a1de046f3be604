//! Sigstore verification against a trusted root: Fulcio certificate chains, SCTs,
//! identities, Rekor v1/v2 entries (SET, inclusion proof, checkpoint, body), RFC 3161
//! timestamps and every validity window of the root.

pub mod pki;
pub mod sct;
pub mod tlog;
pub mod trust;
pub mod tsa;
pub mod verifier;

pub use pki::AnyKey;
pub use trust::{PRODUCTION_TRUSTED_ROOT, TrustRootError, TrustedRoot};
pub use verifier::{Artifact, Failure, Matcher, Policy, Verified, verify, verify_json};
