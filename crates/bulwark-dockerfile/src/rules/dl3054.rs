use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `spdx` labels whose value is not a known SPDX license identifier. Configured through
    /// `label-schema` (`--require-label NAME:TYPE`).
    ///
    /// ## Why is this bad?
    /// Licence scanners need a machine-readable identifier.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL org.opencontainers.image.licenses="Apache 2"
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// LABEL org.opencontainers.image.licenses="Apache-2.0"
    /// ```
    Dl3054 {
        code: "DL3054",
        name: "label-spdx",
        level: Warning,
        message: "Label `<label>` is not a valid SPDX identifier.",
    }
}

use crate::labels::is_spdx as valid;

impl Rule for Dl3054 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for (label, ty) in &cx.config.label_schema {
            if *ty != crate::config::LabelType::Spdx {
                continue;
            }
            for v in &cx.instrs {
                if let Kind::Label(pairs) = &v.ins.kind
                    && pairs.iter().any(|(k, val)| k == label && !valid(val))
                {
                    out.push(Violation::at(&Self::META, v.ins).with_message(format!("Label `{label}` is not a valid SPDX identifier.")));
                }
            }
        }
    }
}
