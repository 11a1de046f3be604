//! Sigstore bundle verification as sigstore-go and sigstore-python do it.
//!
//! Order of checks ([`verify`]):
//! 1. bundle shape: a known media type; v0.1 entries carry an inclusion promise, later
//!    versions an inclusion proof; a non-empty chain whose first certificate is a leaf;
//!    no negative log index;
//! 2. the signature over the artifact (message signature over its SHA-256, or DSSE over
//!    PAE with an in-toto statement naming the artifact);
//! 3. every transparency-log entry: a log of the trusted root, its key valid at the
//!    integrated time, the SET, the inclusion proof against a checkpoint signed by the
//!    log, and a body recording this artifact, signature and key or certificate;
//! 4. verified times: RFC 3161 timestamps from trusted TSAs and the integrated times of
//!    entries whose SET verified; at least one is required, none in the future;
//! 5. keyless: the leaf chains to a Fulcio CA of the trusted root valid at every
//!    verified time, it was valid then, an embedded SCT verifies with a trusted CT log
//!    key, and its SAN and OIDC issuer match the policy;
//!    with a key: the bundle names no certificate and the key verified the signature.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use super::pki::{AnyKey, Cert, EKU_CODE_SIGNING, HashAlg, path_valid_at};
use super::sct::verified_scts;
use super::tlog::{leaf_hash, parse_checkpoint, verify_inclusion};
use super::trust::TrustedRoot;
use super::tsa::verify_timestamp;
use crate::bundle::{
    Bundle, BundleContent, IN_TOTO_PAYLOAD_TYPE, TlogEntry, VerificationMaterial, bundle_version,
    pae,
};

/// Tolerated clock skew for "not in the future" checks, in seconds.
const MAX_CLOCK_SKEW: i64 = 60;

/// How a string of the certificate is matched.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// Equal to this string.
    Exact(String),
    /// Matched by this regular expression (unanchored, as cosign's Go `regexp`).
    Regex(regex::Regex),
}

impl Matcher {
    /// A regular-expression matcher (Rust `regex` syntax, close to Go's RE2).
    pub fn regex(pattern: &str) -> Result<Self, String> {
        regex::Regex::new(pattern)
            .map(Self::Regex)
            .map_err(|e| format!("{pattern:?} is not a regular expression: {e}"))
    }

    /// Whether `s` matches.
    pub fn matches(&self, s: &str) -> bool {
        match self {
            Self::Exact(e) => e == s,
            Self::Regex(r) => r.is_match(s),
        }
    }
}

impl std::fmt::Display for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exact(e) => write!(f, "{e:?}"),
            Self::Regex(r) => write!(f, "regexp {:?}", r.as_str()),
        }
    }
}

/// Who must have signed.
#[derive(Debug, Clone)]
pub enum Policy {
    /// Keyless: a Fulcio certificate with this identity (SAN) and OIDC issuer.
    Identity {
        /// The SAN (URI, email, ...).
        identity: Matcher,
        /// The OIDC issuer extension.
        issuer: Matcher,
    },
    /// A key known out of band (`--key`).
    Key(AnyKey),
}

/// The artifact, known by its SHA-256 (a file's digest or a `sha256:` argument).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Artifact(pub [u8; 32]);

impl Artifact {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }

    /// A command-line artifact: `sha256:<64 hex>` names a digest, anything else is a
    /// path whose contents are hashed (streamed, so large files are fine).
    pub fn from_arg(arg: &str) -> Result<Self, String> {
        if let Some(hex) = arg.strip_prefix("sha256:") {
            let digest: crate::Digest = arg
                .parse()
                .map_err(|e| format!("artifact digest {hex:?}: {e}"))?;
            return Ok(Self(digest.to_bytes()));
        }
        let mut file =
            std::fs::File::open(arg).map_err(|e| format!("cannot read artifact {arg}: {e}"))?;
        let mut hasher = Sha256::new();
        std::io::copy(&mut file, &mut hasher)
            .map_err(|e| format!("cannot read artifact {arg}: {e}"))?;
        Ok(Self(hasher.finalize().into()))
    }
}

/// Why a bundle did not verify: the stage and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{stage}: {detail}")]
pub struct Failure {
    /// `bundle`, `signature`, `tlog`, `timestamp`, `certificate`, `identity`.
    pub stage: &'static str,
    /// What failed.
    pub detail: String,
}

