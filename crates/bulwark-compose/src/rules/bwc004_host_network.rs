//! BWC004: the host's network namespace is shared.

use bulwark_report::Severity;

use super::{Emitter, Rule, host_namespace};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC004",
    name: "host-network",
    summary: "The container shares the host's network namespace.",
    severity: Severity::Error,
    cis: Some("5.10"),
    doc: "## What\nFlags `network_mode: host` (`--network host`).\n\n## Why\nThe container sees and binds every host interface, reaches services listening on localhost (the Docker API on tcp://127.0.0.1, cloud metadata proxies, databases) and can sniff or spoof traffic with NET_RAW.\n\n## Example\n```yaml\nservices:\n  app:\n    image: app:1.4\n    network_mode: host\n```\n\n## Fix\nRemove the setting: use a bridge or user-defined network and publish the ports needed.\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    if let Some(f) = host_namespace(s.network_mode.as_ref()) {
        e.emit(
            &f.location,
            "network_mode",
            format!(
                "{} shares the host's network namespace (network_mode: host)",
                s.describe()
            ),
            "use a bridge or user-defined network and publish the ports needed",
        );
    }
}
