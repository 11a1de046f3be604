//! BWC017: no CPU limit or weight.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC017",
    name: "missing-cpu-limit",
    summary: "The container has no CPU limit or weight.",
    severity: Severity::Warning,
    cis: Some("5.12"),
    doc: "## What\nFlags services and containers without a CPU limit or weight: deploy.resources.limits.cpus (or cpus, cpu_quota, cpu_shares); for a container, --cpus, --cpu-quota or a --cpu-shares other than the default 1024.\n\n## Why\nAn unlimited container can starve its neighbours and the host's own services of CPU time.\n\n## Example\n```yaml\nservices:\n  app:\n    image: app:1.4\n```\n\n## Fix\n```yaml\nservices:\n  app:\n    image: app:1.4\n    deploy:\n      resources:\n        limits: {cpus: \"0.50\"}\n```\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    if s.cpu_limit.is_none() {
        e.emit(
            &s.location,
            "cpu_limit",
            format!("{} has no CPU limit or weight", s.describe()),
            "set deploy.resources.limits.cpus (docker run --cpus)",
        );
    }
}
