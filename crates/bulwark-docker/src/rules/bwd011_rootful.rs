//! BWD011: the daemon runs as root.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::settings::DaemonSettings;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWD011",
    name: "rootful-daemon",
    summary: "The daemon runs as root (not rootless).",
    severity: Severity::Info,
    cis: Some("2.1"),
    needs_local_config: false,
    doc: "## What\nReports a daemon whose `SecurityOptions` (`docker info`) lack `name=rootless`.\n\n## Why\nA rootful daemon makes every container escape and every API caller root on the host. Rootless mode runs the daemon and containers as an ordinary user; it does not fit every workload (some networking, privileged containers), hence informational.\n\n## Example\n`docker info` shows `Security Options: seccomp` without `rootless`.\n\n## Fix\nInstall the rootless daemon (`dockerd-rootless-setuptool.sh install`) for workloads that allow it.\n",
    run,
};

fn run(d: &DaemonSettings, e: &mut Emitter) {
    let rootless = d
        .info_at("/SecurityOptions")
        .and_then(serde_json::Value::as_array)
        .is_some_and(|a| {
            a.iter()
                .filter_map(serde_json::Value::as_str)
                .any(|o| o.contains("name=rootless"))
        });
    if !rootless {
        e.emit(
            "rootless",
            "info",
            "the daemon runs as root (not rootless)".into(),
            "run Docker in rootless mode where the workloads allow it",
        );
    }
}
