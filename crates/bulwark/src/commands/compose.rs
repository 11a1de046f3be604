//! `bulwark compose`: Compose files checked with the container runtime rules.

use std::path::{Path, PathBuf};

use bulwark_compose::{Input, LoadOptions, Options, check_inputs};
use bulwark_report::{Report, Severity};

use super::{read_input, report_input_error};
use crate::output::{GateArgs, OutputArgs, Ui, emit};

/// The files `docker compose` looks for when none is named, in order.
const DEFAULT_FILES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

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

/// The files to read when none is named: COMPOSE_FILE, else the first default file found in
/// the working directory plus its override file.
fn default_files() -> Vec<String> {
    if let Ok(list) = std::env::var("COMPOSE_FILE")
        && !list.is_empty()
    {
        let sep = std::env::var("COMPOSE_PATH_SEPARATOR").unwrap_or_else(|_| ":".into());
        return list
            .split(sep.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
    }
    let Some(main) = DEFAULT_FILES.iter().find(|f| Path::new(f).is_file()) else {
        return Vec::new();
    };
    let mut files = vec![(*main).to_string()];
    let stem = main.rsplit_once('.').map_or(*main, |(s, _)| s);
    for ext in ["yaml", "yml"] {
        let o = format!("{stem}.override.{ext}");
        if Path::new(&o).is_file() {
            files.push(o);
            break;
        }
    }
    files
}

/// Loads the files as one project, checks it, renders the report, returns the exit status.
pub fn run(args: &Args, ui: Ui) -> anyhow::Result<i32> {
    let files = if args.files.is_empty() {
        let found = default_files();
        if found.is_empty() {
            eprintln!(
                "bulwark: error: no Compose file named and none found here ({}); name one: bulwark compose FILE",
                DEFAULT_FILES.join(", ")
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
            Ok(bytes) => inputs.push(Input {
                display: file.clone(),
                bytes,
                dir: if file == "-" {
                    PathBuf::from(".")
                } else {
                    Path::new(file)
                        .parent()
                        .filter(|p| !p.as_os_str().is_empty())
                        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
                },
            }),
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
    let mut report = Report {
        findings: result.findings,
        ..Report::default()
    };
    report
        .metadata
        .insert("files".into(), serde_json::json!(result.files));
    report.metadata.insert(
        "services_checked".into(),
        serde_json::json!(result.services_checked),
    );
    let codes: std::collections::BTreeSet<&str> =
        report.findings.iter().map(|f| f.code.as_str()).collect();
    let infos: Vec<_> = bulwark_compose::rules()
        .filter(|r| codes.contains(r.code.as_str()))
        .collect();
    for info in infos {
        report.add_rule(info);
    }
    // Any finding fails by default, as for `bulwark k8s`.
    let policy = args.gate.exit_policy(Some(Severity::Unknown));
    let status = emit(&mut report, &args.output, &args.gate, ui, policy)?;
    if unreadable > 0 {
        return Ok(bulwark_report::EXIT_RUNTIME.max(status));
    }
    Ok(status)
}
