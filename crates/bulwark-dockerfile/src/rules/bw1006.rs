use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `chmod` in `RUN` and `COPY`/`ADD --chmod` that grant write permission to others
    /// (`777`, `666`, `o+w`, `a+w`).
    ///
    /// ## Why is this bad?
    /// World-writable files and directories let any process in the container (including a
    /// compromised non-root one) replace binaries or configuration that others run.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN chmod -R 777 /app
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN chown -R app:app /app && chmod -R 755 /app
    /// ```
    Bw1006 {
        code: "BW1006",
        name: "world-writable",
        level: Warning,
        message: "World-writable permissions (`chmod 777`, `o+w`); any user in the container can modify these files",
    }
}

/// True when a chmod mode grants write to others.
pub(crate) fn world_writable(mode: &str) -> bool {
    if !mode.is_empty() && mode.chars().all(|c| c.is_digit(8)) {
        return mode.chars().last().and_then(|c| c.to_digit(8)).is_some_and(|d| d & 2 != 0);
    }
    mode.split(',').any(|clause| {
        let who_end = clause.find(['+', '=']).unwrap_or(clause.len());
        let (who, rest) = clause.split_at(who_end);
        (who.contains('o') || who.contains('a')) && (rest.starts_with('+') || rest.starts_with('=')) && rest.contains('w')
    })
}

impl Rule for Bw1006 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for v in &cx.instrs {
            let token = match (&v.ins.kind, &v.shell) {
                (Kind::Copy(c) | Kind::Add(c), _) => c.chmod.as_deref().is_some_and(world_writable).then(|| "--chmod".to_string()),
                (_, Some(s)) if v.posix_shell() => s.find_map_unwrapped(|c| {
                    if c.name != "chmod" {
                        return None;
                    }
                    c.args_no_flags().into_iter().next().filter(|m| world_writable(m)).map(str::to_string)
                }),
                _ => None,
            };
            if let Some(token) = token {
                out.push(Violation::at_token(&Self::META, cx, v.ins, &token));
            }
        }
    }
}
