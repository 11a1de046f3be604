//! BWC021: a port is published on every host interface.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC021",
    name: "port-on-all-interfaces",
    summary: "A port is published on all host interfaces (0.0.0.0).",
    severity: Severity::Warning,
    cis: Some("5.14"),
    doc: "## What\nFlags published ports without a host address (`\"8080:80\"`, `\"80\"`), or bound to `0.0.0.0` or `::`, and containers started with `--publish-all`.\n\n## Why\nDocker publishes such ports on every interface, including public ones, and its iptables rules bypass host firewalls such as ufw: a database meant for the local app is reachable from the internet.\n\n## Example\n```yaml\nservices:\n  db:\n    image: postgres:16\n    ports: [\"5432:5432\"]\n```\n\n## Fix\n```yaml\nservices:\n  db:\n    image: postgres:16\n    ports: [\"127.0.0.1:5432:5432\"]\n```\nOr drop `ports` and reach the service over a Compose network.\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    for p in &s.ports {
        let all = p
            .host_ip
            .as_deref()
            .is_none_or(|ip| matches!(ip, "0.0.0.0" | "::" | "[::]" | ""));
        if all {
            let host = p.published.as_deref().unwrap_or("an ephemeral port");
            e.emit(
                &p.location,
                "ports",
                format!(
                    "{} publishes {}/{} on all interfaces (host {host})",
                    s.describe(),
                    p.target,
                    p.protocol
                ),
                "bind to one address (\"127.0.0.1:HOST:CONTAINER\") or use a Compose network",
            );
        }
    }
    if let Some(all) = s.publish_all.as_ref().filter(|f| f.value) {
        e.emit(
            &all.location,
            "publish_all",
            format!(
                "{} publishes every exposed port on all interfaces (--publish-all)",
                s.describe()
            ),
            "publish the ports needed explicitly, bound to one address",
        );
    }
}
