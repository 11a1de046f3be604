//! BWI009: Package-manager cache left in the image.

use bulwark_report::{Category, Finding, Severity};

use super::{Check, Context, FileKind, FileMeta, globs, norm};

/// The check.
pub(super) static CHECK: Check = Check {
    code: "BWI009",
    name: "package-cache-left",
    severity: Severity::Low,
    summary: "Package-manager cache left in the image",
    doc: bulwark_report::rule_doc! {
        /// ## What it finds
        /// Package-manager cache left in the image.
        ///
        /// ## Why it matters
        /// Downloaded packages and indexes bloat the image and pin stale metadata.
        ///
        /// ## Example
        /// ```
        /// /var/lib/apt/lists/* present in the final filesystem
        /// ```
        ///
        /// ## Fix
        /// Clean in the same RUN: `rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, `pip install --no-cache-dir`, `dnf clean all`.
        ///
        /// ## Related
        /// Dockle DKL-DI-0005, Hadolint DL3009/DL3019/DL3042
    },
    category: Category::ImageConfig,
    run,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (kind, count, bytes) in package_caches(&cx.final_files) {
        out.push(
            CHECK
                .finding(
                    format!("{kind} cache left in the image: {count} files, {bytes} bytes"),
                    cx.here(),
                )
                .with_property("cache", kind)
                .with_property("files", count)
                .with_property("bytes", bytes),
        );
    }
}

fn package_caches(files: &[(usize, &FileMeta)]) -> Vec<(&'static str, u64, u64)> {
    let kinds: &[(&str, &[&str], &[&str])] = &[
        ("apt archives", &["var/cache/apt/archives/*.deb"], &[]),
        (
            "apt lists",
            &["var/lib/apt/lists/*"],
            &["var/lib/apt/lists/lock"],
        ),
        ("apk", &["var/cache/apk/*"], &[]),
        ("pip", &["root/.cache/pip/**", "home/*/.cache/pip/**"], &[]),
        ("yum", &["var/cache/yum/**"], &[]),
        ("dnf", &["var/cache/dnf/**"], &[]),
        (
            "npm",
            &["root/.npm/_cacache/**", "home/*/.npm/_cacache/**"],
            &[],
        ),
    ];
    let mut out = Vec::new();
    for (name, include, exclude) in kinds {
        let (Ok(inc), Ok(exc)) = (globs(include), globs(exclude)) else {
            continue;
        };
        let mut count = 0u64;
        let mut bytes = 0u64;
        for (_, f) in files {
            let p = norm(&f.path);
            if f.kind == FileKind::File && inc.is_match(p) && !exc.is_match(p) {
                count += 1;
                bytes += f.size;
            }
        }
        if count > 0 {
            out.push((*name, count, bytes));
        }
    }
    out
}
