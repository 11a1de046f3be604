use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks, per build stage, whether the last `USER` instruction switches to `root` (or UID 0).
    ///
    /// ## Why is this bad?
    /// A container that runs as root turns any escape from the application into root access on the
    /// container, and often on the host's mounted files.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.19
    /// USER root
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM alpine:3.19
    /// USER root
    /// RUN apk add --no-cache curl
    /// USER 1000
    /// ```
    Dl3002 {
        code: "DL3002",
        name: "last-user-root",
        level: Warning,
        message: "Last USER should not be root",
    }
}

fn is_root(user: &str) -> bool {
    user.starts_with("root:") || user.starts_with("0:") || user == "root" || user == "0"
}

impl Rule for Dl3002 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        // Stage line -> line of the last root USER in that stage.
        let mut stage: Option<u32> = None;
        let mut roots: std::collections::BTreeMap<u32, u32> = std::collections::BTreeMap::new();
        for v in &cx.instrs {
            match &v.ins.kind {
                Kind::From(_) => stage = Some(v.ins.line()),
                Kind::User(u) => {
                    if let Some(s) = stage {
                        if is_root(u) {
                            roots.insert(s, v.ins.line());
                        } else {
                            roots.remove(&s);
                        }
                    }
                }
                _ => {}
            }
        }
        out.extend(roots.values().map(|&l| Violation::at_line(&Self::META, l)));
    }
}
