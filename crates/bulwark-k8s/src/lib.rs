//! Kubernetes manifest checks: Pod Security Standards (every upstream pod-security-admission
//! check, for every policy version v1.0 … v1.37 and `latest`) plus Bulwark's hardening rules.
//!
//! Input is YAML or JSON, multi-document streams and `kind: List` / `*List` objects. Workloads
//! (Pod, Deployment, ReplicaSet, ReplicationController, StatefulSet, DaemonSet, Job, CronJob,
//! PodTemplate) are checked through their pod template; other kinds are read and passed over.
//! A `Namespace` object in the input with `pod-security.kubernetes.io/<MODE>` (and
//! `<MODE>-version`) labels sets the policy of each admission [`Mode`] (enforce, warn, audit)
//! for workloads in that namespace; see `docs/rules.md` for how each mode is evaluated.
//!
//! Every finding points at the line and column of the offending field (or of the container or
//! object when a field is missing) and carries these properties: `document` (0-based index in
//! the stream), `item` (index in a List, when inside one), `kind`, `name`, `namespace`,
//! `container`, and for PSS findings `mode`, `level`, `version` and `check`.
//!
//! Severity, one scale for every finding: an enforce violation of a PSS baseline check is
//! `high`, of a restricted-only check `medium`; warn and audit violations are `low` (the `mode`
//! property tells them apart); hardening rules' lint levels map onto the same scale
//! ([`Severity::bucket`]: error → high, warning → medium, info → low); unreadable input is
//! `high` with [`bulwark_report::Category::InputError`].
//!
//! Suppression: the annotation `bulwark.dev/ignore: "CODE1,CODE2=reason"` on an object (or its
//! pod template) moves matching findings of that object to [`CheckResult::suppressed`].
//!
//! ```
//! use bulwark_k8s::{Level, Options, PolicyVersion, check_source};
//!
//! let manifest = b"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: nginx:1.27}]\n";
//! let opts = Options {
//!     level: Level::Baseline,
//!     version: "v1.30".parse::<PolicyVersion>().unwrap(),
//!     hardening: false,
//!     ..Options::default()
//! };
//! let result = check_source("pod.yaml", manifest, &opts);
//! assert_eq!(result.findings.len(), 1);
//! let f = &result.findings[0];
//! assert_eq!(f.code, "PSS-hostNamespaces");
//! assert_eq!((f.location.line, f.location.column), (Some(5), Some(3)));
//! ```
//!
//! For several files at once (so a Namespace in one file governs workloads in another), use
//! [`Checker`]; [`collect_inputs`] expands directories; [`rules`] lists every code.

mod checker;
pub mod hardening;
mod inputs;
pub mod model;
mod namespace;
pub mod pss;
mod workload;

use bulwark_report::{Finding, RuleInfo, Severity, Suppressed};

pub use crate::checker::Checker;
pub use crate::inputs::{InputError, collect_inputs};
pub use crate::namespace::{LevelVersion, Mode, Policy, mode_labels};
pub use crate::pss::{Level, ParsePolicyError, PolicyVersion};
pub use crate::workload::Workload;
use bulwark_yaml::Limits;

/// Code of the finding for input that is not valid YAML/JSON or exceeds a limit.
pub const CODE_PARSE: &str = "K8S-PARSE";
/// Code of the finding for a field whose type the API server would reject.
pub const CODE_INVALID: &str = "K8S-INVALID";
/// Code of the finding for a workload kind with an `apiVersion` that does not define it.
pub const CODE_UNKNOWN_API: &str = "K8S-UNKNOWN-API";

/// The annotation that suppresses findings on an object.
pub const IGNORE_ANNOTATION: &str = "bulwark.dev/ignore";

pub(crate) const PSS_LINK: &str =
    "https://kubernetes.io/docs/concepts/security/pod-security-standards/";

