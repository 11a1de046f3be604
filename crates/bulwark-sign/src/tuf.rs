//! A TUF 1.0 client for Sigstore's trust repository (`bulwark trust update`).
//!
//! It follows the client workflow of the TUF specification (§5): starting from a trusted
//! root (the embedded Sigstore root, or one the user gives), it walks the root rotation
//! chain (`N+1.root.json`, each version signed by a threshold of the previous root's keys
//! *and* of its own), refuses an expired final root, then fetches `timestamp.json`,
//! the snapshot and the targets metadata named by it (consistent snapshots:
//! `VERSION.ROLE.json`), checking role signatures and thresholds, versions, lengths and
//! hashes, expiry, and rollback against the metadata stored by the previous update. The
//! `trusted_root.json` target is looked up through the targets role and its delegations
//! (paths or hash prefixes, terminating delegations), downloaded as `targets/HASH.NAME`,
//! and checked against its length and every hash it names.
//!
//! Why our own client rather than `tough` (AWS's Rust TUF client): `tough` 0.24 is async
//! (tokio, reqwest) and requires `aws-lc-rs` (a C build); this crate already has the
//! JSON, key and signature code TUF needs, and fetching is a small synchronous
//! [`Transport`] (ureq under `bulwark-net` deadlines, like every other download).
//!
//! Keys: `ecdsa`/`ecdsa-sha2-nistp256` (P-256, PEM), `ecdsa-sha2-nistp384`, `ed25519`
//! (hex). Other key types (RSA-PSS) never verify: their signatures do not count toward a
//! threshold. Signatures are over the OLPC canonical JSON of `signed` (securesystemslib's
//! encoding, as python-tuf and go-tuf sign).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize as _;
use serde_json::Value;
use sha2::{Digest as _, Sha256, Sha512};

use crate::digest::hex_lower;
use crate::sigstore::pki::{AnyKey, HashAlg};
use crate::sigstore::trust::{TrustedRoot, parse_rfc3339};

/// Sigstore's public-good TUF repository.
pub const PRODUCTION_URL: &str = "https://tuf-repo-cdn.sigstore.dev";
/// Sigstore's staging TUF repository.
pub const STAGING_URL: &str = "https://tuf-repo-cdn.sigstage.dev";
/// The production TUF root (as sigstore-python 4.5.1 ships it): the start of the chain.
pub const PRODUCTION_TUF_ROOT: &[u8] = include_bytes!("../trust/production.tuf-root.json");
/// The staging TUF root (as sigstore-python 4.5.1 ships it).
pub const STAGING_TUF_ROOT: &[u8] = include_bytes!("../trust/staging.tuf-root.json");
/// The target that holds the Sigstore trusted root.
pub const TRUSTED_ROOT_TARGET: &str = "trusted_root.json";

/// Most root versions one update walks (TUF §5.3.3 asks for a fixed bound).
const MAX_ROOT_ROTATIONS: u64 = 1024;
/// Largest root or timestamp file accepted.
const MAX_ROOT_LEN: u64 = 512 * 1024;
const MAX_TIMESTAMP_LEN: u64 = 64 * 1024;
/// Largest snapshot/targets file when the referring metadata gives no length.
const MAX_METADATA_LEN: u64 = 8 * 1024 * 1024;
/// Deepest delegation chain followed.
const MAX_DELEGATIONS: usize = 32;

/// What went wrong, for the hint that tells the user what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TufErrorKind {
    /// The repository could not be reached or answered an error.
    Network,
    /// A file is not valid TUF metadata (or not a trusted root).
    Invalid,
    /// Too few valid signatures from the role's keys.
    Signature,
    /// The metadata is past its expiry time.
    Expired,
    /// A version older than the trusted one, or not the version the referrer names.
    Rollback,
    /// A length or hash differs from what the referring metadata says.
    Mismatch,
    /// A local file could not be read or written.
    Io,
}

/// An update failure: the file or role, what is wrong, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TufError {
    /// The file or role (`timestamp.json`, `3.root.json`, `targets/…`).
    pub file: String,
    /// The class of failure.
    pub kind: TufErrorKind,
    /// Details.
    pub detail: String,
}

impl TufError {
    fn new(file: impl Into<String>, kind: TufErrorKind, detail: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            kind,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for TufError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hint = match self.kind {
            TufErrorKind::Network => "check the network and the repository URL (--tuf-url)",
            TufErrorKind::Invalid => {
                "the repository serves a malformed file; check --tuf-url and --root"
            }
            TufErrorKind::Signature => {
                "it is not signed by the keys the trusted TUF root names: the repository may be compromised, or --root does not belong to it"
            }
            TufErrorKind::Expired => {
                "the repository's metadata is stale; retry later and report it to the repository's maintainers if it persists"
            }
            TufErrorKind::Rollback => {
                "the repository served older metadata than this machine already trusts (a rollback or freeze attack, or a broken mirror)"
            }
            TufErrorKind::Mismatch => {
                "the file differs from what the signed metadata describes (tampered or a broken mirror)"
            }
            TufErrorKind::Io => "check the cache directory (--cache-dir) and its permissions",
        };
        write!(
            f,
            "{}: {}; {hint}; the previous trusted root stays in use",
            self.file, self.detail
        )
    }
}

