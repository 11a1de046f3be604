//! BWD012: the aufs storage driver.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::settings::DaemonSettings;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWD012",
    name: "aufs-storage-driver",
    summary: "The daemon uses the aufs storage driver.",
    severity: Severity::Warning,
    cis: Some("2.6"),
    needs_local_config: false,
    doc: "## What\nFlags `Driver: aufs` in `docker info`.\n\n## Why\naufs is unmaintained, removed from current Docker releases, and has had kernel crash and security bugs that were never fixed upstream.\n\n## Example\n```json\n{ \"storage-driver\": \"aufs\" }\n```\n\n## Fix\nMove to `overlay2` (export images and volumes, change `storage-driver`, restart).\n",
    run,
};

fn run(d: &DaemonSettings, e: &mut Emitter) {
    if d.info_at("/Driver").and_then(serde_json::Value::as_str) == Some("aufs") {
        e.emit(
            "storage-driver",
            "info",
            "the daemon uses the aufs storage driver".into(),
            "switch to overlay2",
        );
    }
}
