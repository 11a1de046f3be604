use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `hash` labels whose value is not a 7- or 40-character lower-case hex git hash.
    /// Configured through `label-schema` (`--require-label NAME:TYPE`).
    ///
    /// ## Why is this bad?
    /// Tools that read the label expect a commit id.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL org.opencontainers.image.revision="main"
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// LABEL org.opencontainers.image.revision="0a1b2c3"
    /// ```
    Dl3055 {
        code: "DL3055",
        name: "label-git-hash",
        level: Warning,
        message: "Label `<label>` is not a valid git hash.",
    }
}

fn valid(v: &str) -> bool {
    (v.len() == 7 || v.len() == 40) && v.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

impl Rule for Dl3055 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for (label, ty) in &cx.config.label_schema {
            if *ty != crate::config::LabelType::Hash {
                continue;
            }
            for v in &cx.instrs {
                if let Kind::Label(pairs) = &v.ins.kind
                    && pairs.iter().any(|(k, val)| k == label && !valid(val))
                {
                    out.push(Violation::at(&Self::META, v.ins).with_message(format!("Label `{label}` is not a valid git hash.")));
                }
            }
        }
    }
}
