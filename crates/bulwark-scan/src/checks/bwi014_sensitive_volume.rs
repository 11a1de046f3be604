//! BWI014: VOLUME on a sensitive directory.

use bulwark_report::{Category, Finding, Severity};

use super::{Check, Context, norm};

/// The check.
pub(super) static CHECK: Check = Check {
    code: "BWI014",
    name: "sensitive-volume",
    severity: Severity::Medium,
    summary: "VOLUME on a sensitive directory",
    doc: bulwark_report::rule_doc! {
        /// ## What it finds
        /// VOLUME on a sensitive directory.
        ///
        /// ## Why it matters
        /// A volume over `/`, `/etc`, `/root`, `/proc`, `/sys`, `/dev`, `/boot`, `/var/run/docker.sock` (or similar) invites mounting host state into the container.
        ///
        /// ## Example
        /// ```
        /// VOLUME /etc
        /// ```
        ///
        /// ## Fix
        /// Declare volumes only for application data directories.
        ///
        /// ## Related
        /// Dockle DKL-DI-0002
    },
    category: Category::ImageConfig,
    run,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    const SENSITIVE: &[&str] = &[
        "",
        "etc",
        "root",
        "proc",
        "sys",
        "dev",
        "boot",
        "lib",
        "lib64",
        "usr",
        "bin",
        "sbin",
        "var/run/docker.sock",
        "run/docker.sock",
        "var/lib/docker",
    ];
    for v in &cx.input.volumes {
        let p = norm(v.trim()).trim_end_matches('/');
        if SENSITIVE.contains(&p) {
            out.push(
                CHECK
                    .finding(format!("VOLUME on sensitive path {v}"), cx.here())
                    .with_property("volume", v.clone()),
            );
        }
    }
}