impl std::error::Error for TufError {}

fn invalid(file: &str, detail: impl Into<String>) -> TufError {
    TufError::new(file, TufErrorKind::Invalid, detail)
}

/// A role's keys and threshold.
#[derive(Debug, Clone)]
pub struct Role {
    /// Key IDs allowed to sign.
    pub keyids: Vec<String>,
    /// Distinct valid signatures required.
    pub threshold: u64,
}

/// One key of a root or delegation; `None` when its type is not supported.
pub type Keys = BTreeMap<String, Option<(AnyKey, HashAlg)>>;

/// A signed TUF metadata file.
#[derive(Debug, Clone)]
pub struct Metadata {
    /// `signed._type`.
    pub role_type: String,
    /// `signed.version`.
    pub version: u64,
    /// `signed.expires`, Unix seconds.
    pub expires: i64,
    /// `signed`.
    pub signed: Value,
    /// `(keyid, signature bytes)`; signatures that are not hex are dropped.
    pub signatures: Vec<(String, Vec<u8>)>,
    /// The bytes the signatures sign: OLPC canonical JSON of `signed`.
    pub canonical: Vec<u8>,
    /// The file as received.
    pub raw: Vec<u8>,
}

/// A `meta` entry of timestamp or snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaFile {
    /// Version of the referred metadata.
    pub version: u64,
    /// Its length, when given.
    pub length: Option<u64>,
    /// Its hashes (`sha256`, `sha512`: hex), when given.
    pub hashes: BTreeMap<String, String>,
}

/// A target: length and hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetFile {
    /// Length in bytes.
    pub length: u64,
    /// Hashes (hex) by algorithm.
    pub hashes: BTreeMap<String, String>,
}

/// A delegated targets role.
#[derive(Debug, Clone)]
pub struct Delegation {
    /// Role name.
    pub name: String,
    /// Keys and threshold.
    pub role: Role,
    /// Path patterns (`*` within a path segment).
    pub paths: Option<Vec<String>>,
    /// Hex prefixes of the SHA-256 of target paths.
    pub path_hash_prefixes: Option<Vec<String>>,
    /// No further roles are searched after this one when it matches.
    pub terminating: bool,
}

