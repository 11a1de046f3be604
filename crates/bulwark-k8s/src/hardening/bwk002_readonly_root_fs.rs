//! BWK002: containers whose root filesystem is writable.

use bulwark_report::Severity;

use super::{Emitter, Rule, declared};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK002",
    name: "readonly-root-filesystem",
    summary: "Container does not set securityContext.readOnlyRootFilesystem: true.",
    severity: Severity::Warning,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags init and regular containers whose `securityContext.readOnlyRootFilesystem` is not `true`.
        ///
        /// ## Why
        /// A writable root filesystem lets an attacker who gets code execution drop tools, modify binaries or persist changes inside the container.
        ///
        /// ## Example
        /// ```yaml
        /// securityContext:
        ///   readOnlyRootFilesystem: false
        /// ```
        ///
        /// ## Fix
        /// Set `readOnlyRootFilesystem: true` and mount an `emptyDir` where the application must write (e.g. `/tmp`).
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    for c in declared(w) {
        let field =
            c.sc.as_ref()
                .and_then(|sc| sc.read_only_root_filesystem.as_ref());
        if field.is_some_and(|f| f.value) {
            continue;
        }
        let pos = field
            .map(|f| f.pos)
            .or_else(|| c.sc.as_ref().map(|sc| sc.pos))
            .unwrap_or(c.pos);
        e.emit(
            pos,
            Some(c),
            format!("container {:?} has a writable root filesystem", c.name),
            "set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where the app writes",
        );
    }
}
