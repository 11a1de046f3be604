use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `RUN --security=insecure`.
    ///
    /// ## Why is this bad?
    /// The step runs like a privileged container: it can access host devices and escape the build
    /// sandbox. It also needs the `security.insecure` entitlement, which should not be enabled on
    /// shared builders.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN --security=insecure mount -t tmpfs none /mnt
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN --security=sandbox make
    /// ```
    Bw1007 {
        code: "BW1007",
        name: "run-security-insecure",
        level: Error,
        message: "`RUN --security=insecure` runs the step with all capabilities and no sandbox",
    }
}

impl Rule for Bw1007 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for v in &cx.instrs {
            let ins = v.onbuild_inner().unwrap_or(v.ins);
            if let Kind::Run(r) = &ins.kind
                && r.security.as_deref() == Some("insecure")
            {
                out.push(Violation::at_token(&Self::META, cx, v.ins, "--security"));
            }
        }
    }
}
