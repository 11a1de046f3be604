use std::collections::HashSet;

use bulwark_shell::CmdPart;

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that packages given to `yum install` carry a version (`name-version`, or an `.rpm`
    /// file) and modules a stream (`name:stream`).
    ///
    /// As in Hadolint 2.15.1 (probed), a package counts as versioned when a `-` is directly
    /// followed by a digit (`httpd-2.4`, not `python3-devel`), or when it is an `.rpm` file whose
    /// name has a `-` (`foo-bar.rpm`, not `/tmp/x.rpm`), or when it has a `-` and references an
    /// `ARG`/`ENV` variable declared before it in the stage (`foo-$VERSION`; not in `ONBUILD`).
    ///
    /// ## Why is this bad?
    /// Unpinned packages make rebuilds pick up whatever is newest.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install -y httpd
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.57
    /// ```
    Dl3033 {
        code: "DL3033",
        name: "yum-pin-versions",
        level: Warning,
        message: "Specify version with `yum install -y <package>-<version>`.",
    }
}

/// The package arguments of `yum install` (flags, `install` and `module` left out).
fn install_parts(c: &Command) -> Vec<&CmdPart> {
    if !c.has_args("yum", &["install"]) {
        return Vec::new();
    }
    c.arguments
        .iter()
        .filter(|a| !c.flags.iter().any(|f| f.id == a.id))
        .filter(|a| a.arg != "install" && a.arg != "module")
        .collect()
}

/// `-` followed by a digit anywhere, or an `.rpm` file name containing a `-`.
fn package_version_fixed(p: &str) -> bool {
    let dash_digit = p
        .as_bytes()
        .windows(2)
        .any(|w| w.first() == Some(&b'-') && w.get(1).is_some_and(u8::is_ascii_digit));
    dash_digit || (p.ends_with(".rpm") && p.contains('-'))
}

fn ok(s: &ParsedShell, known: &HashSet<String>) -> bool {
    s.commands.iter().all(|c| {
        let module = c.has_args("yum", &["module"]);
        install_parts(c).into_iter().all(|p| {
            if module {
                p.arg.contains(':')
            } else {
                package_version_fixed(&p.arg)
                    || (p.arg.contains('-') && references_known_var(s, p, known))
            }
        })
    })
}

impl Rule for Dl3033 {
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
