//! BWC019: the image is not pinned.

use bulwark_k8s::hardening::parse_image;
use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::model::{Origin, Service};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC019",
    name: "unpinned-image",
    summary: "The image has no tag or uses `latest`.",
    severity: Severity::Warning,
    cis: None,
    doc: "## What\nFlags `image:` references without a tag or digest (`redis`) or with the tag `latest`. Services with a `build:` section are skipped (their `image` names the build result). References pinned by digest (`@sha256:…`) always pass.\n\n## Why\n`latest` and untagged references resolve to whatever was pushed last: a deploy or restart can silently pick up a different, unreviewed, unscanned image, and two hosts can run different code under one name. (The CIS Docker Benchmark leaves this to its manual checks 4.2 and 5.28.)\n\n## Example\n```yaml\nservices:\n  cache:\n    image: redis:latest\n```\n\n## Fix\n```yaml\nservices:\n  cache:\n    image: redis:7.4.1@sha256:…\n```\n",
    run,
};

/// An image ID rather than a reference (containers created from an ID).
fn is_image_id(image: &str) -> bool {
    let hex = image.strip_prefix("sha256:").unwrap_or(image);
    hex.len() >= 12
        && hex.len() <= 64
        && hex
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        && (image.starts_with("sha256:") || hex.len() == 64)
}

fn run(s: &Service, e: &mut Emitter<'_>) {
    let Some(img) = &s.image else { return };
    if s.builds && matches!(s.origin, Origin::Compose) {
        return;
    }
    let value = img.value.trim();
    if value.is_empty() || is_image_id(value) {
        return;
    }
    let r = parse_image(value);
    if r.digest.is_some() {
        return;
    }
    let problem = match r.tag {
        None => "has no tag (means latest)",
        Some("latest") => "uses the latest tag",
        Some(_) => return,
    };
    e.emit(
        &img.location,
        "image",
        format!("{} image {value:?} {problem}", s.describe()),
        "pin a version tag, ideally with its digest (name:1.2.3@sha256:…)",
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids() {
        assert!(super::is_image_id("sha256:3f46f3016a5c"));
        assert!(super::is_image_id(&"a".repeat(64)));
        assert!(!super::is_image_id("deadbeefcafe"));
        assert!(!super::is_image_id("nginx"));
    }
}
