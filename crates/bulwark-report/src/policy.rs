//! The policy shared by every command: which findings a run reports (`--severity`), which make
//! it fail (`--failure-threshold`), and with what exit status (`--exit-code`).
//!
//! Two things override the thresholds, so a gate never passes what it could not check:
//! * [`Report::errors`] (an input that could not be read, a database that could not be
//!   queried) make the run a runtime error, [`EXIT_RUNTIME`];
//! * input-error findings ([`Category::InputError`]: `DL1000`, `K8S-PARSE`, …) are never
//!   filtered out by `--severity` and always fail the run with its findings exit status.

use crate::{Category, Finding, ParseSeverityError, Report, Severity};

/// Exit status: nothing at or above the threshold.
pub const EXIT_CLEAN: i32 = 0;
/// Default exit status when findings reach the threshold.
pub const EXIT_FINDINGS: i32 = 1;
/// Usage error (bad flag, bad config).
pub const EXIT_USAGE: i32 = 2;
/// Runtime error (input unreadable, database unusable, network, daemon ...).
pub const EXIT_RUNTIME: i32 = 3;

/// Decides the exit status of a run from its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitPolicy {
    /// Findings at or above this severity fail the run; `None` never fails on findings
    /// (`--failure-threshold none`, or Trivy's default without `--exit-code`).
    pub threshold: Option<Severity>,
    /// Exit status used when the threshold is reached.
    pub exit_code: i32,
}

impl Default for ExitPolicy {
    /// Hadolint's default: any finding of `info` or above fails with status 1.
    fn default() -> Self {
        Self {
            threshold: Some(Severity::Info),
            exit_code: EXIT_FINDINGS,
        }
    }
}

impl ExitPolicy {
    /// The policy from the flags every command shares, given the command's default threshold:
    ///
    /// * `-t/--failure-threshold/--fail-on LEVEL` sets the threshold (`none` never fails);
    /// * `--exit-code N` alone fails on any finding with status N (Trivy's meaning);
    /// * neither: the command's default (`default_threshold`), with status 1.
    #[must_use]
    pub fn from_flags(
        threshold: Option<Threshold>,
        exit_code: Option<i32>,
        default_threshold: Option<Severity>,
    ) -> Self {
        let threshold = match (threshold, exit_code) {
            (Some(t), _) => t.0,
            (None, Some(_)) => Some(Severity::Unknown),
            (None, None) => default_threshold,
        };
        Self {
            threshold,
            exit_code: exit_code.unwrap_or(EXIT_FINDINGS),
        }
    }

    /// The exit status for `report`.
    #[must_use]
    pub fn exit_status(&self, report: &Report) -> i32 {
        if !report.errors.is_empty() {
            return EXIT_RUNTIME;
        }
        let fails = report.findings.iter().any(|f| {
            f.category == Category::InputError
                || self.threshold.is_some_and(|t| f.severity.at_least(t))
        });
        if fails { self.exit_code } else { EXIT_CLEAN }
    }
}

/// A `--failure-threshold` value: a severity, `any` (every finding fails) or `none` (never).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threshold(pub Option<Severity>);

impl std::str::FromStr for Threshold {
    type Err = ParseSeverityError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" | "never" => Ok(Self(None)),
            "any" => Ok(Self(Some(Severity::Unknown))),
            _ => s.parse::<Severity>().map(|s| Self(Some(s))),
        }
    }
}

/// `--severity`: the severities a run reports; empty keeps every finding. A finding is kept
/// when its [`Severity::bucket`] equals that of a listed severity, so `HIGH` keeps lint errors
/// too; input errors are always kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeverityFilter {
    keep: Vec<Severity>,
}

/// What [`SeverityFilter::apply`] dropped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dropped {
    /// Findings dropped.
    pub total: usize,
    /// Of those, findings of unknown severity (worth telling the user about: a vulnerability
    /// nobody rated may still be critical).
    pub unknown: usize,
}

impl SeverityFilter {
    /// Keeps the severities in `keep` (empty: all).
    #[must_use]
    pub fn new(keep: Vec<Severity>) -> Self {
        Self { keep }
    }

