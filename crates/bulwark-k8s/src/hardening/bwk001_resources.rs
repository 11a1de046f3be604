//! BWK001: containers without CPU/memory requests and limits.

use bulwark_report::Severity;

use super::{Emitter, Rule, declared};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK001",
    name: "resources-missing",
    summary: "Container does not set CPU and memory requests and limits.",
    severity: Severity::Warning,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags init and regular containers that lack `resources.requests.cpu`, `resources.requests.memory`, `resources.limits.cpu` or `resources.limits.memory`.
        ///
        /// ## Why
        /// Without limits one container can starve the node (a denial of service for its neighbours); without requests the scheduler cannot place the pod sensibly and it is the first to be evicted.
        ///
        /// ## Example
        /// ```yaml
        /// containers:
        /// - name: app
        ///   image: app:1.0
        /// ```
        ///
        /// ## Fix
        /// ```yaml
        ///   resources:
        ///     requests: {cpu: 100m, memory: 128Mi}
        ///     limits: {cpu: 500m, memory: 256Mi}
        /// ```
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    for c in declared(w) {
        let r = &c.resources;
        let missing: Vec<&str> = [
            ("requests.cpu", r.requests_cpu),
            ("requests.memory", r.requests_memory),
            ("limits.cpu", r.limits_cpu),
            ("limits.memory", r.limits_memory),
        ]
        .into_iter()
        .filter(|(_, set)| !set)
        .map(|(n, _)| n)
        .collect();
        if !missing.is_empty() {
            e.emit(
                r.pos.unwrap_or(c.pos),
                Some(c),
                format!(
                    "container {:?} does not set resources {}",
                    c.name,
                    missing.join(", ")
                ),
                "set resources.requests and resources.limits for cpu and memory",
            );
        }
    }
}
