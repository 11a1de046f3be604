use std::collections::HashSet;

use bulwark_shell::CmdPart;

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that packages given to `dnf`/`microdnf install` carry a version (`name-1.2.3`, or an
    /// `.rpm` file) and modules a stream (`name:stream`). As in Hadolint 2.15.1 (probed), a package
    /// with a `-` that references an `ARG`/`ENV` variable declared before it in the stage
    /// (`foo-$VERSION`) counts as versioned, except inside `ONBUILD`.
    ///
    /// ## Why is this bad?
    /// Unpinned packages make rebuilds pick up whatever is newest.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install -y httpd
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN dnf install -y httpd-2.4.57
    /// ```
    Dl3041 {
        code: "DL3041",
        name: "dnf-pin-versions",
        level: Warning,
        message: "Specify version with `dnf install -y <package>-<version>`.",
    }
}

const DNF: &[&str] = &["dnf", "microdnf"];

fn install_parts(c: &Command) -> Vec<&CmdPart> {
    if !c.names_have_args(DNF, &["install"]) {
        return Vec::new();
    }
    c.arguments
        .iter()
        .filter(|a| !c.flags.iter().any(|f| f.id == a.id))
        .filter(|a| a.arg != "install" && a.arg != "module")
        .collect()
}

fn version_like(parts: &[&str]) -> bool {
    !parts.is_empty()
        && parts.iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".~^_:+".contains(c))
        })
        && parts
            .iter()
            .any(|p| p.starts_with(|c: char| c.is_ascii_digit()))
}

fn package_fixed(p: &str) -> bool {
    let parts: Vec<&str> = p.split('-').collect();
    if parts.len() <= 1 {
        return false;
    }
    p.ends_with(".rpm") || version_like(parts.get(1..).unwrap_or_default())
}

fn ok(s: &ParsedShell, known: &HashSet<String>) -> bool {
    s.commands.iter().all(|c| {
        if c.names_have_args(DNF, &["module"]) {
            install_parts(c).into_iter().all(|m| m.arg.contains(':'))
        } else if c.names_have_args(DNF, &["group"]) {
            true
        } else {
            install_parts(c).into_iter().all(|p| {
                package_fixed(&p.arg) || (p.arg.contains('-') && references_known_var(s, p, known))
            })
        }
    })
}

impl Rule for Dl3041 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for (v, known) in cx.instrs.iter().zip(cx.known_vars()) {
            if let Some(s) = &v.shell
                && !ok(s, known)
            {
                out.push(Violation::at(&Self::META, v.ins));
            }
        }
    }
}
