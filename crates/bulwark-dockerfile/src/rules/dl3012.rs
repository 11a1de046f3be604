use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a second `HEALTHCHECK` in the same build stage.
    ///
    /// ## Why is this bad?
    /// Only the last `HEALTHCHECK` takes effect; earlier ones are dead code that misleads readers.
    ///
    /// ## Example
    /// ```dockerfile
    /// HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
    /// HEALTHCHECK CMD ["wget", "-q", "-O-", "http://localhost/"]
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
    /// ```
    Dl3012 {
        code: "DL3012",
        name: "single-healthcheck",
        level: Error,
        message: "Multiple `HEALTHCHECK` instructions",
    }
}

impl Rule for Dl3012 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        let mut seen = false;
        for v in &cx.instrs {
            match &v.ins.kind {
                Kind::From(_) => seen = false,
                Kind::Healthcheck(_) => {
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
