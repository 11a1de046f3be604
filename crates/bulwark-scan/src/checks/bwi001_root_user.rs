//! BWI001: Image runs as root.

use bulwark_report::{Category, Finding, Severity};

use super::{Check, Context};

/// The check.
pub(super) static CHECK: Check = Check {
    code: "BWI001",
    name: "root-user",
    severity: Severity::High,
    summary: "Image runs as root",
    doc: bulwark_report::rule_doc! {
        /// ## What it finds
        /// Image runs as root.
        ///
        /// ## Why it matters
        /// With no `USER` (or `USER root`/`0`), the process runs as uid 0: a container escape or a writable host mount becomes root on the host.
        ///
        /// ## Example
        /// ```
        /// config.User = ""
        /// ```
        ///
        /// ## Fix
        /// Create an unprivileged user and add `USER app` (or a numeric uid) to the Dockerfile.
        ///
        /// ## Related
        /// Trivy AVD-DS-0002, Dockle CIS-DI-0001
    },
    category: Category::ImageConfig,
    run,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let user = cx.input.user.as_deref().map(str::trim).unwrap_or_default();
    let user_part = user.split(':').next().unwrap_or_default();
    if user_part.is_empty() || user_part == "root" || user_part == "0" {
        let shown = if user.is_empty() { "(not set)" } else { user };
        out.push(
            CHECK
                .finding(format!("Image runs as root (User: {shown})"), cx.here())
                .with_property("user", user),
        );
    }
}