fn fail<T>(stage: &'static str, detail: impl Into<String>) -> Result<T, Failure> {
    Err(Failure {
        stage,
        detail: detail.into(),
    })
}

/// What a verified bundle established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The certificate's SAN identities (keyless).
    pub identities: Vec<String>,
    /// The certificate's OIDC issuer (keyless).
    pub issuer: Option<String>,
    /// The verified times (Unix seconds).
    pub times: Vec<i64>,
    /// `(log index, log base URL)` per verified entry.
    pub log_entries: Vec<(i64, String)>,
    /// The in-toto predicate type (DSSE bundles).
    pub predicate_type: Option<String>,
}

/// The key or certificate that signed, as logs record it.
struct Signer {
    key: AnyKey,
    key_der: Vec<u8>,
    cert: Option<Cert>,
}

/// The signature and what it was computed over.
struct Signed<'a> {
    sig: &'a [u8],
    /// The digest a hashedrekord 0.0.1/0.0.2 records: the artifact's, or for DSSE
    /// (Rekor v2 "hashedrekord over DSSE") the SHA-256 of PAE.
    hashed: [u8; 32],
    dsse: Option<&'a crate::bundle::DsseEnvelope>,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Parses and verifies a bundle (see the module docs). The bundle bytes are
/// untrusted: malformed input is a [`Failure`], never a panic.
pub fn verify_json(
    bundle_json: &[u8],
    artifact: &Artifact,
    policy: &Policy,
    root: &TrustedRoot,
) -> Result<Verified, Failure> {
    let bundle = Bundle::parse(bundle_json).map_err(|e| Failure {
        stage: "bundle",
        detail: e.to_string(),
    })?;
    verify(&bundle, artifact, policy, root)
}

/// Verifies a parsed bundle (see the module docs).
pub fn verify(
    bundle: &Bundle,
    artifact: &Artifact,
    policy: &Policy,
    root: &TrustedRoot,
) -> Result<Verified, Failure> {
    let version = bundle_version(&bundle.media_type).map_or_else(
        || {
            fail(
                "bundle",
                format!("unknown media type {:?}", bundle.media_type),
            )
        },
        Ok,
    )?;
    check_shape(bundle, version)?;
    let signer = signer(bundle, policy)?;
    let (signed, predicate_type) = check_signature(bundle, artifact, &signer)?;

    let mut times = Vec::new();
    let mut log_entries = Vec::new();
    for entry in &bundle.tlog_entries {
        if let Some(t) = check_entry(entry, &signed, &signer, artifact, root)? {
            times.push(t);
        }
        let base = root
            .tlog(&entry.log_id)
            .map(|l| l.base_url.clone())
            .unwrap_or_default();
        log_entries.push((entry.log_index, base));
    }
    let mut ts_errors = Vec::new();
    for token in &bundle.rfc3161_timestamps {
        match verify_timestamp(token, signed.sig, root) {
            Ok(t) => times.push(t),
            Err(e) => ts_errors.push(e),
        }
    }
    if times.is_empty() {
        let why = if ts_errors.is_empty() {
            "no verified time: the bundle has no signed entry timestamp and no RFC 3161 timestamp"
                .to_owned()
        } else {
            format!("no verified time: {}", ts_errors.join("; "))
        };
        return fail("timestamp", why);
    }
    let now = now();
    if let Some(t) = times.iter().find(|t| **t > now + MAX_CLOCK_SKEW) {
        return fail("timestamp", format!("verified time {t} is in the future"));
    }

    let (identities, issuer) = match (&signer.cert, policy) {
        (Some(leaf), Policy::Identity { identity, issuer }) => {
            check_certificate(leaf, &times, root)?;
            let sans = leaf.san_identities().map_err(|e| Failure {
                stage: "certificate",
                detail: e,
            })?;
            if !sans.iter().any(|s| identity.matches(s)) {
                return fail(
                    "identity",
                    format!("certificate identity {sans:?} does not match {identity}"),
                );
            }
            let found = leaf.oidc_issuer().map_err(|e| Failure {
                stage: "certificate",
                detail: e,
            })?;
            if !found.as_deref().is_some_and(|f| issuer.matches(f)) {
                return fail(
                    "identity",
                    format!("certificate OIDC issuer {found:?} does not match {issuer}"),
                );
            }
            (sans, found)
        }
        (None, Policy::Key(_)) => (Vec::new(), None),
        (Some(_), Policy::Key(_)) => {
            return fail(
                "bundle",
                "the bundle carries a certificate: verify it by identity, not with a key",
            );
        }
        (None, Policy::Identity { .. }) => {
            return fail(
                "bundle",
                "the bundle names a public key, not a certificate: verify it with --key",
            );
        }
    };
    Ok(Verified {
        identities,
        issuer,
        times,
        log_entries,
        predicate_type,
    })
}

