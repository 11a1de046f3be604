//! Namespaces' Pod Security labels: the admission modes (enforce, warn, audit), the level and
//! version each mode applies, resolved as upstream `PolicyToEvaluate` resolves them.

use bulwark_report::Severity;

use crate::pss::{Level, PolicyVersion};
use crate::pss_severity;

/// How admission acts on a Pod Security violation: the `<MODE>` of the namespace labels
/// `pod-security.kubernetes.io/<MODE>` and `pod-security.kubernetes.io/<MODE>-version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// The pod is rejected.
    Enforce,
    /// The API server returns a warning to the client (`kubectl` prints it) and admits it.
    Warn,
    /// An audit annotation is added to the request's audit event; the object is admitted.
    Audit,
}

impl Mode {
    /// Every mode, strongest first.
    pub const ALL: [Self; 3] = [Self::Enforce, Self::Warn, Self::Audit];

    /// The name used in the namespace labels and in the `mode` property.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Enforce => "enforce",
            Self::Warn => "warn",
            Self::Audit => "audit",
        }
    }

    /// The severity of a violation of `level`'s check in this mode: enforce rejections are
    /// `high` (baseline checks) or `medium` (restricted checks), warnings `low`, audit
    /// annotations `info` (reported as `low`: every Kubernetes finding is on the vulnerability
    /// scale; the `mode` property tells warnings and audit annotations apart).
    #[must_use]
    pub fn severity(self, check_level: Level) -> Severity {
        match self {
            Self::Enforce => pss_severity(check_level),
            Self::Warn => Severity::Low,
            Self::Audit => Severity::Info,
        }
    }

    pub(crate) const fn index(self) -> usize {
        match self {
            Self::Enforce => 0,
            Self::Warn => 1,
            Self::Audit => 2,
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A level at a policy version (upstream `LevelVersion`, printed `restricted:v1.30`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LevelVersion {
    /// The level.
    pub level: Level,
    /// The policy version.
    pub version: PolicyVersion,
}

impl std::fmt::Display for LevelVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.level, self.version)
    }
}

/// The policy of every mode for one namespace (upstream `api.Policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Policy {
    /// Indexed by [`Mode`]: enforce, warn, audit.
    pub(crate) modes: [LevelVersion; 3],
}

impl Policy {
    /// The policy of `mode`.
    #[must_use]
    pub const fn get(&self, mode: Mode) -> LevelVersion {
        self.modes[mode.index()]
    }
}

/// The Pod Security labels a Namespace object sets, already resolved the way upstream
/// `PolicyToEvaluate` resolves them: an invalid enforce level reads as `restricted`, an invalid
/// warn or audit level as `privileged` (fail open), an invalid version as `latest`; an absent
/// label (`None`) falls back to the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct NamespaceLabels {
    pub(crate) levels: [Option<Level>; 3],
    pub(crate) versions: [Option<PolicyVersion>; 3],
}

/// The namespace label that sets `mode`'s level, and its version label.
#[must_use]
pub fn mode_labels(mode: Mode) -> (&'static str, &'static str) {
    match mode {
        Mode::Enforce => (
            "pod-security.kubernetes.io/enforce",
            "pod-security.kubernetes.io/enforce-version",
        ),
        Mode::Warn => (
            "pod-security.kubernetes.io/warn",
            "pod-security.kubernetes.io/warn-version",
        ),
        Mode::Audit => (
            "pod-security.kubernetes.io/audit",
            "pod-security.kubernetes.io/audit-version",
        ),
    }
}
