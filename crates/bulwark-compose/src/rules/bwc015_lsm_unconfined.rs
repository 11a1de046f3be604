//! BWC015: AppArmor or SELinux confinement is turned off.

use bulwark_report::Severity;

use super::{Emitter, Rule, is_privileged};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC015",
    name: "lsm-unconfined",
    summary: "The container runs without AppArmor or SELinux confinement.",
    severity: Severity::Error,
    cis: Some("5.2, 5.3"),
    doc: "## What\nFlags `security_opt` entries `apparmor:unconfined` (CIS 5.2) and `label:disable` (CIS 5.3), and containers whose effective AppArmor profile is `unconfined`. Privileged containers (BWC001), for which the engine turns both off itself, are not reported again.\n\n## Why\nThe default AppArmor profile (`docker-default`) and SELinux labels deny writes to `/proc` and `/sys` files and mounts that container escapes rely on. Turning them off removes that layer for no functional gain in most services.\n\n## Example\n```yaml\nservices:\n  app:\n    image: app:1.4\n    security_opt: [\"apparmor:unconfined\"]\n```\n\n## Fix\nRemove the option; if the default profile blocks something legitimate, write a profile that allows just that and name it (`apparmor:my-profile`).\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    // The engine turns labels off for privileged containers itself; BWC001 reports those.
    if is_privileged(s) {
        return;
    }
    for (k, v, loc) in s.security_opts() {
        let v = v.unwrap_or("");
        let off = (k == "apparmor" && v.eq_ignore_ascii_case("unconfined"))
            || (k == "label" && v.eq_ignore_ascii_case("disable"));
        if off {
            e.emit(
                loc,
                "security_opt",
                format!(
                    "{} turns {} confinement off ({k}={v})",
                    s.describe(),
                    if k == "label" { "SELinux" } else { "AppArmor" }
                ),
                "remove the option so the default profile applies",
            );
        }
    }
}
