use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `ARG`/`ENV` whose name looks like a credential (`*PASSWORD*`, `*TOKEN*`, `*SECRET*`,
    /// `*API_KEY*`, ...) and whose value is a literal (not empty, not a `$variable`).
    ///
    /// ## Why is this bad?
    /// `ENV` values and `ARG` defaults are stored in the image configuration and history: anyone
    /// who can pull the image can read them with `docker history` or `docker inspect`.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV DB_PASSWORD=hunter2
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN --mount=type=secret,id=db_password ./configure-db.sh
    /// ```
    Bw1008 {
        code: "BW1008",
        name: "secret-in-arg-env-value",
        level: Error,
        message: "A credential is hard-coded in an `ARG`/`ENV` value; use `RUN --mount=type=secret` instead",
    }
}

use super::dl3064::sensitive;

fn literal(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty() && !v.starts_with('$') && !matches!(v.to_ascii_lowercase().as_str(), "true" | "false" | "0" | "1" | "none" | "null" | "changeme" | "xxx")
}

impl Rule for Bw1008 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for v in &cx.instrs {
            let ins = v.onbuild_inner().unwrap_or(v.ins);
            let name = match &ins.kind {
                Kind::Arg(d) => d.iter().find(|(n, val)| sensitive(n) && val.as_deref().is_some_and(literal)).map(|(n, _)| n),
                Kind::Env(p) => p.iter().find(|(n, val)| sensitive(n) && literal(val)).map(|(n, _)| n),
                _ => None,
            };
            if let Some(n) = name {
                out.push(Violation::at_token(&Self::META, cx, v.ins, n).with_message(format!(
                    "`{n}` is given a literal value in `{}`; secrets in ARG/ENV end up in the image metadata, use `RUN --mount=type=secret`",
                    ins.name()
                )));
            }
        }
    }
}
