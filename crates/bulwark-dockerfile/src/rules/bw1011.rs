use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `RUN --network=host`.
    ///
    /// ## Why is this bad?
    /// The step can reach services bound to the build host's loopback interface (metadata
    /// endpoints, local databases, the Docker API) and needs the `network.host` entitlement.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN --network=host ./fetch-deps.sh
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN ./fetch-deps.sh
    /// ```
    Bw1011 {
        code: "BW1011",
        name: "run-network-host",
        level: Warning,
        message: "`RUN --network=host` gives the build step the host's network namespace",
    }
}

impl Rule for Bw1011 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for v in &cx.instrs {
            let ins = v.onbuild_inner().unwrap_or(v.ins);
            if let Kind::Run(r) = &ins.kind
                && r.network.as_deref() == Some("host")
            {
                out.push(Violation::at_token(&Self::META, cx, v.ins, "--network"));
            }
        }
    }
}
