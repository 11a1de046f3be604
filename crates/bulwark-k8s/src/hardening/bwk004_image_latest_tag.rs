//! BWK004: images tagged `latest`.

use bulwark_report::Severity;

use super::{Emitter, Rule, parse_image};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK004",
    name: "image-latest-tag",
    summary: "Image uses the mutable :latest tag.",
    severity: Severity::Warning,
    doc: "## What\nFlags container images tagged `:latest` without a digest.\n\n## Why\n`latest` moves with every push, so what runs depends on when a node pulled; rollbacks and audits cannot tell which code ran.\n\n## Example\n```yaml\nimage: redis:latest\n```\n\n## Fix\nUse a version tag and a digest: `image: redis:7.4.1@sha256:…`.\n",
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    for c in &w.spec.containers {
        let Some(img) = &c.image else { continue };
        let r = parse_image(&img.value);
        if r.tag == Some("latest") && r.digest.is_none() {
            e.emit(
                img.pos,
                Some(c),
                format!(
                    "container {:?} uses image {:?} with the mutable latest tag",
                    c.name, img.value
                ),
                "pin the image to a version tag and digest",
            );
        }
    }
}
