//! BWC014: seccomp is turned off.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC014",
    name: "seccomp-unconfined",
    summary: "The container runs without a seccomp profile.",
    severity: Severity::Error,
    cis: Some("5.22"),
    doc: "## What\nFlags `security_opt: [\"seccomp:unconfined\"]` (`--security-opt seccomp=unconfined`).\n\n## Why\nDocker's default seccomp profile blocks about 44 system calls (`keyctl`, `add_key`, `bpf`, `mount`, `unshare`, `kexec_load`, …) used by most kernel exploits. Unconfined exposes the whole syscall surface of the host kernel.\n\n## Example\n```yaml\nservices:\n  app:\n    image: app:1.4\n    security_opt: [\"seccomp:unconfined\"]\n```\n\n## Fix\nRemove the option (the default profile applies), or give a custom profile that allows only the extra calls needed: `seccomp:./profile.json`.\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    for (k, v, loc) in s.security_opts() {
        if k == "seccomp" && v.is_some_and(|v| v.eq_ignore_ascii_case("unconfined")) {
            e.emit(
                loc,
                "security_opt",
                format!("{} turns seccomp off (seccomp=unconfined)", s.describe()),
                "remove seccomp=unconfined or use a custom profile",
            );
        }
    }
}
