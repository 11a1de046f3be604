//! BWK021: containers exposing SSH.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK021",
    name: "ssh-port",
    summary: "Container exposes port 22 (SSH).",
    severity: Severity::Info,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags containers declaring `containerPort: 22`.
        ///
        /// ## Why
        /// An SSH server in a container is a second, usually unaudited way in, often with shared keys baked into the image.
        ///
        /// ## Example
        /// ```yaml
        /// ports:
        /// - containerPort: 22
        /// ```
        ///
        /// ## Fix
        /// Remove the SSH server; use `kubectl exec` or `kubectl debug` for access.
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    for c in &w.spec.containers {
        for p in c.container_ports.iter().filter(|p| p.value == 22) {
            e.emit(
                p.pos,
                Some(c),
                format!("container {:?} exposes SSH port 22", c.name),
                "remove the SSH port and server",
            );
        }
    }
}
