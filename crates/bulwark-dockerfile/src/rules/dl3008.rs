use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that every package given to `apt-get install` is pinned with `=version` (or is a path
    /// or `.deb` file).
    ///
    /// ## Why is this bad?
    /// Unpinned packages make builds unreproducible: a rebuild silently picks up new versions,
    /// including breaking changes.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN apt-get install -y curl=7.88.1-10+deb12u5
    /// ```
    Dl3008 {
        code: "DL3008",
        name: "apt-get-pin-versions",
        level: Warning,
        message: "Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`",
    }
}

fn pinned(p: &str) -> bool {
    p.contains('=') || p.contains('/') || p.ends_with(".deb")
}

simple_run_rule!(Dl3008, Scope::WithOnbuild, |s| {
    s.commands
        .iter()
        .filter(|c| c.has_args("apt-get", &["install"]))
        .all(|c| {
            c.drop_flag_arg(&["t", "target-release"])
                .args_no_flags()
                .into_iter()
                .filter(|a| *a != "install")
                .all(pinned)
        })
});
