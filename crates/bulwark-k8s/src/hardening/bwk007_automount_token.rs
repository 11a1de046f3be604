//! BWK007: service account token mounted automatically.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK007",
    name: "automount-service-account-token",
    summary: "Pod does not set automountServiceAccountToken: false.",
    severity: Severity::Warning,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags pod specs whose `automountServiceAccountToken` is not `false`.
        ///
        /// ## Why
        /// By default every container gets a token for the Kubernetes API. Most applications never call the API; for them the token only helps an attacker move from a compromised container to the cluster.
        ///
        /// ## Example
        /// ```yaml
        /// spec:
        ///   containers: [...]
        /// ```
        ///
        /// ## Fix
        /// Set `automountServiceAccountToken: false` in the pod spec (or on the ServiceAccount) and mount a projected token only where needed.
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    let f = w.spec.automount_sa_token.as_ref();
    if f.is_some_and(|f| !f.value) {
        return;
    }
    e.emit(
        f.map_or(w.spec.pos, |f| f.pos),
        None,
        "pod mounts a service account token automatically".into(),
        "set spec.automountServiceAccountToken: false unless the pod calls the Kubernetes API",
    );
}
