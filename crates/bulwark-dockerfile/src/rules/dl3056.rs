use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `semver` labels whose value is not a semantic version. Configured through `label-
    /// schema` (`--require-label NAME:TYPE`).
    ///
    /// ## Why is this bad?
    /// Tools that read the label expect a comparable version.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL version="v1"
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// LABEL version="1.0.0"
    /// ```
    Dl3056 {
        code: "DL3056",
        name: "label-semver",
        level: Warning,
        message: "Label `<label>` does not conform to semantic versioning.",
    }
}

use crate::labels::is_semver as valid;

impl Rule for Dl3056 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for (label, ty) in &cx.config.label_schema {
            if *ty != crate::config::LabelType::Semver {
                continue;
            }
            for v in &cx.instrs {
                if let Kind::Label(pairs) = &v.ins.kind
                    && pairs.iter().any(|(k, val)| k == label && !valid(val))
                {
                    out.push(Violation::at(&Self::META, v.ins).with_message(format!("Label `{label}` does not conform to semantic versioning.")));
                }
            }
        }
    }
}
