//! BWC008: the host's user namespace is shared.

use bulwark_report::Severity;

use super::{Emitter, Rule, host_namespace};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC008",
    name: "host-userns",
    summary: "The container shares the host's user namespace.",
    severity: Severity::Warning,
    cis: Some("5.31"),
    doc: "## What\nFlags `userns_mode: host` (`--userns host`), which turns off the daemon's user-namespace remapping for this container.\n\n## Why\nWith userns-remap on the daemon, root in a container maps to an unprivileged host user; `host` gives it back real root.\n\n## Example\n```yaml\nservices:\n  app:\n    image: app:1.4\n    userns_mode: host\n```\n\n## Fix\nRemove the setting: remove userns_mode: host.\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    if let Some(f) = host_namespace(s.userns_mode.as_ref()) {
        e.emit(
            &f.location,
            "userns_mode",
            format!(
                "{} shares the host's user namespace (userns_mode: host)",
                s.describe()
            ),
            "remove userns_mode: host",
        );
    }
}
