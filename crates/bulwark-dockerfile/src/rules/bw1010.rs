use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a Dockerfile whose final stage (and the stages it builds on) never declares a
    /// `HEALTHCHECK`.
    ///
    /// ## Why is this bad?
    /// Without a health check, Docker and Swarm only know that the process exists, not that it
    /// serves requests; a hung service keeps receiving traffic. (Kubernetes ignores `HEALTHCHECK`
    /// and uses probes instead.)
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.25
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM nginx:1.25
    /// HEALTHCHECK CMD curl -fsS http://localhost/ || exit 1
    /// ```
    Bw1010 {
        code: "BW1010",
        name: "no-healthcheck",
        level: Info,
        message: "The final stage has no `HEALTHCHECK`",
    }
}

impl Rule for Bw1010 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        // (stage name, has healthcheck)
        let mut stages: Vec<(String, bool)> = Vec::new();
        let mut last: Option<&Instruction> = None;
        for v in &cx.instrs {
            match &v.ins.kind {
                Kind::From(f) => {
                    let inherited = stages.iter().any(|(n, h)| *h && *n == f.image.name);
                    stages.push((f.alias.clone().unwrap_or_default(), inherited));
                    last = Some(v.ins);
                }
                Kind::Healthcheck(_) => {
                    if let Some(s) = stages.last_mut() {
                        s.1 = true;
                    }
                }
                _ => {}
            }
        }
        if let (Some(ins), Some((_, false))) = (last, stages.last()) {
            out.push(Violation::at(&Self::META, ins));
        }
    }
}
