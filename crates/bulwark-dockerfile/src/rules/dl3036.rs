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

simple_run_rule!(Dl3036, Scope::WithOnbuild, |s| {
    let install = s.find_command_index(|c| c.has_args("zypper", &["install", "in"]));
    let clean = s.find_command_index(|c| c.has_args("zypper", &["clean", "cc"]));
    match (install, clean) {
        (None, _) => true,
        (Some(i), Some(c)) => i < c,
        (Some(_), None) => false,
    }
});
