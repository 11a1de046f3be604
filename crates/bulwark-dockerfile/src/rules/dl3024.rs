use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `FROM ... AS name` whose name was already used by an earlier stage.
    ///
    /// ## Why is this bad?
    /// Later references to the name become ambiguous and BuildKit rejects the file.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20 AS build
    /// FROM golang:1.22 AS build
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM node:20 AS web
    /// FROM golang:1.22 AS api
    /// ```
    Dl3024 {
        code: "DL3024",
        name: "unique-stage-names",
        level: Error,
        message: "FROM aliases (stage names) must be unique",
    }
}

impl Rule for Dl3024 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for v in &cx.instrs {
            if let Kind::From(f) = &v.ins.kind
                && let Some(a) = &f.alias
            {
                if seen.contains(&a.as_str()) {
                    out.push(Violation::at(&Self::META, v.ins));
                }
                seen.insert(a);
            }
        }
    }
}
