use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags build stages without a `HEALTHCHECK` (stages built from a stage that has one are
    /// exempt). Off by default.
    ///
    /// ## Why is this bad?
    /// Without a health check the orchestrator only knows whether the process runs, not whether it
    /// works.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.25
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM nginx:1.25
    /// HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
    /// ```
    Dl3057 {
        code: "DL3057",
        name: "healthcheck-missing",
        level: Ignore,
        message: "`HEALTHCHECK` instruction missing.",
    }
}

/// A build stage as Hadolint's DL3057 tracks it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stage {
    /// The image it builds on.
    src: String,
    /// Its name: the alias, else the image.
    name: String,
    line: u32,
}

impl Rule for Dl3057 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        let mut current: Option<Stage> = None;
        let mut good: Vec<Stage> = Vec::new();
        let mut bad: Vec<Stage> = Vec::new();
        for v in &cx.instrs {
            match &v.ins.kind {
                Kind::From(f) => {
                    let src = f.hadolint_image().name;
                    let stage = Stage {
                        name: f.alias.clone().unwrap_or_else(|| src.clone()),
                        src,
                        line: v.ins.line(),
                    };
                    // A stage built on a stage with a HEALTHCHECK inherits it.
                    if current.is_some() && good.iter().any(|g| g.name == stage.src) {
                        good.push(stage.clone());
                    } else {
                        bad.push(stage.clone());
                    }
                    current = Some(stage);
                }
                Kind::Healthcheck(_) => {
                    let Some(stage) = &current else { continue };
                    // The stage and, transitively, the stages it builds on are good.
                    let mut frontier = vec![stage.clone()];
                    while let Some(s) = frontier.pop() {
                        let (parents, rest): (Vec<Stage>, Vec<Stage>) =
                            bad.into_iter().partition(|b| b.name == s.src);
                        bad = rest;
                        good.extend(parents.iter().cloned());
                        frontier.extend(parents);
                    }
                    bad.retain(|b| b != stage);
                    good.push(stage.clone());
                }
                _ => {}
            }
        }
        let mut lines: Vec<u32> = bad.iter().map(|s| s.line).collect();
        lines.sort_unstable();
        lines.dedup();
        out.extend(lines.into_iter().map(|l| Violation::at_line(&Self::META, l)));
    }
}