/// The OLPC canonical JSON of `value` (securesystemslib's signing encoding).
fn canonical_json(value: &Value, file: &str) -> Result<Vec<u8>, TufError> {
    let mut out = Vec::new();
    let mut ser =
        serde_json::Serializer::with_formatter(&mut out, olpc_cjson::CanonicalFormatter::new());
    value
        .serialize(&mut ser)
        .map_err(|e| invalid(file, format!("cannot be canonicalized: {e}")))?;
    Ok(out)
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

impl Metadata {
    /// Parses a metadata file whose `signed._type` must be `role_type`. Never panics.
    pub fn parse(raw: &[u8], role_type: &str, file: &str) -> Result<Self, TufError> {
        let v: Value =
            serde_json::from_slice(raw).map_err(|e| invalid(file, format!("not JSON: {e}")))?;
        let signed = v
            .get("signed")
            .filter(|s| s.is_object())
            .ok_or_else(|| invalid(file, "has no \"signed\" object"))?
            .clone();
        let got_type = signed.get("_type").and_then(Value::as_str).unwrap_or("");
        if got_type != role_type {
            return Err(invalid(
                file,
                format!("is of type {got_type:?}, expected {role_type:?}"),
            ));
        }
        let spec = signed
            .get("spec_version")
            .and_then(Value::as_str)
            .unwrap_or("");
        if spec.split('.').next() != Some("1") {
            return Err(invalid(
                file,
                format!("spec_version {spec:?} is not TUF 1.x"),
            ));
        }
        let version = signed
            .get("version")
            .and_then(Value::as_u64)
            .filter(|v| *v >= 1)
            .ok_or_else(|| invalid(file, "has no positive integer version"))?;
        let expires_text = signed
            .get("expires")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid(file, "has no expires time"))?;
        let expires = parse_rfc3339(expires_text)
            .ok_or_else(|| invalid(file, format!("expires {expires_text:?} is not a time")))?;
        let signatures = v
            .get("signatures")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid(file, "has no signatures array"))?
            .iter()
            .filter_map(|s| {
                let keyid = s.get("keyid")?.as_str()?.to_owned();
                let sig = decode_hex(s.get("sig")?.as_str()?)?;
                (!sig.is_empty()).then_some((keyid, sig))
            })
            .collect();
        let canonical = canonical_json(&signed, file)?;
        Ok(Self {
            role_type: role_type.to_owned(),
            version,
            expires,
            signed,
            signatures,
            canonical,
            raw: raw.to_vec(),
        })
    }

    /// Checks that at least `role.threshold` distinct keys of `role` signed.
    pub fn verify(&self, keys: &Keys, role: &Role, file: &str) -> Result<(), TufError> {
        let mut good = BTreeSet::new();
        for keyid in &role.keyids {
            let Some(Some((key, hash))) = keys.get(keyid) else {
                continue;
            };
            if self
                .signatures
                .iter()
                .any(|(id, sig)| id == keyid && key.verify(*hash, &self.canonical, sig))
            {
                good.insert(keyid.as_str());
            }
        }
        let got = u64::try_from(good.len()).unwrap_or(u64::MAX);
        if got < role.threshold {
            return Err(TufError::new(
                file,
                TufErrorKind::Signature,
                format!(
                    "{got} valid signature(s) from the {} role's keys, {} required",
                    self.role_type, role.threshold
                ),
            ));
        }
        Ok(())
    }

    /// Fails when the metadata expired before `now`.
    pub fn check_expiry(&self, now: i64, file: &str) -> Result<(), TufError> {
        if self.expires <= now {
            return Err(TufError::new(
                file,
                TufErrorKind::Expired,
                format!(
                    "version {} expired at {}",
                    self.version,
                    rfc3339(self.expires)
                ),
            ));
        }
        Ok(())
    }

    /// `keys` of a root or a `delegations` object.
    fn keys_in(v: Option<&Value>, file: &str) -> Result<Keys, TufError> {
        let map = v
            .and_then(Value::as_object)
            .ok_or_else(|| invalid(file, "has no keys object"))?;
        Ok(map
            .iter()
            .map(|(id, k)| (id.clone(), parse_key(k)))
            .collect())
    }

    /// A root's keys.
    pub fn root_keys(&self, file: &str) -> Result<Keys, TufError> {
        Self::keys_in(self.signed.get("keys"), file)
    }

    /// A root's role (`root`, `timestamp`, `snapshot`, `targets`).
    pub fn root_role(&self, name: &str, file: &str) -> Result<Role, TufError> {
        let r = self
            .signed
            .get("roles")
            .and_then(|r| r.get(name))
            .ok_or_else(|| invalid(file, format!("names no {name} role")))?;
        parse_role(r, file, name)
    }

    /// Whether the root uses consistent snapshots.
    pub fn consistent_snapshot(&self) -> bool {
        self.signed
            .get("consistent_snapshot")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// A `meta` entry (timestamp, snapshot).
    pub fn meta(&self, name: &str, file: &str) -> Result<Option<MetaFile>, TufError> {
        let Some(m) = self.signed.get("meta").and_then(|m| m.get(name)) else {
            return Ok(None);
        };
        let version = m
            .get("version")
            .and_then(Value::as_u64)
            .filter(|v| *v >= 1)
            .ok_or_else(|| invalid(file, format!("meta {name} has no positive version")))?;
        let length = match m.get("length") {
            None => None,
            Some(l) => Some(
                l.as_u64()
                    .ok_or_else(|| invalid(file, format!("meta {name} length is not a number")))?,
            ),
        };
        Ok(Some(MetaFile {
            version,
            length,
            hashes: hashes(m.get("hashes"), file, name)?,
        }))
    }

    /// Every `meta` entry's name and version.
    pub fn meta_versions(&self) -> BTreeMap<String, u64> {
        self.signed
            .get("meta")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.get("version")?.as_u64()?)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A target of a targets role.
    pub fn target(&self, path: &str, file: &str) -> Result<Option<TargetFile>, TufError> {
        let Some(t) = self.signed.get("targets").and_then(|t| t.get(path)) else {
            return Ok(None);
        };
        let length = t
            .get("length")
            .and_then(Value::as_u64)
            .ok_or_else(|| invalid(file, format!("target {path} has no length")))?;
        let hashes = hashes(t.get("hashes"), file, path)?;
        if hashes.is_empty() {
            return Err(invalid(file, format!("target {path} has no hashes")));
        }
        Ok(Some(TargetFile { length, hashes }))
    }

    /// The delegations of a targets role: their keys and roles in order.
    pub fn delegations(&self, file: &str) -> Result<(Keys, Vec<Delegation>), TufError> {
        let Some(d) = self.signed.get("delegations") else {
            return Ok((Keys::new(), Vec::new()));
        };
        let keys = Self::keys_in(d.get("keys"), file)?;
        let roles = d
            .get("roles")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid(file, "delegations has no roles array"))?;
        let strings = |v: Option<&Value>| -> Option<Vec<String>> {
            v.and_then(Value::as_array).map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
        };
        let delegations = roles
            .iter()
            .map(|r| {
                let name = r
                    .get("name")
                    .and_then(Value::as_str)
                    .filter(|n| !n.is_empty())
                    .ok_or_else(|| invalid(file, "a delegated role has no name"))?
                    .to_owned();
                Ok(Delegation {
                    role: parse_role(r, file, &name)?,
                    paths: strings(r.get("paths")),
                    path_hash_prefixes: strings(r.get("path_hash_prefixes")),
                    terminating: r
                        .get("terminating")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                    name,
                })
            })
            .collect::<Result<_, TufError>>()?;
        Ok((keys, delegations))
    }
}

