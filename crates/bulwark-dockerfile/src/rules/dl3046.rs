use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `useradd -u <uid>` with a UID longer than five digits and without `-l`/`--no-log-
    /// init`.
    ///
    /// ## Why is this bad?
    /// Without `-l`, useradd writes a sparse `/var/log/faillog`/`lastlog` entry sized by the UID; a
    /// high UID makes the layer gigabytes large.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN useradd -u 123456 app
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN useradd -l -u 123456 app
    /// ```
    Dl3046 {
        code: "DL3046",
        name: "useradd-long-uid",
        level: Warning,
        message: "`useradd` without flag `-l` and high UID will result in excessively large Image.",
    }
}

simple_run_rule!(Dl3046, Scope::WithOnbuild, |s| {
    s.no_commands(|c| {
        c.name == "useradd"
            && !c.has_any_flag(&["l", "no-log-init"])
            && c.has_any_flag(&["u", "uid"])
            && c.flag_args("u").iter().any(|u| u.chars().count() > 5)
    })
});
