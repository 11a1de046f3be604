//! BWK004: images tagged `latest`.

use bulwark_report::Severity;

use super::{Emitter, Rule, parse_image};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK004",
    name: "image-latest-tag",
    summary: "Image uses the mutable :latest tag.",
    severity: Severity::Warning,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags container images tagged `:latest` without a digest.
        ///
        /// ## Why
        /// `latest` moves with every push, so what runs depends on when a node pulled; rollbacks and audits cannot tell which code ran.
        ///
        /// ## Example
        /// ```yaml
        /// image: redis:latest
        /// ```
        ///
        /// ## Fix
        /// Use a version tag and a digest: `image: redis:7.4.1@sha256:…`.
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    for c in &w.spec.containers {
        let Some(img) = &c.image else { continue };
        let r = parse_image(&img.value);
        if r.tag == Some("latest") && r.digest.is_none() {
            e.emit(
                img.pos,
                Some(c),
                format!(
                    "container {:?} uses image {:?} with the mutable latest tag",
                    c.name, img.value
                ),
                "pin the image to a version tag and digest",
            );
        }
    }
}
