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

impl Rule for Dl3057 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        // (stage name, line, good)
        let mut stages: Vec<(String, u32, bool)> = Vec::new();
        for v in &cx.instrs {
            match &v.ins.kind {
                Kind::From(f) => {
                    let name = f.alias.clone().unwrap_or_else(|| f.image.name.clone());
                    let good = stages.iter().any(|(n, _, g)| *g && *n == f.image.name);
                    stages.push((name, v.ins.line(), good));
                }
                Kind::Healthcheck(_) => {
                    if let Some(last) = stages.last_mut() {
                        last.2 = true;
                    }
                }
                _ => {}
            }
        }
        let mut lines: Vec<u32> = stages.iter().filter(|s| !s.2).map(|s| s.1).collect();
        lines.dedup();
        out.extend(lines.into_iter().map(|l| Violation::at_line(&Self::META, l)));
    }
}
