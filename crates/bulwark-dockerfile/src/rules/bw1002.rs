use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `FROM` lines whose image (after substituting global `ARG` defaults) has no `@sha256:`
    /// digest. `scratch` and earlier stages are exempt.
    ///
    /// ## Why is this bad?
    /// Tags are mutable: the registry (or whoever controls it) can point `debian:12` at different
    /// content tomorrow. A digest names exactly one image, so supply-chain changes become explicit
    /// diffs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM debian:12@sha256:b6507e340c43553136f5078284c8c68d86ec8262b1724dde73c325e8d3dcdeba
    /// ```
    Bw1002 {
        code: "BW1002",
        name: "base-image-not-pinned-by-digest",
        level: Info,
        message: "Base image is not pinned by digest; pin it with `@sha256:...` so rebuilds use exactly the reviewed image",
    }
}

impl Rule for Bw1002 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        let mut aliases: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for v in &cx.instrs {
            let Kind::From(f) = &v.ins.kind else { continue };
            let img = f.resolved.as_ref().unwrap_or(&f.image);
            let exempt = img.name == "scratch"
                || img.name.is_empty()
                || aliases.contains(&img.name.as_str())
                || aliases.contains(&f.image_text.as_str());
            if !exempt && img.digest.is_none() {
                out.push(Violation::at_token(&Self::META, cx, v.ins, &f.image_text));
            }
            aliases.extend(f.alias.as_deref());
        }
    }
}
