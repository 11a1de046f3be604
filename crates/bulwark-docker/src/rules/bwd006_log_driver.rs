//! BWD006: container logs stay on the host.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::settings::DaemonSettings;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWD006",
    name: "local-logging-only",
    summary: "Container logs are kept only on the host (no central logging).",
    severity: Severity::Info,
    cis: Some("2.13"),
    needs_local_config: false,
    doc: "## What\nReports a default logging driver (`LoggingDriver` in `docker info`) of `json-file`, `local` or `none`.\n\n## Why\nLogs kept only on the host are lost with it and can be edited by whoever compromises it; incident response needs them somewhere else. (`none` loses them altogether.)\n\n## Example\n```json\n{ \"log-driver\": \"json-file\" }\n```\n\n## Fix\n```json\n{ \"log-driver\": \"syslog\", \"log-opts\": { \"syslog-address\": \"tcp+tls://logs.internal:6514\" } }\n```\nor `fluentd`, `gelf`, `journald` shipped onwards, `awslogs`, `gcplogs`, `splunk`.\n",
    run,
};

fn run(d: &DaemonSettings, e: &mut Emitter) {
    let driver = d
        .info_at("/LoggingDriver")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    if matches!(driver, "json-file" | "local" | "none") {
        e.emit(
            "log-driver",
            "info",
            format!("container logs use the {driver} driver and stay on the host"),
            "ship logs off the host (syslog, fluentd, gelf, journald with forwarding, a cloud driver)",
        );
    }
}
