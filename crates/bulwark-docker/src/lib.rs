//! Docker engine audit for Bulwark: the daemon's settings (`BWD…` rules, CIS Docker Benchmark
//! v1.6.0 section 2) and every container's effective settings from `docker inspect`, mapped
//! onto `bulwark-compose`'s service model so the same `BWC…` rules (CIS section 5) judge a
//! container and a Compose service alike.
//!
//! The engine is reached through [`bulwark_oci::DockerDaemon`] (bollard; `DOCKER_HOST`, TLS,
//! `ssh://`, Docker contexts), the one place that builds the client.
//!
//! Container findings have the location `container:<name>` and the properties `container`,
//! `container_id`, `state`, `setting` and `cis`; daemon findings `daemon:<endpoint>` with
//! `setting`, `source` (where the value was read) and `cis`.

pub mod container;
pub mod rules;
pub mod settings;

use std::path::Path;

use bollard::query_parameters::ListContainersOptionsBuilder;
use bulwark_oci::{DockerDaemon, OciError};
use bulwark_report::{Finding, Report, RuleInfo};
use serde_json::Value;

pub use container::from_inspect;
pub use settings::DaemonSettings;

/// What to audit.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// Only these containers (names or IDs); empty = every container (see `all`). When set,
    /// the daemon checks are skipped.
    pub containers: Vec<String>,
    /// Stopped and created containers too (`docker ps -a`), not only running ones.
    pub all: bool,
    /// Skip the daemon checks.
    pub no_daemon: bool,
    /// Skip the secret scanner over container environments.
    pub no_secrets: bool,
}

/// Why an audit could not run.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The engine could not be reached or answered with an error.
    #[error(transparent)]
    Engine(#[from] OciError),
    /// A container named with `--container` does not exist.
    #[error("no container {name:?} on {endpoint} (`docker ps -a` lists them)")]
    NoSuchContainer {
        /// The name given.
        name: String,
        /// The engine.
        endpoint: String,
    },
}

/// The outcome of an audit.
#[derive(Debug, Clone, Default)]
pub struct AuditResult {
    /// Findings, daemon first, then containers by name.
    pub findings: Vec<Finding>,
    /// Names of the containers audited.
    pub containers: Vec<String>,
    /// The daemon settings seen (when the daemon was checked).
    pub daemon: Option<DaemonSettings>,
}

impl AuditResult {
    /// The report of this audit of the engine at `endpoint`: its findings, the `BWD` and `BWC`
    /// rules they come from, and the engine and containers audited as metadata.
    #[must_use]
    pub fn into_report(self, endpoint: &str) -> Report {
        let mut report = Report {
            findings: self.findings,
            ..Report::default()
        };
        report
            .metadata
            .insert("engine".into(), serde_json::json!(endpoint));
        report
            .metadata
            .insert("containers".into(), serde_json::json!(self.containers));
        report.add_rules_used(rules().chain(bulwark_compose::rules()));
        report
    }
}

/// Audits the engine behind `daemon`.
pub fn audit(daemon: &DockerDaemon, opts: &AuditOptions) -> Result<AuditResult, AuditError> {
    let client = daemon.client()?;
    let mut result = AuditResult::default();
    if opts.containers.is_empty() && !opts.no_daemon {
        let settings = daemon_settings(daemon)?;
        result.findings.extend(rules::check_daemon(&settings));
        result.daemon = Some(settings);
    }
    let names: Vec<String> = if opts.containers.is_empty() {
        let list = daemon
            .block_on(client.list_containers(Some(
                ListContainersOptionsBuilder::new().all(opts.all).build(),
            )))
            .map_err(|e| daemon.api_error("listing containers", &e))?;
        list.into_iter().filter_map(|c| c.id).collect()
    } else {
        opts.containers.clone()
    };
    let mut services = Vec::with_capacity(names.len());
    for name in &names {
        let inspect = match daemon.block_on(client.inspect_container(name, None)) {
            Ok(i) => i,
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) if !opts.containers.is_empty() => {
                return Err(AuditError::NoSuchContainer {
                    name: name.clone(),
                    endpoint: daemon.endpoint(),
                });
            }
            // Removed between listing and inspecting.
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => continue,
            Err(e) => {
                return Err(daemon
                    .api_error(&format!("inspecting container {name}"), &e)
                    .into());
            }
        };
        let json = serde_json::to_value(&inspect)
            .map_err(|e| OciError::json(format!("{}: inspect {name}", daemon.endpoint()), e))?;
        services.push(from_inspect(&json));
    }
    services.sort_by(|a, b| a.name.cmp(&b.name));
    result.containers = services.iter().map(|s| s.name.clone()).collect();
    let scanner = if opts.no_secrets {
        None
    } else {
        bulwark_compose::builtin_scanner()
    };
    result
        .findings
        .extend(bulwark_compose::check_services(&services, scanner));
    Ok(result)
}

/// Reads the daemon's settings: `/info`, the default bridge network, and for a local engine
/// the `dockerd` command line and configuration file.
pub fn daemon_settings(daemon: &DockerDaemon) -> Result<DaemonSettings, AuditError> {
    let client = daemon.client()?;
    let info = daemon
        .block_on(client.info())
        .map_err(|e| daemon.api_error("reading daemon info", &e))?;
    let info = serde_json::to_value(&info)
        .map_err(|e| OciError::json(format!("{}: info", daemon.endpoint()), e))?;
    let bridge = daemon
        .block_on(client.inspect_network("bridge", None))
        .ok()
        .and_then(|n| serde_json::to_value(&n).ok())
        .and_then(|n| n.get("Options").cloned())
        .filter(Value::is_object);
    let endpoint = daemon.engine_endpoint();
    let mut settings = DaemonSettings {
        endpoint: daemon.endpoint(),
        reached_over_plain_tcp: endpoint.host.starts_with("tcp://") && endpoint.tls.is_none(),
        info,
        bridge_options: bridge,
        ..DaemonSettings::default()
    };
    if daemon.is_local_socket() {
        settings.command_line = settings::dockerd_command_line(Path::new("/proc"));
        if settings.command_line.is_some() {
            settings::read_config_file(&mut settings);
        }
    }
    Ok(settings)
}

/// Every code this crate reports (the `BWD` daemon rules; container findings use the `BWC`
/// rules of `bulwark-compose`).
pub fn rules() -> impl Iterator<Item = RuleInfo> {
    rules::rules()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulwark_report::{Category, Location, Severity};

    #[test]
    fn the_report_carries_the_rules_used_and_what_was_audited() {
        let container = Finding::new(
            "BWC001",
            Severity::High,
            Category::Runtime,
            "privileged",
            Location::file("web"),
        );
        let daemon_code = rules().next().unwrap().code;
        let daemon = Finding::new(
            daemon_code.clone(),
            Severity::Medium,
            Category::Runtime,
            "daemon",
            Location::file("daemon"),
        );
        let result = AuditResult {
            findings: vec![daemon, container],
            containers: vec!["web".into()],
            daemon: None,
        };
        let report = result.into_report("unix:///var/run/docker.sock");
        assert_eq!(
            report.rules.keys().collect::<Vec<_>>(),
            [&"BWC001".to_owned(), &daemon_code]
        );
        assert_eq!(report.metadata["engine"], "unix:///var/run/docker.sock");
        assert_eq!(report.metadata["containers"], serde_json::json!(["web"]));
    }
}
