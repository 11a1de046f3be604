//! `bulwark key generate`: a Cosign-compatible key pair (`cosign generate-key-pair`), plus the
//! password and key-file helpers the signing commands share.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use bulwark_sign::{PrivateKey, PublicKey};
use zeroize::Zeroizing;

use super::UsageError;
use crate::output::Ui;

/// The environment variable cosign reads the key password from (set but empty means the
/// empty password).
pub const PASSWORD_ENV: &str = "COSIGN_PASSWORD";

/// `bulwark key …`
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: KeyCommand,
}

/// Key subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Generate a password-protected ECDSA P-256 key pair that cosign can use
    /// (`cosign generate-key-pair`). The password comes from COSIGN_PASSWORD, else a
    /// terminal prompt, else one line of standard input.
    Generate(GenerateArgs),
}

/// `bulwark key generate` flags.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Write PREFIX.key (mode 0600) and PREFIX.pub.
    #[arg(long, value_name = "PREFIX", default_value = "cosign")]
    pub output_key_prefix: String,
    /// Overwrite existing key files.
    #[arg(long)]
    pub force: bool,
}

/// Runs `bulwark key …`.
pub fn run(args: &Args, ui: Ui) -> anyhow::Result<i32> {
    match &args.command {
        KeyCommand::Generate(g) => generate(g, ui),
    }
}

/// Runs `bulwark generate-key-pair` (the same as `bulwark key generate`).
pub fn run_generate(args: &GenerateArgs, ui: Ui) -> anyhow::Result<i32> {
    generate(args, ui)
}

fn generate(args: &GenerateArgs, ui: Ui) -> anyhow::Result<i32> {
    let key_path = PathBuf::from(format!("{}.key", args.output_key_prefix));
    let pub_path = PathBuf::from(format!("{}.pub", args.output_key_prefix));
    if !args.force {
        for p in [&key_path, &pub_path] {
            if p.exists() {
                return Err(UsageError(format!(
                    "{} already exists; refusing to overwrite it (use --force)",
                    p.display()
                ))
                .into());
            }
        }
    }
    let password = read_password(true)?;
    let pair = bulwark_sign::generate_key_pair(&password).context("generating the key pair")?;
    write_private(&key_path, pair.private_pem.as_bytes(), args.force)?;
    std::fs::write(&pub_path, pair.public_pem.as_bytes())
        .with_context(|| format!("cannot write {}", pub_path.display()))?;
    if !ui.quiet {
        eprintln!("Private key written to {}", key_path.display());
        eprintln!("Public key written to {}", pub_path.display());
    }
    Ok(0)
}

/// Writes the private key readable by its owner only; without `force` never replaces a file.
fn write_private(path: &Path, bytes: &[u8], force: bool) -> anyhow::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true);
    if force {
        opts.create(true).truncate(true);
    } else {
        opts.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut file = opts
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    #[cfg(unix)]
    {
        // an existing file replaced with --force keeps its old mode otherwise
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot restrict permissions of {}", path.display()))?;
    }
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The key password: `COSIGN_PASSWORD` if set (even empty), else a terminal prompt
/// (twice when `confirm`), else one line of standard input.
pub fn read_password(confirm: bool) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    if let Some(v) = std::env::var_os(PASSWORD_ENV) {
        return Ok(Zeroizing::new(v.into_encoded_bytes()));
    }
    if std::io::stdin().is_terminal() {
        let first = Zeroizing::new(
            rpassword::prompt_password("Enter password for private key: ")
                .context("cannot read the password from the terminal")?,
        );
        if confirm {
            let again = Zeroizing::new(
                rpassword::prompt_password("Enter password for private key again: ")
                    .context("cannot read the password from the terminal")?,
            );
            if *again != *first {
                return Err(UsageError("the passwords do not match".into()).into());
            }
        }
        return Ok(Zeroizing::new(first.as_bytes().to_vec()));
    }
    let mut line = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let trimmed = line.strip_suffix('\n').unwrap_or(&line);
    let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
    Ok(Zeroizing::new(trimmed.as_bytes().to_vec()))
}

/// The bytes of a `--key` argument: `env://VAR` reads the PEM from the environment
/// variable VAR (as `cosign sign --key env://COSIGN_PRIVATE_KEY`), anything else is a file.
pub fn read_key_source(path: &Path, what: &str) -> anyhow::Result<Vec<u8>> {
    if let Some(var) = path.to_str().and_then(|p| p.strip_prefix("env://")) {
        return match std::env::var_os(var) {
            Some(v) if !v.is_empty() => Ok(v.into_encoded_bytes()),
            _ => Err(UsageError(format!(
                "--key env://{var}: the environment variable {var} is not set (put the PEM {what} in it)"
            ))
            .into()),
        };
    }
    std::fs::read(path).with_context(|| format!("cannot read the {what} {}", path.display()))
}

/// Loads and decrypts an encrypted cosign private key (a file or `env://VAR`).
pub fn load_private_key(path: &Path) -> anyhow::Result<PrivateKey> {
    let pem = read_key_source(path, "private key")?;
    let password = read_password(false)?;
    PrivateKey::from_encrypted_pem(&pem, &password)
        .with_context(|| format!("cannot load the private key {}", path.display()))
}

/// Loads a PEM public key (`cosign.pub`, `rekor.pub`; a file or `env://VAR`).
pub fn load_public_key(path: &Path) -> anyhow::Result<PublicKey> {
    let pem = read_key_source(path, "public key")?;
    PublicKey::from_pem(&pem)
        .with_context(|| format!("cannot load the public key {}", path.display()))
}
