//! BWK023: the deprecated `serviceAccount` field.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK023",
    name: "deprecated-service-account-field",
    summary: "Pod uses the deprecated serviceAccount field.",
    severity: Severity::Info,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags pod specs that set `serviceAccount` (deprecated since Kubernetes 1.8).
        ///
        /// ## Why
        /// When both fields are set and differ, which account the pod gets is easy to misread in review.
        ///
        /// ## Example
        /// ```yaml
        /// spec:
        ///   serviceAccount: builder
        /// ```
        ///
        /// ## Fix
        /// Use `serviceAccountName: builder`.
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    if let Some(f) = &w.spec.service_account {
        e.emit(
            f.pos,
            None,
            "pod uses the deprecated serviceAccount field".into(),
            "rename serviceAccount to serviceAccountName",
        );
    }
}
