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

simple_rule!(Bw1015, |ins| match &ins.kind {
    Kind::Expose(ports) => !ports.iter().any(|p| matches!(p, Port::Number(22)) || matches!(p, Port::Range(a, b) if *a <= 22 && 22 <= *b)),
    _ => true,
});
