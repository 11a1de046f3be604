use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that packages given to `pip install` are pinned (`==`, `>=`, `~=` ..., a VCS URL with
    /// `@ref`, a local path or wheel), unless a constraints file or requirements file is used.
    ///
    /// ## Why is this bad?
    /// Unpinned Python packages make the image change whenever a new release is published.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install django
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN pip install django==5.0.3
    /// ```
    Dl3013 {
        code: "DL3013",
        name: "pip-pin-versions",
        level: Warning,
        message: "Pin versions in pip. Instead of `pip install <package>` use `pip install <package>==<version>` or `pip install --requirement <requirements file>`",
    }
}

const DROP: &[&str] = &[
    "abi", "b", "build", "e", "editable", "extra-index-url", "f", "find-links", "i", "index-url",
    "implementation", "no-binary", "only-binary", "platform", "prefix", "progress-bar", "proxy",
    "python", "python-version", "root", "root-user-action", "src", "t", "target", "trusted-host",
    "upgrade-strategy",
];
const VCS: &[&str] = &[
    "git+file", "git+https", "git+ssh", "git+http", "git+git", "git", "hg+file", "hg+http",
    "hg+https", "hg+ssh", "hg+static-http", "svn", "svn+svn", "svn+http", "svn+https", "svn+ssh",
    "bzr+http", "bzr+https", "bzr+ssh", "bzr+sftp", "bzr+ftp", "bzr+lp",
];

fn version_fixed(p: &str) -> bool {
    let vcs = VCS.iter().any(|s| p.starts_with(s));
    ["==", ">=", "<=", ">", "<", "!=", "~=", "==="].iter().any(|s| p.contains(s))
        || (vcs && p.contains('@'))
        || p.ends_with(".whl")
        || p.ends_with(".tar.gz")
        || (!vcs && p.contains('/'))
}

fn packages(c: &Command) -> Vec<String> {
    let dropped = c.drop_flag_arg(DROP);
    let args = dropped.args_no_flags();
    let mut it = args.into_iter().skip_while(|a| *a != "install").skip_while(|a| *a == "install");
    let mut out = Vec::new();
    for a in it.by_ref() {
        out.push(a.to_string());
    }
    out
}

fn forgot(c: &Command) -> bool {
    // `is_pip_install` leaves `pipenv install` out (Hadolint's `isPipInstall`), while
    // `pipx install django` is flagged.
    if !c.is_pip_install() {
        return false;
    }
    let constraint = c.has_flag("constraint") || c.has_flag("c");
    let args = c.args();
    let requirement = args.contains(&"--requirement") || args.contains(&"-r") || args.contains(&".");
    c.is_pip_install()
        && !constraint
        && !requirement
        && !packages(c).iter().all(|p| version_fixed(p))
}

simple_run_rule!(Dl3013, Scope::WithOnbuild, |s| s.no_commands(forgot));
