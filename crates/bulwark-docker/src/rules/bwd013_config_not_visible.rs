//! BWD013: checks that need the daemon's own configuration could not be made.

use bulwark_report::Severity;

use super::{Emitter, RULES, Rule};
use crate::settings::DaemonSettings;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWD013",
    name: "daemon-config-not-visible",
    summary: "The daemon's command line and configuration file could not be read.",
    severity: Severity::Info,
    cis: None,
    needs_local_config: false,
    doc: "## What\nReports that the checks needing `dockerd`'s command line and `daemon.json` (default ulimits, no-new-privileges default, userland proxy) were not made: the engine is remote (`tcp://`, `ssh://`, a context) or its process and file are not readable by this user.\n\n## Why\nA check that could not look must not read as a pass.\n\n## Example\n`DOCKER_HOST=ssh://build-host bulwark docker`\n\n## Fix\nRun `bulwark docker` on the engine's host, as a user that can read `/proc/<dockerd pid>/cmdline` and `/etc/docker/daemon.json`.\n",
    run,
};

fn run(d: &DaemonSettings, e: &mut Emitter) {
    if d.local_config_visible() {
        return;
    }
    let skipped: Vec<&str> = RULES
        .iter()
        .filter(|r| r.needs_local_config)
        .map(|r| r.code)
        .collect();
    let why = d.config_error.clone().unwrap_or_else(|| {
        "the dockerd process is not visible (remote engine or another PID namespace)".into()
    });
    e.emit(
        "daemon.json",
        "local files",
        format!("{why}; not checked: {}", skipped.join(", ")),
        "run bulwark docker on the engine's host as a user that can read the daemon's configuration",
    );
}
