use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags the `apt` command in `RUN`.
    ///
    /// ## Why is this bad?
    /// `apt`'s command-line interface is not stable for scripts and it prints warnings saying so.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt install -y curl
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN apt-get install -y curl
    /// ```
    Dl3027 {
        code: "DL3027",
        name: "no-apt",
        level: Warning,
        message: "Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead",
    }
}

simple_run_rule!(Dl3027, Scope::WithOnbuild, |s| !s.using_program("apt"));
