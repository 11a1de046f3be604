//! `bulwark compose`: Compose files checked with the container runtime rules.

use std::path::{Path, PathBuf};

use bulwark_compose::{Input, LoadOptions, Options, check_inputs};
use bulwark_report::Severity;

use super::{read_input, report_input_error};
use crate::output::{GateArgs, OutputArgs, Ui, emit};

/// The files `docker compose` looks for when none is named, in order.
/// Flags for `bulwark compose`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Compose files, merged in order like `docker compose -f a.yml -f b.yml`; `-` reads stdin.
    /// Default: COMPOSE_FILE, else compose.yaml (or docker-compose.yml) and its
    /// compose.override.yaml in the working directory.
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,
    /// Check only what `docker compose --profile NAME up` would start (repeatable; `*` for all).
    /// Without it every service is checked, profiles or not.
    #[arg(
        long = "profile",
        value_name = "NAME",
        env = "COMPOSE_PROFILES",
        value_delimiter = ','
    )]
    pub profiles: Vec<String>,
    /// Variables file for interpolation (default: .env in the project directory).
    #[arg(long, value_name = "PATH")]
    pub env_file: Option<PathBuf>,
    /// Directory whose .env is read (default: the first file's directory).
    #[arg(long, value_name = "DIR")]
    pub project_directory: Option<PathBuf>,
    /// Do not run the secret scanner over `environment` (BWC020).
    #[arg(long)]
    pub no_secrets: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub gate: GateArgs,
}

pub fn run(args: &Args, ui: Ui) -> anyhow::Result<i32> {
    let files = if args.files.is_empty() {
        let found = bulwark_compose::default_files(
            Path::new(""),
            std::env::var("COMPOSE_FILE").ok().as_deref(),
            std::env::var("COMPOSE_PATH_SEPARATOR").ok().as_deref(),
        );
        if found.is_empty() {
            eprintln!(
                "bulwark: error: no Compose file named and none found here ({}); name one: bulwark compose FILE",
                bulwark_compose::DEFAULT_FILES.join(", ")
            );
            return Ok(bulwark_report::EXIT_RUNTIME);
        }
        found
    } else {
        args.files.clone()
    };
    let mut inputs = Vec::new();
    let mut unreadable = 0;
    for file in &files {
        match read_input(file) {
            Ok(bytes) => inputs.push(Input::new(file, bytes)),
            Err(e) => {
                report_input_error(file, &e);
                unreadable += 1;
            }
        }
    }
    if inputs.is_empty() {
        // Nothing was checked: a report ("No findings.") would read as a clean result.
        return Ok(bulwark_report::EXIT_RUNTIME);
    }
    let opts = Options {
        load: LoadOptions {
            env_file: args.env_file.clone(),
            project_dir: args.project_directory.clone(),
            ..LoadOptions::default()
        },
        profiles: (!args.profiles.is_empty()).then(|| args.profiles.clone()),
        no_secrets: args.no_secrets,
    };
    let result = check_inputs(&inputs, &opts);
    if !ui.quiet {
        for v in &result.unset_variables {
            eprintln!("bulwark: warning: variable {v} is not set; substituting an empty string");
        }
        if !result.services_inactive.is_empty() {
            eprintln!(
                "bulwark: not checked (profiles not enabled): {}",
                result.services_inactive.join(", ")
            );
        }
    }
    let mut report = result.into_report();
    // Any finding fails by default, as for `bulwark k8s`.
    let policy = args.gate.exit_policy(Some(Severity::Unknown));
    let status = emit(&mut report, &args.output, &args.gate, ui, policy)?;
    if unreadable > 0 {
        return Ok(bulwark_report::EXIT_RUNTIME.max(status));
    }
    Ok(status)
}