/// How to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Pod Security Standards level (default `restricted`).
    pub level: Level,
    /// Policy version (default `latest`).
    pub version: PolicyVersion,
    /// Run the hardening rules (`BWK…`) as well (default true).
    pub hardening: bool,
    /// Relax runAsNonRoot/runAsUser for pods with `hostUsers: false`, as upstream does when the
    /// cluster opts in (`UserNamespacesPodSecurityStandards`; default false).
    pub relax_user_namespace_pods: bool,
    /// Reader limits (depth, node and alias budgets).
    pub limits: Limits,
    /// Largest source accepted, in bytes (default 128 MiB).
    pub max_source_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            level: Level::Restricted,
            version: PolicyVersion::Latest,
            hardening: true,
            relax_user_namespace_pods: false,
            limits: Limits::default(),
            max_source_bytes: 128 * 1024 * 1024,
        }
    }
}

/// Findings, and the findings an ignore annotation suppressed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckResult {
    /// Findings that count, sorted by position.
    pub findings: Vec<Finding>,
    /// Suppressed findings with the reason.
    pub suppressed: Vec<Suppressed>,
}

/// Checks one source (a file's bytes, or stdin as `-`).
#[must_use]
pub fn check_source(display_path: &str, source: &[u8], opts: &Options) -> CheckResult {
    let mut checker = Checker::new(opts.clone());
    checker.add_source(display_path, source);
    checker.finish()
}

/// Every rule this crate reports: PSS checks, hardening rules and input codes.
pub fn rules() -> impl Iterator<Item = RuleInfo> {
    let pss = pss::CHECKS.iter().map(|c| RuleInfo {
        code: c.code(),
        name: Some(format!(
            "pss-{}",
            c.id.to_ascii_lowercase().replace('_', "-")
        )),
        summary: c.summary.to_string(),
        help_markdown: format!(
            "Pod Security Standards check `{}` (level {}, since policy v1.{}).\n\n{}",
            c.id, c.level, c.since, c.doc
        ),
        default_severity: pss_severity(c.level),
        help_uri: Some(PSS_LINK.to_string()),
    });
    let input = [
        (
            CODE_PARSE,
            "k8s-parse-error",
            "The manifest is not valid YAML/JSON or exceeds a reader limit.",
            Severity::Error,
        ),
        (
            CODE_INVALID,
            "k8s-invalid-field",
            "A field has a type the API server would reject (e.g. `privileged: \"yes\"`).",
            Severity::Error,
        ),
        (
            CODE_UNKNOWN_API,
            "k8s-unknown-api-version",
            "A workload kind with an apiVersion that does not define it; the object is not checked.",
            Severity::Info,
        ),
    ]
    .into_iter()
    .map(|(code, name, summary, sev)| RuleInfo {
        code: code.to_string(),
        name: Some(name.to_string()),
        summary: summary.to_string(),
        help_markdown: String::new(),
        default_severity: sev,
        help_uri: Some(bulwark_report::rule_docs_url(code)),
    });
    pss.chain(hardening::rules()).chain(input).map(|mut r| {
        r.default_severity = r.default_severity.bucket();
        r
    })
}

pub(crate) fn pss_severity(level: Level) -> Severity {
    if level == Level::Baseline {
        Severity::High
    } else {
        Severity::Medium
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_registry_is_complete_and_unique() {
        let all: Vec<RuleInfo> = rules().collect();
        let mut codes: Vec<&str> = all.iter().map(|r| r.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len(), "duplicate codes");
        assert_eq!(
            all.iter().filter(|r| r.code.starts_with("PSS-")).count(),
            19
        );
        assert_eq!(all.iter().filter(|r| r.code.starts_with("BWK")).count(), 23);
        for r in all.iter().filter(|r| !r.code.starts_with("K8S-")) {
            assert!(!r.help_markdown.is_empty(), "{} undocumented", r.code);
        }
        let sev = |c: &str| all.iter().find(|r| r.code == c).map(|r| r.default_severity);
        assert_eq!(sev("PSS-privileged"), Some(Severity::High));
        assert_eq!(sev("PSS-runAsNonRoot"), Some(Severity::Medium));
    }
}