fn parse_role(r: &Value, file: &str, name: &str) -> Result<Role, TufError> {
    let keyids = r
        .get("keyids")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid(file, format!("role {name} has no keyids")))?
        .iter()
        .filter_map(|k| k.as_str().map(str::to_owned))
        .collect();
    let threshold = r
        .get("threshold")
        .and_then(Value::as_u64)
        .filter(|t| *t >= 1)
        .ok_or_else(|| invalid(file, format!("role {name} has no threshold of at least 1")))?;
    Ok(Role { keyids, threshold })
}

fn hashes(v: Option<&Value>, file: &str, name: &str) -> Result<BTreeMap<String, String>, TufError> {
    let Some(v) = v else {
        return Ok(BTreeMap::new());
    };
    let map = v
        .as_object()
        .ok_or_else(|| invalid(file, format!("{name} hashes is not an object")))?;
    map.iter()
        .map(|(alg, h)| {
            h.as_str()
                .map(|h| (alg.clone(), h.to_ascii_lowercase()))
                .ok_or_else(|| invalid(file, format!("{name} hash {alg} is not a string")))
        })
        .collect()
}

/// A TUF key, or `None` when its type or scheme is not supported.
fn parse_key(k: &Value) -> Option<(AnyKey, HashAlg)> {
    let keytype = k.get("keytype")?.as_str()?;
    let scheme = k.get("scheme")?.as_str()?;
    let public = k.get("keyval")?.get("public")?.as_str()?;
    let from_text = |public: &str| {
        if public.contains("-----BEGIN") {
            AnyKey::from_pem(public.as_bytes()).ok()
        } else {
            AnyKey::from_spki_der(&decode_hex(public)?).ok()
        }
    };
    match (keytype, scheme) {
        ("ecdsa" | "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256") => match from_text(public)? {
            key @ AnyKey::P256(_) => Some((key, HashAlg::Sha256)),
            _ => None,
        },
        ("ecdsa" | "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384") => match from_text(public)? {
            key @ AnyKey::P384(_) => Some((key, HashAlg::Sha384)),
            _ => None,
        },
        ("ed25519", "ed25519") => {
            let bytes: [u8; 32] = decode_hex(public)?.try_into().ok()?;
            ed25519_dalek::VerifyingKey::from_bytes(&bytes)
                .ok()
                .map(|k| (AnyKey::Ed25519(k), HashAlg::Sha256))
        }
        _ => None,
    }
}

/// Checks `data` against a length and every hash we can compute (at least one needed
/// when hashes are named).
fn check_file(
    data: &[u8],
    length: Option<u64>,
    hashes: &BTreeMap<String, String>,
    file: &str,
) -> Result<(), TufError> {
    let len = u64::try_from(data.len()).unwrap_or(u64::MAX);
    if let Some(want) = length
        && len != want
    {
        return Err(TufError::new(
            file,
            TufErrorKind::Mismatch,
            format!("is {len} bytes, the signed metadata says {want}"),
        ));
    }
    let mut checked = 0;
    for (alg, want) in hashes {
        let got = match alg.as_str() {
            "sha256" => hex_lower(&Sha256::digest(data)),
            "sha512" => hex_lower(&Sha512::digest(data)),
            _ => continue,
        };
        if &got != want {
            return Err(TufError::new(
                file,
                TufErrorKind::Mismatch,
                format!("{alg} is {got}, the signed metadata says {want}"),
            ));
        }
        checked += 1;
    }
    if !hashes.is_empty() && checked == 0 {
        return Err(invalid(
            file,
            "names only hash algorithms bulwark does not know (sha256, sha512)",
        ));
    }
    Ok(())
}

/// Whether a delegation's paths (or hash prefixes) cover `target`.
fn delegation_covers(d: &Delegation, target: &str) -> bool {
    if let Some(paths) = &d.paths {
        return paths.iter().any(|p| path_matches(p, target));
    }
    if let Some(prefixes) = &d.path_hash_prefixes {
        let h = hex_lower(&Sha256::digest(target.as_bytes()));
        return prefixes.iter().any(|p| h.starts_with(p.as_str()));
    }
    false
}

/// python-tuf's matching: the same number of `/` segments, each matched as a shell
/// pattern (`*` any run, `?` one character).
fn path_matches(pattern: &str, target: &str) -> bool {
    let p: Vec<&str> = pattern.split('/').collect();
    let t: Vec<&str> = target.split('/').collect();
    p.len() == t.len()
        && p.iter()
            .zip(&t)
            .all(|(p, t)| glob(p.as_bytes(), t.as_bytes()))
}

fn glob(p: &[u8], t: &[u8]) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == b'?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi.min(p.len())..].iter().all(|&c| c == b'*')
}

/// Fetches repository files by path relative to the repository's base URL.
pub trait Transport {
    /// The file at `path`, at most `max_len` bytes; `Ok(None)` when the repository has
    /// no such file (404/403).
    fn fetch(&self, path: &str, max_len: u64) -> Result<Option<Vec<u8>>, TufError>;
}

/// [`Transport`] over HTTP(S) with `bulwark-net` deadlines.
pub struct HttpTransport {
    base: String,
    agent: ureq::Agent,
}

