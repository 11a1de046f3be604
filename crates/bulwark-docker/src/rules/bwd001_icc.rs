//! BWD001: containers on the default bridge talk to each other freely.

use bulwark_report::Severity;

use super::{Emitter, Rule, setting_bool};
use crate::settings::DaemonSettings;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWD001",
    name: "inter-container-communication",
    summary: "Inter-container communication is allowed on the default bridge (icc).",
    severity: Severity::Warning,
    cis: Some("2.2"),
    needs_local_config: false,
    doc: "## What\nFlags a daemon whose default `bridge` network has `com.docker.network.bridge.enable_icc` true (the default; `\"icc\": false` in daemon.json turns it off). Read from the network itself, so the effective value counts.\n\n## Why\nEvery container started without a network can reach every port of every other such container: one compromised container can probe and attack the rest.\n\n## Example\n```json\n{}\n```\n(daemon.json without `icc`)\n\n## Fix\n```json\n{ \"icc\": false }\n```\nand connect containers that must talk through user-defined networks.\n",
    run,
};

fn run(d: &DaemonSettings, e: &mut Emitter) {
    let from_network = d
        .bridge_options
        .as_ref()
        .and_then(|o| o.get("com.docker.network.bridge.enable_icc"))
        .and_then(serde_json::Value::as_str)
        .map(|v| (v == "true", "bridge network"));
    let (icc, source) = from_network
        .or_else(|| setting_bool(d, "--icc", "icc"))
        .unwrap_or((true, "default"));
    if icc {
        e.emit(
            "icc",
            source,
            "containers on the default bridge network can reach each other (icc is enabled)".into(),
            "set \"icc\": false in daemon.json and use user-defined networks",
        );
    }
}
