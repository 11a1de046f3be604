//! BWI013: Package index update alone in a build step.

use bulwark_report::{Category, Finding, Severity};

use super::{Check, Context, is_run_step, shown};

/// The check.
pub(super) static CHECK: Check = Check {
    code: "BWI013",
    name: "update-without-install",
    severity: Severity::Low,
    summary: "Package index update alone in a build step",
    doc: bulwark_report::rule_doc! {
        /// ## What it finds
        /// Package index update alone in a build step.
        ///
        /// ## Why it matters
        /// A cached `apt-get update` layer goes stale; later installs use old indexes.
        ///
        /// ## Example
        /// ```
        /// RUN apt-get update
        /// ```
        ///
        /// ## Fix
        /// Combine update and install in one RUN: `apt-get update && apt-get install -y ...`.
        ///
        /// ## Related
        /// Trivy AVD-DS-0017, Dockle CIS-DI-0007
    },
    category: Category::ImageConfig,
    run,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (i, h) in cx.input.history.iter().enumerate() {
        let cmd = h.created_by.as_str();
        if is_run_step(cmd) && update_without_install(&cmd.to_ascii_lowercase()) {
            out.push(
                CHECK
                    .finding(
                        format!(
                            "Package index update without install in history step {}",
                            i + 1
                        ),
                        cx.here(),
                    )
                    .with_property("created_by", shown(cmd))
                    .with_property("history_index", i),
            );
        }
    }
}

fn update_without_install(lower: &str) -> bool {
    lower.split("&&").flat_map(|s| s.split(';')).any(|s| {
        let s = s.trim();
        s.contains("apt-get update") || s.contains("apt update") || s.contains("apk update")
    }) && !lower.contains(" install")
        && !lower.contains("apk add")
}
