use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that packages given to `dnf`/`microdnf install` carry a version (`name-1.2.3`, or an
    /// `.rpm` file) and modules a stream (`name:stream`).
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

fn install_args(c: &Command) -> Vec<&str> {
    if !c.names_have_args(DNF, &["install"]) {
        return Vec::new();
    }
    c.args_no_flags().into_iter().filter(|a| *a != "install" && *a != "module").collect()
}

fn version_like(parts: &[&str]) -> bool {
    !parts.is_empty()
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_alphanumeric() || ".~^_:+".contains(c)))
        && parts.iter().any(|p| p.starts_with(|c: char| c.is_ascii_digit()))
}

fn package_fixed(p: &str) -> bool {
    let parts: Vec<&str> = p.split('-').collect();
    if parts.len() <= 1 {
        return false;
    }
    p.ends_with(".rpm") || version_like(parts.get(1..).unwrap_or_default())
}

simple_run_rule!(Dl3041, Scope::WithOnbuild, |s| {
    s.commands.iter().all(|c| {
        if c.names_have_args(DNF, &["module"]) {
            install_args(c).into_iter().all(|m| m.contains(':'))
        } else if c.names_have_args(DNF, &["group"]) {
            true
        } else {
            install_args(c).into_iter().all(package_fixed)
        }
    })
});
