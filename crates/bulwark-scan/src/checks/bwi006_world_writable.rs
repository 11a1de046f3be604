//! BWI006: World-writable file or directory.

use bulwark_report::{Category, Finding, Severity};

use super::{Check, Context, FileKind, file_loc, norm, push_capped};

/// The check.
pub(super) static CHECK: Check = Check {
    code: "BWI006",
    name: "world-writable",
    severity: Severity::Medium,
    summary: "World-writable file or directory",
    doc: bulwark_report::rule_doc! {
        /// ## What it finds
        /// World-writable file or directory.
        ///
        /// ## Why it matters
        /// Any user in the container can modify it (replace a binary, a config, a script). Directories with the sticky bit (`/tmp`) and symlinks are exempt.
        ///
        /// ## Example
        /// ```
        /// drwxrwxrwx /app/config
        /// ```
        ///
        /// ## Fix
        /// Remove the `o+w` bit (`chmod o-w`), give ownership to the app user instead.
        ///
        /// ## Related
        /// CIS Docker Benchmark 4.x (file permissions)
    },
    category: Category::ImageConfig,
    run,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut found = Vec::new();
    for &(li, f) in &cx.final_files {
        let writable = f.mode & 0o002 != 0;
        let sticky_dir = f.kind == FileKind::Dir && f.mode & 0o1000 != 0;
        if !writable
            || sticky_dir
            || !matches!(f.kind, FileKind::File | FileKind::Dir | FileKind::Hardlink)
        {
            continue;
        }
        let what = if f.kind == FileKind::Dir {
            "directory"
        } else {
            "file"
        };
        found.push(
            CHECK
                .finding(
                    format!(
                        "World-writable {what} /{} (mode {:o})",
                        norm(&f.path),
                        f.mode & 0o7777
                    ),
                    file_loc(f),
                )
                .with_property("layer_digest", cx.layer_digest(li))
                .with_property("mode", format!("{:o}", f.mode & 0o7777)),
        );
    }
    push_capped(out, found, &CHECK, &cx.input.reference);
}
