use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags schema labels set to an empty value. Configured through `label-schema` (`--require-
    /// label NAME:TYPE`).
    ///
    /// ## Why is this bad?
    /// An empty required label carries no information.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL version=""
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// LABEL version="1.0.0"
    /// ```
    Dl3051 {
        code: "DL3051",
        name: "label-empty",
        level: Warning,
        message: "label `<label>` is empty.",
    }
}

fn valid(v: &str) -> bool {
    !v.is_empty()
}

impl Rule for Dl3051 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for label in cx.config.label_schema.keys() {
            for v in &cx.instrs {
                if let Kind::Label(pairs) = &v.ins.kind
                    && pairs.iter().any(|(k, val)| k == label && !valid(val))
                {
                    out.push(Violation::at(&Self::META, v.ins).with_message(format!("label `{label}` is empty.")));
                }
            }
        }
    }
}
