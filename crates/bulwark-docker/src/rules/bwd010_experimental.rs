//! BWD010: experimental features are on.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::settings::DaemonSettings;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWD010",
    name: "experimental",
    summary: "Experimental daemon features are enabled.",
    severity: Severity::Warning,
    cis: Some("2.18"),
    needs_local_config: false,
    doc: "## What\nFlags `ExperimentalBuild: true` in `docker info` (`\"experimental\": true`, `--experimental`).\n\n## Why\nExperimental features are unfinished and less reviewed; production engines should not expose them.\n\n## Example\n```json\n{ \"experimental\": true }\n```\n\n## Fix\nRemove `experimental` from daemon.json and the daemon's command line.\n",
    run,
};

fn run(d: &DaemonSettings, e: &mut Emitter) {
    if d.info_at("/ExperimentalBuild")
        .and_then(serde_json::Value::as_bool)
        == Some(true)
    {
        e.emit(
            "experimental",
            "info",
            "experimental daemon features are enabled".into(),
            "remove experimental from daemon.json",
        );
    }
}
