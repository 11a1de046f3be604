//! `bulwark sign` and `bulwark sign-blob` (Cosign-compatible), plus the image-target and
//! registry plumbing `bulwark verify` shares.
//!
//! Signatures are stored as cosign stores them: an OCI manifest tagged `sha256-<hex>.sig`
//! next to the image, one simple-signing layer per signature, appended without duplicates.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use bulwark_oci::{Credential, CredentialStore, Reference, RegistryClient, RegistryOptions};
use bulwark_sign::{
    BundleStore, COSIGN_SIGN_PREDICATE_TYPE, Digest, OciLayoutStore, RegistryStore, SignatureLayer,
    SignatureStore, SimpleSigningPayload, sign_image_bundle, sign_payload,
};

use super::UsageError;
use super::key::load_private_key;
use crate::output::Ui;

/// Registry connection flags shared by `sign` and `verify`.
#[derive(Debug, Clone, clap::Args)]
pub struct RegistryArgs {
    /// Speak plain HTTP to the registry (loopback registries always use HTTP).
    #[arg(long, visible_alias = "insecure", env = "BULWARK_INSECURE")]
    pub allow_insecure_registry: bool,
    /// Registry user name (default: BULWARK_USERNAME, then the Docker config).
    #[arg(long, value_name = "USER", requires = "password")]
    pub username: Option<String>,
    /// Registry password or token (default: BULWARK_PASSWORD, then the Docker config).
    #[arg(long, value_name = "PASSWORD", requires = "username")]
    pub password: Option<String>,
    #[command(flatten)]
    pub net: super::net::NetArgs,
}

impl RegistryArgs {
    fn client(&self, ui: Ui) -> Arc<RegistryClient> {
        let mut credentials = CredentialStore::standard();
        if let (Some(username), Some(password)) = (&self.username, &self.password) {
            credentials.explicit = Some(Credential::Basic {
                username: username.clone(),
                password: password.clone(),
            });
        }
        Arc::new(RegistryClient::new(RegistryOptions {
            insecure: self.allow_insecure_registry,
            credentials,
            timeouts: self.net.timeouts(),
            notifier: super::net::notifier(ui),
            ..RegistryOptions::default()
        }))
    }
}

/// Parses repeatable `-a key=value` flags.
pub fn parse_annotations(raw: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for a in raw {
        let (k, v) = a
            .split_once('=')
            .ok_or_else(|| UsageError(format!("annotation {a:?} is not of the form key=value")))?;
        if k.is_empty() {
            return Err(UsageError(format!("annotation {a:?} has an empty key")).into());
        }
        out.insert(k.to_owned(), v.to_owned());
    }
    Ok(out)
}

/// An image resolved to the manifest digest that gets signed, with where its signatures live.
pub struct ResolvedImage {
    /// What the user named, for messages.
    pub display: String,
    /// The manifest (or index) digest.
    pub digest: Digest,
    /// The payload's `docker-reference` (repository without tag or digest, as cosign v2).
    pub docker_reference: String,
    /// Where the `.sig` manifest is read and written.
    pub store: Box<dyn SignatureStore>,
    /// Where Sigstore bundle referrers (Cosign v3) are read and written.
    pub bundles: Box<dyn BundleStore>,
    /// Where signatures are stored, for messages (`repo:sha256-….sig`, or the layout).
    pub store_display: String,
}