fn check_shape(bundle: &Bundle, version: &str) -> Result<(), Failure> {
    if bundle.tlog_entries.is_empty() {
        return fail("bundle", "no transparency-log entry");
    }
    for e in &bundle.tlog_entries {
        if e.log_index < 0 {
            return fail("bundle", format!("negative log index {}", e.log_index));
        }
        if version == "0.1" {
            if e.signed_entry_timestamp.is_none() {
                return fail(
                    "bundle",
                    "a v0.1 bundle entry must carry an inclusion promise",
                );
            }
        } else if e.inclusion_proof.is_none() {
            return fail(
                "bundle",
                format!("a v{version} bundle entry must carry an inclusion proof"),
            );
        }
    }
    if let VerificationMaterial::X509Chain(c) = &bundle.verification_material {
        if c.is_empty() {
            return fail("bundle", "empty certificate chain");
        }
        if version == "0.3" {
            return fail("bundle", "a v0.3 bundle names one certificate, not a chain");
        }
    }
    Ok(())
}

fn signer(bundle: &Bundle, policy: &Policy) -> Result<Signer, Failure> {
    let leaf_der = match &bundle.verification_material {
        VerificationMaterial::Certificate(der) => der,
        VerificationMaterial::X509Chain(chain) => match chain.first() {
            Some(der) => der,
            None => return fail("bundle", "empty certificate chain"),
        },
        VerificationMaterial::PublicKey { .. } => {
            let Policy::Key(key) = policy else {
                return fail(
                    "bundle",
                    "the bundle names a public key, not a certificate: verify it with --key",
                );
            };
            let key_der = spki_of(key);
            return Ok(Signer {
                key: key.clone(),
                key_der,
                cert: None,
            });
        }
    };
    let leaf = Cert::from_der(leaf_der).map_err(|e| Failure {
        stage: "certificate",
        detail: e,
    })?;
    if leaf.is_ca().map_err(|e| Failure {
        stage: "certificate",
        detail: e,
    })? {
        return fail(
            "certificate",
            "the signing certificate is a CA certificate, not a leaf",
        );
    }
    let key = leaf.public_key().map_err(|e| Failure {
        stage: "certificate",
        detail: e,
    })?;
    let key_der = leaf.spki_der().map_err(|e| Failure {
        stage: "certificate",
        detail: e,
    })?;
    Ok(Signer {
        key,
        key_der,
        cert: Some(leaf),
    })
}

fn spki_of(key: &AnyKey) -> Vec<u8> {
    use p256::pkcs8::EncodePublicKey as _;
    let der = match key {
        AnyKey::P256(k) => k.to_public_key_der().map(der::Document::into_vec),
        AnyKey::P384(k) => k.to_public_key_der().map(der::Document::into_vec),
        AnyKey::Ed25519(k) => k.to_public_key_der().map(der::Document::into_vec),
        AnyKey::Rsa(k) => k.to_public_key_der().map(der::Document::into_vec),
    };
    der.unwrap_or_default()
}

