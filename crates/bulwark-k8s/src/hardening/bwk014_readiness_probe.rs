//! BWK014: long-running containers without a readiness probe.

use bulwark_report::Severity;

use super::{Emitter, Rule, is_batch, long_running};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK014",
    name: "missing-readiness-probe",
    summary: "Container has no readinessProbe.",
    severity: Severity::Info,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags regular containers of long-running workloads (not Job/CronJob) without `readinessProbe`.
        ///
        /// ## Why
        /// Without a readiness probe a Service sends traffic to a pod as soon as its process starts, before it can answer, and keeps sending it to a pod that can no longer serve.
        ///
        /// ## Example
        /// ```yaml
        /// containers:
        /// - {name: web, image: web:1.0}
        /// ```
        ///
        /// ## Fix
        /// ```yaml
        ///   readinessProbe:
        ///     httpGet: {path: /ready, port: 8080}
        /// ```
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    if is_batch(w) {
        return;
    }
    for c in long_running(w).filter(|c| c.readiness.is_none()) {
        e.emit(
            c.pos,
            Some(c),
            format!("container {:?} has no readinessProbe", c.name),
            "add a readinessProbe",
        );
    }
}
