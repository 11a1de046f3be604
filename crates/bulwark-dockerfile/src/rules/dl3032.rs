use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that runs `yum install` without cleaning the yum cache (`yum clean all` or
    /// removing `/var/cache/yum`).
    ///
    /// ## Why is this bad?
    /// The yum cache stays in the layer and adds tens of megabytes to the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.57
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.57 && yum clean all
    /// ```
    Dl3032 {
        code: "DL3032",
        name: "yum-clean",
        level: Warning,
        message: "`yum clean all` missing after yum command.",
    }
}

simple_run_rule!(Dl3032, Scope::WithOnbuild, |s| {
    let install = |c: &Command| c.has_args("yum", &["install"]);
    let clean = |c: &Command| c.has_args("yum", &["clean", "all"]) || c.has_args("rm", &["-rf", "/var/cache/yum/*"]);
    // The first clean-up must come after the first install.
    match (s.find_command_index(install), s.find_command_index(clean)) {
        (None, _) => true,
        (Some(i), Some(c)) => i < c,
        (Some(_), None) => false,
    }
});
