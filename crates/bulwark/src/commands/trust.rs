//! `bulwark trust`: refresh the Sigstore trusted root through Sigstore's TUF repository
//! (`update`) and say which trusted root verification uses (`show`).

use std::path::PathBuf;

use anyhow::Context;
use bulwark_sign::tuf::{self, HttpTransport, RootSource};

use super::UsageError;
use crate::output::Ui;

/// Flags for `bulwark trust`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: TrustCommand,
    /// Cache directory holding the updated trusted root and TUF metadata under
    /// `sigstore/` (default: the user cache dir, `~/.cache/bulwark`).
    #[arg(long, value_name = "DIR", env = "BULWARK_CACHE_DIR", global = true)]
    pub cache_dir: Option<PathBuf>,
}

/// `bulwark trust` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum TrustCommand {
    /// Update the trusted root through Sigstore's TUF repository (root rotation,
    /// timestamp, snapshot, targets) and store it; `verify` and `verify-blob` then use it.
    Update {
        /// The TUF repository (default: the public-good `https://tuf-repo-cdn.sigstore.dev`,
        /// or the staging repository with --staging).
        #[arg(long, value_name = "URL")]
        tuf_url: Option<String>,
        /// The TUF root.json to start the chain from (default: the embedded production or
        /// staging root).
        #[arg(long, value_name = "FILE")]
        root: Option<PathBuf>,
        /// Sigstore's staging instance (`https://tuf-repo-cdn.sigstage.dev`, its TUF root).
        #[arg(long)]
        staging: bool,
        #[command(flatten)]
        net: super::net::NetArgs,
    },
    /// Show which trusted root verification uses, where it came from and its age.
    Show,
}

/// Runs `bulwark trust`.
pub fn run(args: &Args, ui: Ui) -> anyhow::Result<i32> {
    let cache_dir = args
        .cache_dir
        .clone()
        .or_else(bulwark_scan::default_cache_dir);
    match &args.command {
        TrustCommand::Update {
            tuf_url,
            root,
            staging,
            net,
        } => {
            let cache_dir = cache_dir.ok_or_else(|| {
                UsageError("no cache directory (HOME unset?): pass --cache-dir".into())
            })?;
            let url = tuf_url.clone().unwrap_or_else(|| {
                if *staging {
                    tuf::STAGING_URL.to_owned()
                } else {
                    tuf::PRODUCTION_URL.to_owned()
                }
            });
            let bootstrap = match root {
                Some(path) => std::fs::read(path)
                    .with_context(|| format!("cannot read the TUF root {}", path.display()))?,
                None if *staging => tuf::STAGING_TUF_ROOT.to_vec(),
                None => tuf::PRODUCTION_TUF_ROOT.to_vec(),
            };
            let transport = HttpTransport::new(&url, net.timeouts());
            let updated =
                tuf::update_trusted_root(&transport, &url, &bootstrap, &cache_dir, tuf::unix_now())
                    .with_context(|| format!("trust update from {url}"))?;
            let path = tuf::updated_root_path(&cache_dir);
            if !ui.quiet {
                eprintln!(
                    "bulwark: trusted root updated from {url} (TUF root v{}{}, timestamp v{}, snapshot v{}, targets v{})",
                    updated.root_version,
                    if updated.rotations > 0 {
                        format!(", {} rotation(s)", updated.rotations)
                    } else {
                        String::new()
                    },
                    updated.timestamp_version,
                    updated.snapshot_version,
                    updated.targets_version
                );
            }
            println!("{}", path.display());
            Ok(0)
        }
        TrustCommand::Show => {
            let in_use = tuf::default_trusted_root(cache_dir.as_deref())?;
            let counts = format!(
                "{} Fulcio CA(s), {} Rekor log(s), {} CT log(s), {} timestamp authority(ies)",
                in_use.root.certificate_authorities.len(),
                in_use.root.tlogs.len(),
                in_use.root.ctlogs.len(),
                in_use.root.timestamp_authorities.len()
            );
            match in_use.source {
                RootSource::Embedded => {
                    println!(
                        "trusted root: embedded public-good production root (as sigstore-python 4.5.1 ships it)"
                    );
                    println!("contents:     {counts}");
                    println!(
                        "update:       none stored; run `bulwark trust update` to fetch the current one"
                    );
                }
                RootSource::Updated {
                    path,
                    url,
                    updated_at,
                    tuf_root_version,
                    targets_version,
                } => {
                    let age = (tuf::unix_now() - updated_at).max(0);
                    println!("trusted root: {}", path.display());
                    println!(
                        "source:       {url} (TUF root v{tuf_root_version}, targets v{targets_version})"
                    );
                    println!(
                        "updated:      {} ({} ago)",
                        bulwark_sign::referrers::rfc3339_utc(
                            std::time::UNIX_EPOCH
                                + std::time::Duration::from_secs(
                                    u64::try_from(updated_at).unwrap_or(0)
                                )
                        ),
                        age_text(age)
                    );
                    println!("contents:     {counts}");
                }
            }
            Ok(0)
        }
    }
}

fn age_text(secs: i64) -> String {
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}
