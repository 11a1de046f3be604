//! `bulwark verify` and `bulwark verify-blob` (Cosign-compatible, key-based).
//!
//! `verify` reads the image's `sha256-<hex>.sig` manifest and its Sigstore bundle referrers
//! (Cosign v3: the OCI 1.1 referrers API or the `sha256-<hex>` tag-schema index), checks
//! every simple-signing layer and every bundle (signature over the exact payload bytes,
//! digest binding, `-a` annotations, and the Rekor entry when `--rekor-key` is given),
//! prints the verified payloads as one JSON array line and exits 0 when at least one
//! signature verifies, 1 when none does.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use bulwark_sign::{
    Bundle, COSIGN_SIGN_PREDICATE_TYPE, VerifyOptions, verify_bundle_for_image,
    verify_image_signatures,
};

use super::UsageError;
use super::key::load_public_key;
use super::sign::{RegistryArgs, parse_annotations, resolve_image};
use crate::output::Ui;

/// Exit status when no signature verifies.
const EXIT_NOT_VERIFIED: i32 = 1;

/// `bulwark verify` flags (cosign's names).
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("identity_g").args(["certificate_identity", "certificate_identity_regexp"]).multiple(false)))]
#[command(group(clap::ArgGroup::new("issuer_g").args(["certificate_oidc_issuer", "certificate_oidc_issuer_regexp"]).multiple(false)))]
pub struct Args {
    /// The image: a registry reference, `oci:DIR[:TAG]`, or an OCI layout directory.
    #[arg(value_name = "IMAGE")]
    pub image: String,
    /// PEM public key (`cosign.pub`). Without it, verifies keyless signatures by
    /// --certificate-identity[-regexp] and --certificate-oidc-issuer[-regexp].
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Keyless: the certificate identity (SAN) that must have signed.
    #[arg(long, value_name = "ID", conflicts_with = "key")]
    pub certificate_identity: Option<String>,
    /// Keyless: a regular expression the certificate identity must match.
    #[arg(long, value_name = "REGEXP", conflicts_with = "key")]
    pub certificate_identity_regexp: Option<String>,
    /// Keyless: the OIDC issuer recorded in the certificate.
    #[arg(long, value_name = "URL", conflicts_with = "key")]
    pub certificate_oidc_issuer: Option<String>,
    /// Keyless: a regular expression the OIDC issuer must match.
    #[arg(long, value_name = "REGEXP", conflicts_with = "key")]
    pub certificate_oidc_issuer_regexp: Option<String>,
    /// Keyless: a Sigstore trusted root JSON (private instances); default: the embedded
    /// public-good root.
    #[arg(long, value_name = "FILE", conflicts_with = "key")]
    pub trusted_root: Option<PathBuf>,
    /// Annotation `key=value` every accepted payload must carry (repeatable).
    #[arg(short = 'a', long = "annotations", value_name = "KEY=VALUE")]
    pub annotations: Vec<String>,
    /// Rekor's public key: check each signature's Rekor bundle (SignedEntryTimestamp) offline.
    #[arg(long, value_name = "FILE")]
    pub rekor_key: Option<PathBuf>,
    /// With --rekor-key: reject signatures without a verified transparency-log bundle.
    #[arg(long, requires = "rekor_key")]
    pub require_tlog: bool,
    /// Accepted for cosign compatibility; bulwark never contacts a transparency log.
    #[arg(long)]
    pub insecure_ignore_tlog: bool,
    /// Output format of the verified payloads (only `json`, cosign's default).
    #[arg(short = 'o', long, default_value = "json", value_name = "FORMAT")]
    pub output: String,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// Runs `bulwark verify`.
pub fn run(args: &Args, ui: Ui) -> anyhow::Result<i32> {
    if args.output != "json" {
        return Err(UsageError(format!(
            "--output {:?} is not supported (only json)",
            args.output
        ))
        .into());
    }
    if args.key.is_none() && args.rekor_key.is_some() {
        return Err(UsageError(
            "--rekor-key is for --key signatures: keyless verification checks the Rekor entry with the trusted root's log keys (use --trusted-root for a private instance)".into(),
        )
        .into());
    }
    let options = VerifyOptions {
        annotations: parse_annotations(&args.annotations)?,
        rekor_key: args.rekor_key.as_deref().map(load_public_key).transpose()?,
        require_tlog: args.require_tlog,
    };
    let Some(key_path) = &args.key else {
        return run_keyless(args, ui, &options);
    };
    let key = load_public_key(key_path)?;
    let target = resolve_image(&args.image, &args.registry, ui, false)?;
    let sigs = target
        .store
        .get_signatures(&target.digest)
        .with_context(|| format!("cannot read signatures from {}", target.store_display))?;
    // Cosign v3 bundles: OCI 1.1 referrers (API, or the `sha256-<hex>` tag fallback).
    // A registry refusing the referrer lookup does not hide valid `.sig` signatures.
    let bundles = match target.bundles.get_bundles(&target.digest) {
        Ok(found) => found,
        Err(e) if sigs.is_some() => {
            if !ui.quiet {
                eprintln!(
                    "bulwark: warning: cannot list the sigstore bundle referrers of {}: {e}",
                    target.digest
                );
            }
            Vec::new()
        }
        Err(e) => {
            return Err(e).with_context(|| {
                format!(
                    "cannot list the referrers of {} ({})",
                    target.display, target.digest
                )
            });
        }
    };

    let mut payloads: Vec<serde_json::Value> = Vec::new();
    let mut checks: Vec<String> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    if let Some(sigs) = &sigs {
        match verify_image_signatures(sigs, &target.digest, &key, &options) {
            Ok(verified) => {
                for v in &verified {
                    checks.push(format!(
                        "signature {}: {}",
                        v.layer_index,
                        v.tlog.describe()
                    ));
                    if let Some(layer) = sigs.layers.get(v.layer_index) {
                        payloads.push(
                            serde_json::from_slice(&layer.payload)
                                .unwrap_or(serde_json::Value::Null),
                        );
                    }
                }
            }
            Err(none) => failures.push(format!("{}: {none}", target.store_display)),
        }
    }
    for found in &bundles {
        let outcome = found
            .bundle
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|bytes| Bundle::parse(bytes).map_err(|e| e.to_string()))
            .and_then(|bundle| {
                verify_bundle_for_image(
                    &bundle,
                    &target.digest,
                    &key,
                    Some(COSIGN_SIGN_PREDICATE_TYPE),
                    &options,
                )
                .map_err(|e| e.to_string())
            });
        match outcome {
            Ok(v) => {
                checks.push(format!("bundle {}: {}", found.referrer, v.tlog.describe()));
                payloads.push(bundle_payload(&target.docker_reference, &target.digest, &v));
            }
            Err(why) => failures.push(format!("bundle referrer {}: {why}", found.referrer)),
        }
    }