impl HttpTransport {
    /// A transport for the repository at `base` (`https://tuf-repo-cdn.sigstore.dev`).
    pub fn new(base: &str, timeouts: bulwark_net::Timeouts) -> Self {
        let deadline = bulwark_net::Deadline::start(timeouts);
        let agent = deadline
            .agent_config()
            .http_status_as_error(false)
            .user_agent(format!("bulwark/{}", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Self {
            base: base.trim_end_matches('/').to_owned(),
            agent,
        }
    }
}

impl Transport for HttpTransport {
    fn fetch(&self, path: &str, max_len: u64) -> Result<Option<Vec<u8>>, TufError> {
        let url = format!("{}/{path}", self.base);
        let net = |e: &dyn fmt::Display| {
            TufError::new(path, TufErrorKind::Network, format!("{url}: {e}"))
        };
        let mut resp = self.agent.get(&url).call().map_err(|e| net(&e))?;
        let status = resp.status().as_u16();
        if status == 404 || status == 403 {
            return Ok(None);
        }
        if status != 200 {
            return Err(net(&format!("HTTP {status}")));
        }
        let body = resp
            .body_mut()
            .with_config()
            .limit(max_len)
            .read_to_vec()
            .map_err(|e| net(&format!("{e} (limit {max_len} bytes)")))?;
        Ok(Some(body))
    }
}

/// What a successful update trusts now.
#[derive(Debug, Clone)]
pub struct Updated {
    /// The trusted root target (`trusted_root.json`), parsed and checked.
    pub trusted_root_json: Vec<u8>,
    /// Versions of the top-level roles now trusted.
    pub root_version: u64,
    /// Timestamp version.
    pub timestamp_version: u64,
    /// Snapshot version.
    pub snapshot_version: u64,
    /// Targets version.
    pub targets_version: u64,
    /// Root versions newly trusted by this update (rotations walked).
    pub rotations: u64,
}

/// The client: a trusted root, a local metadata directory, a transport.
pub struct Client<'a> {
    transport: &'a dyn Transport,
    dir: PathBuf,
    now: i64,
}

fn io_err(path: &Path, e: &std::io::Error) -> TufError {
    TufError::new(path.display().to_string(), TufErrorKind::Io, e.to_string())
}

/// Writes `data` to `path` through a temporary file and a rename (never half-written).
pub fn write_atomic(path: &Path, data: &[u8]) -> Result<(), TufError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_err(parent, &e))?;
    }
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, data).map_err(|e| io_err(&tmp, &e))?;
    std::fs::rename(&tmp, path).map_err(|e| io_err(path, &e))
}

/// A role name as a file name in the metadata directory (`/` and `%` escaped).
fn role_file(role: &str) -> String {
    format!("{}.json", role.replace('%', "%25").replace('/', "%2F"))
}

impl<'a> Client<'a> {
    /// A client storing metadata in `dir` (created when missing), checking expiry at `now`.
    pub fn new(transport: &'a dyn Transport, dir: &Path, now: i64) -> Self {
        Self {
            transport,
            dir: dir.to_path_buf(),
            now,
        }
    }

    fn stored(&self, role: &str, role_type: &str) -> Option<Metadata> {
        let name = role_file(role);
        let raw = std::fs::read(self.dir.join(&name)).ok()?;
        Metadata::parse(&raw, role_type, &name).ok()
    }

    fn persist(&self, role: &str, m: &Metadata) -> Result<(), TufError> {
        write_atomic(&self.dir.join(role_file(role)), &m.raw)
    }

    fn fetch(&self, path: &str, max_len: u64) -> Result<Vec<u8>, TufError> {
        self.transport.fetch(path, max_len)?.ok_or_else(|| {
            TufError::new(
                path,
                TufErrorKind::Network,
                "the repository has no such file (404)",
            )
        })
    }

    /// The trusted root to start from: the stored one or `bootstrap`, whichever is newer;
    /// either must carry a threshold of its own root keys' signatures.
    fn load_root(&self, bootstrap: &[u8]) -> Result<Metadata, TufError> {
        let boot = Metadata::parse(bootstrap, "root", "the bootstrap root.json")?;
        check_self_signed(&boot, "the bootstrap root.json")?;
        let stored = self
            .stored("root", "root")
            .filter(|m| check_self_signed(m, "root.json").is_ok());
        Ok(match stored {
            Some(s) if s.version > boot.version => s,
            _ => boot,
        })
    }

