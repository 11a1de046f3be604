use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that `EXPOSE` ports are between 0 and 65535.
    ///
    /// ## Why is this bad?
    /// A port outside that range cannot exist; the instruction is a typo or a misunderstanding.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 80000
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// EXPOSE 8000
    /// ```
    Dl3011 {
        code: "DL3011",
        name: "valid-port-range",
        level: Error,
        message: "Valid UNIX ports range from 0 to 65535",
    }
}

use crate::ast::Port;

simple_rule!(Dl3011, |ins| match &ins.kind {
    Kind::Expose(ports) => ports.iter().all(|p| match p {
        Port::Number(n) => *n <= 65535,
        Port::Range(a, b) => *a <= 65535 && *b <= 65535,
        Port::Other(_) => true,
    }),
    _ => true,
});
