use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=$TARGETPLATFORM`.
    ///
    /// ## Why is this bad?
    /// That is already the default, so the flag only adds noise.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM alpine:3.19
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM alpine:3.19
    /// ```
    Dl3065 {
        code: "DL3065",
        name: "redundant-targetplatform",
        level: Warning,
        message: "Setting `FROM --platform` to predefined `$TARGETPLATFORM` in is redundant as this is the default behavior",
    }
}

simple_rule!(Dl3065, |ins| !matches!(&ins.kind, Kind::From(f) if matches!(f.platform.as_deref(), Some("$TARGETPLATFORM" | "${TARGETPLATFORM}"))));
