//! The exit policy shared by every command: which findings make the run fail, and with what code.

use crate::{Report, Severity};

/// Exit status: nothing at or above the threshold.
pub const EXIT_CLEAN: i32 = 0;
/// Default exit status when findings reach the threshold.
pub const EXIT_FINDINGS: i32 = 1;
/// Usage error (bad flag, bad config).
pub const EXIT_USAGE: i32 = 2;
/// Runtime error (input unreadable, network, daemon ...).
pub const EXIT_RUNTIME: i32 = 3;

/// Decides the exit status of a run from its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitPolicy {
    /// Findings at or above this severity fail the run; `None` never fails on findings
    /// (Hadolint's `--failure-threshold none`).
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
    /// The exit status for `report`.
    #[must_use]
    pub fn exit_status(&self, report: &Report) -> i32 {
        let Some(threshold) = self.threshold else {
            return EXIT_CLEAN;
        };
        if report
            .findings
            .iter()
            .any(|f| f.severity.at_least(threshold))
        {
            self.exit_code
        } else {
            EXIT_CLEAN
        }
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
}
