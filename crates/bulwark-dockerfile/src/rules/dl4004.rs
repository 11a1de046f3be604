use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a second `ENTRYPOINT` in the same stage.
    ///
    /// ## Why is this bad?
    /// Only the last `ENTRYPOINT` counts; the others are dead code.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENTRYPOINT ["a"]
    /// ENTRYPOINT ["b"]
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// ENTRYPOINT ["b"]
    /// ```
    Dl4004 {
        code: "DL4004",
        name: "single-entrypoint",
        level: Error,
        message: "Multiple `ENTRYPOINT` instructions found. If you list more than one `ENTRYPOINT` then only the last `ENTRYPOINT` will take effect",
    }
}

impl Rule for Dl4004 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        let mut seen = false;
        for v in &cx.instrs {
            match &v.ins.kind {
                Kind::From(_) => seen = false,
                Kind::Entrypoint(_) => {
                    if seen {
                        out.push(Violation::at(&Self::META, v.ins));
                    }
                    seen = true;
                }
                _ => {}
            }
        }
    }
}
