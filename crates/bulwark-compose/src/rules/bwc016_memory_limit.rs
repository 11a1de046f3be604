//! BWC016: no memory limit.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC016",
    name: "missing-memory-limit",
    summary: "The container has no memory limit.",
    severity: Severity::Warning,
    cis: Some("5.11"),
    doc: "## What\nFlags services and containers without a memory limit: deploy.resources.limits.memory (or mem_limit).\n\n## Why\nA container without a memory limit can take all host memory and get other containers (or the daemon) killed by the OOM killer: one bug or one attacker takes the host down.\n\n## Example\n```yaml\nservices:\n  app:\n    image: app:1.4\n```\n\n## Fix\n```yaml\nservices:\n  app:\n    image: app:1.4\n    deploy:\n      resources:\n        limits: {memory: 512M}\n```\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    if s.memory_limit.is_none() {
        e.emit(
            &s.location,
            "memory_limit",
            format!("{} has no memory limit", s.describe()),
            "set deploy.resources.limits.memory (docker run --memory)",
        );
    }
}
