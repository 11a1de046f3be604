//! BWD009: the userland proxy is on.

use bulwark_report::Severity;

use super::{Emitter, Rule, setting_bool};
use crate::settings::DaemonSettings;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWD009",
    name: "userland-proxy",
    summary: "The userland proxy is enabled.",
    severity: Severity::Info,
    cis: Some("2.16"),
    needs_local_config: true,
    doc: "## What\nReports a daemon without `\"userland-proxy\": false` in daemon.json or `--userland-proxy=false` (only visible for a local engine).\n\n## Why\nWith hairpin NAT available, `docker-proxy` processes are one more root-owned listener per published port: more attack surface, and traffic that reaches containers with a local source address.\n\n## Example\n```json\n{}\n```\n\n## Fix\n```json\n{ \"userland-proxy\": false }\n```\n(on kernels with hairpin NAT, i.e. any current one).\n",
    run,
};

fn run(d: &DaemonSettings, e: &mut Emitter) {
    if setting_bool(d, "--userland-proxy", "userland-proxy").is_some_and(|(v, _)| !v) {
        return;
    }
    e.emit(
        "userland-proxy",
        "daemon.json / dockerd command line",
        "the userland proxy is enabled".into(),
        "set \"userland-proxy\": false in daemon.json",
    );
}
