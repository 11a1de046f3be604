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

/// A local path, or a version after `@` other than `latest` and `none`.
fn ok(p: &str) -> bool {
    p == "."
        || p.starts_with('/')
        || p.starts_with('.')
        || (p.contains('@') && !p.ends_with("@latest") && !p.ends_with("@none"))
}

/// Hadolint's `goPackageCommand`: the packages of every `go run` in the `RUN` (the first
/// non-flag argument after `run`; what follows is the program's arguments) when there are any,
/// else the arguments of every `go install` / `go get` (without `install`, `get`, `tool`).
fn packages(s: &ParsedShell) -> Vec<&str> {
    let run: Vec<&str> = s
        .commands
        .iter()
        .filter(|c| c.has_args("go", &["run"]))
        .flat_map(|c| {
            c.args_no_flags()
                .into_iter()
                .enumerate()
                .filter(|(i, a)| *a != "run" && *i <= 1)
                .map(|(_, a)| a)
        })
        .collect();
    if !run.is_empty() {
        return run;
    }
    s.commands
        .iter()
        .filter(|c| c.has_args("go", &["install", "get"]))
        .flat_map(|c| {
            c.args_no_flags()
                .into_iter()
                .filter(|a| !matches!(*a, "install" | "get" | "tool"))
        })
        .collect()
}

simple_run_rule!(Dl3062, Scope::WithOnbuild, |s| packages(s).into_iter().all(ok));