    /// Runs the whole update and returns the verified `target` bytes.
    pub fn update(&self, bootstrap_root: &[u8], target: &str) -> Result<Updated, TufError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| io_err(&self.dir, &e))?;
        // §5.3: the root chain.
        let mut root = self.load_root(bootstrap_root)?;
        let start_version = root.version;
        let old_root = root.clone();
        loop {
            let next = root.version + 1;
            if next - start_version > MAX_ROOT_ROTATIONS {
                break;
            }
            let file = format!("{next}.root.json");
            let Some(raw) = self.transport.fetch(&file, MAX_ROOT_LEN)? else {
                break;
            };
            let new = Metadata::parse(&raw, "root", &file)?;
            new.verify(
                &root.root_keys(&file)?,
                &root.root_role("root", &file)?,
                &file,
            )
            .map_err(|e| TufError {
                detail: format!(
                    "{} (the trusted root v{} must sign it)",
                    e.detail, root.version
                ),
                ..e
            })?;
            check_self_signed(&new, &file).map_err(|e| TufError {
                detail: format!("{} (its own root keys must sign it)", e.detail),
                ..e
            })?;
            if new.version != next {
                return Err(TufError::new(
                    &file,
                    TufErrorKind::Rollback,
                    format!("holds version {}, expected {next}", new.version),
                ));
            }
            self.persist("root", &new)?;
            root = new;
        }
        root.check_expiry(self.now, &format!("{}.root.json", root.version))?;
        if root.version != old_root.version {
            // §5.3.11: rotated timestamp/snapshot keys make the stored copies useless.
            for role in ["timestamp", "snapshot"] {
                let before = old_root.root_role(role, "root.json")?.keyids;
                let after = root.root_role(role, "root.json")?.keyids;
                if before != after {
                    let _ = std::fs::remove_file(self.dir.join(role_file(role)));
                }
            }
        }
        let keys = root.root_keys("root.json")?;
        let consistent = root.consistent_snapshot();

        // §5.4: timestamp.
        let file = "timestamp.json";
        let timestamp = Metadata::parse(&self.fetch(file, MAX_TIMESTAMP_LEN)?, "timestamp", file)?;
        timestamp.verify(&keys, &root.root_role("timestamp", file)?, file)?;
        let snap_meta = timestamp
            .meta("snapshot.json", file)?
            .ok_or_else(|| invalid(file, "names no snapshot.json"))?;
        let timestamp_role = root.root_role("timestamp", file)?;
        let old_timestamp = self
            .stored("timestamp", "timestamp")
            .filter(|m| m.verify(&keys, &timestamp_role, file).is_ok());
        if let Some(old) = &old_timestamp {
            if timestamp.version < old.version {
                return Err(rollback(file, "version", timestamp.version, old.version));
            }
            if let Some(old_snap) = old.meta("snapshot.json", file)?
                && snap_meta.version < old_snap.version
            {
                return Err(rollback(
                    file,
                    "snapshot version",
                    snap_meta.version,
                    old_snap.version,
                ));
            }
        }
        timestamp.check_expiry(self.now, file)?;
        self.persist("timestamp", &timestamp)?;

        // §5.5: snapshot.
        let file = versioned("snapshot.json", snap_meta.version, consistent);
        let raw = self.fetch(&file, snap_meta.length.unwrap_or(MAX_METADATA_LEN))?;
        check_file(&raw, snap_meta.length, &snap_meta.hashes, &file)?;
        let snapshot = Metadata::parse(&raw, "snapshot", &file)?;
        snapshot.verify(&keys, &root.root_role("snapshot", &file)?, &file)?;
        if snapshot.version != snap_meta.version {
            return Err(TufError::new(
                &file,
                TufErrorKind::Rollback,
                format!(
                    "holds version {}, timestamp.json names {}",
                    snapshot.version, snap_meta.version
                ),
            ));
        }
        if let Some(old) = self.stored("snapshot", "snapshot") {
            let new_versions = snapshot.meta_versions();
            for (name, old_version) in old.meta_versions() {
                match new_versions.get(&name) {
                    None => {
                        return Err(TufError::new(
                            &file,
                            TufErrorKind::Rollback,
                            format!("no longer lists {name}, which the stored snapshot has"),
                        ));
                    }
                    Some(&v) if v < old_version => {
                        return Err(rollback(&file, &format!("{name} version"), v, old_version));
                    }
                    Some(_) => {}
                }
            }
        }
        snapshot.check_expiry(self.now, &file)?;
        self.persist("snapshot", &snapshot)?;

        // §5.6: targets, then delegations, looking for `target`.
        let targets = self.fetch_targets(
            &snapshot,
            "targets",
            &keys,
            &root.root_role("targets", "root.json")?,
            consistent,
        )?;
        let (found, owner) = self.find_target(&snapshot, &targets, target, consistent)?;
        let found = found.ok_or_else(|| {
            TufError::new(
                target,
                TufErrorKind::Invalid,
                "no targets role of the repository lists this target",
            )
        })?;

        // §5.7: the target itself.
        let dir_name = target.rsplit_once('/').map(|(d, _)| d);
        let base_name = target.rsplit_once('/').map_or(target, |(_, b)| b);
        let path = if consistent {
            let hash = found
                .hashes
                .get("sha256")
                .or_else(|| found.hashes.values().next())
                .cloned()
                .unwrap_or_default();
            match dir_name {
                Some(d) => format!("targets/{d}/{hash}.{base_name}"),
                None => format!("targets/{hash}.{base_name}"),
            }
        } else {
            format!("targets/{target}")
        };
        let data = self.fetch(&path, found.length)?;
        check_file(&data, Some(found.length), &found.hashes, &path).map_err(|e| TufError {
            detail: format!("{} (in {owner})", e.detail),
            ..e
        })?;
        Ok(Updated {
            trusted_root_json: data,
            root_version: root.version,
            timestamp_version: timestamp.version,
            snapshot_version: snapshot.version,
            targets_version: targets.version,
            rotations: root.version - start_version,
        })
    }

    fn fetch_targets(
        &self,
        snapshot: &Metadata,
        role: &str,
        keys: &Keys,
        role_keys: &Role,
        consistent: bool,
    ) -> Result<Metadata, TufError> {
        let meta_name = format!("{role}.json");
        let meta = snapshot
            .meta(&meta_name, "snapshot.json")?
            .ok_or_else(|| invalid("snapshot.json", format!("names no {meta_name}")))?;
        let file = versioned(&meta_name, meta.version, consistent);
        let raw = self.fetch(&file, meta.length.unwrap_or(MAX_METADATA_LEN))?;
        check_file(&raw, meta.length, &meta.hashes, &file)?;
        let m = Metadata::parse(&raw, "targets", &file)?;
        m.verify(keys, role_keys, &file)?;
        if m.version != meta.version {
            return Err(TufError::new(
                &file,
                TufErrorKind::Rollback,
                format!(
                    "holds version {}, snapshot.json names {}",
                    m.version, meta.version
                ),
            ));
        }
        m.check_expiry(self.now, &file)?;
        self.persist(role, &m)?;
        Ok(m)
    }

    /// Pre-order depth-first search through delegations (TUF §5.6.7).
    fn find_target(
        &self,
        snapshot: &Metadata,
        top: &Metadata,
        target: &str,
        consistent: bool,
    ) -> Result<(Option<TargetFile>, String), TufError> {
        let mut stack: Vec<(String, Metadata)> = vec![("targets".to_owned(), top.clone())];
        let mut visited = BTreeSet::new();
        while let Some((name, m)) = stack.pop() {
            if !visited.insert(name.clone()) || visited.len() > MAX_DELEGATIONS {
                continue;
            }
            let file = format!("{name}.json");
            if let Some(t) = m.target(target, &file)? {
                return Ok((Some(t), file));
            }
            let (keys, delegations) = m.delegations(&file)?;
            let mut children = Vec::new();
            for d in delegations {
                if !delegation_covers(&d, target) {
                    continue;
                }
                let child = self.fetch_targets(snapshot, &d.name, &keys, &d.role, consistent)?;
                children.push((d.name.clone(), child));
                if d.terminating {
                    stack.clear();
                    break;
                }
            }
            // Pushed in reverse so the first delegation is searched first.
            stack.extend(children.into_iter().rev());
        }
        Ok((None, String::new()))
    }
}

