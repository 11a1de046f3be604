use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `EXPOSE 22`.
    ///
    /// ## Why is this bad?
    /// An SSH daemon is another service with credentials to manage and patch; use `docker
    /// exec`/`kubectl exec` for debugging instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 22
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// # no SSH server; use docker exec
    /// EXPOSE 8080
    /// ```
    Bw1015 {
        code: "BW1015",
        name: "ssh-port-exposed",
        level: Info,
        message: "Port 22 is exposed; running an SSH server in a container is rarely needed",
    }
}

use crate::ast::Port;

impl Rule for Bw1015 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for v in &cx.instrs {
            let Kind::Expose(ports) = &v.ins.kind else { continue };
            let token = ports.iter().find_map(|p| match p {
                Port::Number(22) => Some("22".to_string()),
                Port::Range(a, b) if *a <= 22 && 22 <= *b => Some(format!("{a}-{b}")),
                _ => None,
            });
            if let Some(token) = token {
                out.push(Violation::at_token(&Self::META, cx, v.ins, &token));
            }
        }
    }
}
