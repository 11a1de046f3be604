use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `COPY --from=name` inside the stage that is itself called `name`.
    ///
    /// ## Why is this bad?
    /// A stage cannot copy from itself; the build fails or copies from an unrelated image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12 AS build
    /// COPY --from=build /a /b
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM debian:12 AS build
    /// FROM alpine:3.19
    /// COPY --from=build /a /b
    /// ```
    Dl3023 {
        code: "DL3023",
        name: "copy-from-self",
        level: Error,
        message: "`COPY --from` cannot reference its own `FROM` alias",
    }
}

impl Rule for Dl3023 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        let mut current: Option<Option<&str>> = None;
        for v in &cx.instrs {
            match &v.ins.kind {
                Kind::From(f) => current = Some(f.alias.as_deref()),
                Kind::Copy(c) => {
                    if let (Some(Some(alias)), Some(src)) = (current, &c.from)
                        && alias == src
                    {
                        out.push(Violation::at(&Self::META, v.ins));
                    }
                }
                _ => {}
            }
        }
    }
}