fn check_signature<'a>(
    bundle: &'a Bundle,
    artifact: &Artifact,
    signer: &Signer,
) -> Result<(Signed<'a>, Option<String>), Failure> {
    match &bundle.content {
        BundleContent::MessageSignature(m) => {
            if !m.digest.is_empty() && (m.algorithm != "SHA2_256" || m.digest != artifact.0) {
                return fail(
                    "signature",
                    "the bundle's message digest is not the artifact's SHA-256",
                );
            }
            if !signer.key.verify_prehash(&artifact.0, &m.signature) {
                return fail(
                    "signature",
                    "the signature does not verify over the artifact with the signing key",
                );
            }
            Ok((
                Signed {
                    sig: &m.signature,
                    hashed: artifact.0,
                    dsse: None,
                },
                None,
            ))
        }
        BundleContent::Dsse(env) => {
            let [sig] = env.signatures.as_slice() else {
                return fail(
                    "signature",
                    format!(
                        "the DSSE envelope has {} signatures, expected one",
                        env.signatures.len()
                    ),
                );
            };
            let pae = pae(&env.payload_type, &env.payload);
            if !signer.key.verify(HashAlg::Sha256, &pae, &sig.sig) {
                return fail(
                    "signature",
                    "the DSSE signature does not verify with the signing key",
                );
            }
            if env.payload_type != IN_TOTO_PAYLOAD_TYPE {
                return fail(
                    "signature",
                    format!("DSSE payload type {:?} is not in-toto", env.payload_type),
                );
            }
            let statement: Value = serde_json::from_slice(&env.payload).map_err(|e| Failure {
                stage: "signature",
                detail: format!("in-toto statement: {e}"),
            })?;
            let hex = crate::digest::hex_lower(&artifact.0);
            let names_artifact = statement
                .get("subject")
                .and_then(Value::as_array)
                .is_some_and(|subjects| {
                    subjects.iter().any(|s| {
                        s.get("digest")
                            .and_then(|d| d.get("sha256"))
                            .and_then(Value::as_str)
                            == Some(hex.as_str())
                    })
                });
            if !names_artifact {
                return fail(
                    "signature",
                    format!("no subject of the in-toto statement has sha256 {hex}"),
                );
            }
            let predicate_type = statement
                .get("predicateType")
                .and_then(Value::as_str)
                .map(str::to_owned);
            Ok((
                Signed {
                    sig: &sig.sig,
                    hashed: Sha256::digest(&pae).into(),
                    dsse: Some(env),
                },
                predicate_type,
            ))
        }
    }
}

/// Verifies one log entry; returns its integrated time when its SET verified (a v1
/// observer timestamp).
fn check_entry(
    entry: &TlogEntry,
    signed: &Signed<'_>,
    signer: &Signer,
    artifact: &Artifact,
    root: &TrustedRoot,
) -> Result<Option<i64>, Failure> {
    let Some(log) = root.tlog(&entry.log_id) else {
        return fail(
            "tlog",
            format!(
                "entry {} is from a log the trusted root does not name (log ID {})",
                entry.log_index,
                crate::digest::hex_lower(&entry.log_id)
            ),
        );
    };
    let key = log.key.as_ref().map_err(|e| Failure {
        stage: "tlog",
        detail: format!("the key of {} cannot be used: {e}", log.base_url),
    })?;
    let mut observed = None;
    if entry.integrated_time != 0 && !log.valid.contains(entry.integrated_time) {
        return fail(
            "tlog",
            format!(
                "integrated time {} is outside the validity of {} in the trusted root",
                entry.integrated_time, log.base_url
            ),
        );
    }
    if let Some(set) = &entry.signed_entry_timestamp {
        let payload = serde_json::json!({
            "body": STANDARD.encode(&entry.canonicalized_body),
            "integratedTime": entry.integrated_time,
            "logID": crate::digest::hex_lower(&entry.log_id),
            "logIndex": entry.log_index,
        });
        let canonical = crate::canonical::canonicalize(&payload);
        if !key.verify(HashAlg::Sha256, &canonical, set) {
            return fail(
                "tlog",
                format!(
                    "the signed entry timestamp of entry {} does not verify",
                    entry.log_index
                ),
            );
        }
        observed = Some(entry.integrated_time);
    }
    if let Some(proof) = &entry.inclusion_proof {
        let (Ok(index), Ok(size)) = (
            u64::try_from(proof.log_index),
            u64::try_from(proof.tree_size),
        ) else {
            return fail("tlog", "negative index or size in the inclusion proof");
        };
        if !verify_inclusion(
            index,
            size,
            leaf_hash(&entry.canonicalized_body),
            &proof.hashes,
            &proof.root_hash,
        ) {
            return fail(
                "tlog",
                format!(
                    "the inclusion proof of entry {} does not verify",
                    entry.log_index
                ),
            );
        }
        let cp = parse_checkpoint(&proof.checkpoint).map_err(|e| Failure {
            stage: "tlog",
            detail: e,
        })?;
        if cp.root_hash != proof.root_hash || cp.size != size {
            return fail(
                "tlog",
                "the checkpoint's tree size or root hash is not the inclusion proof's",
            );
        }
        if !cp.signed_by(&entry.log_id, key) {
            return fail(
                "tlog",
                format!(
                    "the checkpoint carries no valid signature by {}",
                    log.base_url
                ),
            );
        }
    }
    check_body(entry, signed, signer, artifact).map_err(|detail| Failure {
        stage: "tlog",
        detail: format!(
            "entry {} does not record this signature: {detail}",
            entry.log_index
        ),
    })?;
    Ok(observed)
}

