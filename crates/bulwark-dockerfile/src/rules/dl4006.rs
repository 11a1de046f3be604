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

use bulwark_shell::{parse_shell, shell_basename};

const NON_POSIX: &[&str] = &["pwsh", "powershell", "cmd", "/usr/bin/pwsh", "/opt/microsoft/powershell"];

fn pipefail(args: &Args) -> bool {
    let text = args.text();
    if NON_POSIX.iter().any(|p| text.starts_with(p)) {
        return true;
    }
    parse_shell(&text).commands.iter().any(|c| {
        matches!(shell_basename(&c.name), "bash" | "zsh" | "ash")
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
