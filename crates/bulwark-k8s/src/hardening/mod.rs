//! Bulwark's hardening rules (`BWK…`): what a reviewer flags beyond the Pod Security Standards.
//!
//! One rule, one file: each file holds the check and the rule's documentation (what / why /
//! example / fix) as the doc comment of its [`Rule::doc`]. [`RULES`] is the registry.
//!
//! Mapping to Trivy (KSV) and kube-linter checks:
//!
//! | code | name | Trivy | kube-linter |
//! | --- | --- | --- | --- |
//! | BWK001 | resources-missing | KSV011, KSV015, KSV016, KSV018 | unset-cpu-requirements, unset-memory-requirements |
//! | BWK002 | readonly-root-filesystem | KSV014 | no-read-only-root-fs |
//! | BWK003 | image-without-tag | KSV013 | latest-tag |
//! | BWK004 | image-latest-tag | KSV013 | latest-tag |
//! | BWK005 | image-without-digest | — | — |
//! | BWK006 | pull-policy-mutable-tag | — | — |
//! | BWK007 | automount-service-account-token | KSV036 | — |
//! | BWK008 | writable-host-path | KSV023 | writable-host-mount |
//! | BWK009 | secret-in-env | — | env-var-secret |
//! | BWK010 | added-capabilities | KSV022 | — |
//! | BWK011 | low-run-as-user | KSV020 | — |
//! | BWK012 | low-run-as-group | KSV021 | — |
//! | BWK013 | missing-liveness-probe | — | no-liveness-probe |
//! | BWK014 | missing-readiness-probe | — | no-readiness-probe |
//! | BWK015 | default-namespace | KSV110 | — |
//! | BWK016 | default-service-account | — | default-service-account |
//! | BWK017 | share-process-namespace | — | — |
//! | BWK018 | host-aliases | KSV007 | — |
//! | BWK019 | runtime-socket-mount | KSV006 | docker-sock |
//! | BWK020 | sensitive-host-path | KSV023 (hostPath) | sensitive-host-mounts |
//! | BWK021 | ssh-port | — | ssh-port |
//! | BWK022 | privileged-port | KSV117 | privileged-ports |
//! | BWK023 | deprecated-service-account-field | — | deprecated-service-account-field |
//!
//! Checks that the Pod Security Standards already cover (privileged, host namespaces, hostPort,
//! capabilities drop ALL, runAsNonRoot, seccomp, AppArmor, SELinux, sysctls, procMount,
//! restricted volumes, allowPrivilegeEscalation: KSV001–KSV005, KSV008–KSV010, KSV012, KSV017,
//! KSV019, KSV024–KSV030, KSV104, KSV106) are reported as `PSS-*` findings, not duplicated here.

mod bwk001_resources;
mod bwk002_readonly_root_fs;
mod bwk003_image_without_tag;
mod bwk004_image_latest_tag;
mod bwk005_image_without_digest;
mod bwk006_pull_policy;
mod bwk007_automount_token;
mod bwk008_writable_host_path;
mod bwk009_secret_in_env;
mod bwk010_added_capabilities;
mod bwk011_low_run_as_user;
mod bwk012_low_run_as_group;
mod bwk013_liveness_probe;
mod bwk014_readiness_probe;
mod bwk015_default_namespace;
mod bwk016_default_service_account;
mod bwk017_share_process_namespace;
mod bwk018_host_aliases;
mod bwk019_runtime_socket;
mod bwk020_sensitive_host_path;
mod bwk021_ssh_port;
mod bwk022_privileged_port;
mod bwk023_deprecated_service_account;

use bulwark_report::{Finding, RuleInfo, Severity};

/// Host-path classifiers shared with the Compose and Docker engine checks (`bulwark-compose`).
pub use bwk019_runtime_socket::is_runtime_socket;
pub use bwk020_sensitive_host_path::sensitive as is_sensitive_host_path;

use crate::Workload;
use crate::model::Container;
use bulwark_yaml::Pos;

/// A hardening rule.
pub struct Rule {
    /// Code (`BWK001`).
    pub code: &'static str,
    /// Kebab-case name.
    pub name: &'static str,
    /// One-line summary.
    pub summary: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// What it does, why, example, fix: the rule's doc comment ([`bulwark_report::rule_doc!`]).
    pub doc: &'static str,
    /// The check.
    pub run: fn(&Workload, &mut Emitter<'_>),
}

/// Collects a rule's findings for one workload.
pub struct Emitter<'a> {
    rule: &'static Rule,
    workload: &'a Workload,
    out: Vec<Finding>,
}

