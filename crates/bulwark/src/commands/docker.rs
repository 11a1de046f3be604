//! `bulwark docker`: audit the Docker engine (daemon settings) and its containers.

use anyhow::Context;
use bulwark_docker::{AuditOptions, audit};
use bulwark_oci::DockerDaemon;
use bulwark_report::Severity;

use crate::output::{GateArgs, OutputArgs, Ui, emit};

/// Flags for `bulwark docker`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Audit only this container (name or ID; repeatable), in any state. Skips the daemon checks.
    #[arg(long = "container", value_name = "NAME")]
    pub containers: Vec<String>,
    /// Audit stopped and created containers too (`docker ps -a`), not only running ones.
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Engine to audit (`unix://…`, `tcp://…`, `ssh://…`); default: DOCKER_HOST, the current
    /// Docker context, else /var/run/docker.sock.
    #[arg(short = 'H', long, value_name = "HOST")]
    pub host: Option<String>,
    /// Only the containers, no daemon checks.
    #[arg(long)]
    pub no_daemon: bool,
    /// Do not run the secret scanner over container environments (BWC020).
    #[arg(long)]
    pub no_secrets: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub gate: GateArgs,
}

/// Audits the engine, renders the report, returns the exit status. An unreachable engine is a
/// runtime error (exit 3), never an empty report.
pub fn run(args: &Args, ui: Ui) -> anyhow::Result<i32> {
    let daemon = match &args.host {
        Some(h) => DockerDaemon::new(h),
        None => DockerDaemon::from_env(),
    }
    .context("cannot reach the Docker engine")?;
    let result = audit(
        &daemon,
        &AuditOptions {
            containers: args.containers.clone(),
            all: args.all,
            no_daemon: args.no_daemon,
            no_secrets: args.no_secrets,
        },
    )
    .context("cannot audit the Docker engine")?;
    if !ui.quiet && result.containers.is_empty() && args.containers.is_empty() {
        eprintln!(
            "bulwark: no {}containers on {} (add --all for stopped ones)",
            if args.all { "" } else { "running " },
            daemon.endpoint()
        );
    }
    let mut report = result.into_report(&daemon.endpoint());
    // Any finding fails by default, as for `bulwark k8s`.
    let policy = args.gate.exit_policy(Some(Severity::Unknown));
    emit(&mut report, &args.output, &args.gate, ui, policy)
}
