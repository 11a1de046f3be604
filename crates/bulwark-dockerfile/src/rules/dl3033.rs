use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that packages given to `yum install` carry a version (`name-version`, or an `.rpm`
    /// file) and modules a stream (`name:stream`).
    ///
    /// ## Why is this bad?
    /// Unpinned packages make rebuilds pick up whatever is newest.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install -y httpd
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.57
    /// ```
    Dl3033 {
        code: "DL3033",
        name: "yum-pin-versions",
        level: Warning,
        message: "Specify version with `yum install -y <package>-<version>`.",
    }
}

fn install_args(c: &Command) -> Vec<&str> {
    if !c.has_args("yum", &["install"]) {
        return Vec::new();
    }
    c.args_no_flags().into_iter().filter(|a| *a != "install" && *a != "module").collect()
}

simple_run_rule!(Dl3033, Scope::WithOnbuild, |s| {
    s.commands.iter().all(|c| {
        let module = c.has_args("yum", &["module"]);
        install_args(c).into_iter().all(|p| {
            if module { p.contains(':') } else { p.contains('-') || p.ends_with(".rpm") }
        })
    })
});
