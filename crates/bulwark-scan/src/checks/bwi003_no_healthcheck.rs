//! BWI003: No HEALTHCHECK.

use bulwark_report::{Category, Finding, Severity};

use super::{Check, Context};

/// The check.
pub(super) static CHECK: Check = Check {
    code: "BWI003",
    name: "no-healthcheck",
    severity: Severity::Low,
    summary: "No HEALTHCHECK",
    doc: bulwark_report::rule_doc! {
        /// ## What it finds
        /// No HEALTHCHECK.
        ///
        /// ## Why it matters
        /// Without a healthcheck the engine cannot tell a hung process from a healthy one.
        ///
        /// ## Example
        /// ```
        /// config.Healthcheck absent, or Test = ["NONE"]
        /// ```
        ///
        /// ## Fix
        /// Add `HEALTHCHECK CMD ...` (or rely on orchestrator probes and ignore this check).
        ///
        /// ## Related
        /// Trivy AVD-DS-0026, Dockle CIS-DI-0006
    },
    category: Category::ImageConfig,
    run,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let disabled = cx
        .input
        .healthcheck
        .as_ref()
        .is_some_and(|t| t.first().is_some_and(|c| c.eq_ignore_ascii_case("NONE")));
    if cx.input.healthcheck.is_none() || disabled {
        let msg = if disabled {
            "HEALTHCHECK is disabled (NONE)"
        } else {
            "No HEALTHCHECK defined"
        };
        out.push(CHECK.finding(msg.to_string(), cx.here()));
    }
}
