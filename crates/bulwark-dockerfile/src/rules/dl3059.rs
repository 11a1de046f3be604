use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` directly following another `RUN` with the same options when both run a single
    /// command (chained commands such as `a && b` show a deliberate split; comments in between do
    /// not count as a separation).
    ///
    /// ## Why is this bad?
    /// Each `RUN` creates a layer; short consecutive steps are cheaper as one.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    Dl3059 {
        code: "DL3059",
        name: "consolidate-runs",
        level: Info,
        message: "Multiple consecutive `RUN` instructions. Consider consolidation.",
    }
}

use crate::ast::Run;

/// A mount as a set of its options, the way language-docker's parsed mounts compare: the
/// order of the options does not matter, `dst`/`destination` mean `target`, `src` means
/// `source`, and a missing `type` is `bind`.
fn mount_key(m: &crate::ast::Mount) -> Vec<(String, String)> {
    let mut key: Vec<(String, String)> = m
        .options
        .iter()
        .filter(|(k, _)| k != "type")
        .map(|(k, v)| {
            let k = match k.as_str() {
                "dst" | "destination" => "target",
                "src" => "source",
                other => other,
            };
            (k.to_string(), v.trim_matches('"').to_string())
        })
        .collect();
    key.push(("type".into(), m.kind.clone()));
    key.sort();
    key
}

/// Hadolint compares the parsed `--mount` set, `--network` and `--security`.
fn same_options(a: &Run, b: &Run) -> bool {
    let keys = |r: &Run| {
        let mut k: Vec<Vec<(String, String)>> = r.mounts.iter().map(mount_key).collect();
        k.sort();
        k.dedup();
        k
    };
    keys(a) == keys(b) && a.network == b.network && a.security == b.security
}

impl Rule for Dl3059 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        let mut prev: Option<(&Run, usize)> = None;
        for v in &cx.instrs {
            match (&v.ins.kind, &v.shell) {
                (Kind::Run(run), Some(shell)) => {
                    let count = shell.commands.len();
                    match prev {
                        // Hadolint's limit is "more than 2" commands, but its command list has
                        // every command twice (ShellCheck's `getCommand` matches both the
                        // `T_Redirecting` and the `T_SimpleCommand` inside it), so two `RUN`s
                        // of one command each are what it flags.
                        Some((p, pc)) if same_options(p, run) && count <= 1 && pc <= 1 => {
                            out.push(Violation::at(&Self::META, v.ins));
                        }
                        _ => prev = Some((run, count)),
                    }
                }
                _ => prev = None,
            }
        }
    }
}
