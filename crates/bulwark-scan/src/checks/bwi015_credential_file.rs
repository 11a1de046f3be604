//! BWI015: Credential file in the image.

use bulwark_report::{Category, Finding, Severity};

use super::{Check, Context, FileKind, file_loc, globs, norm, push_capped};

/// The check.
pub(super) static CHECK: Check = Check {
    code: "BWI015",
    name: "credential-file-present",
    severity: Severity::High,
    summary: "Credential file in the image",
    doc: bulwark_report::rule_doc! {
        /// ## What it finds
        /// Credential file in the image.
        ///
        /// ## Why it matters
        /// Files such as `.aws/credentials`, `.docker/config.json`, `.git-credentials`, `.netrc`, `.npmrc`, `.pypirc`, `.pgpass`, SSH private keys and `.env` usually hold credentials; deleting them in a later layer does not remove them from the image.
        ///
        /// ## Example
        /// ```
        /// /root/.aws/credentials
        /// ```
        ///
        /// ## Fix
        /// Never COPY these; use build secrets and run-time secret mounts.
        ///
        /// ## Related
        /// Dockle CIS-DI-0010
    },
    category: Category::ImageConfig,
    run,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Ok(set) = credential_globs() else { return };
    let mut found = Vec::new();
    for &(li, f) in &cx.all_entries {
        if !matches!(f.kind, FileKind::File | FileKind::Hardlink) {
            continue;
        }
        let p = norm(&f.path);
        if set.is_match(p) {
            let mut msg = format!("Credential file /{p}");
            if f.removed_in_later_layer {
                msg.push_str(" (deleted by a later layer, still in the image's layers)");
            }
            found.push(
                CHECK
                    .finding(msg, file_loc(f))
                    .with_property("layer_digest", cx.layer_digest(li))
                    .with_property("removed_in_later_layer", f.removed_in_later_layer),
            );
        }
    }
    push_capped(out, found, &CHECK, &cx.input.reference);
}

fn credential_globs() -> Result<globset::GlobSet, globset::Error> {
    globs(&[
        "**/.aws/credentials",
        "**/.docker/config.json",
        "**/.git-credentials",
        "**/.netrc",
        "**/.npmrc",
        "**/.pypirc",
        "**/.pgpass",
        "**/.vault-token",
        "**/.kube/config",
        "**/.ssh/id_rsa",
        "**/.ssh/id_dsa",
        "**/.ssh/id_ecdsa",
        "**/.ssh/id_ed25519",
        "**/.env",
        "**/.htpasswd",
    ])
}
