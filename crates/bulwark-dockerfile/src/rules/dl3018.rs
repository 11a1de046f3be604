use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that packages given to `apk add` are pinned with `=`/`~` (or are `.apk` files).
    ///
    /// ## Why is this bad?
    /// Unpinned Alpine packages change with every repository update.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN apk add --no-cache curl=8.5.0-r0
    /// ```
    Dl3018 {
        code: "DL3018",
        name: "apk-pin-versions",
        level: Warning,
        message: "Pin versions in apk add. Instead of `apk add <package>` use `apk add <package>=<version>`",
    }
}

simple_run_rule!(Dl3018, Scope::WithOnbuild, |s| {
    s.commands.iter().filter(|c| c.has_args("apk", &["add"])).all(|c| {
        c.drop_flag_arg(&["t", "virtual", "repository", "X"])
            .args_no_flags()
            .into_iter()
            .filter(|a| *a != "add")
            .all(|p| p.contains(['=', '~', '>', '<']) || p.ends_with(".apk"))
    })
});
