use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `wget` without `--progress`, `-q`/`--quiet`, `-nv`/`--no-verbose` or an output/append
    /// log option.
    ///
    /// ## Why is this bad?
    /// wget's default progress bar writes a line per chunk when there is no terminal, bloating
    /// build logs.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN wget https://example.com/big.tar.gz
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN wget --progress=dot:giga https://example.com/big.tar.gz
    /// ```
    Dl3047 {
        code: "DL3047",
        name: "wget-progress",
        level: Info,
        message: "Avoid use of wget without progress bar. Use `wget --progress=dot:giga <url>`. Or consider using `-q` or `-nv` (shorthands for `--quiet` or `--no-verbose`).",
    }
}

simple_run_rule!(Dl3047, Scope::WithOnbuild, |s| {
    s.no_commands(|c| {
        c.name == "wget"
            && !c.has_flag("progress")
            && !c.has_any_flag(&["q", "quiet", "o", "output-file", "a", "append-output", "no-verbose"])
            && !c.has_args("wget", &["-nv"])
    })
});
