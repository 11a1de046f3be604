//! BWC003: the default capability set is kept.

use bulwark_report::Severity;

use super::{Emitter, Rule, is_privileged};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC003",
    name: "missing-cap-drop-all",
    summary: "The container does not drop all capabilities.",
    severity: Severity::Warning,
    cis: Some("5.4"),
    doc: "## What\nFlags services and containers without `cap_drop: [ALL]` (`--cap-drop=ALL`). Privileged containers are reported by BWC001 instead.\n\n## Why\nDocker's default set keeps 14 capabilities (`CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `SETUID`, `SETGID`, `NET_RAW`, `MKNOD`, …) that most services never use and that turn a code-execution bug into file tampering, spoofed packets or privilege changes.\n\n## Example\n```yaml\nservices:\n  web:\n    image: nginx:1.27\n```\n\n## Fix\n```yaml\nservices:\n  web:\n    image: nginx:1.27\n    cap_drop: [ALL]\n    cap_add: [NET_BIND_SERVICE]\n```\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    if is_privileged(s) || s.cap_drop.iter().any(|c| c.value == "ALL") {
        return;
    }
    let at = s.cap_drop.first().map_or(&s.location, |c| &c.location);
    e.emit(
        at,
        "cap_drop",
        format!(
            "{} keeps Docker's default capabilities (no cap_drop: [ALL])",
            s.describe()
        ),
        "add cap_drop: [ALL] and add back only what the process needs",
    );
}
