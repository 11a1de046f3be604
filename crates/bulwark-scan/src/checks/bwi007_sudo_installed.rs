//! BWI007: sudo installed.

use bulwark_report::{Category, Finding, Severity};

use super::{Check, Context};

/// The check.
pub(super) static CHECK: Check = Check {
    code: "BWI007",
    name: "sudo-installed",
    severity: Severity::Medium,
    summary: "sudo installed",
    doc: bulwark_report::rule_doc! {
        /// ## What it finds
        /// sudo installed.
        ///
        /// ## Why it matters
        /// sudo in a container only serves privilege escalation; containers should start with the privileges they need.
        ///
        /// ## Example
        /// ```
        /// package `sudo` installed, /usr/bin/sudo present
        /// ```
        ///
        /// ## Fix
        /// Do not install sudo; use `USER` switches in the Dockerfile or gosu at entrypoint.
        ///
        /// ## Related
        /// Dockle DKL-DI-0001
    },
    category: Category::ImageConfig,
    run,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let package = cx.input.packages.iter().any(|p| p == "sudo");
    let binary = cx
        .final_fs
        .get("usr/bin/sudo")
        .is_some_and(|(_, f)| !f.removed_in_later_layer);
    if package || binary {
        out.push(
            CHECK
                .finding("sudo is installed".to_string(), cx.here())
                .with_property("package", package)
                .with_property("binary", binary),
        );
    }
}
