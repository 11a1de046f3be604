//! Pod Security Standards, check by check and version by version, as
//! kubernetes/pod-security-admission (`policy/check_*.go`) defines them.
//!
//! Each check has the upstream ID, level and the first policy version it applies to; a check's
//! behaviour may change at later versions (the `minor` argument). Like upstream, some restricted
//! checks *override* a baseline check from a version on (the restricted check then replaces the
//! baseline one at the restricted level): `seccompProfile_restricted` replaces
//! `seccompProfile_baseline` from v1.19, `capabilities_restricted` replaces
//! `capabilities_baseline` from v1.22 and `procMount_restricted` replaces `procMount` from v1.35.
//!
//! Findings are reported per offending field (so each points at its line and column); the
//! message is upstream's forbidden reason and detail for that field.

mod checks;

use std::fmt;
use std::str::FromStr;

use crate::model::{Meta, PodSpec};
use bulwark_yaml::Pos;

pub use checks::CHECKS;

/// The newest policy version this checker knows (`latest` evaluates as this one).
pub const LATEST_MINOR: u32 = 37;

/// A Pod Security Standards level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// No restrictions.
    Privileged,
    /// Prevents known privilege escalations.
    Baseline,
    /// Current pod hardening best practice (includes baseline).
    Restricted,
}

impl Level {
    /// The name used in flags and namespace labels.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Privileged => "privileged",
            Self::Baseline => "baseline",
            Self::Restricted => "restricted",
        }
    }
}

impl Level {
    /// Parses a namespace label value exactly as upstream `ParseLevel` does (case-sensitive,
    /// no surrounding space); `None` when the API server would reject it.
    #[must_use]
    pub fn from_label(s: &str) -> Option<Self> {
        match s {
            "privileged" => Some(Self::Privileged),
            "baseline" => Some(Self::Baseline),
            "restricted" => Some(Self::Restricted),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A level or version string that is not known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParsePolicyError {
    /// Unknown level.
    #[error("unknown Pod Security level `{0}` (expected privileged, baseline or restricted)")]
    Level(String),
    /// Unknown version.
    #[error("invalid Pod Security policy version `{0}` (expected `latest` or `v1.N`, e.g. v1.30)")]
    Version(String),
}

impl FromStr for Level {
    type Err = ParsePolicyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "privileged" => Ok(Self::Privileged),
            "baseline" => Ok(Self::Baseline),
            "restricted" => Ok(Self::Restricted),
            _ => Err(ParsePolicyError::Level(s.to_string())),
        }
    }
}

/// A policy version: `latest` or `v1.N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PolicyVersion {
    /// The newest policy.
    #[default]
    Latest,
    /// `v1.N` (versions newer than the newest policy change evaluate like the newest).
    V1(u32),
}

impl PolicyVersion {
    /// The minor version the checks evaluate at.
    #[must_use]
    pub fn minor(self) -> u32 {
        match self {
            Self::Latest => LATEST_MINOR,
            Self::V1(m) => m.min(LATEST_MINOR),
        }
    }
}

impl PolicyVersion {
    /// Parses a namespace label value exactly as upstream `ParseVersion` does: `latest` or
    /// `v1.N` with no leading zero (`^v1\.([0-9]|[1-9][0-9]*)$`); `None` when the API server
    /// would reject it.
    #[must_use]
    pub fn from_label(s: &str) -> Option<Self> {
        if s == "latest" {
            return Some(Self::Latest);
        }
        let digits = s.strip_prefix("v1.")?;
        let canonical = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'));
        if !canonical {
            return None;
        }
        // Go's Atoi fails beyond int64; anything newer than the newest policy evaluates alike.
        let n = digits.parse::<i64>().ok()?;
        Some(Self::V1(u32::try_from(n).unwrap_or(u32::MAX)))
    }
}

impl fmt::Display for PolicyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Latest => f.write_str("latest"),
            Self::V1(m) => write!(f, "v1.{m}"),
        }
    }
}

impl FromStr for PolicyVersion {
    type Err = ParsePolicyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("latest") {
            return Ok(Self::Latest);
        }
        t.strip_prefix('v')
            .and_then(|r| r.strip_prefix("1."))
            .and_then(|m| m.parse::<u32>().ok())
            .map(Self::V1)
            .ok_or_else(|| ParsePolicyError::Version(s.to_string()))
    }
}

/// What a PSS check sees: the pod (template) metadata and spec.
pub struct PodView<'a> {
    /// Pod (template) metadata: annotations carry legacy seccomp/AppArmor settings.
    pub meta: &'a Meta,
    /// The pod spec.
    pub spec: &'a PodSpec,
    /// Relax runAsNonRoot/runAsUser for pods with `hostUsers: false` (upstream
    /// `RelaxPolicyForUserNamespacePods`, off by default).
    pub relax_user_namespace_pods: bool,
}

