use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` with `yarn install` but no `yarn cache clean`.
    ///
    /// Like Hadolint 2.15.1, a `RUN` is reported when it is in the last build stage or in a stage
    /// a later `FROM` builds on (a builder stage's cache does not reach the final image
    /// otherwise). A cache mount over `.cache/yarn` makes the clean-up unnecessary, but not a
    /// `yarn cache clean` run *before* `yarn install`. `ONBUILD RUN`s are checked on their own.
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

use std::collections::HashSet;

/// `yarn install` without a later `yarn cache clean` (a cache mount over `.cache/yarn` also
/// does), or with `yarn cache clean` run before it (then even a cache mount does not help).
fn forgot(ins: &Instruction, s: &ParsedShell) -> bool {
    let install = s.find_command_index(|c| c.has_args("yarn", &["install"]));
    let clean = s.find_command_index(|c| c.has_args("yarn", &["cache", "clean"]));
    match (install, clean) {
        (None, _) => false,
        (Some(_), None) => !has_cache_or_tmpfs_mount_with(ins, ".cache/yarn"),
        (Some(i), Some(c)) => c < i,
    }
}

fn check_seq<'a>(
    seq: impl Iterator<Item = (&'a Instruction, &'a Instruction, Option<&'a ParsedShell>)>,
    out: &mut Vec<Violation>,
) {
    let mut last = StageKey::scratch();
    let mut from_images: HashSet<String> = HashSet::new();
    let mut forgets: Vec<(&Instruction, StageKey<'_>)> = Vec::new();
    for (report, ins, shell) in seq {
        match &ins.kind {
            Kind::From(f) => {
                last = StageKey::of(f);
                from_images.insert(f.hadolint_image().name);
            }
            Kind::Run(_) => {
                if let Some(s) = shell
                    && forgot(ins, s)
                {
                    forgets.push((report, last.clone()));
                }
            }
            _ => {}
        }
    }
    forgets_in_used_stages(&Dl3060::META, forgets, &last, &from_images, out);
}

impl Rule for Dl3060 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        check_seq(cx.top_sequence(), out);
        check_seq(cx.onbuild_sequence(), out);
    }
}
