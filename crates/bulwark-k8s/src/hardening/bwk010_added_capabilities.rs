//! BWK010: capabilities added beyond NET_BIND_SERVICE.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK010",
    name: "added-capabilities",
    summary: "Container adds a Linux capability other than NET_BIND_SERVICE.",
    severity: Severity::Warning,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags every entry of `securityContext.capabilities.add` other than `NET_BIND_SERVICE`, including the ones the baseline level tolerates (CHOWN, SETUID, …).
        ///
        /// ## Why
        /// Each capability is a slice of root. Even default ones such as `DAC_OVERRIDE` or `SETUID` widen what an exploited process can do; few applications need any of them.
        ///
        /// ## Example
        /// ```yaml
        /// capabilities:
        ///   add: [NET_ADMIN]
        /// ```
        ///
        /// ## Fix
        /// Drop `ALL` and add back only `NET_BIND_SERVICE` if the app binds a port below 1024.
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    for c in &w.spec.containers {
        let Some(sc) = &c.sc else { continue };
        for cap in sc.cap_add.iter().filter(|cap| {
            let name = cap.value.trim_start_matches("CAP_");
            name != "NET_BIND_SERVICE"
        }) {
            e.emit(
                cap.pos,
                Some(c),
                format!("container {:?} adds capability {}", c.name, cap.value),
                "remove the capability from capabilities.add",
            );
        }
    }
}
