use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags downloads and package managers told to skip certificate checks: `curl -k/--insecure`,
    /// `wget --no-check-certificate`, `pip --trusted-host`, `npm`/`yarn config set strict-ssl
    /// false`, `git -c http.sslVerify=false` / `git config http.sslVerify false`, and `ENV`/`RUN`
    /// settings `GIT_SSL_NO_VERIFY`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`.
    ///
    /// ## Why is this bad?
    /// Without certificate verification anyone on the network path can impersonate the server and
    /// inject code into the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -k https://example.com/tool -o /usr/local/bin/tool
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/tool -o /usr/local/bin/tool
    /// ```
    Bw1013 {
        code: "BW1013",
        name: "tls-verification-disabled",
        level: Error,
        message: "TLS certificate verification is disabled",
    }
}

fn insecure_command(c: &Command) -> bool {
    match c.basename() {
        "curl" => {
            c.has_flag("insecure")
                || c.arguments.iter().any(|a| {
                    a.arg.starts_with('-') && !a.arg.starts_with("--") && a.arg.contains('k')
                })
        }
        "wget" => c.has_flag("no-check-certificate"),
        "npm" | "yarn" | "pnpm" => {
            let args = c.args();
            args.windows(2)
                .any(|w| matches!(w, ["strict-ssl", "false"]))
                || args.contains(&"strict-ssl=false")
                || args.contains(&"--strict-ssl=false")
        }
        "git" => {
            let args = c.args();
            args.iter()
                .any(|a| a.eq_ignore_ascii_case("http.sslVerify=false"))
                || args
                    .windows(2)
                    .any(|w| w[0].eq_ignore_ascii_case("http.sslverify") && w[1] == "false")
        }
        name => name.starts_with("pip") && c.has_flag("trusted-host"),
    }
}

const ENV_VARS: &[(&str, &[&str])] = &[
    ("GIT_SSL_NO_VERIFY", &["1", "true", "yes"]),
    ("NODE_TLS_REJECT_UNAUTHORIZED", &["0"]),
    ("PYTHONHTTPSVERIFY", &["0"]),
    ("PIP_TRUSTED_HOST", &[]),
    ("NPM_CONFIG_STRICT_SSL", &["false"]),
];

fn insecure_env(name: &str, value: &str) -> bool {
    ENV_VARS.iter().any(|(n, vals)| {
        name.eq_ignore_ascii_case(n)
            && (vals.is_empty() || vals.iter().any(|v| value.trim().eq_ignore_ascii_case(v)))
    })
}

/// True when `text` contains `NAME=value` for one of the listed values of [`ENV_VARS`], in one
/// pass over the `=` signs of the text.
fn sets_insecure_var(text: &str) -> bool {
    text.match_indices('=').any(|(i, _)| {
        let (before, after) = (text.get(..i).unwrap_or(""), text.get(i + 1..).unwrap_or(""));
        ENV_VARS
            .iter()
            .any(|(n, vals)| before.ends_with(n) && vals.iter().any(|val| after.starts_with(val)))
    })
}

impl Rule for Bw1013 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for v in &cx.instrs {
            let ins = v.onbuild_inner().unwrap_or(v.ins);
            let hit = match (&ins.kind, &v.shell) {
                (Kind::Env(pairs), _) => pairs.iter().any(|(k, val)| insecure_env(k, val)),
                (_, Some(s)) if v.posix_shell() => {
                    s.any_command_unwrapped(insecure_command) || sets_insecure_var(&s.original)
                }
                _ => false,
            };
            if hit {
                out.push(Violation::at(&Self::META, v.ins));
            }
        }
    }
}
