use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `rfc3339` labels whose value is not an RFC 3339 timestamp. Configured through `label-
    /// schema` (`--require-label NAME:TYPE`).
    ///
    /// ## Why is this bad?
    /// Tools that read the label expect a parseable time.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL org.opencontainers.image.created="yesterday"
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// LABEL org.opencontainers.image.created="2024-03-01T12:00:00Z"
    /// ```
    Dl3053 {
        code: "DL3053",
        name: "label-rfc3339",
        level: Warning,
        message: "Label `<label>` is not a valid time format - must conform to RFC3339.",
    }
}

use crate::labels::is_rfc3339 as valid;

impl Rule for Dl3053 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for (label, ty) in &cx.config.label_schema {
            if *ty != crate::config::LabelType::Rfc3339 {
                continue;
            }
            for v in &cx.instrs {
                if let Kind::Label(pairs) = &v.ins.kind
                    && pairs.iter().any(|(k, val)| k == label && !valid(val))
                {
                    out.push(Violation::at(&Self::META, v.ins).with_message(format!("Label `{label}` is not a valid time format - must conform to RFC3339.")));
                }
            }
        }
    }
}
