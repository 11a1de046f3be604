use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that packages given to `zypper install` carry a version constraint (`=`, `>=`, `<`
    /// ...) or are `.rpm` files.
    ///
    /// ## Why is this bad?
    /// Unpinned packages make rebuilds pick up whatever is newest.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper install -y httpd
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN zypper install -y httpd=2.4.57
    /// ```
    Dl3037 {
        code: "DL3037",
        name: "zypper-pin-versions",
        level: Warning,
        message: "Specify version with `zypper install -y <package>=<version>`.",
    }
}

simple_run_rule!(Dl3037, Scope::WithOnbuild, |s| {
    s.commands.iter().filter(|c| c.has_args("zypper", &["install", "in"])).all(|c| {
        c.args_no_flags()
            .into_iter()
            .filter(|a| *a != "install" && *a != "in")
            .all(|p| p.contains('=') || p.contains('>') || p.contains('<') || p.ends_with(".rpm"))
    })
});
