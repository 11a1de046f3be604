//! BWI002: Secret stored in the image configuration (Env, Labels or history).

use bulwark_report::{Category, Finding, Severity};

use super::{Check, Context};

/// The check.
pub(super) static CHECK: Check = Check {
    code: "BWI002",
    name: "secret-in-config",
    severity: Severity::High,
    summary: "Secret stored in the image configuration (Env, Labels or history)",
    doc: bulwark_report::rule_doc! {
        /// ## What it finds
        /// Secret stored in the image configuration (Env, Labels or history).
        ///
        /// ## Why it matters
        /// `ENV`, `LABEL`, and build arguments used by `RUN` are stored in the image config and history: `docker inspect` / `docker history` reveal them to anyone who can pull.
        ///
        /// ## Example
        /// ```
        /// Env: ["DB_PASSWORD=s3cr3t-value"]
        /// ```
        ///
        /// ## Fix
        /// Pass secrets at run time or use `RUN --mount=type=secret`; revoke the exposed value.
        ///
        /// ## Related
        /// Dockle CIS-DI-0010
    },
    category: Category::Secret,
    run,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut found = Vec::new();
    for (i, kv) in cx.input.env.iter().enumerate() {
        let (k, v) = kv.split_once('=').unwrap_or((kv.as_str(), ""));
        for s in cx.scanner.scan_assignment(k, v, &cx.here()) {
            found.push(("env", i, format!("Env variable `{k}`"), s));
        }
    }
    for (i, (k, v)) in cx.input.labels.iter().enumerate() {
        for s in cx.scanner.scan_assignment(k, v, &cx.here()) {
            found.push(("label", i, format!("label `{k}`"), s));
        }
    }
    for (i, h) in cx.input.history.iter().enumerate() {
        for s in cx.scanner.scan_created_by(&h.created_by, &cx.here()) {
            found.push(("history", i, format!("history step {}", i + 1), s));
        }
    }
    for (field, index, what, s) in found {
        let mut f = CHECK
            .finding(format!("{} in {what}: {}", s.title, s.redacted), cx.here())
            .with_property("field", field)
            .with_property("index", index)
            .with_property("secret_rule", s.rule_id.clone())
            .with_property("match", s.redacted.as_str());
        if field == "history" {
            f = f.with_property("history_index", index);
        }
        out.push(f);
    }
}
