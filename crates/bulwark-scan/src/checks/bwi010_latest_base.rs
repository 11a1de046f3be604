//! BWI010: Built FROM a `latest` (or untagged) base image.

use bulwark_report::{Category, Finding, Severity};

use super::{Check, Context, is_latest_ref};

/// The check.
pub(super) static CHECK: Check = Check {
    code: "BWI010",
    name: "latest-base-image",
    severity: Severity::Medium,
    summary: "Built FROM a `latest` (or untagged) base image",
    doc: bulwark_report::rule_doc! {
        /// ## What it finds
        /// Built FROM a `latest` (or untagged) base image.
        ///
        /// ## Why it matters
        /// A `latest` base changes under you: rebuilds are not reproducible and may pull breaking or vulnerable versions.
        ///
        /// ## Example
        /// ```
        /// org.opencontainers.image.base.name = docker.io/library/debian:latest
        /// ```
        ///
        /// ## Fix
        /// Pin the base image by version tag and digest.
        ///
        /// ## Related
        /// Trivy AVD-DS-0001, Hadolint DL3007
    },
    category: Category::ImageConfig,
    run,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for key in [
        "org.opencontainers.image.base.name",
        "org.label-schema.base-image",
    ] {
        if let Some(base) = cx.input.labels.get(key)
            && is_latest_ref(base)
        {
            out.push(
                CHECK
                    .finding(
                        format!("Base image `{base}` is `latest` or untagged"),
                        cx.here(),
                    )
                    .with_property("base", base.clone()),
            );
        }
    }
}
