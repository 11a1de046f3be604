use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` with `yarn install` but no `yarn cache clean`.
    ///
    /// ## Why is this bad?
    /// The yarn cache stays in the layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yarn install
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN yarn install && yarn cache clean
    /// ```
    Dl3060 {
        code: "DL3060",
        name: "yarn-cache-clean",
        level: Info,
        message: "`yarn cache clean` missing after `yarn install` was run.",
    }
}

simple_run_rule!(Dl3060, Scope::WithOnbuild, |s| {
    let install = |c: &Command| c.has_args("yarn", &["install"]);
    s.no_commands(install) || (s.any_commands(install) && s.any_commands(|c| c.has_args("yarn", &["cache", "clean"])))
});
