//! `bulwark`: the command-line front end. Parses flags, loads settings, dispatches to the domain
//! crates and maps the outcome to an exit status. No domain logic lives here.
//!
//! Exit status: 0 clean, 1 (or `--exit-code N`) findings at or above the threshold, 2 usage
//! error, 3 runtime error.

/// jemalloc: freed buffers go back to the system instead of staying in glibc's per-thread
/// arenas, so a streaming scan's peak RSS follows its heap (the 1.4 GB bench image: 141 MiB
/// with glibc's malloc; see docs/performance.md).
#[cfg(all(target_os = "linux", not(target_env = "msvc")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
mod commands;
mod output;
mod progress;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::output::Ui;

/// Secure a container through its whole life: Dockerfile lint, image inventory and
/// vulnerabilities, signing, and Kubernetes Pod Security Standards.
#[derive(Debug, Parser)]
#[command(
    name = "bulwark",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Disable colours (also honoured: the NO_COLOR environment variable).
    #[arg(long, global = true, env = "BULWARK_NO_COLOR")]
    no_color: bool,
    /// No progress bars and no informational messages on standard error.
    #[arg(short, long, global = true, env = "BULWARK_QUIET")]
    quiet: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lint Dockerfiles (Hadolint's rules and codes, plus Bulwark's security rules).
    #[command(visible_alias = "lint")]
    Dockerfile(commands::dockerfile::Args),
    /// Check Kubernetes manifests against the Pod Security Standards and hardening rules.
    K8s(commands::k8s::Args),
    /// Check Compose files (merged like `docker compose -f a -f b`) with the container rules.
    Compose(commands::compose::Args),
    /// Audit the Docker engine: daemon settings and every container's effective settings.
    Docker(commands::docker::Args),
    /// List every rule, or print one rule's documentation.
    Rules(commands::rules::Args),
    /// Scan a container image: packages (SBOM) and findings.
    Image(commands::image::ImageArgs),
    /// Scan a directory (source tree) or one lock file: installed packages and lock files.
    Fs(commands::image::DirArgs),
    /// Scan a root filesystem on disk like an image: installed packages only.
    Rootfs(commands::image::DirArgs),
    /// Scan a CycloneDX or SPDX JSON SBOM for known vulnerabilities.
    Sbom(commands::image::SbomArgs),
    /// Manage the OSV vulnerability database (update, import, status).
    Db(commands::db::Args),
    /// Delete the per-layer scan cache.
    Clean(commands::clean::Args),
    /// Manage Cosign-compatible signing keys.
    Key(commands::key::Args),
    /// Alias of `key generate` (`cosign generate-key-pair`).
    GenerateKeyPair(commands::key::GenerateArgs),
    /// Sign an image with a cosign key and store the signature next to it (`cosign sign`).
    Sign(commands::sign::Args),
    /// Verify an image's cosign signatures with a public key (`cosign verify`).
    Verify(commands::verify::Args),
    /// Sign a file with a cosign key; prints the base64 signature (`cosign sign-blob`).
    SignBlob(commands::sign::BlobArgs),
    /// Verify a file's signature with a public key, or its Sigstore bundle by key or
    /// keyless identity against the trusted root (`cosign verify-blob`).
    VerifyBlob(commands::verify::BlobArgs),
    /// Refresh the Sigstore trusted root through Sigstore's TUF repository, or show which
    /// root verification uses.
    Trust(commands::trust::Args),
    /// Run the scanning service: Harbor scanner API, registry push notifications, re-scans.
    Server(commands::server::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = Ui {
        no_color: cli.no_color,
        quiet: cli.quiet,
    };
    let result = match cli.command {
        Command::Dockerfile(args) => commands::dockerfile::run(&args, ui),
        Command::K8s(args) => commands::k8s::run(&args, ui),
        Command::Compose(args) => commands::compose::run(&args, ui),
        Command::Docker(args) => commands::docker::run(&args, ui),
        Command::Rules(args) => commands::rules::run(&args),
        Command::Image(args) => commands::image::run_image(&args, ui),
        Command::Fs(args) => {
            commands::image::run_dir(&args, bulwark_catalog::ScanMode::Filesystem, ui)
        }
        Command::Rootfs(args) => {
            commands::image::run_dir(&args, bulwark_catalog::ScanMode::Image, ui)
        }
        Command::Sbom(args) => commands::image::run_sbom(&args, ui),
        Command::Db(args) => commands::db::run(&args, ui),
        Command::Clean(args) => commands::clean::run(&args, ui),
        Command::Key(args) => commands::key::run(&args, ui),
        Command::GenerateKeyPair(args) => commands::key::run_generate(&args, ui),
        Command::Sign(args) => commands::sign::run(&args, ui),
        Command::Verify(args) => commands::verify::run(&args, ui),
        Command::SignBlob(args) => commands::sign::run_blob(&args, ui),
        Command::VerifyBlob(args) => commands::verify::run_blob(&args, ui),
        Command::Trust(args) => commands::trust::run(&args, ui),
        Command::Server(args) => commands::server::run(&args),
    };
    match result {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(err) => {
            let code = if err.downcast_ref::<commands::UsageError>().is_some() {
                bulwark_report::EXIT_USAGE
            } else {
                bulwark_report::EXIT_RUNTIME
            };
            eprintln!("bulwark: error: {}", error_text(&err));
            ExitCode::from(u8::try_from(code).unwrap_or(3))
        }
    }
}

/// The error and its causes on one line, without the repetition that layered errors bring: a
/// cause whose text its parent already printed is left out, and a cause starting with
/// `NAME: ` drops that prefix when NAME (the image, file or reference) was already said.
fn error_text(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if text.is_empty() || out.contains(&text) {
            continue;
        }
        let mut rest = text.as_str();
        while let Some(i) = rest.find(": ") {
            let head = rest.get(..i).unwrap_or("");
            if head.is_empty() || !out.contains(head) {
                break;
            }
            rest = rest.get(i + 2..).unwrap_or("");
        }
        if rest.is_empty() || out.contains(rest) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(rest);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::error_text;

    /// An error that prints its source in its own message and also returns it as `source()`.
    #[derive(Debug)]
    struct Io {
        context: String,
        source: std::io::Error,
    }

    impl std::fmt::Display for Io {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{}: {}", self.context, self.source)
        }
    }

    impl std::error::Error for Io {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.source)
        }
    }

    #[test]
    fn error_text_drops_repeated_names_and_causes() {
        let io = Io {
            context: "/x.tar: opening input".into(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "No such file"),
        };
        let err = anyhow::Error::new(io).context("cannot read the image in /x.tar");
        assert_eq!(
            error_text(&err),
            "cannot read the image in /x.tar: opening input: No such file"
        );
        let err =
            anyhow::anyhow!("a/b:1: could not be read from any source:\n  docker: a/b:1: gone")
                .context("cannot open image a/b:1");
        assert_eq!(
            error_text(&err),
            "cannot open image a/b:1: could not be read from any source:\n  docker: a/b:1: gone"
        );
        assert_eq!(error_text(&anyhow::anyhow!("plain")), "plain");
    }
}
