use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that packages given to `dnf`/`microdnf install` carry a version (`name-1.2.3`, or an
    /// `.rpm` file) and modules a stream (`name:stream`), with the rules of DL3033 (version-like
    /// parts after the first `-`, or a known `ARG`/`ENV` variable). `dnf group` commands are not
    /// checked.
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

use super::dl3033::{PinVars, install_args};

const DNF: &[&str] = &["dnf", "microdnf"];

fn ok(s: &ParsedShell, vars: &PinVars) -> bool {
    s.commands.iter().all(|c| {
        if c.names_have_args(DNF, &["module"]) {
            install_args(c, DNF).iter().all(|m| m.contains(':'))
        } else if c.names_have_args(DNF, &["group"]) {
            true
        } else {
            install_args(c, DNF).iter().all(|p| vars.package_fixed(p))
        }
    })
}

fn check_seq<'a>(
    seq: impl Iterator<Item = (&'a Instruction, &'a Instruction, Option<&'a ParsedShell>)>,
    out: &mut Vec<Violation>,
) {
    let mut vars = PinVars::default();
    for (report, ins, shell) in seq {
        vars.visit(ins);
        if let Some(s) = shell
            && !ok(s, &vars)
        {
            out.push(Violation::at(&Dl3041::META, report));
        }
    }
}

impl Rule for Dl3041 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        check_seq(cx.top_sequence(), out);
        check_seq(cx.onbuild_sequence(), out);
    }
}
