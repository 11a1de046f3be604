use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=...` with a hard-coded platform (the predefined `$BUILDPLATFORM` /
    /// `$TARGETPLATFORM` arguments are fine).
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

simple_rule!(Dl3029, |ins| match &ins.kind {
    Kind::From(f) => f.platform.as_deref().is_none_or(|p| {
        p.is_empty() || p.contains("BUILDPLATFORM") || p.contains("TARGETPLATFORM")
    }),
    _ => true,
});
