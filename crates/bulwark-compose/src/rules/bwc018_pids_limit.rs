//! BWC018: no PIDs limit.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC018",
    name: "missing-pids-limit",
    summary: "The container has no PIDs limit.",
    severity: Severity::Warning,
    cis: Some("5.29"),
    doc: "## What\nFlags services and containers without a PIDs limit: deploy.resources.limits.pids (or pids_limit); for a container, --pids-limit greater than 0.\n\n## Why\nWithout a PIDs limit a fork bomb in one container exhausts the host's process table and stops every other service.\n\n## Example\n```yaml\nservices:\n  app:\n    image: app:1.4\n```\n\n## Fix\n```yaml\nservices:\n  app:\n    image: app:1.4\n    pids_limit: 200\n```\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    if s.pids_limit.is_none() {
        e.emit(
            &s.location,
            "pids_limit",
            format!("{} has no PIDs limit", s.describe()),
            "set pids_limit (docker run --pids-limit)",
        );
    }
}
