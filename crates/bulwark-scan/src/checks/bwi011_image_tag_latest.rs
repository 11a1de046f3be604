//! BWI011: Image referenced by the `latest` tag.

use bulwark_report::{Category, Finding, Severity};

use super::{Check, Context, is_latest_ref};

/// The check.
pub(super) static CHECK: Check = Check {
    code: "BWI011",
    name: "image-tag-latest",
    severity: Severity::Low,
    summary: "Image referenced by the `latest` tag",
    doc: bulwark_report::rule_doc! {
        /// ## What it finds
        /// Image referenced by the `latest` tag.
        ///
        /// ## Why it matters
        /// `latest` is mutable: what is scanned may not be what runs.
        ///
        /// ## Example
        /// ```
        /// bulwark image app:latest
        /// ```
        ///
        /// ## Fix
        /// Deploy by version tag or digest.
        ///
        /// ## Related
        /// Dockle DKL-DI-0006
    },
    category: Category::ImageConfig,
    run,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let r = &cx.input.reference;
    if !r.is_empty() && is_latest_ref(r) && looks_like_ref(r) {
        out.push(CHECK.finding(
            format!("Image `{r}` is referenced by the `latest` tag"),
            cx.here(),
        ));
    }
}

/// Image references, not archive paths (`./app.tar`, `oci:dir`): a `latest` tag only matters
/// for registry references.
fn looks_like_ref(reference: &str) -> bool {
    let r = reference.trim();
    let lower = r.to_ascii_lowercase();
    !(r.starts_with('/')
        || r.starts_with("./")
        || std::path::Path::new(&lower)
            .extension()
            .is_some_and(|e| e == "tar" || e == "gz" || e == "tgz")
        || r.contains("://"))
        && r.rsplit('/').next().is_some_and(|l| l.contains(':'))
}
