//! BWK011: runAsUser below 10000.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK011",
    name: "low-run-as-user",
    summary: "runAsUser is below 10000 and may collide with a host user.",
    severity: Severity::Info,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags `securityContext.runAsUser` values from 1 to 9999 at pod or container level (0 is reported by PSS-runAsUser).
        ///
        /// ## Why
        /// Low UIDs are the ones host accounts use. Should the container escape, a UID that matches a real host user inherits that user's file access.
        ///
        /// ## Example
        /// ```yaml
        /// securityContext:
        ///   runAsUser: 1000
        /// ```
        ///
        /// ## Fix
        /// Run as a UID of 10000 or more (and build the image with such a user).
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    if let Some(f) = w.spec.sc.as_ref().and_then(|sc| sc.run_as_user.as_ref())
        && (1..10000).contains(&f.value)
    {
        e.emit(
            f.pos,
            None,
            format!("pod runs as UID {} (below 10000)", f.value),
            "set runAsUser to 10000 or more",
        );
    }
    for c in &w.spec.containers {
        if let Some(f) = c.sc.as_ref().and_then(|sc| sc.run_as_user.as_ref())
            && (1..10000).contains(&f.value)
        {
            e.emit(
                f.pos,
                Some(c),
                format!(
                    "container {:?} runs as UID {} (below 10000)",
                    c.name, f.value
                ),
                "set runAsUser to 10000 or more",
            );
        }
    }
}