fn rollback(file: &str, what: &str, got: u64, trusted: u64) -> TufError {
    TufError::new(
        file,
        TufErrorKind::Rollback,
        format!("{what} {got} is older than the trusted {trusted}"),
    )
}

fn versioned(name: &str, version: u64, consistent: bool) -> String {
    if consistent {
        format!("{version}.{name}")
    } else {
        name.to_owned()
    }
}

/// Checks that a root carries a threshold of signatures from its own root keys.
pub fn check_self_signed(root: &Metadata, file: &str) -> Result<(), TufError> {
    root.verify(&root.root_keys(file)?, &root.root_role("root", file)?, file)
}

/// RFC 3339 UTC text of Unix seconds.
fn rfc3339(secs: i64) -> String {
    let t = u64::try_from(secs).map_or(UNIX_EPOCH, |s| {
        UNIX_EPOCH + std::time::Duration::from_secs(s)
    });
    crate::referrers::rfc3339_utc(t)
}

/// Now, Unix seconds.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

// ---- Where updated roots live, and which root verification uses ----

/// The directory under the cache dir holding Sigstore trust state.
pub fn trust_dir(cache_dir: &Path) -> PathBuf {
    cache_dir.join("sigstore")
}

/// The TUF metadata directory of the repository at `url` under `cache_dir`.
pub fn metadata_dir(cache_dir: &Path, url: &str) -> PathBuf {
    let name: String = url
        .trim_end_matches('/')
        .split("://")
        .last()
        .unwrap_or(url)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    trust_dir(cache_dir).join("tuf").join(name)
}

/// The trusted root an update stored (`<cache>/sigstore/trusted_root.json`).
pub fn updated_root_path(cache_dir: &Path) -> PathBuf {
    trust_dir(cache_dir).join("trusted_root.json")
}

fn source_path(cache_dir: &Path) -> PathBuf {
    trust_dir(cache_dir).join("trusted_root.source.json")
}

/// Where the trusted root in use came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootSource {
    /// The public-good production root embedded in the binary.
    Embedded,
    /// Stored by `bulwark trust update`.
    Updated {
        /// The stored file.
        path: PathBuf,
        /// The TUF repository it came from.
        url: String,
        /// When it was stored, Unix seconds.
        updated_at: i64,
        /// The TUF root version that vouched for it.
        tuf_root_version: u64,
        /// The targets version that listed it.
        targets_version: u64,
    },
}

