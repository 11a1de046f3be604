//! BWK013: long-running containers without a liveness probe.

use bulwark_report::Severity;

use super::{Emitter, Rule, is_batch, long_running};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK013",
    name: "missing-liveness-probe",
    summary: "Container has no livenessProbe.",
    severity: Severity::Info,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags regular containers of long-running workloads (not Job/CronJob) without `livenessProbe`.
        ///
        /// ## Why
        /// Without a liveness probe a hung process keeps its pod Running forever; the kubelet never restarts it.
        ///
        /// ## Example
        /// ```yaml
        /// containers:
        /// - {name: web, image: web:1.0}
        /// ```
        ///
        /// ## Fix
        /// ```yaml
        ///   livenessProbe:
        ///     httpGet: {path: /healthz, port: 8080}
        /// ```
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    if is_batch(w) {
        return;
    }
    for c in long_running(w).filter(|c| c.liveness.is_none()) {
        e.emit(
            c.pos,
            Some(c),
            format!("container {:?} has no livenessProbe", c.name),
            "add a livenessProbe",
        );
    }
}
