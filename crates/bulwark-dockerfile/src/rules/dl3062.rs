use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that `go install`, `go get` and `go run` name modules with an explicit `@version`
    /// (not `@latest`/`@none`), unless they are local paths.
    ///
    /// ## Why is this bad?
    /// Without a version Go resolves the newest release at build time.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN go install example.com/tool
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN go install example.com/tool@v1.2.3
    /// ```
    Dl3062 {
        code: "DL3062",
        name: "go-pin-versions",
        level: Warning,
        message: "Pin versions in go. Instead of `go install <package>` use `go install <package>@<version>`",
    }
}

fn ok(p: &str) -> bool {
    p == "." || p.starts_with('/') || p.starts_with('.') || (p.contains('@') && !p.ends_with("@latest") && !p.ends_with("@none"))
}

simple_run_rule!(Dl3062, Scope::WithOnbuild, |s| {
    s.commands
        .iter()
        .filter(|c| c.has_args("go", &["install", "get", "run"]))
        .all(|c| {
            let mut args = c.args_no_flags();
            // `go install tool pkg`: the package follows the `tool` word.
            if args.get(1) == Some(&"tool") {
                args.remove(1);
            }
            args.into_iter()
                .enumerate()
                .filter(|(i, a)| !matches!(*a, "install" | "get" | "run") && *i <= 1)
                .all(|(_, a)| ok(a))
        })
});
