//! `bulwark k8s`: Pod Security Standards and hardening checks for Kubernetes manifests.

use std::path::PathBuf;

use bulwark_k8s::{Checker, Level, Options, PolicyVersion};
use bulwark_report::{Report, Severity};

use super::{read_input, report_input_error};
use crate::output::{GateArgs, OutputArgs, Ui, emit};

/// Flags for `bulwark k8s`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Manifest files or directories (searched for *.yaml, *.yml, *.json); `-` reads stdin
    /// (e.g. `helm template . | bulwark k8s -`).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// Pod Security Standards level to enforce: baseline or restricted.
    #[arg(long, default_value = "restricted", env = "BULWARK_PSS_LEVEL", value_parser = parse_level)]
    pub pss_level: Level,
    /// Policy version: latest or v1.NN (as in `pod-security.kubernetes.io/enforce-version`).
    #[arg(long, default_value = "latest", env = "BULWARK_PSS_VERSION", value_parser = parse_version)]
    pub pss_version: PolicyVersion,
    /// Only Pod Security Standards checks, no hardening rules.
    #[arg(long)]
    pub pss_only: bool,
    /// Relax runAsNonRoot/runAsUser for pods with `hostUsers: false`, as clusters with the
    /// UserNamespacesPodSecurityStandards feature do.
    #[arg(long)]
    pub user_namespaces: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub gate: GateArgs,
}

fn parse_level(s: &str) -> Result<Level, String> {
    s.parse()
        .map_err(|e: bulwark_k8s::ParsePolicyError| e.to_string())
}

fn parse_version(s: &str) -> Result<PolicyVersion, String> {
    s.parse()
        .map_err(|e: bulwark_k8s::ParsePolicyError| e.to_string())
}

/// Reads every manifest, checks them together (so a Namespace in one file applies to workloads
/// in another), renders one report and returns the exit status.
pub fn run(args: &Args, ui: Ui) -> anyhow::Result<i32> {
    let mut checker = Checker::new(Options {
        level: args.pss_level,
        version: args.pss_version,
        hardening: !args.pss_only,
        relax_user_namespace_pods: args.user_namespaces,
        ..Options::default()
    });
    let mut unreadable = 0;
    let mut read = 0;
    for arg in &args.paths {
        let files = if arg == "-" {
            vec![arg.clone()]
        } else {
            match bulwark_k8s::collect_inputs(&[PathBuf::from(arg)]) {
                Ok(found) => found
                    .into_iter()
                    .map(|p| p.to_string_lossy().into_owned())
                    .collect(),
                Err(e) => {
                    report_input_error(arg, &e.source);
                    unreadable += 1;
                    continue;
                }
            }
        };
        for file in files {
            match read_input(&file) {
                Ok(bytes) => {
                    read += 1;
                    checker.add_source(&file, &bytes);
                }
                Err(e) => {
                    report_input_error(&file, &e);
                    unreadable += 1;
                }
            }
        }
    }
    if read == 0 && unreadable > 0 {
        // Nothing was checked: a report ("No findings.") would read as a clean result.
        return Ok(bulwark_report::EXIT_RUNTIME);
    }
    let result = checker.finish();
    let mut report = Report {
        findings: result.findings,
        suppressed: result.suppressed,
        ..Report::default()
    };
    report.add_rules_used(bulwark_k8s::rules());
    // Any finding fails by default (as `kubectl apply` against an enforcing namespace would).
    let policy = args.gate.exit_policy(Some(Severity::Unknown));
    let status = emit(&mut report, &args.output, &args.gate, ui, policy)?;
    // The process exits right after: freeing tens of thousands of findings one allocation at
    // a time costs more than the checks themselves (12% of a 6,000-object run), so leave
    // the memory to the operating system.
    std::mem::forget(report);
    if unreadable > 0 {
        return Ok(bulwark_report::EXIT_RUNTIME.max(status));
    }
    Ok(status)
}