/// One forbidden field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where.
    pub pos: Pos,
    /// Upstream's forbidden reason (`privileged`, `host namespaces`, ...).
    pub reason: String,
    /// Upstream-style detail for this occurrence.
    pub detail: String,
    /// What to change.
    pub help: String,
    /// The container concerned, if any.
    pub container: Option<String>,
}

/// A Pod Security Standards check.
pub struct Check {
    /// Upstream check ID (`privileged`, `capabilities_restricted`, ...).
    pub id: &'static str,
    /// The level that introduces it.
    pub level: Level,
    /// First policy version (minor) it applies to.
    pub since: u32,
    /// The baseline check this restricted check replaces, and from which minor version.
    pub overrides: Option<(&'static str, u32)>,
    /// One-line summary.
    pub summary: &'static str,
    /// Markdown documentation.
    pub doc: &'static str,
    /// The check itself, at a policy minor version.
    pub run: fn(&PodView<'_>, u32) -> Vec<Violation>,
}

impl Check {
    /// Finding code: `PSS-<id>`.
    #[must_use]
    pub fn code(&self) -> String {
        format!("PSS-{}", self.id)
    }
}

/// The checks that apply at `level` and policy `minor`, with overrides applied.
pub fn active_checks(level: Level, minor: u32) -> impl Iterator<Item = &'static Check> {
    let overridden: Vec<&'static str> = CHECKS
        .iter()
        .filter(|c| c.level <= level && c.since <= minor)
        .filter_map(|c| {
            c.overrides
                .filter(|(_, from)| *from <= minor)
                .map(|(id, _)| id)
        })
        .collect();
    CHECKS.iter().filter(move |c| {
        level != Level::Privileged
            && c.level <= level
            && c.since <= minor
            && !overridden.contains(&c.id)
    })
}

/// Runs every applicable check on one pod; returns `(check, violation)` pairs.
pub fn evaluate(
    view: &PodView<'_>,
    level: Level,
    version: PolicyVersion,
) -> Vec<(&'static Check, Violation)> {
    let minor = version.minor();
    let mut out = Vec::new();
    for check in active_checks(level, minor) {
        for v in (check.run)(view, minor) {
            out.push((check, v));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse() {
        assert_eq!(
            "latest".parse::<PolicyVersion>().unwrap(),
            PolicyVersion::Latest
        );
        assert_eq!(
            "v1.25".parse::<PolicyVersion>().unwrap(),
            PolicyVersion::V1(25)
        );
        assert_eq!(PolicyVersion::V1(99).minor(), LATEST_MINOR);
        assert!("1.25".parse::<PolicyVersion>().is_err());
        assert!("v2.0".parse::<PolicyVersion>().is_err());
        assert_eq!("Restricted".parse::<Level>().unwrap(), Level::Restricted);
        assert!("strict".parse::<Level>().is_err());
    }

    #[test]
    fn labels_parse_strictly_like_upstream() {
        assert_eq!(Level::from_label("baseline"), Some(Level::Baseline));
        assert_eq!(Level::from_label("Baseline"), None);
        assert_eq!(Level::from_label(" baseline"), None);
        assert_eq!(
            PolicyVersion::from_label("latest"),
            Some(PolicyVersion::Latest)
        );
        assert_eq!(
            PolicyVersion::from_label("v1.0"),
            Some(PolicyVersion::V1(0))
        );
        assert_eq!(
            PolicyVersion::from_label("v1.30"),
            Some(PolicyVersion::V1(30))
        );
        assert_eq!(
            PolicyVersion::from_label("v1.9999999999"),
            Some(PolicyVersion::V1(u32::MAX))
        );
        for bad in [
            "v1.99999999999999999999",
            "Latest",
            "v1.030",
            "v1.",
            "1.30",
            "v2.1",
            "v1.3a",
            "v1.-1",
            "",
        ] {
            assert_eq!(PolicyVersion::from_label(bad), None, "{bad}");
        }
    }

    #[test]
    fn overrides_apply_from_their_version() {
        let ids = |l, m| active_checks(l, m).map(|c| c.id).collect::<Vec<_>>();
        assert!(ids(Level::Restricted, 18).contains(&"seccompProfile_baseline"));
        assert!(!ids(Level::Restricted, 19).contains(&"seccompProfile_baseline"));
        assert!(ids(Level::Baseline, 37).contains(&"seccompProfile_baseline"));
        assert!(ids(Level::Restricted, 21).contains(&"capabilities_baseline"));
        assert!(!ids(Level::Restricted, 22).contains(&"capabilities_baseline"));
        assert!(ids(Level::Privileged, 37).is_empty());
        assert!(!ids(Level::Baseline, 37).contains(&"runAsNonRoot"));
    }
}
