use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `ONBUILD ONBUILD`, `ONBUILD FROM` and `ONBUILD MAINTAINER`.
    ///
    /// ## Why is this bad?
    /// Docker does not allow these triggers; the downstream build fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// ONBUILD FROM debian:12
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// ONBUILD RUN make
    /// ```
    Dl3043 {
        code: "DL3043",
        name: "onbuild-forbidden",
        level: Error,
        message: "`ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction.",
    }
}

simple_rule!(Dl3043, |ins| match &ins.kind {
    Kind::Onbuild(inner) => !matches!(inner.kind, Kind::Onbuild(_) | Kind::From(_) | Kind::Maintainer(_)),
    _ => true,
});
