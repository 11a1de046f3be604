//! BWC006: the host's IPC namespace is shared.

use bulwark_report::Severity;

use super::{Emitter, Rule, host_namespace};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC006",
    name: "host-ipc",
    summary: "The container shares the host's IPC namespace.",
    severity: Severity::Error,
    cis: Some("5.17"),
    doc: "## What\nFlags `ipc: host` (`--ipc host`).\n\n## Why\nShared memory segments and message queues of host processes become readable and writable from the container.\n\n## Example\n```yaml\nservices:\n  app:\n    image: app:1.4\n    ipc: host\n```\n\n## Fix\nRemove the setting: remove ipc: host (use ipc: shareable / service:NAME between trusted containers).\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    if let Some(f) = host_namespace(s.ipc.as_ref()) {
        e.emit(
            &f.location,
            "ipc",
            format!(
                "{} shares the host's IPC namespace (ipc: host)",
                s.describe()
            ),
            "remove ipc: host (use ipc: shareable / service:NAME between trusted containers)",
        );
    }
}