/// Resolves `IMAGE`: `oci:DIR[:TAG]` or an OCI layout directory, else a registry reference
/// (a tag is resolved to its digest; `warn_tag` prints that tags are mutable).
pub fn resolve_image(
    image: &str,
    reg: &RegistryArgs,
    ui: Ui,
    warn_tag: bool,
) -> anyhow::Result<ResolvedImage> {
    if let Some(rest) = image
        .strip_prefix("oci:")
        .or_else(|| image.strip_prefix("oci-dir:"))
    {
        let (dir, tag) = split_layout_selector(rest);
        return resolve_layout(image, &dir, tag.as_deref());
    }
    if Path::new(image).join("oci-layout").is_file() {
        return resolve_layout(image, Path::new(image), None);
    }
    let reference = Reference::parse(image).map_err(|e| {
        UsageError(format!(
            "{image}: not an image reference or OCI layout: {e}"
        ))
    })?;
    let client = reg.client(ui);
    let digest = if let Some(d) = reference.digest() {
        d.to_string()
    } else {
        let fetched = client
            .get_manifest(&reference)
            .with_context(|| format!("cannot resolve {image} to a digest"))?;
        if warn_tag && !ui.quiet {
            eprintln!(
                "bulwark: warning: {image} is a tag, which can be moved; signing the digest it points at now: {}@{}",
                reference.name(),
                fetched.digest
            );
        }
        fetched.digest.to_string()
    };
    let digest: Digest = digest
        .parse()
        .map_err(|e| anyhow::anyhow!("{image}: only sha256 image digests can be signed: {e}"))?;
    let store = RegistryStore::new(client, &reference);
    let store_display = store.signature_reference(&digest).to_string();
    Ok(ResolvedImage {
        display: image.to_owned(),
        docker_reference: docker_reference(&reference),
        digest,
        bundles: Box::new(store.clone()),
        store: Box::new(store),
        store_display,
    })
}

/// cosign v2's `docker-reference`: go-containerregistry's repository name, which spells
/// Docker Hub `index.docker.io`.
fn docker_reference(reference: &Reference) -> String {
    if reference.registry() == "docker.io" {
        format!("index.docker.io/{}", reference.repository())
    } else {
        reference.name()
    }
}

/// `DIR:TAG` → (DIR, TAG), preferring the whole string when that directory exists.
fn split_layout_selector(s: &str) -> (PathBuf, Option<String>) {
    if Path::new(s).exists() {
        return (PathBuf::from(s), None);
    }
    match s.rsplit_once(':') {
        Some((dir, tag)) if !dir.is_empty() && !tag.is_empty() => {
            (PathBuf::from(dir), Some(tag.to_owned()))
        }
        _ => (PathBuf::from(s), None),
    }
}

fn resolve_layout(display: &str, dir: &Path, tag: Option<&str>) -> anyhow::Result<ResolvedImage> {
    let index_path = dir.join("index.json");
    let bytes = std::fs::read(&index_path)
        .with_context(|| format!("{display}: cannot read {}", index_path.display()))?;
    let index: serde_json::Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("{display}: {} is not JSON", index_path.display()))?;
    let entries = index
        .get("manifests")
        .and_then(serde_json::Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let annotation = |e: &serde_json::Value, k: &str| -> Option<String> {
        e.get("annotations")?.get(k)?.as_str().map(str::to_owned)
    };
    // signature manifests (ours: `…sig` tags; `cosign save`: kind annotations) and
    // referrers (`sha256-<hex>` tag-schema indexes, bundle artifacts) are not images
    let images: Vec<&serde_json::Value> = entries
        .iter()
        .filter(|e| {
            !annotation(e, bulwark_sign::store::REF_NAME_ANNOTATION).is_some_and(|n| {
                n.strip_prefix("sha256-").is_some_and(|r| {
                    r.strip_suffix(".sig").is_some()
                        || (r.len() == 64 && r.bytes().all(|b| b.is_ascii_hexdigit()))
                })
            }) && e.get("artifactType").is_none()
                && annotation(e, bulwark_sign::store::COSIGN_KIND_ANNOTATION)
                    .is_none_or(|k| k == bulwark_sign::store::COSIGN_KIND_IMAGE)
        })
        .collect();
    let chosen = match tag {
        Some(t) => images
            .iter()
            .find(|e| {
                annotation(e, bulwark_sign::store::REF_NAME_ANNOTATION)
                    .is_some_and(|n| n == t || n.rsplit_once(':').is_some_and(|(_, nt)| nt == t))
            })
            .ok_or_else(|| anyhow::anyhow!("{display}: no image tagged {t:?} in the layout"))?,
        None => match images.as_slice() {
            [one] => one,
            [] => anyhow::bail!("{display}: the OCI layout holds no image"),
            many => {
                return Err(UsageError(format!(
                    "{display}: the OCI layout holds {} images; name one with oci:{}:TAG",
                    many.len(),
                    dir.display()
                ))
                .into());
            }
        },
    };
    let digest: Digest = chosen
        .get("digest")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .parse()
        .with_context(|| format!("{display}: bad manifest digest in index.json"))?;
    let name = annotation(chosen, bulwark_sign::store::REF_NAME_ANNOTATION)
        .and_then(|n| Reference::parse(&n).ok().filter(|_| n.contains('/')))
        .map_or_else(
            || {
                let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
                format!("oci:{}", canonical.display())
            },
            |r| docker_reference(&r),
        );
    let store = OciLayoutStore::open(dir).with_context(|| format!("{display}: not usable"))?;
    Ok(ResolvedImage {
        display: display.to_owned(),
        store_display: format!("{} ({})", dir.display(), digest.signature_tag()),
        digest,
        docker_reference: name,
        bundles: Box::new(store.clone()),
        store: Box::new(store),
    })
}

