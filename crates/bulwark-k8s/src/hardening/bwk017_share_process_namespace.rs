//! BWK017: containers of a pod share one process namespace.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK017",
    name: "share-process-namespace",
    summary: "Pod sets shareProcessNamespace: true.",
    severity: Severity::Warning,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags pod specs with `shareProcessNamespace: true`.
        ///
        /// ## Why
        /// Every container then sees, signals and (with ptrace) inspects the others' processes, and can read their environment and filesystems through `/proc/<pid>/root`: a compromise of the weakest container exposes the secrets of all.
        ///
        /// ## Example
        /// ```yaml
        /// spec:
        ///   shareProcessNamespace: true
        /// ```
        ///
        /// ## Fix
        /// Remove the field; use `kubectl debug` with an ephemeral container when you need to inspect a process.
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    if let Some(f) = w.spec.share_process_namespace.as_ref().filter(|f| f.value) {
        e.emit(
            f.pos,
            None,
            "pod shares one process namespace between its containers".into(),
            "remove spec.shareProcessNamespace",
        );
    }
}
