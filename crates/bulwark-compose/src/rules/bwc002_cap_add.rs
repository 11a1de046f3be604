//! BWC002: capabilities added beyond Docker's default set.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC002",
    name: "added-capabilities",
    summary: "The container adds Linux capabilities.",
    severity: Severity::Warning,
    cis: Some("5.4"),
    doc: "## What\nFlags every entry of `cap_add` (`--cap-add`). `ALL`, `SYS_ADMIN`, `SYS_MODULE`, `SYS_PTRACE`, `SYS_RAWIO`, `DAC_READ_SEARCH`, `NET_ADMIN` and `BPF` are called out as host-level powers.\n\n## Why\nEach capability is a slice of root. `SYS_ADMIN` alone allows mounting filesystems and most container escapes; `NET_ADMIN` rewrites the host's view of the network when combined with host networking.\n\n## Example\n```yaml\nservices:\n  vpn:\n    image: vpn:2\n    cap_add: [NET_ADMIN, SYS_ADMIN]\n```\n\n## Fix\nRemove the capability, or keep only the one the process needs, and start from `cap_drop: [ALL]`.\n",
    run,
};

const HOST_LEVEL: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "SYS_MODULE",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "DAC_READ_SEARCH",
    "NET_ADMIN",
    "BPF",
];

fn run(s: &Service, e: &mut Emitter<'_>) {
    for cap in &s.cap_add {
        let note = if HOST_LEVEL.contains(&cap.value.as_str()) {
            " (a host-level power)"
        } else {
            ""
        };
        e.emit(
            &cap.location,
            "cap_add",
            format!("{} adds capability {}{note}", s.describe(), cap.value),
            "remove the capability unless the process cannot work without it",
        );
    }
}
