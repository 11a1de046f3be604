use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `RUN` commands that are interactive or manage a running system (`ssh`, `vim`,
    /// `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`).
    ///
    /// ## Why is this bad?
    /// A build step runs in a throw-away container without an init system or terminal; these
    /// commands either do nothing useful there or hint that the image is being treated like a
    /// virtual machine.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN service nginx start
    /// ```
    ///
    /// ## How to fix
    /// Start services from `CMD`/`ENTRYPOINT`, edit files with `COPY` or `sed`, and inspect
    /// running containers with `docker exec` instead.
    Dl3001 {
        code: "DL3001",
        name: "pointless-commands",
        level: Info,
        message: "For some bash commands it makes no sense running them in a Docker container like `ssh`, `vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`",
    }
}

const INVALID: &[&str] = &["free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim"];

simple_run_rule!(Dl3001, Scope::WithOnbuild, |s| !s.command_names().any(|n| INVALID.contains(&n)));
