use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `ln ... /bin/sh` in `RUN`.
    ///
    /// ## Why is this bad?
    /// Replacing `/bin/sh` by a symlink changes the shell for every later tool in the image;
    /// `SHELL` changes it for the Dockerfile only.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN ln -sfv /bin/bash /bin/sh
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-c"]
    /// ```
    Dl4005 {
        code: "DL4005",
        name: "use-shell-instruction",
        level: Warning,
        message: "Use SHELL to change the default shell",
    }
}

simple_run_rule!(Dl4005, Scope::WithOnbuild, |s| s.no_commands(|c| c.has_args("ln", &["/bin/sh"])));