fn get<'a>(v: &'a Value, path: &[&str]) -> Result<&'a Value, String> {
    path.iter()
        .try_fold(v, |v, k| v.get(k))
        .ok_or_else(|| format!("{} is missing", path.join(".")))
}

fn get_str<'a>(v: &'a Value, path: &[&str]) -> Result<&'a str, String> {
    get(v, path)?
        .as_str()
        .ok_or_else(|| format!("{} is not a string", path.join(".")))
}

fn get_b64(v: &Value, path: &[&str]) -> Result<Vec<u8>, String> {
    crate::bundle::decode_b64(get_str(v, path)?)
        .ok_or_else(|| format!("{} is not base64", path.join(".")))
}

/// Whether base64(PEM) names the signer: its certificate, or (key bundles) its key.
fn logged_signer_pem(b64_pem: &str, signer: &Signer) -> Result<(), String> {
    let pem_text = crate::bundle::decode_b64(b64_pem).ok_or("logged key is not base64")?;
    let block = pem::parse(&pem_text).map_err(|e| format!("logged key: {e}"))?;
    let same = match (block.tag(), &signer.cert) {
        ("CERTIFICATE", Some(cert)) => block.contents() == cert.der.as_slice(),
        ("PUBLIC KEY", None) => block.contents() == signer.key_der.as_slice(),
        _ => false,
    };
    if same {
        Ok(())
    } else {
        Err("the logged certificate or key is not the bundle's".into())
    }
}

/// Rekor v2 `verifier`: `x509Certificate.rawBytes` or `publicKey.rawBytes`.
fn logged_signer_v2(verifier: &Value, signer: &Signer) -> Result<(), String> {
    let same = match (verifier.get("x509Certificate"), &signer.cert) {
        (Some(c), Some(cert)) => get_b64(c, &["rawBytes"])? == cert.der,
        (None, None) => get_b64(verifier, &["publicKey", "rawBytes"])? == signer.key_der,
        _ => false,
    };
    if same {
        Ok(())
    } else {
        Err("the logged certificate or key is not the bundle's".into())
    }
}