    /// True when the filter keeps everything.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keep.is_empty()
    }

    /// True when `f` is reported.
    #[must_use]
    pub fn keeps(&self, f: &Finding) -> bool {
        self.keeps_kind(f.severity, f.category)
    }

    /// True when a finding of `severity` and `category` is reported.
    #[must_use]
    pub fn keeps_kind(&self, severity: Severity, category: Category) -> bool {
        self.keep.is_empty()
            || category == Category::InputError
            || self.keep.iter().any(|s| s.bucket() == severity.bucket())
    }

    /// Drops the findings (and suppressed findings) of `report` it does not keep.
    pub fn apply(&self, report: &mut Report) -> Dropped {
        let mut dropped = Dropped::default();
        if self.keep.is_empty() {
            return dropped;
        }
        report.findings.retain(|f| {
            let keep = self.keeps(f);
            if !keep {
                dropped.total += 1;
                dropped.unknown += usize::from(f.severity == Severity::Unknown);
            }
            keep
        });
        report.suppressed.retain(|s| self.keeps(&s.finding));
        dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Category, Finding, Location};

    fn report_with(sev: Severity) -> Report {
        Report {
            findings: vec![Finding::new(
                "X1",
                sev,
                Category::Dockerfile,
                "m",
                Location::file("f"),
            )],
            ..Report::default()
        }
    }

    #[test]
    fn threshold_and_exit_code() {
        let p = ExitPolicy {
            threshold: Some(Severity::Warning),
            exit_code: 7,
        };
        assert_eq!(p.exit_status(&report_with(Severity::Error)), 7);
        assert_eq!(p.exit_status(&report_with(Severity::Warning)), 7);
        assert_eq!(p.exit_status(&report_with(Severity::Info)), 0);
        assert_eq!(p.exit_status(&Report::default()), 0);
        let none = ExitPolicy {
            threshold: None,
            exit_code: 1,
        };
        assert_eq!(none.exit_status(&report_with(Severity::Critical)), 0);
    }

    #[test]
    fn errors_are_runtime_errors_and_input_errors_always_fail() {
        let never = ExitPolicy {
            threshold: None,
            exit_code: 5,
        };
        let mut r = Report::default();
        r.errors.push("db lookup failed".into());
        assert_eq!(never.exit_status(&r), EXIT_RUNTIME);
        let mut r = report_with(Severity::Low);
        r.findings[0].category = Category::InputError;
        assert_eq!(never.exit_status(&r), 5);
    }

    #[test]
    fn flags_combine_like_trivy_and_hadolint() {
        let t = |s: &str| Some(s.parse::<Threshold>().unwrap());
        // Trivy: --exit-code alone fails on anything.
        let p = ExitPolicy::from_flags(None, Some(4), None);
        assert_eq!((p.threshold, p.exit_code), (Some(Severity::Unknown), 4));
        // Grype: --fail-on high.
        let p = ExitPolicy::from_flags(t("high"), None, None);
        assert_eq!((p.threshold, p.exit_code), (Some(Severity::High), 1));
        // Both.
        let p = ExitPolicy::from_flags(t("critical"), Some(9), None);
        assert_eq!((p.threshold, p.exit_code), (Some(Severity::Critical), 9));
        // none wins over --exit-code.
        let p = ExitPolicy::from_flags(t("none"), Some(9), Some(Severity::Info));
        assert_eq!(p.threshold, None);
        // The command's default.
        let p = ExitPolicy::from_flags(None, None, Some(Severity::Info));
        assert_eq!(p.threshold, Some(Severity::Info));
        assert!("bogus".parse::<Threshold>().is_err());
    }

    #[test]
    fn severity_filter_uses_one_scale_and_keeps_input_errors() {
        let f =
            |sev: Severity, cat: Category| Finding::new("X", sev, cat, "m", Location::file("f"));
        let filter = SeverityFilter::new(vec![Severity::Critical, Severity::High]);
        assert!(filter.keeps(&f(Severity::Error, Category::Dockerfile)));
        assert!(filter.keeps(&f(Severity::High, Category::Vulnerability)));
        assert!(!filter.keeps(&f(Severity::Warning, Category::Dockerfile)));
        assert!(!filter.keeps(&f(Severity::Low, Category::ImageConfig)));
        assert!(filter.keeps(&f(Severity::Info, Category::InputError)));
        let mut r = Report {
            findings: vec![
                f(Severity::Unknown, Category::Vulnerability),
                f(Severity::Unknown, Category::Vulnerability),
                f(Severity::Medium, Category::Vulnerability),
                f(Severity::Critical, Category::Vulnerability),
            ],
            ..Report::default()
        };
        let d = filter.apply(&mut r);
        assert_eq!((d.total, d.unknown), (3, 2));
        assert_eq!(r.findings.len(), 1);
        let style = SeverityFilter::new(vec![Severity::Low]);
        assert!(style.keeps(&f(Severity::Style, Category::Dockerfile)));
        assert!(style.keeps(&f(Severity::Info, Category::Dockerfile)));
    }
}
