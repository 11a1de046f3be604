//! BWI012: sudo used in a build step.

use bulwark_report::{Category, Finding, Severity};

use super::{Check, Context, has_word, is_run_step, shown};

/// The check.
pub(super) static CHECK: Check = Check {
    code: "BWI012",
    name: "sudo-in-history",
    severity: Severity::Medium,
    summary: "sudo used in a build step",
    doc: bulwark_report::rule_doc! {
        /// ## What it finds
        /// sudo used in a build step.
        ///
        /// ## Why it matters
        /// Build steps already run as the current USER; sudo means the image ships sudo and has unpredictable TTY/privilege behaviour.
        ///
        /// ## Example
        /// ```
        /// RUN sudo apt-get install -y curl
        /// ```
        ///
        /// ## Fix
        /// Switch `USER root` for the step and back afterwards.
        ///
        /// ## Related
        /// Trivy AVD-DS-0010, Dockle DKL-DI-0001
    },
    category: Category::ImageConfig,
    run,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (i, h) in cx.input.history.iter().enumerate() {
        let cmd = h.created_by.as_str();
        if is_run_step(cmd) && has_word(&cmd.to_ascii_lowercase(), "sudo") {
            out.push(
                CHECK
                    .finding(format!("sudo used in history step {}", i + 1), cx.here())
                    .with_property("created_by", shown(cmd))
                    .with_property("history_index", i),
            );
        }
    }
}
