//! BWK005: images not pinned by digest.

use bulwark_report::Severity;

use super::{Emitter, Rule, parse_image};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK005",
    name: "image-without-digest",
    summary: "Image is referenced by tag only, not pinned by digest.",
    severity: Severity::Info,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags container images that carry a version tag but no `@sha256:` digest (untagged and `latest` images are reported by BWK003/BWK004 instead).
        ///
        /// ## Why
        /// Tags can be re-pointed by anyone with push access to the repository; only a digest guarantees the bytes you reviewed and signed are the bytes that run.
        ///
        /// ## Example
        /// ```yaml
        /// image: nginx:1.27
        /// ```
        ///
        /// ## Fix
        /// `image: nginx:1.27@sha256:<digest>` (tools such as `crane digest` print it).
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    for c in &w.spec.containers {
        let Some(img) = &c.image else { continue };
        let r = parse_image(&img.value);
        if r.digest.is_none() && r.tag.is_some_and(|t| t != "latest") {
            e.emit(
                img.pos,
                Some(c),
                format!(
                    "container {:?} uses image {:?} without a digest",
                    c.name, img.value
                ),
                "append the image digest (@sha256:...) to the reference",
            );
        }
    }
}
