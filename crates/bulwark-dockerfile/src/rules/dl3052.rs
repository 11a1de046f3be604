use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `url` labels whose value is not an absolute URI. Configured through `label-schema`
    /// (`--require-label NAME:TYPE`).
    ///
    /// ## Why is this bad?
    /// Tools that read the label expect a link they can follow.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL org.opencontainers.image.source="github.com/x/y"
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// LABEL org.opencontainers.image.source="https://github.com/x/y"
    /// ```
    Dl3052 {
        code: "DL3052",
        name: "label-url",
        level: Warning,
        message: "Label `<label>` is not a valid URL.",
    }
}

use crate::labels::is_uri as valid;

impl Rule for Dl3052 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for (label, ty) in &cx.config.label_schema {
            if *ty != crate::config::LabelType::Url {
                continue;
            }
            for v in &cx.instrs {
                if let Kind::Label(pairs) = &v.ins.kind
                    && pairs.iter().any(|(k, val)| k == label && !valid(val))
                {
                    out.push(Violation::at(&Self::META, v.ins).with_message(format!("Label `{label}` is not a valid URL.")));
                }
            }
        }
    }
}
