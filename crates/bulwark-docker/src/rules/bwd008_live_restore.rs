//! BWD008: live restore is off.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::settings::DaemonSettings;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWD008",
    name: "live-restore-disabled",
    summary: "Live restore is not enabled.",
    severity: Severity::Warning,
    cis: Some("2.15"),
    needs_local_config: false,
    doc: "## What\nFlags a daemon with `LiveRestoreEnabled: false` in `docker info`, unless Swarm mode is active (the two are incompatible).\n\n## Why\nWithout live restore, restarting or upgrading the daemon stops every container: patching Docker becomes an outage, so it gets postponed.\n\n## Example\n```json\n{}\n```\n\n## Fix\n```json\n{ \"live-restore\": true }\n```\n",
    run,
};

fn run(d: &DaemonSettings, e: &mut Emitter) {
    let live = d
        .info_at("/LiveRestoreEnabled")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    let swarm = d
        .info_at("/Swarm/LocalNodeState")
        .and_then(serde_json::Value::as_str)
        == Some("active");
    if !live && !swarm {
        e.emit(
            "live-restore",
            "info",
            "live restore is off: restarting the daemon stops every container".into(),
            "set \"live-restore\": true in daemon.json",
        );
    }
}
