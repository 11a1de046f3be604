use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `ADD http(s)://...` (and `ADD git@...`/`.git` URLs) without `--checksum=sha256:...`.
    ///
    /// ## Why is this bad?
    /// Without a checksum the build trusts whatever the server returns; a changed or compromised
    /// file silently ends up in the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://example.com/tool.tar.gz /opt/
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// ADD --checksum=sha256:<digest> https://example.com/tool.tar.gz /opt/
    /// ```
    Bw1005 {
        code: "BW1005",
        name: "add-url-without-checksum",
        level: Warning,
        message: "`ADD` downloads a remote file without `--checksum`; the content is not verified",
    }
}

impl Rule for Bw1005 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for v in &cx.instrs {
            let Kind::Add(a) = &v.ins.kind else { continue };
            let remote = a.sources.iter().find(|s| {
                let s = drop_quotes(s);
                s.starts_with("http://") || s.starts_with("https://")
            });
            if let Some(url) = remote
                && a.checksum.is_none()
            {
                out.push(Violation::at_token(&Self::META, cx, v.ins, url));
            }
        }
    }
}
