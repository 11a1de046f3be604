//! BWC024: a mount uses shared propagation.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC024",
    name: "shared-mount-propagation",
    summary: "A bind mount propagates mounts to the host (shared).",
    severity: Severity::Warning,
    cis: Some("5.20"),
    doc: "## What\nFlags bind mounts with `shared` or `rshared` propagation (`/src:/dst:rshared`, `bind: {propagation: rshared}`).\n\n## Why\nWith shared propagation, a mount made inside the container appears on the host (and in other containers sharing the mount): a container with mount rights can overlay host paths.\n\n## Example\n```yaml\nservices:\n  app:\n    image: app:1.4\n    volumes: [\"/mnt/data:/data:rshared\"]\n```\n\n## Fix\nUse the default (`rprivate`), or `rslave` when the container must see host mounts but never create them there.\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    for m in &s.mounts {
        if let Some(p) = m
            .propagation
            .as_deref()
            .filter(|p| matches!(*p, "shared" | "rshared"))
        {
            e.emit(
                &m.location,
                "volumes",
                format!("{} mounts {} with {p} propagation", s.describe(), m.target),
                "remove the propagation mode (rprivate) or use rslave",
            );
        }
    }
}