    if payloads.is_empty() {
        if sigs.is_none() && bundles.is_empty() {
            eprintln!(
                "bulwark: error: no signatures found for {} ({}): looked for {} and for sigstore bundle referrers",
                target.display, target.digest, target.store_display
            );
        } else {
            eprintln!(
                "bulwark: error: no valid signature for {} ({}):",
                target.display, target.digest
            );
            for f in &failures {
                eprintln!("  {f}");
            }
        }
        return Ok(EXIT_NOT_VERIFIED);
    }
    if !ui.quiet {
        eprintln!("\nVerification for {} --", target.display);
        eprintln!("The following checks were performed on each of these signatures:");
        eprintln!("  - The cosign claims were validated");
        eprintln!("  - The signatures were verified against the specified public key");
        for c in &checks {
            eprintln!("  - {c}");
        }
    }
    print_payloads(&payloads)?;
    Ok(0)
}

/// Prints the verified payloads as one JSON array line.
fn print_payloads(payloads: &[serde_json::Value]) -> anyhow::Result<()> {
    let line = serde_json::to_string(payloads).context("rendering the verified payloads")?;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = writeln!(stdout, "{line}").and_then(|()| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(e).context("writing to standard output");
    }
    Ok(())
}

/// The keyless identity policy from the certificate flags.
fn identity_policy(
    identity: (Option<&String>, Option<&String>),
    issuer: (Option<&String>, Option<&String>),
    command: &str,
) -> anyhow::Result<bulwark_sign::sigstore::Policy> {
    let identity = matcher(identity.0, identity.1, "certificate-identity")?;
    let issuer = matcher(issuer.0, issuer.1, "certificate-oidc-issuer")?;
    match (identity, issuer) {
        (Some(identity), Some(issuer)) => Ok(bulwark_sign::sigstore::Policy::Identity { identity, issuer }),
        _ => Err(UsageError(format!("{command} needs --key, or both --certificate-identity[-regexp] and --certificate-oidc-issuer[-regexp]")).into()),
    }
}

