//! BWK012: runAsGroup below 10000.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK012",
    name: "low-run-as-group",
    summary: "runAsGroup is below 10000 (0 is the root group).",
    severity: Severity::Info,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags `securityContext.runAsGroup` values below 10000 at pod or container level, including 0 (root group).
        ///
        /// ## Why
        /// GID 0 and low GIDs are shared with host groups; files those groups can write on the node become writable after an escape.
        ///
        /// ## Example
        /// ```yaml
        /// securityContext:
        ///   runAsGroup: 0
        /// ```
        ///
        /// ## Fix
        /// Run with a GID of 10000 or more.
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    if let Some(f) = w.spec.sc.as_ref().and_then(|sc| sc.run_as_group.as_ref())
        && f.value < 10000
    {
        e.emit(
            f.pos,
            None,
            format!("pod runs with GID {} (below 10000)", f.value),
            "set runAsGroup to 10000 or more",
        );
    }
    for c in &w.spec.containers {
        if let Some(f) = c.sc.as_ref().and_then(|sc| sc.run_as_group.as_ref())
            && f.value < 10000
        {
            e.emit(
                f.pos,
                Some(c),
                format!(
                    "container {:?} runs with GID {} (below 10000)",
                    c.name, f.value
                ),
                "set runAsGroup to 10000 or more",
            );
        }
    }
}
