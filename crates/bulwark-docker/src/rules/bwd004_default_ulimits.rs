//! BWD004: no default ulimits.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::settings::DaemonSettings;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWD004",
    name: "default-ulimits",
    summary: "The daemon sets no default ulimits for containers.",
    severity: Severity::Info,
    cis: Some("2.8"),
    needs_local_config: true,
    doc: "## What\nReports a daemon without `default-ulimits` in daemon.json or `--default-ulimit` on its command line (only visible for a local engine).\n\n## Why\nWithout defaults, containers inherit the daemon's own limits (often unlimited `nofile`/`nproc`); a runaway or hostile container can exhaust file descriptors or processes for the whole host.\n\n## Example\n```json\n{}\n```\n\n## Fix\n```json\n{ \"default-ulimits\": { \"nofile\": { \"Name\": \"nofile\", \"Soft\": 65536, \"Hard\": 65536 },\n                      \"nproc\": { \"Name\": \"nproc\", \"Soft\": 4096, \"Hard\": 8192 } } }\n```\n",
    run,
};

fn run(d: &DaemonSettings, e: &mut Emitter) {
    let in_config = d
        .config("default-ulimits")
        .and_then(serde_json::Value::as_object)
        .is_some_and(|m| !m.is_empty());
    if in_config || !d.flag(&["--default-ulimit"]).is_empty() {
        return;
    }
    e.emit(
        "default-ulimits",
        "daemon.json / dockerd command line",
        "the daemon sets no default ulimits for containers".into(),
        "set default-ulimits (nofile, nproc) in daemon.json",
    );
}