fn check_body(
    entry: &TlogEntry,
    signed: &Signed<'_>,
    signer: &Signer,
    artifact: &Artifact,
) -> Result<(), String> {
    let body: Value =
        serde_json::from_slice(&entry.canonicalized_body).map_err(|e| format!("body: {e}"))?;
    let kind = get_str(&body, &["kind"])?;
    let version = get_str(&body, &["apiVersion"])?;
    if (kind, version) != (entry.kind.as_str(), entry.version.as_str()) {
        return Err(format!(
            "the body is {kind} {version}, the bundle says {} {}",
            entry.kind, entry.version
        ));
    }
    let spec = get(&body, &["spec"])?;
    match (kind, version, signed.dsse) {
        ("hashedrekord", "0.0.1", None) => {
            if get_str(spec, &["data", "hash", "algorithm"])? != "sha256"
                || get_str(spec, &["data", "hash", "value"])?
                    != crate::digest::hex_lower(&artifact.0)
            {
                return Err("the logged hash is not the artifact's".into());
            }
            if get_b64(spec, &["signature", "content"])? != signed.sig {
                return Err("the logged signature is not the bundle's".into());
            }
            logged_signer_pem(
                get_str(spec, &["signature", "publicKey", "content"])?,
                signer,
            )
        }
        ("hashedrekord", "0.0.2", _) => {
            let h = get(spec, &["hashedRekordV002"])?;
            if get_str(h, &["data", "algorithm"])? != "SHA2_256"
                || get_b64(h, &["data", "digest"])? != signed.hashed
            {
                return Err("the logged digest is not the signed content's".into());
            }
            if get_b64(h, &["signature", "content"])? != signed.sig {
                return Err("the logged signature is not the bundle's".into());
            }
            logged_signer_v2(get(h, &["signature", "verifier"])?, signer)
        }
        ("dsse", "0.0.1", Some(env)) => {
            if get_str(spec, &["payloadHash", "algorithm"])? != "sha256"
                || get_str(spec, &["payloadHash", "value"])?
                    != crate::digest::hex_lower(&Sha256::digest(&env.payload))
            {
                return Err("the logged payload hash is not the envelope's".into());
            }
            let sigs = get(spec, &["signatures"])?
                .as_array()
                .ok_or("spec.signatures is not an array")?;
            let [s] = sigs.as_slice() else {
                return Err("the entry does not record exactly one signature".into());
            };
            if get_b64(s, &["signature"])? != signed.sig {
                return Err("the logged signature is not the bundle's".into());
            }
            logged_signer_pem(get_str(s, &["verifier"])?, signer)
        }
        ("dsse", "0.0.2", Some(env)) => {
            let d = get(spec, &["dsseV002"])?;
            if get_str(d, &["payloadHash", "algorithm"])? != "SHA2_256"
                || get_b64(d, &["payloadHash", "digest"])?
                    != Sha256::digest(&env.payload).as_slice()
            {
                return Err("the logged payload hash is not the envelope's".into());
            }
            let sigs = get(d, &["signatures"])?
                .as_array()
                .ok_or("signatures is not an array")?;
            let [s] = sigs.as_slice() else {
                return Err("the entry does not record exactly one signature".into());
            };
            if get_b64(s, &["content"])? != signed.sig {
                return Err("the logged signature is not the bundle's".into());
            }
            logged_signer_v2(get(s, &["verifier"])?, signer)
        }
        ("intoto", "0.0.2", Some(env)) => {
            let c = get(spec, &["content"])?;
            if get_str(c, &["payloadHash", "algorithm"])? != "sha256"
                || get_str(c, &["payloadHash", "value"])?
                    != crate::digest::hex_lower(&Sha256::digest(&env.payload))
            {
                return Err("the logged payload hash is not the envelope's".into());
            }
            let sigs = get(c, &["envelope", "signatures"])?
                .as_array()
                .ok_or("envelope.signatures is not an array")?;
            let [s] = sigs.as_slice() else {
                return Err("the entry does not record exactly one signature".into());
            };
            // intoto 0.0.2 stores base64(base64(signature)).
            if get_b64(s, &["sig"])? != STANDARD.encode(signed.sig).into_bytes() {
                return Err("the logged signature is not the bundle's".into());
            }
            logged_signer_pem(get_str(s, &["publicKey"])?, signer)
        }
        _ => Err(format!(
            "a {kind} {version} entry cannot record this bundle's content"
        )),
    }
}

/// Keyless: chain, validity at every verified time, SCT.
fn check_certificate(leaf: &Cert, times: &[i64], root: &TrustedRoot) -> Result<(), Failure> {
    if !leaf.allows_usage(&EKU_CODE_SIGNING).unwrap_or(false) {
        return fail(
            "certificate",
            "the signing certificate is not for code signing",
        );
    }
    for t in times {
        if !leaf.valid_at(*t) {
            let (nb, na) = leaf.validity();
            return fail(
                "certificate",
                format!("the signing certificate (valid {nb}..{na}) was not valid at {t}"),
            );
        }
    }
    let mut issuer = None;
    for ca in &root.certificate_authorities {
        let mut chain: Vec<&Cert> = vec![leaf];
        chain.extend(ca.chain.iter());
        if times
            .iter()
            .all(|t| ca.valid.contains(*t) && path_valid_at(&chain, *t))
        {
            issuer = ca.chain.first();
            break;
        }
    }
    let Some(issuer) = issuer else {
        return fail(
            "certificate",
            "the signing certificate does not chain to a certificate authority of the trusted root valid at the signing time",
        );
    };
    let scts = verified_scts(leaf, issuer, root).map_err(|e| Failure {
        stage: "certificate",
        detail: e,
    })?;
    if scts == 0 {
        return fail(
            "certificate",
            "no signed certificate timestamp verifies with a CT log of the trusted root",
        );
    }
    Ok(())
}
