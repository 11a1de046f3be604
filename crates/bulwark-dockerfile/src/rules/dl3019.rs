use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that `apk add` uses `--no-cache` (or a BuildKit cache mount on `/var/cache/apk`).
    ///
    /// ## Why is this bad?
    /// Otherwise the package index stays in the layer and bloats the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add curl=8.5.0-r0
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN apk add --no-cache curl=8.5.0-r0
    /// ```
    Dl3019 {
        code: "DL3019",
        name: "apk-no-cache",
        level: Info,
        message: "Use the `--no-cache` switch to avoid the need to use `--update` and remove `/var/cache/apk/*` when done installing packages",
    }
}

impl Rule for Dl3019 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for v in &cx.instrs {
            let Some(shell) = &v.shell else { continue };
            if has_cache_or_tmpfs_mount_with(v.ins, "/var/cache/apk") {
                continue;
            }
            if shell.any_commands(|c| c.has_args("apk", &["add"]) && !c.has_flag("no-cache")) {
                out.push(Violation::at(&Self::META, v.ins));
            }
        }
    }
}
