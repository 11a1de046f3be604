//! Container runtime rules (`BWC…`): the Kubernetes hardening ideas and CIS Docker Benchmark
//! section 5 checks, over the normalized [`Service`] model, so a Compose service and a running
//! container get the same verdict.
//!
//! One rule, one file: each file holds the rule's documentation (what / why / example / fix,
//! and the CIS Docker Benchmark v1.6.0 check it maps to) and the check. [`RULES`] is the
//! registry.

mod bwc001_privileged;
mod bwc002_cap_add;
mod bwc003_cap_drop_all;
mod bwc004_host_network;
mod bwc005_host_pid;
mod bwc006_host_ipc;
mod bwc007_host_uts;
mod bwc008_host_userns;
mod bwc009_docker_socket;
mod bwc010_sensitive_host_path;
mod bwc011_read_only;
mod bwc012_user;
mod bwc013_no_new_privileges;
mod bwc014_seccomp_unconfined;
mod bwc015_lsm_unconfined;
mod bwc016_memory_limit;
mod bwc017_cpu_limit;
mod bwc018_pids_limit;
mod bwc019_image_tag;
mod bwc020_secret_in_environment;
mod bwc021_port_all_interfaces;
mod bwc022_privileged_port;
mod bwc023_host_device;
mod bwc024_shared_propagation;

use bulwark_report::{Category, Finding, Location, RuleInfo, Severity};
use bulwark_secrets::Scanner;

use crate::model::{Origin, Service};

/// A container runtime rule.
pub struct Rule {
    /// Code (`BWC001`).
    pub code: &'static str,
    /// Kebab-case name.
    pub name: &'static str,
    /// One-line summary.
    pub summary: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// CIS Docker Benchmark v1.6.0 check number (`5.5`), if the rule maps to one.
    pub cis: Option<&'static str>,
    /// Markdown: what it does, why, example, fix.
    pub doc: &'static str,
    /// The check.
    pub run: fn(&Service, &mut Emitter<'_>),
}

/// What the checks may need besides the service.
pub struct Context<'a> {
    /// The secret scanner for `environment` values.
    pub secrets: Option<&'a Scanner>,
}

/// Collects a rule's findings for one service.
pub struct Emitter<'a> {
    rule: &'static Rule,
    service: &'a Service,
    ctx: &'a Context<'a>,
    out: Vec<Finding>,
}

impl Emitter<'_> {
    /// Reports `message` at `location`, with `help` saying what to change and the setting's
    /// name (`privileged`, `cap_add`, …) as the `setting` property.
    pub fn emit(&mut self, location: &Location, setting: &str, message: String, help: &str) {
        self.out.push(finding(
            self.rule,
            self.service,
            location,
            setting,
            message,
            help,
        ));
    }

    /// The secret scanner, when one was given.
    pub fn secrets(&self) -> Option<&Scanner> {
        self.ctx.secrets
    }
}

fn finding(
    rule: &Rule,
    s: &Service,
    location: &Location,
    setting: &str,
    message: String,
    help: &str,
) -> Finding {
    let mut f = Finding::new(
        rule.code,
        rule.severity,
        Category::Runtime,
        message,
        location.clone(),
    )
    .with_help(help)
    .with_property("setting", setting);
    match &s.origin {
        Origin::Compose => {
            f = f.with_property("service", s.name.clone());
            if !s.profiles.is_empty() {
                f = f.with_property("profiles", s.profiles.clone());
            }
        }
        Origin::Container { id, state } => {
            f = f
                .with_property("container", s.name.clone())
                .with_property("container_id", id.clone())
                .with_property("state", state.clone());
        }
    }
    if let Some(c) = rule.cis {
        f = f.with_property("cis", c);
    }
    f
}

/// Every container runtime rule, by code.
pub static RULES: &[&Rule] = &[
    &bwc001_privileged::RULE,
    &bwc002_cap_add::RULE,
    &bwc003_cap_drop_all::RULE,
    &bwc004_host_network::RULE,
    &bwc005_host_pid::RULE,
    &bwc006_host_ipc::RULE,
    &bwc007_host_uts::RULE,
    &bwc008_host_userns::RULE,
    &bwc009_docker_socket::RULE,
    &bwc010_sensitive_host_path::RULE,
    &bwc011_read_only::RULE,
    &bwc012_user::RULE,
    &bwc013_no_new_privileges::RULE,
    &bwc014_seccomp_unconfined::RULE,
    &bwc015_lsm_unconfined::RULE,
    &bwc016_memory_limit::RULE,
    &bwc017_cpu_limit::RULE,
    &bwc018_pids_limit::RULE,
    &bwc019_image_tag::RULE,
    &bwc020_secret_in_environment::RULE,
    &bwc021_port_all_interfaces::RULE,
    &bwc022_privileged_port::RULE,
    &bwc023_host_device::RULE,
    &bwc024_shared_propagation::RULE,
];

const CIS_LINK: &str = "https://www.cisecurity.org/benchmark/docker";

/// Rule metadata for `bulwark rules` and SARIF.
pub fn rules() -> impl Iterator<Item = RuleInfo> {
    RULES.iter().map(|r| RuleInfo {
        code: r.code.to_string(),
        name: Some(r.name.to_string()),
        summary: r.summary.to_string(),
        help_markdown: match r.cis {
            Some(c) => format!(
                "{}\n## CIS Docker Benchmark\nv1.6.0, check {c} ({CIS_LINK}).\n",
                r.doc
            ),
            None => r.doc.to_string(),
        },
        default_severity: r.severity,
        help_uri: Some(bulwark_report::rule_docs_url(r.code)),
    })
}

/// Runs every rule on one service.
#[must_use]
pub fn check_service(s: &Service, ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in RULES {
        let mut e = Emitter {
            rule,
            service: s,
            ctx,
            out: Vec::new(),
        };
        (rule.run)(s, &mut e);
        out.append(&mut e.out);
    }
    out
}

/// True when the service runs privileged (most other checks are moot then, but still shown:
/// dropping `privileged` alone must not leave the rest open).
pub(crate) fn is_privileged(s: &Service) -> bool {
    s.privileged.as_ref().is_some_and(|p| p.value)
}

/// A namespace setting of `host` (`pid: host`, `network_mode: host`).
pub(crate) fn host_namespace(
    field: Option<&crate::model::Field<String>>,
) -> Option<&crate::model::Field<String>> {
    field.filter(|f| f.value.eq_ignore_ascii_case("host"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_documented() {
        let mut codes: Vec<_> = RULES.iter().map(|r| r.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), RULES.len());
        for r in RULES {
            for section in ["## What", "## Why", "## Example", "## Fix"] {
                assert!(r.doc.contains(section), "{} lacks {section}", r.code);
            }
        }
    }
}
