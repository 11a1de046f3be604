//! BWC013: no-new-privileges is not set.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC013",
    name: "missing-no-new-privileges",
    summary: "The container may gain privileges through setuid binaries.",
    severity: Severity::Warning,
    cis: Some("5.26"),
    doc: "## What\nFlags services without `security_opt: [\"no-new-privileges:true\"]` (`--security-opt no-new-privileges`), or with it set to false.\n\n## Why\nWithout it, a process can gain privileges by executing setuid or setcap binaries (`su`, `sudo`, `ping` in older images); with it, the kernel refuses any privilege gain across `execve`.\n\n## Example\n```yaml\nservices:\n  app:\n    image: app:1.4\n```\n\n## Fix\n```yaml\nservices:\n  app:\n    image: app:1.4\n    security_opt: [\"no-new-privileges:true\"]\n```\nOr set `\"no-new-privileges\": true` in the daemon's `daemon.json` for every container.\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    let mut at = None;
    for (k, v, loc) in s.security_opts() {
        if k == "no-new-privileges" {
            if v.is_none_or(|v| v.eq_ignore_ascii_case("true")) {
                return;
            }
            at = Some(loc);
        }
    }
    e.emit(
        at.unwrap_or(&s.location),
        "security_opt",
        format!("{} does not set no-new-privileges", s.describe()),
        "add security_opt: [\"no-new-privileges:true\"]",
    );
}
