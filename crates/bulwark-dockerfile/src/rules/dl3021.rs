use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that a `COPY` with several sources has a destination ending in `/`.
    ///
    /// ## Why is this bad?
    /// Docker refuses to copy several files onto one file name; the build fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY package.json yarn.lock /app
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// COPY package.json yarn.lock /app/
    /// ```
    Dl3021 {
        code: "DL3021",
        name: "copy-dest-slash",
        level: Error,
        message: "COPY with more than 2 arguments requires the last argument to end with /",
    }
}

simple_rule!(Dl3021, |ins| match &ins.kind {
    Kind::Copy(c) if c.sources.len() > 1 => !c.dest.is_empty() && drop_quotes(&c.dest).ends_with('/'),
    _ => true,
});