/// `bulwark sign` flags (cosign's names).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The image: a registry reference (a tag is resolved to its digest), `oci:DIR[:TAG]`,
    /// or an OCI layout directory.
    #[arg(value_name = "IMAGE")]
    pub image: String,
    /// Encrypted cosign private key (password: COSIGN_PASSWORD, a prompt, or stdin).
    /// Without it, signs keylessly: Fulcio certifies an ephemeral key for the identity
    /// token's identity, the signature is logged in Rekor, and the `.sig` layer carries
    /// the certificate, its chain and the Rekor bundle.
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Annotation `key=value` to put in the signed payload (repeatable).
    #[arg(short = 'a', long = "annotations", value_name = "KEY=VALUE")]
    pub annotations: Vec<String>,
    /// Also write the base64 signature to FILE.
    #[arg(long, value_name = "FILE")]
    pub output_signature: Option<PathBuf>,
    /// Also write the signed payload to FILE.
    #[arg(long, value_name = "FILE")]
    pub output_payload: Option<PathBuf>,
    /// Store the signature next to the image (`--upload=false`: only write the files).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub upload: bool,
    /// Record the signature in Rekor: keyless signing always does (only `true` is
    /// allowed); with --key bulwark does not (only `false` is allowed).
    #[arg(long, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub tlog_upload: Option<bool>,
    /// Accepted for cosign compatibility (bulwark never asks for confirmation).
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Sign as Cosign v3 does: a Sigstore bundle (DSSE in-toto statement, predicate
    /// `https://sigstore.dev/cosign/sign/v1`) attached as an OCI 1.1 referrer (the
    /// referrers API, or the `sha256-<hex>` tag where the registry lacks it), instead
    /// of a `.sig` tag layer.
    /// A plain switch; `--new-bundle-format=false` is accepted (the value needs `=`, so
    /// `--new-bundle-format IMAGE` reads IMAGE as the image).
    #[arg(long, default_value_t = false, num_args = 0..=1, require_equals = true, default_missing_value = "true", action = clap::ArgAction::Set, value_name = "BOOL")]
    pub new_bundle_format: bool,
    /// With --new-bundle-format: also write the Sigstore bundle JSON to FILE.
    #[arg(long, value_name = "FILE", requires = "new_bundle_format")]
    pub bundle: Option<PathBuf>,
    #[command(flatten)]
    pub keyless: KeylessArgs,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// Keyless `bulwark sign` (no `--key`): a `.sig` layer with certificate, chain and
/// Rekor bundle annotations.
fn run_keyless(args: &Args, ui: Ui, annotations: &BTreeMap<String, String>) -> anyhow::Result<i32> {
    use bulwark_sign::keyless::oidc::find_token;
    if args.tlog_upload == Some(false) {
        return Err(UsageError(
            "keyless signing always records the signature in Rekor: drop --tlog-upload=false"
                .into(),
        )
        .into());
    }
    if args.new_bundle_format {
        return Err(UsageError(
            "keyless --new-bundle-format is not supported yet: sign keylessly without it (a .sig layer), or with --key".into(),
        )
        .into());
    }
    let services = args.keyless.services(&args.registry.net);
    let token = find_token(args.keyless.identity_token.as_deref(), services.timeouts)
        .map_err(|e| UsageError(e.to_string()))?;
    let target = resolve_image(&args.image, &args.registry, ui, true)?;
    if !ui.quiet {
        eprintln!(
            "Signing as {} (issuer {}) with a Fulcio certificate from {}",
            token.challenge(),
            token.issuer,
            services.fulcio_url
        );
    }
    let layer = bulwark_sign::cosign_keyless::sign_image_keyless(
        &target.docker_reference,
        &target.digest,
        annotations,
        &token,
        &services,
    )
    .with_context(|| format!("cannot sign {} ({})", target.display, target.digest))?;
    write_outputs(
        args,
        &layer.payload,
        layer.signature_b64().unwrap_or_default(),
    )?;
    if !args.upload {
        if !ui.quiet {
            eprintln!(
                "Signed {} ({}); not uploaded",
                target.display, target.digest
            );
        }
        return Ok(0);
    }
    target
        .store
        .append_signature(&target.digest, layer)
        .with_context(|| format!("cannot store the signature at {}", target.store_display))?;
    if !ui.quiet {
        eprintln!("Pushed signature to: {}", target.store_display);
    }
    Ok(0)
}

/// `--output-payload` and `--output-signature`.
fn write_outputs(args: &Args, payload: &[u8], signature: &str) -> anyhow::Result<()> {
    if let Some(path) = &args.output_payload {
        std::fs::write(path, payload)
            .with_context(|| format!("cannot write the payload to {}", path.display()))?;
    }
    if let Some(path) = &args.output_signature {
        std::fs::write(path, signature.as_bytes())
            .with_context(|| format!("cannot write the signature to {}", path.display()))?;
    }
    Ok(())
}

/// `bulwark sign --new-bundle-format`.
fn run_new_bundle(
    args: &Args,
    ui: Ui,
    key: &bulwark_sign::PrivateKey,
    target: &ResolvedImage,
    annotations: &BTreeMap<String, String>,
) -> anyhow::Result<i32> {
    let bundle = sign_image_bundle(key, &target.digest, annotations);
    let json = bundle.to_json();
    if let (Some(path), Some(payload)) = (&args.output_payload, bundle.signed_payload()) {
        std::fs::write(path, payload)
            .with_context(|| format!("cannot write the payload to {}", path.display()))?;
    }
    if let (Some(path), Some(sig)) = (&args.output_signature, bundle.signature_b64()) {
        std::fs::write(path, sig.as_bytes())
            .with_context(|| format!("cannot write the signature to {}", path.display()))?;
    }
    if let Some(path) = &args.bundle {
        std::fs::write(path, &json)
            .with_context(|| format!("cannot write the bundle to {}", path.display()))?;
    }
    if !args.upload {
        if !ui.quiet {
            eprintln!(
                "Signed {} ({}); not uploaded",
                target.display, target.digest
            );
        }
        return Ok(0);
    }
    let put = target
        .bundles
        .put_bundle(
            &target.digest,
            &json,
            bundle.content_kind(),
            Some(COSIGN_SIGN_PREDICATE_TYPE),
        )
        .with_context(|| {
            format!(
                "cannot attach the bundle to {} ({})",
                target.display, target.digest
            )
        })?;
    if !ui.quiet {
        eprintln!(
            "Pushed bundle for {} as referrer {} ({})",
            target.digest, put.referrer, put.via
        );
    }
    Ok(0)
}

/// Runs `bulwark sign`.
pub fn run(args: &Args, ui: Ui) -> anyhow::Result<i32> {
    let annotations = parse_annotations(&args.annotations)?;
    let Some(key_path) = &args.key else {
        return run_keyless(args, ui, &annotations);
    };
    if args.tlog_upload == Some(true) {
        return Err(UsageError(
            "--tlog-upload=true is not supported with --key: bulwark logs image signatures in Rekor only when signing keylessly"
                .into(),
        )
        .into());
    }
    let key = load_private_key(key_path)?;
    let target = resolve_image(&args.image, &args.registry, ui, true)?;
    if args.new_bundle_format {
        return run_new_bundle(args, ui, &key, &target, &annotations);
    }
    let payload = SimpleSigningPayload::new(target.docker_reference.clone(), target.digest.clone())
        .with_annotations(&annotations)
        .to_json();
    let signature = sign_payload(&key, &payload);
    write_outputs(args, &payload, &signature)?;
    if !args.upload {
        if !ui.quiet {
            eprintln!(
                "Signed {} ({}); not uploaded",
                target.display, target.digest
            );
        }
        return Ok(0);
    }
    let layer = SignatureLayer::simple_signing(payload, signature, None);
    let added = target
        .store
        .append_signature(&target.digest, layer)
        .with_context(|| format!("cannot store the signature at {}", target.store_display))?;
    if !ui.quiet {
        if added {
            eprintln!("Pushed signature to: {}", target.store_display);
        } else {
            eprintln!(
                "An identical signature is already stored at {}; nothing to do",
                target.store_display
            );
        }
    }
    Ok(0)
}

/// Keyless signing flags (cosign's names).
#[derive(Debug, Clone, clap::Args)]
pub struct KeylessArgs {
    /// OIDC identity token for keyless signing (default: SIGSTORE_ID_TOKEN, then the
    /// GitHub Actions ambient token with audience `sigstore`).
    #[arg(long, value_name = "TOKEN")]
    pub identity_token: Option<String>,
    /// Fulcio (certificate authority) for keyless signing.
    #[arg(long, value_name = "URL", default_value = bulwark_sign::keyless::PUBLIC_FULCIO)]
    pub fulcio_url: String,
    /// Rekor (transparency log) to record signatures in.
    #[arg(long, value_name = "URL", default_value = bulwark_sign::keyless::PUBLIC_REKOR)]
    pub rekor_url: String,
}

impl KeylessArgs {
    fn services(&self, net: &super::net::NetArgs) -> bulwark_sign::keyless::Services {
        bulwark_sign::keyless::Services {
            fulcio_url: self.fulcio_url.clone(),
            rekor_url: self.rekor_url.clone(),
            timeouts: net.timeouts(),
        }
    }
}

/// `bulwark sign-blob` flags.
#[derive(Debug, clap::Args)]
pub struct BlobArgs {
    /// The file to sign (`-` for standard input).
    #[arg(value_name = "FILE")]
    pub file: String,
    /// Encrypted cosign private key (password: COSIGN_PASSWORD, a prompt, or stdin).
    /// Without it, signs keylessly (needs --bundle): Fulcio certifies an ephemeral key for
    /// the identity token's identity.
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Write a Sigstore bundle (v0.3: signature, certificate or key hint, Rekor entry) to FILE.
    #[arg(long, value_name = "FILE")]
    pub bundle: Option<PathBuf>,
    /// Also write the base64 signature to FILE.
    #[arg(long, visible_alias = "output", value_name = "FILE")]
    pub output_signature: Option<PathBuf>,
    /// Record the signature in Rekor. Default: true with --bundle or keyless (keyless
    /// always logs), false for a bare key signature (only `false` is allowed there).
    #[arg(long, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub tlog_upload: Option<bool>,
    /// Accepted for cosign compatibility (bulwark never asks for confirmation).
    #[arg(short = 'y', long)]
    pub yes: bool,
    #[command(flatten)]
    pub keyless: KeylessArgs,
    #[command(flatten)]
    pub net: super::net::NetArgs,
}

fn blob_digest(file: &str) -> anyhow::Result<[u8; 32]> {
    if file == "-" {
        return bulwark_sign::signature::hash_reader(std::io::stdin().lock())
            .context("cannot read standard input");
    }
    let f = std::fs::File::open(file).with_context(|| format!("cannot open {file}"))?;
    bulwark_sign::signature::hash_reader(std::io::BufReader::new(f))
        .with_context(|| format!("cannot read {file}"))
}

/// `bulwark sign-blob --bundle` (key) and keyless `sign-blob`.
fn run_blob_bundle(args: &BlobArgs, ui: Ui) -> anyhow::Result<i32> {
    use bulwark_sign::keyless::oidc::find_token;
    use bulwark_sign::keyless::{Signer, sign_blob_bundle};
    let Some(bundle_path) = &args.bundle else {
        return Err(UsageError(
            "keyless signing writes a Sigstore bundle: add --bundle FILE (or sign with --key)"
                .into(),
        )
        .into());
    };
    let services = args.keyless.services(&args.net);
    let key = args.key.as_deref().map(load_private_key).transpose()?;
    let token;
    let signer = if let Some(key) = key.as_ref() {
        Signer::Key(key)
    } else {
        if args.tlog_upload == Some(false) {
            return Err(UsageError(
                "keyless signing always records the signature in Rekor: drop --tlog-upload=false"
                    .into(),
            )
            .into());
        }
        token = find_token(args.keyless.identity_token.as_deref(), services.timeouts)
            .map_err(|e| UsageError(e.to_string()))?;
        if !ui.quiet {
            eprintln!(
                "Signing as {} (issuer {}) with a Fulcio certificate from {}",
                token.challenge(),
                token.issuer,
                services.fulcio_url
            );
        }
        Signer::Keyless(&token)
    };
    let digest = blob_digest(&args.file)?;
    let bundle = sign_blob_bundle(&digest, &signer, &services, args.tlog_upload != Some(false))
        .with_context(|| format!("cannot sign {}", args.file))?;
    std::fs::write(bundle_path, bundle.to_json())
        .with_context(|| format!("cannot write the bundle to {}", bundle_path.display()))?;
    let signature = bundle.signature_b64().unwrap_or_default();
    if let Some(path) = &args.output_signature {
        std::fs::write(path, signature.as_bytes())
            .with_context(|| format!("cannot write the signature to {}", path.display()))?;
    }
    if !ui.quiet {
        if let Some(entry) = bundle.tlog_entries.first() {
            eprintln!(
                "Logged in {} at index {}",
                services.rekor_url, entry.log_index
            );
        }
        eprintln!("Wrote bundle to {}", bundle_path.display());
    }
    println!("{signature}");
    Ok(0)
}

/// Runs `bulwark sign-blob`: prints the base64 signature of the file's SHA-256 (and with
/// `--bundle` or without `--key`, writes a Sigstore bundle).
pub fn run_blob(args: &BlobArgs, ui: Ui) -> anyhow::Result<i32> {
    if args.bundle.is_some() || args.key.is_none() {
        return run_blob_bundle(args, ui);
    }
    if args.tlog_upload == Some(true) {
        return Err(UsageError(
            "--tlog-upload=true needs --bundle FILE (the log entry is kept in the bundle)".into(),
        )
        .into());
    }
    if args.file == "-" && std::env::var_os(super::key::PASSWORD_ENV).is_none() {
        return Err(UsageError(
            "signing standard input needs the password in COSIGN_PASSWORD".into(),
        )
        .into());
    }
    let Some(key_path) = &args.key else {
        return Err(UsageError("no --key".into()).into());
    };
    let key = load_private_key(key_path)?;
    let signature = if args.file == "-" {
        bulwark_sign::sign_blob(&key, std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(&args.file)
            .with_context(|| format!("cannot open {}", args.file))?;
        bulwark_sign::sign_blob(&key, std::io::BufReader::new(file))
    }
    .with_context(|| format!("cannot read {}", args.file))?;
    if let Some(path) = &args.output_signature {
        std::fs::write(path, signature.as_bytes())
            .with_context(|| format!("cannot write the signature to {}", path.display()))?;
    }
    println!("{signature}");
    Ok(0)
}
