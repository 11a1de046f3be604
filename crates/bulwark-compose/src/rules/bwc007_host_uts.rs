//! BWC007: the host's UTS namespace is shared.

use bulwark_report::Severity;

use super::{Emitter, Rule, host_namespace};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC007",
    name: "host-uts",
    summary: "The container shares the host's UTS namespace.",
    severity: Severity::Warning,
    cis: Some("5.21"),
    doc: "## What\nFlags `uts: host` (`--uts host`).\n\n## Why\nThe container can change the host's hostname and domain name (with SYS_ADMIN) and learns them, which many scripts trust.\n\n## Example\n```yaml\nservices:\n  app:\n    image: app:1.4\n    uts: host\n```\n\n## Fix\nRemove the setting: remove uts: host.\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    if let Some(f) = host_namespace(s.uts.as_ref()) {
        e.emit(
            &f.location,
            "uts",
            format!(
                "{} shares the host's UTS namespace (uts: host)",
                s.describe()
            ),
            "remove uts: host",
        );
    }
}
