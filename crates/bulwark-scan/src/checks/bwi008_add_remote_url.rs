//! BWI008: ADD of a remote URL.

use bulwark_report::{Category, Finding, Severity};

use super::{Check, Context, shown};

/// The check.
pub(super) static CHECK: Check = Check {
    code: "BWI008",
    name: "add-remote-url",
    severity: Severity::Low,
    summary: "ADD of a remote URL",
    doc: bulwark_report::rule_doc! {
        /// ## What it finds
        /// ADD of a remote URL.
        ///
        /// ## Why it matters
        /// `ADD https://...` fetches without checksum verification (unless `--checksum`) and keeps the download in a layer.
        ///
        /// ## Example
        /// ```
        /// ADD https://example.org/tool.tar.gz /opt/
        /// ```
        ///
        /// ## Fix
        /// Use `RUN curl -fsSL ... | sha256sum -c` or `ADD --checksum=sha256:...`.
        ///
        /// ## Related
        /// Trivy AVD-DS-0005, Dockle CIS-DI-0009, Hadolint DL3020
    },
    category: Category::ImageConfig,
    run,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (i, h) in cx.input.history.iter().enumerate() {
        if is_remote_add(&h.created_by) {
            out.push(
                CHECK
                    .finding(
                        format!("ADD of a remote URL in history step {}", i + 1),
                        cx.here(),
                    )
                    .with_property("created_by", shown(&h.created_by))
                    .with_property("history_index", i),
            );
        }
    }
}

fn is_remote_add(cmd: &str) -> bool {
    let c = cmd.trim_start();
    let c = c
        .strip_prefix("/bin/sh -c #(nop)")
        .map_or(c, str::trim_start);
    let Some(rest) = c.strip_prefix("ADD ") else {
        return false;
    };
    rest.split_whitespace()
        .filter(|w| !w.starts_with("--"))
        .any(|w| w.starts_with("http://") || w.starts_with("https://"))
}
