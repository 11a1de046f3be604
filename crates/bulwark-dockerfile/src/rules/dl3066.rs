use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `USER` with a user name instead of a numeric UID.
    ///
    /// ## Why is this bad?
    /// Kubernetes `runAsNonRoot` and host tooling can only verify numeric IDs; a name must be
    /// resolved inside the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER app
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// USER 10001
    /// ```
    Dl3066 {
        code: "DL3066",
        name: "numeric-user",
        level: Info,
        message: "Non-numeric user-id may not be resolvable by host system",
    }
}

impl Rule for Dl3066 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        // Every `ARG` seen so far, in any stage or before the first `FROM`.
        let mut args: Vec<&str> = Vec::new();
        for v in &cx.instrs {
            match &v.ins.kind {
                Kind::Arg(decls) => args.extend(arg_name(decls)),
                Kind::User(u) => {
                    let uid = u.split(':').next().unwrap_or("");
                    // A user given by a variable that an `ARG` declares (`$UID`, `${UID}`)
                    // is taken to be numeric.
                    let from_arg = args.iter().any(|a| {
                        u.contains(&format!("${{{a}}}")) || u.contains(&format!("${a}"))
                    });
                    if !uid.chars().all(|c| c.is_ascii_digit()) && !from_arg {
                        out.push(Violation::at(&Self::META, v.ins));
                    }
                }
                _ => {}
            }
        }
    }
}
