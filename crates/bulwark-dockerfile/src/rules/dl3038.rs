use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that `dnf`/`microdnf` `install`, `groupinstall` and `localinstall` run with `-y`.
    ///
    /// ## Why is this bad?
    /// Without it dnf waits for confirmation and the build aborts.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install httpd
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN dnf install -y httpd-2.4.57
    /// ```
    Dl3038 {
        code: "DL3038",
        name: "dnf-yes",
        level: Warning,
        message: "Use the -y switch to avoid manual input `dnf install -y <package>`",
    }
}

simple_run_rule!(Dl3038, Scope::WithOnbuild, |s| {
    s.no_commands(|c| {
        c.names_have_args(&["dnf", "microdnf"], &["install", "groupinstall", "localinstall"])
            && !c.has_any_flag(&["y", "assumeyes"])
    })
});
