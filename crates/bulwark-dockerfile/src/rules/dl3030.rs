use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that `yum install`/`groupinstall`/`localinstall` run with `-y`.
    ///
    /// ## Why is this bad?
    /// Without it yum waits for confirmation and the build aborts.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install httpd
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.57
    /// ```
    Dl3030 {
        code: "DL3030",
        name: "yum-yes",
        level: Warning,
        message: "Use the -y switch to avoid manual input `yum install -y <package>`",
    }
}

simple_run_rule!(Dl3030, Scope::WithOnbuild, |s| {
    s.no_commands(|c| {
        c.has_args("yum", &["install", "groupinstall", "localinstall"])
            && !c.has_any_flag(&["y", "assumeyes"])
    })
});
