use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD` in shell form (Hadolint 2.15.1 flags the
    /// shell form of `HEALTHCHECK CMD` too, under the same message; `ONBUILD` forms are not
    /// checked).
    ///
    /// ## Why is this bad?
    /// Shell form runs the program under `/bin/sh -c`, so it is not PID 1 and does not receive
    /// `SIGTERM`; containers then take the full stop timeout to shut down.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD node server.js
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// CMD ["node", "server.js"]
    /// ```
    Dl3025 {
        code: "DL3025",
        name: "json-cmd",
        level: Warning,
        message: "Use arguments JSON notation for CMD and ENTRYPOINT arguments",
    }
}

simple_rule!(Dl3025, |ins| !matches!(
    &ins.kind,
    Kind::Cmd(Args::Shell(_))
        | Kind::Entrypoint(Args::Shell(_))
        | Kind::Healthcheck(Some(Args::Shell(_)))
));
