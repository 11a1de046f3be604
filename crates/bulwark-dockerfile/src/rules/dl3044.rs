use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags an `ENV` that defines a variable and uses it in another pair of the same instruction,
    /// when it was not defined before.
    ///
    /// ## Why is this bad?
    /// All pairs of one `ENV` are expanded with the values from before the instruction, so the
    /// reference sees the old (usually empty) value.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV A=/opt B=${A}/bin
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// ENV A=/opt
    /// ENV B=${A}/bin
    /// ```
    Dl3044 {
        code: "DL3044",
        name: "env-self-reference",
        level: Error,
        message: "Do not refer to an environment variable within the same `ENV` statement where it is defined.",
    }
}

/// True when `text` contains `${var}`.
fn braced_reference(var: &str, text: &str) -> bool {
    text.match_indices("${").any(|(i, _)| {
        text.get(i + 2..)
            .and_then(|rest| rest.strip_prefix(var))
            .is_some_and(|rest| rest.starts_with('}'))
    })
}

/// True when `text` contains `$var` followed by something that ends a variable name (or by
/// nothing): `$A` matches `$A` and `$A/bin`, not `$AB`.
fn bare_reference(var: &str, text: &str) -> bool {
    let needle = format!("${var}");
    text.split(needle.as_str()).skip(1).any(|rest| {
        rest.chars()
            .next()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'))
    })
}

impl Rule for Dl3044 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        let mut defined: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for v in &cx.instrs {
            match &v.ins.kind {
                Kind::Env(pairs) => {
                    let bad = pairs.iter().enumerate().any(|(i, (var, _))| {
                        let referenced = pairs.iter().enumerate().filter(|(j, _)| *j != i).any(
                            |(_, (_, val))| {
                                val.contains('$')
                                    && (braced_reference(var, val) || bare_reference(var, val))
                            },
                        );
                        referenced && !defined.contains(var.as_str())
                    });
                    if bad {
                        out.push(Violation::at(&Self::META, v.ins));
                    }
                    defined.extend(pairs.iter().map(|(k, _)| k.as_str()));
                }
                Kind::Arg(decls) => defined.extend(arg_name(decls)),
                _ => {}
            }
        }
    }
}
