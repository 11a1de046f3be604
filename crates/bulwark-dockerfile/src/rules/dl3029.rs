use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=...`.
    ///
    /// ## Why is this bad?
    /// A hard-coded platform breaks multi-platform builds and emulated builds on other
    /// architectures.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 debian:12
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM debian:12
    /// ```
    Dl3029 {
        code: "DL3029",
        name: "no-platform-flag",
        level: Warning,
        message: "Do not use --platform flag with FROM",
    }
}

simple_rule!(Dl3029, |ins| !matches!(&ins.kind, Kind::From(f) if f.platform.as_deref().is_some_and(|p| !p.is_empty())));
