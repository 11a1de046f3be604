use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that packages given to `npm install` carry a version, tag or commit (`pkg@1.2.3`,
    /// `git+https://...#ref`), or are local folders or tarballs.
    ///
    /// ## Why is this bad?
    /// Unpinned npm packages resolve to whatever is newest at build time.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN npm install express
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN npm install express@4.18.2
    /// ```
    Dl3016 {
        code: "DL3016",
        name: "npm-pin-versions",
        level: Warning,
        message: "Pin versions in npm. Instead of `npm install <package>` use `npm install <package>@<version>`",
    }
}

fn version_fixed(p: &str) -> bool {
    if ["git://", "git+ssh://", "git+http://", "git+https://"].iter().any(|g| p.starts_with(g)) {
        return p.contains('#');
    }
    if [".tar", ".tar.gz", ".tgz"].iter().any(|s| p.ends_with(s))
        || ["/", "./", "../", "~/"].iter().any(|s| p.starts_with(s))
    {
        return true;
    }
    let unscoped = if p.starts_with('@') { p.trim_start_matches(|c: char| c > '/') } else { p };
    unscoped.contains('@')
}

simple_run_rule!(Dl3016, Scope::WithOnbuild, |s| {
    s.no_commands(|c| {
        if !c.has_args("npm", &["install"]) {
            return false;
        }
        // `--loglevel` and `--registry` take a value that is no package.
        let dropped = c.drop_flag_arg(&["loglevel", "registry"]);
        let args = dropped.args_no_flags();
        if args.first() != Some(&"install") {
            return false;
        }
        !args
            .into_iter()
            .skip_while(|a| *a == "install")
            .all(version_fixed)
    })
});
