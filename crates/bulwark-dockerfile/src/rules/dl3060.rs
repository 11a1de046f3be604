use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` with `yarn install` but no `yarn cache clean`.
    ///
    /// Like Hadolint 2.15.1 (probed), only `RUN`s of the *last* build stage are reported: a
    /// `FROM` drops what the previous stage collected (a builder stage's yarn cache does not
    /// reach the final image). `ONBUILD RUN yarn install` is reported wherever it is.
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

fn ok(s: &ParsedShell) -> bool {
    let install = |c: &Command| c.has_args("yarn", &["install"]);
    s.no_commands(install)
        || (s.any_commands(install) && s.any_commands(|c| c.has_args("yarn", &["cache", "clean"])))
}

impl Rule for Dl3060 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        // Violations of the current stage; a new `FROM` discards them.
        let mut stage = Vec::new();
        for v in &cx.instrs {
            match (&v.ins.kind, &v.shell) {
                (Kind::From(_), _) => stage.clear(),
                (Kind::Onbuild(_), Some(s)) if !ok(s) => out.push(Violation::at(&Self::META, v.ins)),
                (_, Some(s)) if !ok(s) => stage.push(Violation::at(&Self::META, v.ins)),
                _ => {}
            }
        }
        out.extend(stage);
    }
}
