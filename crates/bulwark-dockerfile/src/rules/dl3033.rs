use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that packages given to `yum install` carry a version (`name-version`, or an `.rpm`
    /// file) and modules a stream (`name:stream`).
    ///
    /// As in Hadolint 2.15.1 (probed), a package counts as versioned when a `-` is directly
    /// followed by a digit (`httpd-2.4`, not `python3-devel`), or when it is an `.rpm` file whose
    /// name has a `-` (`foo-bar.rpm`, not `/tmp/x.rpm`).
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

fn install_args(c: &Command) -> Vec<&str> {
    if !c.has_args("yum", &["install"]) {
        return Vec::new();
    }
    c.args_no_flags().into_iter().filter(|a| *a != "install" && *a != "module").collect()
}

/// `-` followed by a digit anywhere, or an `.rpm` file name containing a `-`.
fn package_version_fixed(p: &str) -> bool {
    let dash_digit = p
        .as_bytes()
        .windows(2)
        .any(|w| w.first() == Some(&b'-') && w.get(1).is_some_and(u8::is_ascii_digit));
    dash_digit || (p.ends_with(".rpm") && p.contains('-'))
}

simple_run_rule!(Dl3033, Scope::WithOnbuild, |s| {
    s.commands.iter().all(|c| {
        let module = c.has_args("yum", &["module"]);
        install_args(c).into_iter().all(|p| {
            if module { p.contains(':') } else { package_version_fixed(p) }
        })
    })
});
