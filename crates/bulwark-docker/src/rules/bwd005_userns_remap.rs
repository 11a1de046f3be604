//! BWD005: user namespace remapping is off.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::settings::DaemonSettings;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWD005",
    name: "userns-remap-disabled",
    summary: "User namespace remapping is not enabled.",
    severity: Severity::Warning,
    cis: Some("2.9"),
    needs_local_config: false,
    doc: "## What\nFlags a daemon whose `SecurityOptions` (`docker info`) do not include `name=userns` (no `userns-remap`), unless it runs rootless (then every container is already in an unprivileged user namespace).\n\n## Why\nWithout remapping, UID 0 in a container is UID 0 on the host: any escape or writable host mount acts as real root. With `userns-remap` it maps to an unprivileged subordinate UID.\n\n## Example\n```json\n{}\n```\n\n## Fix\n```json\n{ \"userns-remap\": \"default\" }\n```\n(creates the `dockremap` user and its `/etc/subuid` / `/etc/subgid` ranges).\n",
    run,
};

fn run(d: &DaemonSettings, e: &mut Emitter) {
    let opts: Vec<&str> = d
        .info_at("/SecurityOptions")
        .and_then(serde_json::Value::as_array)
        .map(|a| a.iter().filter_map(serde_json::Value::as_str).collect())
        .unwrap_or_default();
    if opts
        .iter()
        .any(|o| o.contains("name=userns") || o.contains("name=rootless"))
    {
        return;
    }
    e.emit(
        "userns-remap",
        "info",
        "user namespace remapping is off: root in a container is root on the host".into(),
        "set \"userns-remap\": \"default\" in daemon.json (or run Docker rootless)",
    );
}