/// The trusted root of `--trusted-root FILE`, else the embedded public-good root.
fn load_trusted_root(
    path: Option<&std::path::Path>,
) -> anyhow::Result<bulwark_sign::sigstore::TrustedRoot> {
    use bulwark_sign::sigstore::TrustedRoot;
    match path {
        Some(path) => {
            let json = std::fs::read(path)
                .with_context(|| format!("cannot read the trusted root {}", path.display()))?;
            TrustedRoot::parse(&json)
                .with_context(|| format!("cannot load the trusted root {}", path.display()))
        }
        // The root `bulwark trust update` stored, else the embedded public-good root.
        None => Ok(bulwark_sign::tuf::default_trusted_root(
            bulwark_scan::default_cache_dir().as_deref(),
        )?
        .root),
    }
}

/// `bulwark verify` without `--key`: keyless `.sig` signatures (certificate, chain and
/// Rekor bundle annotations) by identity and issuer against the trusted root.
fn run_keyless(args: &Args, ui: Ui, options: &VerifyOptions) -> anyhow::Result<i32> {
    use bulwark_sign::cosign_keyless::{is_keyless, verify_keyless_layer};
    let policy = identity_policy(
        (
            args.certificate_identity.as_ref(),
            args.certificate_identity_regexp.as_ref(),
        ),
        (
            args.certificate_oidc_issuer.as_ref(),
            args.certificate_oidc_issuer_regexp.as_ref(),
        ),
        "verify",
    )?;
    let root = load_trusted_root(args.trusted_root.as_deref())?;
    let target = resolve_image(&args.image, &args.registry, ui, false)?;
    let sigs = target
        .store
        .get_signatures(&target.digest)
        .with_context(|| format!("cannot read signatures from {}", target.store_display))?;
    let Some(sigs) = sigs else {
        eprintln!(
            "bulwark: error: no signatures found for {} ({}): looked for {}",
            target.display, target.digest, target.store_display
        );
        return Ok(EXIT_NOT_VERIFIED);
    };
    let mut payloads = Vec::new();
    let mut checks = Vec::new();
    let mut failures = Vec::new();
    for (index, layer) in sigs.layers.iter().enumerate() {
        if !is_keyless(layer) {
            failures.push(format!(
                "layer {index}: no certificate (a key-based signature: verify it with --key)"
            ));
            continue;
        }
        match verify_keyless_layer(layer, &target.digest, &policy, &root, &options.annotations) {
            Ok((_, v)) => {
                checks.push(format!(
                    "signature {index}: identity {}, issuer {}, logged at {}",
                    v.identities.join(", "),
                    v.issuer.unwrap_or_default(),
                    v.log_entries
                        .iter()
                        .map(|(i, url)| format!("{url} index {i}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                payloads.push(
                    serde_json::from_slice(&layer.payload).unwrap_or(serde_json::Value::Null),
                );
            }
            Err(why) => failures.push(format!("layer {index}: {why}")),
        }
    }
    if payloads.is_empty() {
        eprintln!(
            "bulwark: error: no valid signature for {} ({}) in {}:",
            target.display, target.digest, target.store_display
        );
        for f in &failures {
            eprintln!("  {f}");
        }
        return Ok(EXIT_NOT_VERIFIED);
    }
    if !ui.quiet {
        eprintln!("\nVerification for {} --", target.display);
        eprintln!("The following checks were performed on each of these signatures:");
        eprintln!("  - The cosign claims were validated");
        eprintln!("  - Existence of the claims in the transparency log was verified offline");
        eprintln!(
            "  - The code-signing certificate was verified using trusted certificate authority certificates"
        );
        for c in &checks {
            eprintln!("  - {c}");
        }
    }
    print_payloads(&payloads)?;
    Ok(0)
}

/// The verified-payload line for a bundle signature, in the simple-signing shape cosign
/// v3 prints for one: `critical.type` is the statement's predicate type and `optional`
/// holds the signed subject annotations.
fn bundle_payload(
    docker_reference: &str,
    digest: &bulwark_sign::Digest,
    v: &bulwark_sign::VerifiedBundle,
) -> serde_json::Value {
    serde_json::json!({
        "critical": {
            "identity": {"docker-reference": docker_reference},
            "image": {"docker-manifest-digest": digest.to_string()},
            "type": v.predicate_type.clone().unwrap_or_default(),
        },
        "optional": v.annotations,
    })
}

/// `bulwark verify-blob` flags.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("identity_g").args(["certificate_identity", "certificate_identity_regexp"]).multiple(false)))]
#[command(group(clap::ArgGroup::new("issuer_g").args(["certificate_oidc_issuer", "certificate_oidc_issuer_regexp"]).multiple(false)))]
pub struct BlobArgs {
    /// The signed file (`-` for standard input), or with --bundle `sha256:<hex>`: its digest.
    #[arg(value_name = "ARTIFACT")]
    pub file: String,
    /// PEM public key (`cosign.pub`, or `env://VAR`).
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// The signature: a file holding the base64 signature, or the base64 text itself.
    #[arg(long, value_name = "SIG", conflicts_with = "bundle")]
    pub signature: Option<String>,
    /// A Sigstore bundle (v0.1–v0.3): verified against the trusted root, offline.
    #[arg(long, value_name = "FILE")]
    pub bundle: Option<PathBuf>,
    /// Keyless: the certificate identity (SAN) that must have signed.
    #[arg(long, value_name = "ID", requires = "bundle")]
    pub certificate_identity: Option<String>,
    /// Keyless: a regular expression the certificate identity must match.
    #[arg(long, value_name = "REGEXP", requires = "bundle")]
    pub certificate_identity_regexp: Option<String>,
    /// Keyless: the OIDC issuer recorded in the certificate.
    #[arg(long, value_name = "URL", requires = "bundle")]
    pub certificate_oidc_issuer: Option<String>,
    /// Keyless: a regular expression the OIDC issuer must match.
    #[arg(long, value_name = "REGEXP", requires = "bundle")]
    pub certificate_oidc_issuer_regexp: Option<String>,
    /// A Sigstore trusted root JSON (private instances); default: the one `bulwark trust
    /// update` stored, else the embedded public-good root.
    #[arg(long, value_name = "FILE", requires = "bundle")]
    pub trusted_root: Option<PathBuf>,
    /// Accepted for cosign compatibility; bulwark never contacts a transparency log.
    #[arg(long)]
    pub insecure_ignore_tlog: bool,
}

fn matcher(
    exact: Option<&String>,
    regexp: Option<&String>,
    flag: &str,
) -> anyhow::Result<Option<bulwark_sign::sigstore::Matcher>> {
    use bulwark_sign::sigstore::Matcher;
    match (exact, regexp) {
        (Some(e), _) => Ok(Some(Matcher::Exact(e.clone()))),
        (None, Some(r)) => Matcher::regex(r)
            .map(Some)
            .map_err(|e| UsageError(format!("--{flag}-regexp: {e}")).into()),
        (None, None) => Ok(None),
    }
}

/// `verify-blob --bundle`: the bundle against the trusted root, by key or identity.
fn run_blob_bundle(args: &BlobArgs, bundle_path: &std::path::Path, ui: Ui) -> anyhow::Result<i32> {
    use bulwark_sign::sigstore::{AnyKey, Artifact, Policy, verify_json};
    let policy =
        if let Some(key) = &args.key {
            if args.certificate_identity.is_some()
                || args.certificate_identity_regexp.is_some()
                || args.certificate_oidc_issuer.is_some()
                || args.certificate_oidc_issuer_regexp.is_some()
            {
                return Err(UsageError(
                "--key cannot be combined with --certificate-identity/--certificate-oidc-issuer"
                    .into(),
            )
            .into());
            }
            let pem = super::key::read_key_source(key, "public key")?;
            Policy::Key(AnyKey::from_pem(&pem).map_err(|e| {
                anyhow::anyhow!("cannot load the public key {}: {e}", key.display())
            })?)
        } else {
            identity_policy(
                (
                    args.certificate_identity.as_ref(),
                    args.certificate_identity_regexp.as_ref(),
                ),
                (
                    args.certificate_oidc_issuer.as_ref(),
                    args.certificate_oidc_issuer_regexp.as_ref(),
                ),
                "verify-blob --bundle",
            )?
        };
    let root = load_trusted_root(args.trusted_root.as_deref())?;
    let bundle = std::fs::read(bundle_path)
        .with_context(|| format!("cannot read the bundle {}", bundle_path.display()))?;
    let artifact = if args.file == "-" {
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut data)
            .context("cannot read standard input")?;
        Artifact::of(&data)
    } else {
        Artifact::from_arg(&args.file).map_err(|e| {
            if args.file.starts_with("sha256:") {
                anyhow::Error::new(UsageError(e))
            } else {
                anyhow::anyhow!(e)
            }
        })?
    };
    match verify_json(&bundle, &artifact, &policy, &root) {
        Ok(v) => {
            if !ui.quiet {
                if let Some(id) = v.identities.first() {
                    eprintln!(
                        "Verified OK (identity {id}, issuer {})",
                        v.issuer.unwrap_or_default()
                    );
                } else {
                    eprintln!("Verified OK");
                }
            }
            Ok(0)
        }
        Err(e) => {
            eprintln!(
                "bulwark: error: {}: bundle {} does not verify: {e}",
                args.file,
                bundle_path.display()
            );
            Ok(EXIT_NOT_VERIFIED)
        }
    }
}

/// Runs `bulwark verify-blob`: exit 0 and "Verified OK" when the signature matches, else 1.
pub fn run_blob(args: &BlobArgs, ui: Ui) -> anyhow::Result<i32> {
    if let Some(bundle) = &args.bundle {
        return run_blob_bundle(args, bundle, ui);
    }
    let (Some(key), Some(signature)) = (&args.key, &args.signature) else {
        return Err(
            UsageError("verify-blob needs --key and --signature, or --bundle".into()).into(),
        );
    };
    if args.certificate_identity.is_some() || args.certificate_identity_regexp.is_some() {
        return Err(UsageError("--certificate-identity needs --bundle".into()).into());
    }
    let key = load_public_key(key)?;
    let signature = if std::path::Path::new(signature).is_file() {
        std::fs::read_to_string(signature)
            .with_context(|| format!("cannot read the signature file {signature}"))?
    } else {
        signature.clone()
    };
    let result = if args.file == "-" {
        bulwark_sign::verify_blob(&key, std::io::stdin().lock(), &signature)
    } else {
        let file = std::fs::File::open(&args.file)
            .with_context(|| format!("cannot open {}", args.file))?;
        bulwark_sign::verify_blob(&key, std::io::BufReader::new(file), &signature)
    };
    match result {
        Ok(()) => {
            if !ui.quiet {
                eprintln!("Verified OK");
            }
            Ok(0)
        }
        Err(bulwark_sign::VerifyError::Io(e)) => {
            Err(e).with_context(|| format!("cannot read {}", args.file))
        }
        Err(e) => {
            eprintln!(
                "bulwark: error: {}: signature does not verify: {e}",
                args.file
            );
            Ok(EXIT_NOT_VERIFIED)
        }
    }
}
