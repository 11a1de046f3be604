use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a second `CMD` in the same stage.
    ///
    /// ## Why is this bad?
    /// Only the last `CMD` counts; the others are dead code.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["a"]
    /// CMD ["b"]
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// CMD ["b"]
    /// ```
    Dl4003 {
        code: "DL4003",
        name: "single-cmd",
        level: Warning,
        message: "Multiple `CMD` instructions found. If you list more than one `CMD` then only the last `CMD` will take effect",
    }
}

impl Rule for Dl4003 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        let mut seen = false;
        for v in &cx.instrs {
            match &v.ins.kind {
                Kind::From(_) => seen = false,
                Kind::Cmd(_) => {
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
