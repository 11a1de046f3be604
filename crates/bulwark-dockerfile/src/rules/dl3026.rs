use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// When `trustedRegistries` is configured, checks that every `FROM` image comes from one of
    /// them (Docker Hub images count as `docker.io`).
    ///
    /// ## Why is this bad?
    /// Pulling base images from arbitrary registries bypasses the organisation's vetting and
    /// scanning.
    ///
    /// ## Example
    /// ```dockerfile
    /// # trustedRegistries: [my-registry.example.com]
    /// FROM quay.io/someone/image:1.0
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM my-registry.example.com/base/image:1.0
    /// ```
    Dl3026 {
        code: "DL3026",
        name: "trusted-registry",
        level: Error,
        message: "Use only an allowed registry in the FROM image",
    }
}

impl Rule for Dl3026 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        let allowed = &cx.config.trusted_registries;
        if allowed.is_empty() {
            return;
        }
        let mut aliases: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for v in &cx.instrs {
            let Kind::From(f) = &v.ins.kind else { continue };
            let img = &f.image;
            let ok = aliases.contains(&img.name.as_str())
                || match &img.registry {
                    Some(r) => allowed.contains(r),
                    None => {
                        img.name == "scratch"
                            || allowed.contains("docker.io")
                            || allowed.contains("hub.docker.com")
                    }
                };
            if !ok {
                out.push(Violation::at(&Self::META, v.ins));
            }
            aliases.extend(f.alias.as_deref());
        }
    }
}
