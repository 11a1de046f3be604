use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that `apt-get install` runs non-interactively (`-y`, `--yes`, `--assume-yes` or
    /// `-q`).
    ///
    /// ## Why is this bad?
    /// Without it apt asks for confirmation and the build aborts because nobody can answer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install curl
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN apt-get install -y curl
    /// ```
    Dl3014 {
        code: "DL3014",
        name: "apt-get-yes",
        level: Warning,
        message: "Use the `-y` switch to avoid manual input `apt-get -y install <package>`",
    }
}

// `-qq` (or `-q -q`, `--quiet --quiet`, `-q=2`) implies `-y`; a single `-q` or a third one
// does not (Hadolint counts exactly two).
simple_run_rule!(Dl3014, Scope::WithOnbuild, |s| {
    s.no_commands(|c| {
        c.has_args("apt-get", &["install"])
            && !(c.has_any_flag(&["y", "yes", "qq", "assume-yes"])
                || c.count_flag("q") == 2
                || c.count_flag("quiet") == 2
                || c.has_arg("-q=2"))
    })
});
