use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `ADD` of local files or folders that are neither archives nor URLs.
    ///
    /// ## Why is this bad?
    /// `ADD` has surprising extra behaviour (remote downloads, automatic extraction); `COPY` does
    /// exactly one thing.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD requirements.txt /app/
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// COPY requirements.txt /app/
    /// ```
    Dl3020 {
        code: "DL3020",
        name: "copy-not-add",
        level: Error,
        message: "Use COPY instead of ADD for files and folders",
    }
}

simple_rule!(Dl3020, |ins| match &ins.kind {
    Kind::Add(a) => a.sources.iter().all(|s| {
        let s = drop_quotes(s);
        ARCHIVE_EXTENSIONS.iter().any(|e| s.ends_with(e))
            || s.starts_with("https://")
            || s.starts_with("http://")
    }),
    _ => true,
});
