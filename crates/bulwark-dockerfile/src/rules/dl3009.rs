use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `apt-get update` in a `RUN` that does not also remove `/var/lib/apt/lists` (or use a
    /// cache mount for it), in the final stage or in a stage that later stages build on.
    ///
    /// ## Why is this bad?
    /// The package lists are tens of megabytes that stay in the layer forever unless they are
    /// deleted in the same `RUN`.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    Dl3009 {
        code: "DL3009",
        name: "apt-get-clean-lists",
        level: Info,
        message: "Delete the apt lists (/var/lib/apt/lists) after installing something",
    }
}

use std::collections::HashSet;

/// `apt`, `apt-get` or `aptitude update` without `rm` of `-rf` or `/var/lib/apt/lists/*` (any
/// `rm` with either argument counts, as in Hadolint).
fn forgot_cleanup(s: &ParsedShell) -> bool {
    s.any_commands(|c| c.names_have_args(&["apt", "apt-get", "aptitude"], &["update"]))
        && !s.any_commands(|c| c.has_args("rm", &["-rf", "/var/lib/apt/lists/*"]))
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
                let Some(s) = shell else { continue };
                if !forgot_cleanup(s)
                    || has_cache_or_tmpfs_mount_with(ins, "/var/lib/apt/lists")
                    || (has_cache_or_tmpfs_mount_with(ins, "/var/lib/apt")
                        && has_cache_or_tmpfs_mount_with(ins, "/var/cache/apt"))
                {
                    continue;
                }
                forgets.push((report, last.clone()));
            }
            _ => {}
        }
    }
    forgets_in_used_stages(&Dl3009::META, forgets, &last, &from_images, out);
}

impl Rule for Dl3009 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        check_seq(cx.top_sequence(), out);
        check_seq(cx.onbuild_sequence(), out);
    }
}
