use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `strict-labels`, flags `LABEL` instructions that set labels not in the `label-schema`.
    /// Configured through `label-schema` (`--require-label NAME:TYPE`).
    ///
    /// ## Why is this bad?
    /// Keeps image metadata to the agreed schema.
    ///
    /// ## Example
    /// ```dockerfile
    /// # strict-labels: true, label-schema: {version: semver}
    /// LABEL team=x
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// LABEL version="1.0.0"
    /// ```
    Dl3050 {
        code: "DL3050",
        name: "label-superfluous",
        level: Info,
        message: "Superfluous label(s) present.",
    }
}

impl Rule for Dl3050 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        if !cx.config.strict_labels {
            return;
        }
        for v in &cx.instrs {
            if let Kind::Label(pairs) = &v.ins.kind
                && pairs.iter().any(|(k, _)| !cx.config.label_schema.contains_key(k))
            {
                out.push(Violation::at(&Self::META, v.ins));
            }
        }
    }
}
