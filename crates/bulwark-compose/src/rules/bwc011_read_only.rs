//! BWC011: the root filesystem is writable.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC011",
    name: "writable-root-filesystem",
    summary: "The container's root filesystem is writable.",
    severity: Severity::Warning,
    cis: Some("5.13"),
    doc: "## What\nFlags services without `read_only: true` (containers without `--read-only`).\n\n## Why\nA writable root filesystem lets an intruder drop tools, replace binaries and persist across process restarts; a read-only one makes the image the only source of code.\n\n## Example\n```yaml\nservices:\n  api:\n    image: api:2.1\n```\n\n## Fix\n```yaml\nservices:\n  api:\n    image: api:2.1\n    read_only: true\n    tmpfs: [/tmp]\n    volumes: [\"data:/var/lib/api\"]\n```\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    if s.read_only.as_ref().is_some_and(|r| r.value) {
        return;
    }
    let at = s.read_only.as_ref().map_or(&s.location, |r| &r.location);
    e.emit(
        at,
        "read_only",
        format!("{} has a writable root filesystem", s.describe()),
        "set read_only: true and mount tmpfs or volumes for the paths that must be written",
    );
}
