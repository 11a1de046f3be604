//! Verdicts for admission and CI: `GET /api/v1/verdict?image=REF` answers allow or deny with
//! reasons, from a policy file (`--policy FILE`, YAML or JSON):
//!
//! ```yaml
//! # Deny images with a vulnerability at or above this severity that has a fixed version.
//! max_severity: high
//! # Deny images from registries not listed (HOST[:PORT]); empty or absent: any registry.
//! allowed_registries: [registry.example.com, 127.0.0.1:5000]
//! # Deny images without a Cosign signature that verifies with one of these public keys.
//! require_signature:
//!   keys: [/etc/bulwark/cosign.pub]
//! ```
//!
//! An image never scanned is denied ("not scanned yet") and a scan is queued, so asking again
//! after the scan gives the real answer.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bulwark_report::{Finding, Severity};
use bulwark_sign::{PublicKey, SignatureStore as _, VerifyOptions};
use serde::{Deserialize, Serialize};

use crate::State;

/// The policy file's contents.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    #[serde(default)]
    max_severity: Option<String>,
    #[serde(default)]
    allowed_registries: Vec<String>,
    #[serde(default)]
    require_signature: Option<SignatureRule>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatureRule {
    #[serde(default)]
    keys: Vec<PathBuf>,
}

/// A loaded policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Fixable vulnerabilities at or above this severity deny.
    pub max_severity: Option<Severity>,
    /// Registries allowed (empty: any).
    pub allowed_registries: Vec<String>,
    /// Keys of which one must have signed the image (empty: no signature required).
    pub keys: Vec<(PathBuf, PublicKey)>,
}

/// Parses policy text (YAML or JSON); relative key paths resolve against `base`.
pub fn parse_policy(text: &str, base: &Path) -> Result<Policy, String> {
    let value = bulwark_yaml::config_to_json(text).map_err(|e| format!("invalid YAML: {e}"))?;
    let value = if value.is_null() {
        serde_json::json!({})
    } else {
        value
    };
    let file: PolicyFile = serde_json::from_value(value).map_err(|e| e.to_string())?;
    let max_severity = match file.max_severity.as_deref() {
        None => None,
        Some(s) => Some(
            s.parse::<Severity>()
                .ok()
                .filter(|s| {
                    matches!(
                        s,
                        Severity::Critical | Severity::High | Severity::Medium | Severity::Low
                    )
                })
                .ok_or_else(|| {
                    format!("max_severity `{s}` is not one of critical, high, medium, low")
                })?,
        ),
    };
    let mut keys = Vec::new();
    for p in file.require_signature.map(|r| r.keys).unwrap_or_default() {
        let path = if p.is_absolute() { p } else { base.join(p) };
        let pem = std::fs::read(&path)
            .map_err(|e| format!("cannot read the public key {}: {e}", path.display()))?;
        let key = PublicKey::from_pem(&pem)
            .map_err(|e| format!("cannot load the public key {}: {e}", path.display()))?;
        keys.push((path, key));
    }
    Ok(Policy {
        max_severity,
        allowed_registries: file
            .allowed_registries
            .into_iter()
            .map(|r| r.to_ascii_lowercase())
            .collect(),
        keys,
    })
}

/// Loads `--policy FILE`; errors name the file.
pub fn load_policy(path: &Path) -> Result<Policy, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the policy file {}: {e}", path.display()))?;
    parse_policy(&text, path.parent().unwrap_or(Path::new(".")))
        .map_err(|e| format!("policy file {}: {e}", path.display()))
}

/// The answer.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// The image as asked.
    pub image: String,
    /// Its manifest digest, when it could be resolved.
    pub digest: Option<String>,
    /// `allow` or `deny`.
    pub decision: &'static str,
    /// True when allowed.
    pub allow: bool,
    /// Why denied (empty when allowed).
    pub reasons: Vec<String>,
    /// Vulnerability counts by severity of the stored result.
    pub vulnerabilities: std::collections::BTreeMap<String, usize>,
    /// Database version of the result used.
    pub db_version: Option<String>,
    /// Key files whose signature verified.
    pub signed_by: Vec<String>,
}

