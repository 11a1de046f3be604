//! BWC023: host devices are passed into the container.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC023",
    name: "host-device",
    summary: "A host device is exposed to the container.",
    severity: Severity::Warning,
    cis: Some("5.18"),
    doc: "## What\nFlags `devices:` entries (`--device`).\n\n## Why\nA device node gives direct access to host hardware: a disk device (`/dev/sda`) means reading and writing the host's filesystem below every permission check, `/dev/mem` or `/dev/kmsg` the kernel itself.\n\n## Example\n```yaml\nservices:\n  app:\n    image: app:1.4\n    devices: [\"/dev/sda:/dev/xvda:rwm\"]\n```\n\n## Fix\nRemove the device, or pass the narrowest one with the fewest permissions (`:r`).\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    for d in &s.devices {
        e.emit(
            &d.location,
            "devices",
            format!("{} has host device {}", s.describe(), d.value),
            "remove the device unless the service drives that hardware",
        );
    }
}
