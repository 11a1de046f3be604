use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that `zypper install/remove/patch/source-install` run with `-y`/`--no-confirm`.
    ///
    /// ## Why is this bad?
    /// Without it zypper waits for confirmation and the build aborts.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper install httpd
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN zypper install -y httpd=2.4.57
    /// ```
    Dl3034 {
        code: "DL3034",
        name: "zypper-yes",
        level: Warning,
        message: "Non-interactive switch missing from `zypper` command: `zypper install -y`",
    }
}

simple_run_rule!(Dl3034, Scope::WithOnbuild, |s| {
    s.no_commands(|c| {
        c.has_args("zypper", &["install", "in", "remove", "rm", "source-install", "si", "patch"])
            && !c.has_any_flag(&["non-interactive", "n", "no-confirm", "y"])
    })
});
