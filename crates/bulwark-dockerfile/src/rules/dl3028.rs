use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that gems given to `gem install` are pinned (`gem:version` or `-v`/`--version`).
    ///
    /// ## Why is this bad?
    /// Unpinned gems make the image depend on whatever is newest at build time.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN gem install bundler
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN gem install bundler:2.5.6
    /// ```
    Dl3028 {
        code: "DL3028",
        name: "gem-pin-versions",
        level: Warning,
        message: "Pin versions in gem install. Instead of `gem install <gem>` use `gem install <gem>:<version>`",
    }
}

simple_run_rule!(Dl3028, Scope::WithOnbuild, |s| {
    s.commands
        .iter()
        .filter(|c| {
            c.has_args("gem", &["install", "i"])
                && !c.has_args("gem", &["-v"])
                && !c.has_args("gem", &["--version"])
                && !c.has_prefix_arg("gem", "--version=")
        })
        .all(|c| gems(c).iter().all(|g| g.contains(':')))
});

/// The gems of `gem install` as Hadolint reads them: the arguments before `--`, where any word
/// starting with `-` is an option that also takes the next word as its value (so
/// `gem install -N rails` names no gem), without `install` and `i`.
fn gems(c: &Command) -> Vec<&str> {
    let args: Vec<&str> = c.args().into_iter().take_while(|a| *a != "--").collect();
    let mut out = Vec::new();
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        if a.starts_with('-') {
            it.next();
        } else if a != "install" && a != "i" {
            out.push(a);
        }
    }
    out
}
