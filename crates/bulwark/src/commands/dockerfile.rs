//! `bulwark dockerfile`: Hadolint-compatible Dockerfile linting.

use std::path::PathBuf;

use anyhow::Context;
use bulwark_dockerfile::{CliOptions, Config};
use rayon::prelude::*;

use super::{UsageError, read_input, report_input_error};
use crate::output::{GateArgs, OutputArgs, Ui, emit};

/// Flags mirror Hadolint's, so existing CI invocations keep working.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Dockerfiles to lint; `-` reads standard input.
    #[arg(required = true, value_name = "DOCKERFILE")]
    pub files: Vec<String>,
    /// Configuration file (default: `.hadolint.yaml` where Hadolint looks, then `bulwark.yaml`).
    #[arg(short, long, value_name = "FILE", env = "BULWARK_CONFIG")]
    pub config: Option<PathBuf>,
    /// Never report this rule (repeatable).
    #[arg(long, value_name = "CODE")]
    pub ignore: Vec<String>,
    /// Registry that `FROM` may pull from (DL3026; repeatable).
    #[arg(long, value_name = "REGISTRY")]
    pub trusted_registry: Vec<String>,
    /// Ignore `# hadolint ignore=` pragmas.
    #[arg(long)]
    pub disable_ignore_pragma: bool,
    /// Report this rule as an error (repeatable).
    #[arg(long, value_name = "CODE")]
    pub error: Vec<String>,
    /// Report this rule as a warning (repeatable).
    #[arg(long, value_name = "CODE")]
    pub warning: Vec<String>,
    /// Report this rule as info (repeatable).
    #[arg(long, value_name = "CODE")]
    pub info: Vec<String>,
    /// Report this rule as style (repeatable).
    #[arg(long, value_name = "CODE")]
    pub style: Vec<String>,
    /// Require a label, `NAME:TYPE` (text, url, semver, hash, rfc3339, spdx, email; repeatable).
    #[arg(long, value_name = "LABELSCHEMA")]
    pub require_label: Vec<String>,
    /// Report labels that are not in the label schema (DL3050).
    #[arg(long)]
    pub strict_labels: bool,
    /// Only Hadolint's rules (DL…), without Bulwark's own security rules (BW…).
    #[arg(long)]
    pub hadolint_only: bool,
    /// Never fail because of findings (exit 0 unless an input cannot be read).
    #[arg(long, env = "BULWARK_NO_FAIL")]
    pub no_fail: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub gate: GateArgs,
}

fn load_config(args: &Args) -> anyhow::Result<Config> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let mut config =
        Config::load(args.config.as_deref(), &cwd).map_err(|e| UsageError(e.to_string()))?;
    let cli = CliOptions {
        ignore: args.ignore.clone(),
        trusted_registries: args.trusted_registry.clone(),
        disable_ignore_pragma: args.disable_ignore_pragma,
        error: args.error.clone(),
        warning: args.warning.clone(),
        info: args.info.clone(),
        style: args.style.clone(),
        require_labels: args.require_label.clone(),
        strict_labels: args.strict_labels,
        failure_threshold: None,
        no_fail: args.no_fail,
        hadolint_only: args.hadolint_only,
    };
    config
        .apply_cli(&cli)
        .map_err(|e| UsageError(e.to_string()))?;
    Ok(config)
}

/// Lints every file (in parallel), renders one report, and returns the exit status.
pub fn run(args: &Args, ui: Ui) -> anyhow::Result<i32> {
    let config = load_config(args)?;
    let results: Vec<_> = args
        .files
        .par_iter()
        .map(|path| {
            read_input(path)
                .map(|bytes| bulwark_dockerfile::lint(path, &bytes, &config))
                .map_err(|e| (path, e))
        })
        .collect();
    let mut unreadable = 0;
    let mut lints = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(lint) => lints.push(lint),
            Err((path, e)) => {
                report_input_error(path, &e);
                unreadable += 1;
            }
        }
    }
    if unreadable == args.files.len() && unreadable > 0 {
        // Nothing was linted: a report ("No findings.") would read as a clean result.
        return Ok(bulwark_report::EXIT_RUNTIME);
    }
    let mut report = bulwark_dockerfile::report(lints);
    let policy = config.exit_policy(args.gate.failure_threshold, args.gate.exit_code);
    let status = emit(&mut report, &args.output, &args.gate, ui, policy)?;
    if unreadable > 0 {
        // Other files were still linted and reported; the run itself failed.
        return Ok(bulwark_report::EXIT_RUNTIME.max(status));
    }
    Ok(status)
}
