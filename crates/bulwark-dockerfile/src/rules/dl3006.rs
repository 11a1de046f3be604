use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that every `FROM` names a tag or digest (except `scratch`, earlier stage names and
    /// variables).
    ///
    /// ## Why is this bad?
    /// Without a tag Docker uses `latest`, so the base image (and everything the build assumes
    /// about it) changes whenever upstream publishes a new version.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM debian:12.5
    /// ```
    Dl3006 {
        code: "DL3006",
        name: "tag-image-version",
        level: Warning,
        message: "Always tag the version of an image explicitly",
    }
}

impl Rule for Dl3006 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        let mut aliases: std::collections::HashSet<&str> = std::collections::HashSet::new();
        // Hadolint splits the image with language-docker (`ImageRef::parse_as_hadolint`).
        for v in &cx.instrs {
            let Kind::From(f) = &v.ins.kind else { continue };
            let image = f.hadolint_image();
            let name = image.name.as_str();
            let bad = name != "scratch"
                && image.digest.is_none()
                && image.tag.is_none()
                && !name.starts_with('$')
                && !aliases.contains(name);
            if bad {
                out.push(Violation::at(&Self::META, v.ins));
            }
            if let Some(a) = &f.alias {
                aliases.insert(a);
            }
        }
    }
}
