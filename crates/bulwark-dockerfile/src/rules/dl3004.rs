use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `sudo` in `RUN` instructions.
    ///
    /// ## Why is this bad?
    /// Build steps already run as the current `USER`; `sudo` adds a dependency, behaves differently
    /// with and without a TTY and hides which user a step really runs as.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN sudo apt-get install -y curl
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// USER root
    /// RUN apt-get install -y curl
    /// USER app
    /// ```
    Dl3004 {
        code: "DL3004",
        name: "no-sudo",
        level: Error,
        message: "Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root",
    }
}

simple_run_rule!(Dl3004, Scope::WithOnbuild, |s| !s.using_program("sudo"));
