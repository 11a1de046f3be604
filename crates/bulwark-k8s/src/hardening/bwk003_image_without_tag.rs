//! BWK003: images without a tag or digest.

use bulwark_report::Severity;

use super::{Emitter, Rule, parse_image};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK003",
    name: "image-without-tag",
    summary: "Image has neither a tag nor a digest (it means :latest).",
    severity: Severity::Warning,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags container images written without a tag or digest, such as `nginx`.
        ///
        /// ## Why
        /// An untagged image resolves to `:latest`, which changes under you: deployments are not reproducible and a compromised or broken upstream push reaches production silently.
        ///
        /// ## Example
        /// ```yaml
        /// image: nginx
        /// ```
        ///
        /// ## Fix
        /// Pin a version tag, better a digest: `image: nginx:1.27.2@sha256:…`.
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    for c in &w.spec.containers {
        let Some(img) = &c.image else { continue };
        let r = parse_image(&img.value);
        if r.tag.is_none() && r.digest.is_none() && !img.value.is_empty() {
            e.emit(
                img.pos,
                Some(c),
                format!(
                    "container {:?} uses image {:?} without a tag (implicitly :latest)",
                    c.name, img.value
                ),
                "pin the image to a version tag and digest",
            );
        }
    }
}
