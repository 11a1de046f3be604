use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that installs with zypper without a later `zypper clean`.
    ///
    /// ## Why is this bad?
    /// The zypper cache stays in the layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper install -y httpd=2.4.57
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN zypper install -y httpd=2.4.57 && zypper clean
    /// ```
    Dl3036 {
        code: "DL3036",
        name: "zypper-clean",
        level: Warning,
        message: "`zypper clean` missing after zypper use.",
    }
}

impl Rule for Dl3036 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        cx.each_run(Scope::WithOnbuild, |ins, s| {
            let install = s.find_command_index(|c| c.has_args("zypper", &["install", "in"]));
            let clean = s.find_command_index(|c| c.has_args("zypper", &["clean", "cc"]));
            let ok = match (install, clean) {
                (None, _) => true,
                (Some(i), Some(c)) => i < c,
                (Some(_), None) => false,
            };
            // A cache mount over zypper's cache keeps it out of the layer.
            if !ok && !has_cache_or_tmpfs_mount_with(ins, "/var/cache/zypp") {
                out.push(Violation::at(&Self::META, ins));
            }
        });
    }
}
