use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `email` labels whose value is not an e-mail address. Configured through `label-schema`
    /// (`--require-label NAME:TYPE`).
    ///
    /// ## Why is this bad?
    /// Tools that read the label expect a contact address.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL maintainer="someone"
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// LABEL maintainer="someone@example.com"
    /// ```
    Dl3058 {
        code: "DL3058",
        name: "label-email",
        level: Warning,
        message: "Label `<label>` is not a valid email format - must conform to RFC5322.",
    }
}

use crate::labels::is_email as valid;

impl Rule for Dl3058 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for (label, ty) in &cx.config.label_schema {
            if *ty != crate::config::LabelType::Email {
                continue;
            }
            for v in &cx.instrs {
                if let Kind::Label(pairs) = &v.ins.kind
                    && pairs.iter().any(|(k, val)| k == label && !valid(val))
                {
                    out.push(Violation::at(&Self::META, v.ins).with_message(format!("Label `{label}` is not a valid email format - must conform to RFC5322.")));
                }
            }
        }
    }
}
