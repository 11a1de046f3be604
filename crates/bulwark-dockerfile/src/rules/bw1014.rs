use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `curl`, `wget`, `git clone`, `pip --index-url` and `ADD` with `http://` URLs
    /// (localhost excepted).
    ///
    /// ## Why is this bad?
    /// Plain HTTP has no integrity protection: anyone on the network path can replace the
    /// downloaded file.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN wget http://example.com/tool.tgz
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN wget https://example.com/tool.tgz
    /// ```
    Bw1014 {
        code: "BW1014",
        name: "plain-http-download",
        level: Warning,
        message: "Download over plain HTTP; use HTTPS so the content cannot be tampered with in transit",
    }
}

fn insecure_url(u: &str) -> bool {
    let u = drop_quotes(u);
    let Some(rest) = u.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', ':']).next().unwrap_or("");
    !matches!(host, "localhost" | "127.0.0.1" | "[::1]" | "${VAR}") && !host.is_empty()
}

impl Rule for Bw1014 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for v in &cx.instrs {
            let token = match (&v.ins.kind, &v.shell) {
                (Kind::Add(a), _) => a.sources.iter().find(|s| insecure_url(s)).map(|s| drop_quotes(s).to_string()),
                (_, Some(s)) if v.posix_shell() => s.find_map_unwrapped(|c| {
                    if !matches!(c.basename(), "curl" | "wget" | "git" | "pip" | "pip3" | "apk") {
                        return None;
                    }
                    c.arguments.iter().find_map(|a| {
                        if !a.arg.contains("http://") {
                            return None;
                        }
                        if insecure_url(&a.arg) {
                            return Some(drop_quotes(&a.arg).to_string());
                        }
                        a.arg.split_once('=').filter(|(_, v)| insecure_url(v)).map(|(_, v)| drop_quotes(v).to_string())
                    })
                }),
                _ => None,
            };
            if let Some(token) = token {
                out.push(Violation::at_token(&Self::META, cx, v.ins, &token));
            }
        }
    }
}
