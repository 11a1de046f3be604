use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` with a pipe when the stage's `SHELL` does not set `-o pipefail`.
    ///
    /// ## Why is this bad?
    /// Without pipefail, `curl ... | tar x` succeeds even when `curl` fails, so the build continues
    /// with a broken result.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://x/a.tgz | tar xz
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://x/a.tgz | tar xz
    /// ```
    Dl4006 {
        code: "DL4006",
        name: "pipefail",
        level: Warning,
        message: "Set the SHELL option -o pipefail before RUN with a pipe in it. If you are using /bin/sh in an alpine image or if your shell is symlinked to busybox then consider explicitly setting your SHELL to /bin/ash, or disable this check",
    }
}

use bulwark_shell::parse_shell;

// `SHELL` texts starting with one of `NON_POSIX_SHELLS` are not POSIX shells: pipes there need
// no pipefail. Hadolint 2.15.1 matches them as a plain prefix of the `SHELL` text, so
// `/usr/bin/pwsh` is *not* recognised (probed: it is flagged), while `pwsh.exe` and `cmdfoo`
// are. Only the `SHELL` instruction counts here, not a `# hadolint shell=` pragma (probed).

/// The shell names whose `-o pipefail` Hadolint 2.15.1 accepts. Probed: `/usr/bin/bash`,
/// `/usr/local/bin/zsh`, `/sbin/ash` and `/bin//bash` are all flagged, so this is an exact list,
/// not a basename match.
const PIPEFAIL_SHELLS: &[&str] = &["bash", "zsh", "ash", "/bin/bash", "/bin/zsh", "/bin/ash"];

fn pipefail(args: &Args) -> bool {
    let text = args.text();
    if super::is_non_posix_shell(&text) {
        return true;
    }
    parse_shell(&text).commands.iter().any(|c| {
        PIPEFAIL_SHELLS.contains(&c.name.as_str())
            && c.has_flag("o")
            && c.has_arg("pipefail")
    })
}

impl Rule for Dl4006 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        let mut ok = false;
        for v in &cx.instrs {
            match (&v.ins.kind, &v.shell) {
                (Kind::From(_), _) => ok = false,
                (Kind::Shell(args), _) => ok = pipefail(args),
                (Kind::Run(_), Some(s)) if !ok && s.has_pipes() => {
                    out.push(Violation::at(&Self::META, v.ins));
                }
                _ => {}
            }
        }
    }
}
