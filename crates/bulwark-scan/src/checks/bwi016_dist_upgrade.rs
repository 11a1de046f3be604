//! BWI016: dist-upgrade in a build step.

use bulwark_report::{Category, Finding, Severity};

use super::{Check, Context, is_run_step, shown};

/// The check.
pub(super) static CHECK: Check = Check {
    code: "BWI016",
    name: "dist-upgrade",
    severity: Severity::Low,
    summary: "dist-upgrade in a build step",
    doc: bulwark_report::rule_doc! {
        /// ## What it finds
        /// dist-upgrade in a build step.
        ///
        /// ## Why it matters
        /// `dist-upgrade` can change the distribution release under the image: rebuild the base instead.
        ///
        /// ## Example
        /// ```
        /// RUN apt-get dist-upgrade -y
        /// ```
        ///
        /// ## Fix
        /// Use an up-to-date base image; install specific packages.
        ///
        /// ## Related
        /// Dockle DKL-DI-0003
    },
    category: Category::ImageConfig,
    run,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (i, h) in cx.input.history.iter().enumerate() {
        let cmd = h.created_by.as_str();
        if is_run_step(cmd) && cmd.to_ascii_lowercase().contains("dist-upgrade") {
            out.push(
                CHECK
                    .finding(format!("dist-upgrade in history step {}", i + 1), cx.here())
                    .with_property("created_by", shown(cmd))
                    .with_property("history_index", i),
            );
        }
    }
}
