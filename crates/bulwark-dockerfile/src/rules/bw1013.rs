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

/// `--name` or `--name=value` (Hadolint's `hasFlag` for a long option).
fn long_flag(arg: &str, name: &str) -> bool {
    arg.strip_prefix("--")
        .and_then(|a| a.strip_prefix(name))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('='))
}

/// The argument of `c` that disables certificate checks, if any.
fn insecure_command(c: &Command) -> Option<&str> {
    let mut args = c.arguments.iter().map(|a| a.arg.as_str());
    let pair = |first: &dyn Fn(&str) -> bool| {
        c.arguments
            .windows(2)
            .find(|w| first(&w[0].arg) && w[1].arg == "false")
            .map(|w| w[0].arg.as_str())
    };
    match c.basename() {
        "curl" => args.find(|a| {
            long_flag(a, "insecure") || (a.starts_with('-') && !a.starts_with("--") && a.contains('k'))
        }),
        "wget" => args.find(|a| long_flag(a, "no-check-certificate")),
        "npm" | "yarn" | "pnpm" => pair(&|a| a == "strict-ssl")
            .or_else(|| args.find(|a| *a == "strict-ssl=false" || *a == "--strict-ssl=false")),
        "git" => args
            .find(|a| a.eq_ignore_ascii_case("http.sslVerify=false"))
            .or_else(|| pair(&|a| a.eq_ignore_ascii_case("http.sslverify"))),
        name if name.starts_with("pip") => args.find(|a| long_flag(a, "trusted-host")),
        _ => None,
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

/// The `NAME` of the first `NAME=value` in `text` with one of the listed values of
/// [`ENV_VARS`], in one pass over the `=` signs of the text.
fn sets_insecure_var(text: &str) -> Option<&'static str> {
    text.match_indices('=').find_map(|(i, _)| {
        let (before, after) = (text.get(..i).unwrap_or(""), text.get(i + 1..).unwrap_or(""));
        ENV_VARS
            .iter()
            .find(|(n, vals)| before.ends_with(n) && vals.iter().any(|val| after.starts_with(val)))
            .map(|(n, _)| *n)
    })
}

impl Rule for Bw1013 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for v in &cx.instrs {
            let ins = v.onbuild_inner().unwrap_or(v.ins);
            let token = match (&ins.kind, &v.shell) {
                (Kind::Env(pairs), _) => {
                    pairs.iter().find(|(k, val)| insecure_env(k, val)).map(|(k, _)| k.clone())
                }
                (_, Some(s)) if v.posix_shell() => s
                    .find_map_unwrapped(|c| insecure_command(c).map(str::to_string))
                    .or_else(|| sets_insecure_var(&s.original).map(str::to_string)),
                _ => None,
            };
            if let Some(token) = token {
                out.push(Violation::at_token(&Self::META, cx, v.ins, &token));
            }
        }
    }
}
