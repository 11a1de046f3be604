use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that `WORKDIR` is an absolute path.
    ///
    /// ## Why is this bad?
    /// A relative `WORKDIR` depends on every earlier `WORKDIR`, which makes the resulting
    /// directory hard to predict when instructions are moved or stages are reused.
    ///
    /// ## Example
    /// ```dockerfile
    /// WORKDIR usr/src/app
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// WORKDIR /usr/src/app
    /// ```
    Dl3000 {
        code: "DL3000",
        name: "absolute-workdir",
        level: Error,
        message: "Use absolute WORKDIR",
    }
}

fn is_windows_absolute(p: &str) -> bool {
    let mut c = p.chars();
    matches!((c.next(), c.next()), (Some(l), Some(':')) if l.is_alphabetic())
}

simple_rule!(Dl3000, |ins| match &ins.kind {
    Kind::Workdir(dir) => {
        let d = drop_quotes(dir);
        d.starts_with('$') || d.starts_with('/') || is_windows_absolute(d)
    }
    _ => true,
});
