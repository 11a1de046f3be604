use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `COPY --from=stage / /`.
    ///
    /// ## Why is this bad?
    /// Copying a whole root filesystem drags in everything from the other stage, defeating the
    /// point of a multi-stage build.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY --from=build / /
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// COPY --from=build /app/bin/server /usr/local/bin/server
    /// ```
    Dl3067 {
        code: "DL3067",
        name: "copy-whole-filesystem",
        level: Warning,
        message: "Do not copy an entire filesystem from another stage",
    }
}

simple_rule!(Dl3067, |ins| match &ins.kind {
    Kind::Copy(c) if c.from.is_some() => {
        !(c.sources.iter().any(|s| drop_quotes(s) == "/") && drop_quotes(&c.dest) == "/")
    }
    _ => true,
});
