//! BWK008: hostPath volumes mounted writable.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK008",
    name: "writable-host-path",
    summary: "A hostPath volume is mounted without readOnly: true.",
    severity: Severity::Error,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags `volumeMounts` of hostPath volumes that do not set `readOnly: true`.
        ///
        /// ## Why
        /// A writable host directory lets the container change files on the node: plant binaries, alter kubelet or runtime configuration, or tamper with other pods' data.
        ///
        /// ## Example
        /// ```yaml
        /// volumeMounts:
        /// - {name: host, mountPath: /host}
        /// volumes:
        /// - {name: host, hostPath: {path: /var/log}}
        /// ```
        ///
        /// ## Fix
        /// Avoid hostPath; if it is unavoidable, mount it with `readOnly: true`.
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    for v in &w.spec.volumes {
        let Some(hp) = &v.host_path else { continue };
        for c in &w.spec.containers {
            for m in c
                .volume_mounts
                .iter()
                .filter(|m| m.name == v.name && !m.read_only)
            {
                e.emit(
                    m.pos,
                    Some(c),
                    format!(
                        "container {:?} mounts hostPath volume {:?} ({}) writable",
                        c.name, v.name, hp.value
                    ),
                    "set readOnly: true on the volumeMount, or replace the hostPath volume",
                );
            }
        }
    }
}
