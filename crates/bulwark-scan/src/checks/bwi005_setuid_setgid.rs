//! BWI005: setuid/setgid file added.

use bulwark_report::{Category, Finding, Severity};

use super::{Check, Context, FileKind, file_loc, norm, push_capped};

/// The check.
pub(super) static CHECK: Check = Check {
    code: "BWI005",
    name: "setuid-setgid-file",
    severity: Severity::Medium,
    summary: "setuid/setgid file added",
    doc: bulwark_report::rule_doc! {
        /// ## What it finds
        /// setuid/setgid file added.
        ///
        /// ## Why it matters
        /// setuid/setgid binaries are privilege-escalation paths. Files from the base image are not reported when the base layers are known; when they are not known every such file is reported at low severity (property `base_known: false`).
        ///
        /// ## Example
        /// ```
        /// -rwsr-xr-x /usr/local/bin/helper
        /// ```
        ///
        /// ## Fix
        /// `chmod u-s,g-s` the file in the same RUN that installs it, or don't install it.
        ///
        /// ## Related
        /// Dockle CIS-DI-0008
    },
    category: Category::ImageConfig,
    run,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut found = Vec::new();
    for &(li, f) in &cx.final_files {
        if !matches!(f.kind, FileKind::File | FileKind::Hardlink) || f.mode & 0o6000 == 0 {
            continue;
        }
        let base = cx.is_base(li);
        if base == Some(true) {
            continue;
        }
        let bits = match (f.mode & 0o4000 != 0, f.mode & 0o2000 != 0) {
            (true, true) => "setuid+setgid",
            (true, false) => "setuid",
            _ => "setgid",
        };
        let mut fd = CHECK
            .finding(
                format!(
                    "{bits} file /{} (mode {:o})",
                    norm(&f.path),
                    f.mode & 0o7777
                ),
                file_loc(f),
            )
            .with_property("layer_digest", cx.layer_digest(li))
            .with_property("mode", format!("{:o}", f.mode & 0o7777))
            .with_property("base_known", base.is_some());
        if base.is_none() {
            fd.severity = Severity::Low;
        }
        found.push(fd);
    }
    push_capped(out, found, &CHECK, &cx.input.reference);
}
