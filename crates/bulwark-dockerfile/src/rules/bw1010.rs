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
    /// HEALTHCHECK CMD ["curl", "-fsS", "http://localhost/"]
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
        // Stage names that have a HEALTHCHECK (directly or from their parent stage).
        let mut healthy: std::collections::HashSet<&str> = std::collections::HashSet::new();
        let mut current: Option<(&Instruction, Option<&str>, bool)> = None;
        for v in &cx.instrs {
            match &v.ins.kind {
                Kind::From(f) => {
                    let inherited = healthy.contains(f.image.name.as_str());
                    current = Some((v.ins, f.alias.as_deref(), inherited));
                    if let (Some(a), true) = (f.alias.as_deref(), inherited) {
                        healthy.insert(a);
                    }
                }
                Kind::Healthcheck(_) => {
                    if let Some((_, alias, has)) = current.as_mut() {
                        *has = true;
                        if let Some(a) = alias {
                            healthy.insert(a);
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some((ins, _, false)) = current {
            let image = match &ins.kind {
                Kind::From(f) => f.image_text.as_str(),
                _ => "",
            };
            out.push(Violation::at_token(&Self::META, cx, ins, image));
        }
    }
}
