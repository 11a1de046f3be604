//! BWK015: workloads in the `default` namespace.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK015",
    name: "default-namespace",
    summary: "Workload is placed in the default namespace.",
    severity: Severity::Info,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags workloads whose `metadata.namespace` is `default`.
        ///
        /// ## Why
        /// The default namespace usually has no Pod Security labels, quotas or network policies, and mixes unrelated workloads, so RBAC granted there reaches everything.
        ///
        /// ## Example
        /// ```yaml
        /// metadata:
        ///   namespace: default
        /// ```
        ///
        /// ## Fix
        /// Create a dedicated namespace with `pod-security.kubernetes.io/enforce` labels and deploy there.
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    if let Some(ns) = w.meta.namespace.as_ref().filter(|ns| ns.value == "default") {
        e.emit(
            ns.pos,
            None,
            "workload is in the default namespace".into(),
            "deploy into a dedicated namespace",
        );
    }
}
