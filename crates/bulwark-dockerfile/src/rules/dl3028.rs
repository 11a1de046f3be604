use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that gems given to `gem install` are pinned (`gem:version` or `-v`/`--version`).
    ///
    /// ## Why is this bad?
    /// Unpinned gems make the image depend on whatever is newest at build time.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN gem install bundler
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN gem install bundler:2.5.6
    /// ```
    Dl3028 {
        code: "DL3028",
        name: "gem-pin-versions",
        level: Warning,
        message: "Pin versions in gem install. Instead of `gem install <gem>` use `gem install <gem>:<version>`",
    }
}

simple_run_rule!(Dl3028, Scope::WithOnbuild, |s| {
    s.commands
        .iter()
        .filter(|c| {
            c.has_args("gem", &["install", "i"])
                && !c.has_args("gem", &["-v"])
                && !c.has_args("gem", &["--version"])
                && !c.has_prefix_arg("gem", "--version=")
        })
        .all(|c| {
            c.args_no_flags()
                .into_iter()
                .filter(|a| !matches!(*a, "install" | "i" | "--"))
                .all(|g| g.contains(':'))
        })
});
