//! BWC005: the host's process namespace is shared.

use bulwark_report::Severity;

use super::{Emitter, Rule, host_namespace};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC005",
    name: "host-pid",
    summary: "The container shares the host's process namespace.",
    severity: Severity::Error,
    cis: Some("5.16"),
    doc: "## What\nFlags `pid: host` (`--pid host`).\n\n## Why\nThe container sees every host process, can signal them, and with SYS_PTRACE read their memory and environment (credentials of other containers included).\n\n## Example\n```yaml\nservices:\n  app:\n    image: app:1.4\n    pid: host\n```\n\n## Fix\nRemove the setting: remove pid: host.\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    if let Some(f) = host_namespace(s.pid.as_ref()) {
        e.emit(
            &f.location,
            "pid",
            format!(
                "{} shares the host's process namespace (pid: host)",
                s.describe()
            ),
            "remove pid: host",
        );
    }
}
