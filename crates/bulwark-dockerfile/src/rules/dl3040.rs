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

/// The subcommands (and their short aliases) that fill dnf's cache.
const INSTALL: &[&str] = &[
    "install",
    "in",
    "upgrade",
    "up",
    "upgrade-minimal",
    "up-min",
    "reinstall",
    "rei",
];

/// For `dnf` and for `microdnf` separately: no install, or the first clean-up after the first
/// install (`rm` with `-rf` or `/var/cache/libdnf5*` counts as a clean-up).
fn cleaned(s: &ParsedShell) -> bool {
    ["dnf", "microdnf"].iter().all(|name| {
        let install = s.find_command_index(|c| c.has_args(name, INSTALL));
        let clean = s.find_command_index(|c| {
            c.has_args(name, &["clean", "all"]) || c.has_args("rm", &["-rf", "/var/cache/libdnf5*"])
        });
        match (install, clean) {
            (None, _) => true,
            (Some(i), Some(c)) => i < c,
            (Some(_), None) => false,
        }
    })
}

impl Rule for Dl3040 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        cx.each_run(Scope::WithOnbuild, |ins, s| {
            if !cleaned(s)
                && !has_cache_or_tmpfs_mount_with(ins, "/var/cache/libdnf5")
                && !has_cache_or_tmpfs_mount_with(ins, ".cache/libdnf5")
            {
                out.push(Violation::at(&Self::META, ins));
            }
        });
    }
}
