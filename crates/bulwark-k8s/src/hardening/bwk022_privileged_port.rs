//! BWK022: containers listening on privileged ports.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK022",
    name: "privileged-port",
    summary: "Container port is below 1024.",
    severity: Severity::Info,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags `containerPort` values from 1 to 1023 (port 22 is BWK021).
        ///
        /// ## Why
        /// Binding a port below 1024 needs root or `NET_BIND_SERVICE`; images built that way usually run as root for no other reason.
        ///
        /// ## Example
        /// ```yaml
        /// ports:
        /// - containerPort: 80
        /// ```
        ///
        /// ## Fix
        /// Listen on a high port (8080) in the container and map it in the Service (`port: 80`, `targetPort: 8080`).
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    for c in &w.spec.containers {
        for p in c
            .container_ports
            .iter()
            .filter(|p| (1..1024).contains(&p.value) && p.value != 22)
        {
            e.emit(
                p.pos,
                Some(c),
                format!(
                    "container {:?} listens on privileged port {}",
                    c.name, p.value
                ),
                "listen on a port >= 1024 and map it with the Service's targetPort",
            );
        }
    }
}