/// Evaluates the policy for `image`. `Err((status, message))` for a bad request or an image
/// that cannot be resolved.
pub(crate) async fn evaluate(state: &Arc<State>, image: &str) -> Result<Verdict, (u16, String)> {
    let policy = state.config.policy.clone().unwrap_or(Policy {
        max_severity: None,
        allowed_registries: Vec::new(),
        keys: Vec::new(),
    });
    let reference = bulwark_oci::Reference::parse(image)
        .map_err(|e| (400, format!("`{image}` is not an image reference: {e}")))?;
    let mut reasons = Vec::new();
    let registry = reference.registry().to_ascii_lowercase();
    if !policy.allowed_registries.is_empty() && !policy.allowed_registries.contains(&registry) {
        // Denied whatever else holds: no need to reach a registry that is not allowed.
        return Ok(Verdict {
            image: image.to_owned(),
            digest: reference.digest().map(ToString::to_string),
            decision: "deny",
            allow: false,
            reasons: vec![format!(
                "registry {registry} is not allowed (allowed: {})",
                policy.allowed_registries.join(", ")
            )],
            vulnerabilities: std::collections::BTreeMap::new(),
            db_version: None,
            signed_by: Vec::new(),
        });
    }
    let insecure = state.insecure(reference.registry());
    let state_timeouts = state.config.timeouts;
    let resolved = {
        let target = image.to_owned();
        tokio::task::spawn_blocking(move || {
            crate::scan::resolve_digest(&target, insecure, state_timeouts)
        })
        .await
        .map_err(|e| (500, e.to_string()))?
    };
    let digest = match resolved {
        Ok(d) => d,
        Err(e) => return Err((502, e.message)),
    };
    let mut counts = std::collections::BTreeMap::new();
    let mut db_version = None;
    let current = state.db().map(|d| d.version.clone());
    let stored = match &current {
        Some(v) => match state.store.result(&digest, v).await {
            Ok(Some(r)) => Some(r),
            Ok(None) => state
                .store
                .latest_result(&digest, None)
                .await
                .map_err(|e| (503, e.to_string()))?,
            Err(e) => return Err((503, e.to_string())),
        },
        None => state
            .store
            .latest_result(&digest, None)
            .await
            .map_err(|e| (503, e.to_string()))?,
    };
    match stored {
        None => {
            reasons.push(format!("{image} ({digest}) has not been scanned yet; a scan was queued, ask again when it is done"));
            let repo = reference.repository().to_owned();
            let job = crate::worker::new_scan_job(
                format!("{}/{repo}@{digest}", reference.registry()),
                repo,
                digest.clone(),
                reference.tag().map(str::to_owned),
                None,
                insecure,
            );
            if let Err(e) = crate::worker::submit(state, job, None).await {
                tracing::warn!(error = %e, "cannot queue the scan a verdict asked for");
            }
        }
        Some(row) => {
            db_version = Some(row.db_version.clone());
            let findings: Vec<Finding> = serde_json::from_str(&row.findings)
                .map_err(|e| (500, format!("stored result is corrupt: {e}")))?;
            for f in &findings {
                *counts.entry(f.severity.as_str().to_owned()).or_insert(0) += 1;
            }
            if let Some(max) = policy.max_severity {
                let fixable: Vec<&Finding> = findings
                    .iter()
                    .filter(|f| f.severity.rank() >= max.rank())
                    .filter(|f| {
                        f.properties
                            .get("fixed_version")
                            .and_then(serde_json::Value::as_str)
                            .is_some_and(|v| !v.is_empty())
                    })
                    .collect();
                if !fixable.is_empty() {
                    let mut ids: Vec<String> = fixable
                        .iter()
                        .map(|f| {
                            format!(
                                "{} ({} {})",
                                f.code,
                                f.properties
                                    .get("package")
                                    .and_then(serde_json::Value::as_str)
                                    .unwrap_or("?"),
                                f.severity.as_str()
                            )
                        })
                        .collect();
                    ids.dedup();
                    let more = ids.len().saturating_sub(5);
                    ids.truncate(5);
                    reasons.push(format!(
                        "{} fixable vulnerabilit{} at or above {}: {}{}",
                        fixable.len(),
                        if fixable.len() == 1 { "y" } else { "ies" },
                        max.as_str(),
                        ids.join(", "),
                        if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        }
                    ));
                }
            }
        }
    }
    let mut signed_by = Vec::new();
    if !policy.keys.is_empty() {
        let keys = policy.keys.clone();
        let (target, d) = (image.to_owned(), digest.clone());
        let checked = tokio::task::spawn_blocking(move || {
            verify_signatures(&target, &d, insecure, &keys, state_timeouts)
        })
        .await
        .map_err(|e| (500, e.to_string()))?;
        match checked {
            Ok(by) if !by.is_empty() => signed_by = by,
            Ok(_) => reasons.push(format!(
                "no signature of {digest} verifies with the policy's key(s)"
            )),
            Err(e) => reasons.push(format!("cannot check the signatures of {digest}: {e}")),
        }
    }
    let allow = reasons.is_empty();
    Ok(Verdict {
        image: image.to_owned(),
        digest: Some(digest),
        decision: if allow { "allow" } else { "deny" },
        allow,
        reasons,
        vulnerabilities: counts,
        db_version,
        signed_by,
    })
}

