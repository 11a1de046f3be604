//! BWC001: privileged containers.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC001",
    name: "privileged",
    summary: "The container runs privileged.",
    severity: Severity::Error,
    cis: Some("5.5"),
    doc: "## What\nFlags `privileged: true` (Compose) and containers created with `--privileged`.\n\n## Why\nA privileged container gets every capability, every host device, no seccomp or AppArmor confinement and writable `/sys`: root in it is root on the host.\n\n## Example\n```yaml\nservices:\n  app:\n    image: app:1.4\n    privileged: true\n```\n\n## Fix\nRemove `privileged` and add only the capabilities or devices the service needs (`cap_add`, `devices`).\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    if let Some(p) = s.privileged.as_ref().filter(|p| p.value) {
        e.emit(
            &p.location,
            "privileged",
            format!("{} runs privileged", s.describe()),
            "remove privileged; grant single capabilities (cap_add) or devices instead",
        );
    }
}
