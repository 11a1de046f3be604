use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `MAINTAINER`.
    ///
    /// ## Why is this bad?
    /// The instruction is deprecated; labels carry the same information in a standard place.
    ///
    /// ## Example
    /// ```dockerfile
    /// MAINTAINER Jane <jane@example.com>
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// LABEL org.opencontainers.image.authors="jane@example.com"
    /// ```
    Dl4000 {
        code: "DL4000",
        name: "maintainer-deprecated",
        level: Error,
        message: "MAINTAINER is deprecated",
    }
}

simple_rule!(Dl4000, |ins| !matches!(ins.kind, Kind::Maintainer(_)));
