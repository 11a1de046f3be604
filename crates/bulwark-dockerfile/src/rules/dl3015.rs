use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that `apt-get install` is given `--no-install-recommends`.
    ///
    /// ## Why is this bad?
    /// Recommended packages are rarely needed in a container and can double the image size and
    /// attack surface.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    Dl3015 {
        code: "DL3015",
        name: "apt-get-no-recommends",
        level: Info,
        message: "Avoid additional packages by specifying `--no-install-recommends`",
    }
}

simple_run_rule!(Dl3015, Scope::WithOnbuild, |s| {
    s.no_commands(|c| {
        c.has_args("apt-get", &["install"])
            && !(c.has_flag("no-install-recommends") || c.has_arg("APT::Install-Recommends=false"))
    })
});
