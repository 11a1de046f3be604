use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags instructions other than `ARG` before the first `FROM`.
    ///
    /// ## Why is this bad?
    /// Docker rejects such files.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL a=b
    /// FROM alpine:3.19
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM alpine:3.19
    /// LABEL a=b
    /// ```
    Dl3061 {
        code: "DL3061",
        name: "instruction-order",
        level: Error,
        message: "Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment.",
    }
}

impl Rule for Dl3061 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for v in &cx.instrs {
            match &v.ins.kind {
                Kind::From(_) => return,
                Kind::Arg(_) => {}
                _ => out.push(Violation::at(&Self::META, v.ins)),
            }
        }
    }
}
