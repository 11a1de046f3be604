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
        message: "Delete the apt-get lists after installing something.",
    }
}

use crate::ast::{From, Run};

fn forgot_cleanup(s: &ParsedShell) -> bool {
    s.any_commands(|c| c.has_args("apt-get", &["update"]))
        && !s.any_commands(|c| c.has_args("rm", &["-rf", "/var/lib/apt/lists/*"]))
}

fn has_cache(run: &Run, dir: &str) -> bool {
    run.mounts
        .iter()
        .any(|m| m.kind == "cache" && m.target.as_deref().is_some_and(|t| t.starts_with(dir)))
}

fn check_seq<'a>(
    seq: impl Iterator<Item = (&'a Instruction, &'a Instruction, Option<&'a ParsedShell>)>,
    out: &mut Vec<Violation>,
) {
    let mut last_from: Option<&From> = None;
    let mut stages: Vec<&str> = Vec::new();
    let mut forgets: Vec<(&Instruction, Option<&From>)> = Vec::new();
    for (report, ins, shell) in seq {
        match &ins.kind {
            Kind::From(f) => {
                last_from = Some(f);
                stages.push(&f.image.name);
            }
            Kind::Run(run) => {
                let Some(s) = shell else { continue };
                if !forgot_cleanup(s)
                    || has_cache(run, "/var/lib/apt/lists")
                    || (has_cache(run, "/var/lib/apt") && has_cache(run, "/var/cache/apt"))
                {
                    continue;
                }
                forgets.push((report, last_from));
            }
            _ => {}
        }
    }
    for (ins, from) in forgets {
        let fail = match from {
            _ if from == last_from => true,
            Some(f) => f.alias.as_deref().is_some_and(|a| stages.contains(&a)),
            None => false,
        };
        if fail {
            out.push(Violation::at(&Dl3009::META, ins));
        }
    }
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
