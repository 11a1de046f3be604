//! BWC022: a privileged host port is mapped.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC022",
    name: "privileged-host-port",
    summary: "A host port below 1024 is published.",
    severity: Severity::Info,
    cis: Some("5.8"),
    doc: "## What\nFlags published host ports 1–1023 (`\"80:8080\"`); ranges count when they start below 1024.\n\n## Why\nPorts below 1024 are privileged on the host: users trust that only root services listen there. Publishing one from a container is often fine (a reverse proxy on 80/443), so this is informational; make sure it is intended.\n\n## Example\n```yaml\nservices:\n  proxy:\n    image: traefik:3.1\n    ports: [\"80:80\"]\n```\n\n## Fix\nPublish a high port (`\"8080:80\"`) behind the host's own proxy, or keep it deliberately.\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    for p in &s.ports {
        let Some(published) = p.published.as_deref() else {
            continue;
        };
        let first = published.split('-').next().unwrap_or("").trim();
        if first.parse::<u32>().is_ok_and(|n| (1..1024).contains(&n)) {
            e.emit(
                &p.location,
                "ports",
                format!(
                    "{} publishes privileged host port {published}",
                    s.describe()
                ),
                "publish a port at or above 1024 unless this is deliberate",
            );
        }
    }
}
