use super::prelude::*;
use crate::ast::Node;
use crate::pragma::parse_ignore_pragma;

declare_rule! {
    /// ## What it does
    /// Flags inline `# hadolint ignore=...` pragmas. Off by default.
    ///
    /// ## Why is this bad?
    /// Teams that want every exception recorded centrally (in `.hadolint.yaml`) can enable
    /// this rule so that nobody silences a rule inside the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// # hadolint ignore=DL3008
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// ## How to fix
    /// Move the exception to the `ignored` list of the configuration file.
    Dl1001 {
        code: "DL1001",
        name: "no-inline-ignore-pragma",
        level: Ignore,
        message: "Please refrain from using inline ignore pragmas  `# hadolint ignore=DLxxxx`.",
    }
}

impl Rule for Dl1001 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for node in &cx.doc.nodes {
            if let Node::Comment(c) = node
                && parse_ignore_pragma(&c.text).is_some()
            {
                out.push(Violation::at_line(&Self::META, c.line));
            }
        }
    }
}
