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

fn same_options(a: &Run, b: &Run) -> bool {
    let mut ma = a.mounts.clone();
    let mut mb = b.mounts.clone();
    ma.sort_by(|x, y| format!("{x:?}").cmp(&format!("{y:?}")));
    mb.sort_by(|x, y| format!("{x:?}").cmp(&format!("{y:?}")));
    ma.dedup();
    mb.dedup();
    ma == mb && a.network == b.network && a.security == b.security
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
