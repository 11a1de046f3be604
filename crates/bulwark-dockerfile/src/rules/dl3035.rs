use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `zypper dist-upgrade` / `zypper dup`.
    ///
    /// ## Why is this bad?
    /// Upgrading the whole distribution inside an image build makes the result depend on the day of
    /// the build; update the base image instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper dist-upgrade -y
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// ```
    Dl3035 {
        code: "DL3035",
        name: "no-zypper-dist-upgrade",
        level: Warning,
        message: "Do not use `zypper dist-upgrade`.",
    }
}

simple_run_rule!(Dl3035, Scope::WithOnbuild, |s| s.no_commands(|c| c.has_args("zypper", &["dist-upgrade", "dup"])));