/// A trusted root and where it came from.
#[derive(Debug, Clone)]
pub struct RootInUse {
    /// The parsed root.
    pub root: TrustedRoot,
    /// Its source.
    pub source: RootSource,
}

/// Runs a TUF update from `url` (bootstrapped by `bootstrap_root`, see [`Client::update`])
/// and, on success only, replaces the stored trusted root under `cache_dir`.
pub fn update_trusted_root(
    transport: &dyn Transport,
    url: &str,
    bootstrap_root: &[u8],
    cache_dir: &Path,
    now: i64,
) -> Result<Updated, TufError> {
    let client = Client::new(transport, &metadata_dir(cache_dir, url), now);
    let updated = client.update(bootstrap_root, TRUSTED_ROOT_TARGET)?;
    TrustedRoot::parse(&updated.trusted_root_json)
        .map_err(|e| TufError::new(TRUSTED_ROOT_TARGET, TufErrorKind::Invalid, e.to_string()))?;
    let source = serde_json::json!({
        "url": url,
        "updated": now,
        "tuf_root_version": updated.root_version,
        "targets_version": updated.targets_version,
        "sha256": hex_lower(&Sha256::digest(&updated.trusted_root_json)),
    });
    write_atomic(&updated_root_path(cache_dir), &updated.trusted_root_json)?;
    write_atomic(&source_path(cache_dir), source.to_string().as_bytes())?;
    Ok(updated)
}

/// The trusted root verification uses when no `--trusted-root` is given: the one
/// `bulwark trust update` stored under `cache_dir` when present, else the embedded
/// production root.
pub fn default_trusted_root(cache_dir: Option<&Path>) -> Result<RootInUse, TufError> {
    if let Some(dir) = cache_dir {
        let path = updated_root_path(dir);
        if let Ok(json) = std::fs::read(&path) {
            let file = path.display().to_string();
            let root = TrustedRoot::parse(&json).map_err(|e| {
                TufError::new(
                    &file,
                    TufErrorKind::Invalid,
                    format!("{e} (run `bulwark trust update` again, or delete the file to use the embedded root)"),
                )
            })?;
            let info: Value = std::fs::read(source_path(dir))
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or(Value::Null);
            let num = |k: &str| info.get(k).and_then(Value::as_u64).unwrap_or(0);
            return Ok(RootInUse {
                root,
                source: RootSource::Updated {
                    path,
                    url: info
                        .get("url")
                        .and_then(Value::as_str)
                        .unwrap_or("unknown")
                        .to_owned(),
                    updated_at: info.get("updated").and_then(Value::as_i64).unwrap_or(0),
                    tuf_root_version: num("tuf_root_version"),
                    targets_version: num("targets_version"),
                },
            });
        }
    }
    let root = TrustedRoot::production().map_err(|e| {
        TufError::new(
            "the embedded trusted root",
            TufErrorKind::Invalid,
            e.to_string(),
        )
    })?;
    Ok(RootInUse {
        root,
        source: RootSource::Embedded,
    })
}

/// Fuzzing entry: every metadata parser and accessor on untrusted bytes.
#[doc(hidden)]
pub fn fuzz_metadata(data: &[u8]) {
    for role_type in ["root", "timestamp", "snapshot", "targets"] {
        let Ok(m) = Metadata::parse(data, role_type, "fuzz") else {
            continue;
        };
        let _ = check_self_signed(&m, "fuzz");
        let _ = m.meta("snapshot.json", "fuzz");
        let _ = m.meta("targets.json", "fuzz");
        let _ = m.meta_versions();
        let _ = m.consistent_snapshot();
        let _ = m.check_expiry(0, "fuzz");
        if let Ok(t) = m.target(TRUSTED_ROOT_TARGET, "fuzz") {
            let _ = t.map(|t| check_file(data, Some(t.length), &t.hashes, "fuzz"));
        }
        if let Ok((_, delegations)) = m.delegations("fuzz") {
            for d in &delegations {
                let _ = delegation_covers(d, TRUSTED_ROOT_TARGET);
                let _ = delegation_covers(d, "a/b/c.json");
            }
        }
    }
    let text = String::from_utf8_lossy(data);
    if let Some((p, t)) = text.split_once('\n') {
        let _ = path_matches(p, t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_within_segments() {
        assert!(path_matches(
            "registry.npmjs.org/*",
            "registry.npmjs.org/keys.json"
        ));
        assert!(!path_matches("registry.npmjs.org/*", "trusted_root.json"));
        assert!(!path_matches("*", "a/b"));
        assert!(path_matches("*.json", "trusted_root.json"));
        assert!(path_matches("t?usted_*.json", "trusted_root.json"));
        assert!(!path_matches("*.pem", "trusted_root.json"));
    }

    #[test]
    fn embedded_tuf_roots_verify_their_own_signatures() {
        for (name, raw) in [
            ("production", PRODUCTION_TUF_ROOT),
            ("staging", STAGING_TUF_ROOT),
        ] {
            let root = Metadata::parse(raw, "root", name).unwrap();
            check_self_signed(&root, name).unwrap();
            assert!(root.consistent_snapshot());
        }
    }
}
