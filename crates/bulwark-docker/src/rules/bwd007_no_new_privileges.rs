//! BWD007: containers may gain privileges by default.

use bulwark_report::Severity;

use super::{Emitter, Rule, setting_bool};
use crate::settings::DaemonSettings;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWD007",
    name: "no-new-privileges-default",
    summary: "The daemon does not set no-new-privileges for every container.",
    severity: Severity::Warning,
    cis: Some("2.14"),
    needs_local_config: true,
    doc: "## What\nFlags a daemon without `\"no-new-privileges\": true` in daemon.json or `--no-new-privileges` on its command line (only visible for a local engine).\n\n## Why\nThe daemon-wide default stops setuid and file-capability escalation in every container, including those whose authors forgot `--security-opt no-new-privileges` (BWC013).\n\n## Example\n```json\n{}\n```\n\n## Fix\n```json\n{ \"no-new-privileges\": true }\n```\n",
    run,
};

fn run(d: &DaemonSettings, e: &mut Emitter) {
    if setting_bool(d, "--no-new-privileges", "no-new-privileges").is_some_and(|(v, _)| v) {
        return;
    }
    e.emit(
        "no-new-privileges",
        "daemon.json / dockerd command line",
        "the daemon does not set no-new-privileges for containers by default".into(),
        "set \"no-new-privileges\": true in daemon.json",
    );
}
