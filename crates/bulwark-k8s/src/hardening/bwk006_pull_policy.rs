//! BWK006: mutable image references pulled with IfNotPresent/Never.

use bulwark_report::Severity;

use super::{Emitter, Rule, parse_image};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK006",
    name: "pull-policy-mutable-tag",
    summary: "Image without a digest uses imagePullPolicy IfNotPresent or Never.",
    severity: Severity::Info,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags containers whose image has no digest and whose `imagePullPolicy` is `IfNotPresent` or `Never`.
        ///
        /// ## Why
        /// With a mutable tag and a non-`Always` policy, each node runs whatever it cached under that tag: nodes drift apart, and a pod can reuse an image pulled with another tenant's credentials.
        ///
        /// ## Example
        /// ```yaml
        /// image: app:1.2
        /// imagePullPolicy: IfNotPresent
        /// ```
        ///
        /// ## Fix
        /// Pin the image by digest, or set `imagePullPolicy: Always`.
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    for c in &w.spec.containers {
        let (Some(img), Some(policy)) = (&c.image, &c.image_pull_policy) else {
            continue;
        };
        if parse_image(&img.value).digest.is_none() && policy.value != "Always" {
            e.emit(
                policy.pos,
                Some(c),
                format!(
                    "container {:?} pulls mutable image {:?} with imagePullPolicy {}",
                    c.name, img.value, policy.value
                ),
                "pin the image by digest or set imagePullPolicy: Always",
            );
        }
    }
}
