//! BWK016: pods running as the `default` service account.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK016",
    name: "default-service-account",
    summary: "Pod runs as the namespace's default service account.",
    severity: Severity::Info,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags pod specs whose `serviceAccountName` is unset or `default`.
        ///
        /// ## Why
        /// Every pod in the namespace shares the default service account; any permission granted to it for one workload is granted to all, and its token is the one an attacker finds first.
        ///
        /// ## Example
        /// ```yaml
        /// spec:
        ///   serviceAccountName: default
        /// ```
        ///
        /// ## Fix
        /// Create a ServiceAccount per workload with only the permissions it needs, and set `serviceAccountName`.
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    let sa = w
        .spec
        .service_account_name
        .as_ref()
        .or(w.spec.service_account.as_ref());
    match sa {
        Some(f) if f.value != "default" && !f.value.is_empty() => {}
        Some(f) => e.emit(
            f.pos,
            None,
            "pod runs as the default service account".into(),
            "create a dedicated ServiceAccount and set spec.serviceAccountName",
        ),
        None => e.emit(
            w.spec.pos,
            None,
            "pod does not set serviceAccountName (runs as the default service account)".into(),
            "create a dedicated ServiceAccount and set spec.serviceAccountName",
        ),
    }
}