/// Key files whose Cosign signature (`sha256-<hex>.sig`) of `digest` verifies.
fn verify_signatures(
    image: &str,
    digest: &str,
    insecure: bool,
    keys: &[(PathBuf, PublicKey)],
    timeouts: bulwark_net::Timeouts,
) -> Result<Vec<String>, String> {
    let reference = bulwark_oci::Reference::parse(image).map_err(|e| e.to_string())?;
    let client = Arc::new(bulwark_oci::RegistryClient::new(
        bulwark_oci::RegistryOptions {
            insecure,
            timeouts,
            ..bulwark_oci::RegistryOptions::default()
        },
    ));
    let store = bulwark_sign::RegistryStore::new(client, &reference);
    let d: bulwark_sign::Digest = digest
        .parse()
        .map_err(|e: bulwark_sign::DigestError| e.to_string())?;
    let Some(sigs) = store.get_signatures(&d).map_err(|e| e.to_string())? else {
        return Ok(Vec::new());
    };
    Ok(keys
        .iter()
        .filter(|(_, key)| {
            bulwark_sign::verify_image_signatures(&sigs, &d, key, &VerifyOptions::default())
                .is_ok_and(|v| !v.is_empty())
        })
        .map(|(p, _)| p.display().to_string())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_yaml_policy() {
        let p = parse_policy(
            "max_severity: HIGH\nallowed_registries: [Registry.Example.com, '127.0.0.1:5000']\n",
            Path::new("."),
        )
        .expect("policy");
        assert_eq!(p.max_severity, Some(Severity::High));
        assert_eq!(
            p.allowed_registries,
            vec!["registry.example.com", "127.0.0.1:5000"]
        );
        assert!(p.keys.is_empty());
    }

    #[test]
    fn rejects_unknown_keys_and_severities() {
        assert!(parse_policy("max_severity: style\n", Path::new(".")).is_err());
        let e = parse_policy("deny_all: true\n", Path::new(".")).unwrap_err();
        assert!(e.contains("deny_all"), "{e}");
        let e = parse_policy(
            "require_signature:\n  keys: [missing.pub]\n",
            Path::new("/nonexistent"),
        )
        .unwrap_err();
        assert!(e.contains("missing.pub"), "{e}");
        assert!(parse_policy("", Path::new(".")).is_ok());
    }
}
