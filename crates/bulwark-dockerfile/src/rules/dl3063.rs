use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags stage names `scratch` and `context`.
    ///
    /// ## Why is this bad?
    /// Those names already mean something to Docker; using them as stage names makes `FROM`/`COPY
    /// --from` ambiguous.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.19 AS scratch
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM alpine:3.19 AS base
    /// ```
    Dl3063 {
        code: "DL3063",
        name: "reserved-stage-name",
        level: Warning,
        message: "stage name should not be a reserved word",
    }
}

simple_rule!(Dl3063, |ins| !matches!(&ins.kind, Kind::From(f) if matches!(f.alias.as_deref(), Some("scratch" | "context"))));
