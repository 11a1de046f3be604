use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that installs with `dnf`/`microdnf` without a later `dnf clean all` (or
    /// removing `/var/cache/yum`).
    ///
    /// ## Why is this bad?
    /// The dnf cache stays in the layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install -y httpd-2.4.57
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN dnf install -y httpd-2.4.57 && dnf clean all
    /// ```
    Dl3040 {
        code: "DL3040",
        name: "dnf-clean",
        level: Warning,
        message: "`dnf clean all` missing after dnf command.",
    }
}

simple_run_rule!(Dl3040, Scope::WithOnbuild, |s| {
    ["dnf", "microdnf"].iter().all(|name| {
        let install = s.find_command_index(|c| c.has_args(name, &["install"]));
        let clean = s.find_command_index(|c| {
            c.has_args(name, &["clean", "all"]) || c.has_args("rm", &["-rf", "/var/cache/yum/*"])
        });
        match (install, clean) {
            (None, _) => true,
            (Some(i), Some(c)) => i < c,
            (Some(_), None) => false,
        }
    })
});
