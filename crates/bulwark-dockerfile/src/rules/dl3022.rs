use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that `COPY --from=name` names a stage defined earlier in the file. References with a
    /// tag (`--from=image:tag`) are taken to be external images and accepted.
    ///
    /// ## Why is this bad?
    /// A misspelt or later-defined stage name is silently treated as an image name and pulled from
    /// a registry.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// FROM alpine:3.19
    /// COPY --from=builder /app /app
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// FROM alpine:3.19
    /// COPY --from=build /app /app
    /// ```
    Dl3022 {
        code: "DL3022",
        name: "copy-from-known-stage",
        level: Warning,
        message: "`COPY --from` should reference a previously defined `FROM` alias",
    }
}

/// The number at the start of `s`, as Haskell's `Data.Text.Read.decimal` reads it
/// (`1abc` gives 1).
fn leading_number(s: &str) -> Option<usize> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let d = s.get(..digits).filter(|d| !d.is_empty())?;
    Some(d.parse().unwrap_or(usize::MAX))
}

impl Rule for Dl3022 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        let mut aliases: std::collections::HashSet<&str> = std::collections::HashSet::new();
        // Number of `FROM`s so far, the current stage included: `--from=N` is valid for
        // `N < stages` (Hadolint 2.15.1, probed: `--from=0` inside stage 0 passes, `--from=1`
        // before a second `FROM` is flagged).
        let mut stages = 0usize;
        for v in &cx.instrs {
            match &v.ins.kind {
                Kind::From(f) => {
                    aliases.extend(f.alias.as_deref());
                    stages += 1;
                }
                Kind::Copy(c) => {
                    // `image:tag` references an external image (Hadolint PR #815).
                    if let Some(src) = &c.from
                        && !src.contains(':')
                        && !aliases.contains(&src.as_str())
                        && leading_number(src).is_none_or(|n| n >= stages)
                    {
                        out.push(Violation::at(&Self::META, v.ins));
                    }
                }
                _ => {}
            }
        }
    }
}