impl Emitter<'_> {
    /// Reports `message` at `pos`, with `help` saying what to change.
    pub fn emit(&mut self, pos: Pos, container: Option<&Container>, message: String, help: &str) {
        let f = self
            .workload
            .finding(
                self.rule.code,
                self.rule.severity,
                message,
                pos,
                container.map(|c| c.name.as_str()),
            )
            .with_help(help);
        self.out.push(f);
    }
}

/// Every hardening rule, by code.
pub static RULES: &[&Rule] = &[
    &bwk001_resources::RULE,
    &bwk002_readonly_root_fs::RULE,
    &bwk003_image_without_tag::RULE,
    &bwk004_image_latest_tag::RULE,
    &bwk005_image_without_digest::RULE,
    &bwk006_pull_policy::RULE,
    &bwk007_automount_token::RULE,
    &bwk008_writable_host_path::RULE,
    &bwk009_secret_in_env::RULE,
    &bwk010_added_capabilities::RULE,
    &bwk011_low_run_as_user::RULE,
    &bwk012_low_run_as_group::RULE,
    &bwk013_liveness_probe::RULE,
    &bwk014_readiness_probe::RULE,
    &bwk015_default_namespace::RULE,
    &bwk016_default_service_account::RULE,
    &bwk017_share_process_namespace::RULE,
    &bwk018_host_aliases::RULE,
    &bwk019_runtime_socket::RULE,
    &bwk020_sensitive_host_path::RULE,
    &bwk021_ssh_port::RULE,
    &bwk022_privileged_port::RULE,
    &bwk023_deprecated_service_account::RULE,
];

/// Rule metadata for `bulwark rules` and SARIF.
pub fn rules() -> impl Iterator<Item = RuleInfo> {
    RULES.iter().map(|r| RuleInfo {
        code: r.code.to_string(),
        name: Some(r.name.to_string()),
        summary: r.summary.to_string(),
        help_markdown: bulwark_report::doc_markdown(r.doc),
        default_severity: r.severity,
        help_uri: Some(bulwark_report::rule_docs_url(r.code)),
    })
}

/// Runs every hardening rule on one workload.
#[must_use]
pub fn check(w: &Workload) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in RULES {
        let mut e = Emitter {
            rule,
            workload: w,
            out: Vec::new(),
        };
        (rule.run)(w, &mut e);
        out.append(&mut e.out);
    }
    out
}

/// Containers that run for the life of the pod (not init or ephemeral ones).
pub(crate) fn long_running(w: &Workload) -> impl Iterator<Item = &Container> {
    w.spec
        .containers
        .iter()
        .filter(|c| c.kind == crate::model::ContainerKind::Regular)
}

/// Init and regular containers (ephemeral debug containers are added by `kubectl debug`, not by
/// manifests, and cannot set resources or probes).
pub(crate) fn declared(w: &Workload) -> impl Iterator<Item = &Container> {
    w.spec
        .containers
        .iter()
        .filter(|c| c.kind != crate::model::ContainerKind::Ephemeral)
}

/// True for Job and CronJob, whose pods run to completion.
pub(crate) fn is_batch(w: &Workload) -> bool {
    matches!(w.kind.as_str(), "Job" | "CronJob")
}

/// An image reference's tag and digest (shared with the Compose and Docker engine checks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// The tag, if the reference has one.
    pub tag: Option<&'a str>,
    /// The digest (`sha256:…`), if the reference has one.
    pub digest: Option<&'a str>,
}

/// Splits an image reference into tag and digest (a `:` before the last `/` is a registry port).
pub fn parse_image(image: &str) -> ImageRef<'_> {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    // A tag is after the last ':' that follows the last '/' (a ':' before it is a registry port).
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let tag = rest
        .get(last_slash..)
        .and_then(|name| name.rfind(':').and_then(|i| name.get(i + 1..)));
    ImageRef { tag, digest }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_refs() {
        assert_eq!(parse_image("nginx").tag, None);
        assert_eq!(parse_image("nginx:1.25").tag, Some("1.25"));
        assert_eq!(parse_image("reg:5000/app").tag, None);
        assert_eq!(parse_image("reg:5000/app:v1").tag, Some("v1"));
        let r = parse_image("app@sha256:abc");
        assert_eq!((r.tag, r.digest), (None, Some("sha256:abc")));
    }

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
