use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `ARG` and `ENV` names that look like credentials (`*_TOKEN`, `*PASSWORD*`, `*SECRET*`,
    /// `AWS_SECRET_ACCESS_KEY`, ...).
    ///
    /// ## Why is this bad?
    /// Build arguments and environment variables are stored in the image metadata and history,
    /// readable by anyone who can pull the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG GITHUB_TOKEN
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN --mount=type=secret,id=github_token ./build.sh
    /// ```
    Dl3064 {
        code: "DL3064",
        name: "sensitive-arg-env",
        level: Warning,
        message: "Potentially sensitive data should not be used in the `ARG` or `ENV` commands",
    }
}

const KNOWN: &[&str] = &[
    "ACCESS_TOKEN",
    "APPLICATION_KEY",
    "APP_SECRET",
    "AUTH_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "BITTREX_API_KEY",
    "BITTREX_API_SECRET",
    "CF_PASSWORD",
    "CF_USERNAME",
    "CIRCLE_TOKEN",
    "CI_DEPLOY_PASSWORD",
    "CI_DEPLOY_USER",
    "DOCKERHUB_PASSWORD",
    "DOCKER_EMAIL",
    "DOCKER_PASSWORD",
    "DOCKER_USERNAME",
    "FACEBOOK_ACCESS_TOKEN",
    "FACEBOOK_APP_ID",
    "FACEBOOK_APP_SECRET",
    "FIREBASE_API_TOKEN",
    "FIREBASE_TOKEN",
    "FOSSA_API_KEY",
    "GH_ENTERPRISE_TOKEN",
    "GH_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
    "GITHUB_TOKEN",
    "HEROKU_API_KEY",
    "HEROKU_API_USER",
    "NPM_AUTH_TOKEN",
    "NPM_TOKEN",
    "OKTA_AUTHN_GROUPID",
    "OKTA_CLIENT_ORGURL",
    "OKTA_CLIENT_TOKEN",
    "OKTA_OAUTH2_CLIENTID",
    "OKTA_OAUTH2_CLIENTSECRET",
    "OPENAI_API_KEY",
    "OS_PASSWORD",
    "OS_USERNAME",
    "POSTGRES_PASSWORD",
    "SLACK_TOKEN",
    "STRIPE_API_KEY",
    "STRIPE_DEVICE_NAME",
    "TRAVIS_OS_NAME",
    "TRAVIS_SECURE_ENV_VARS",
    "TRAVIS_SUDO",
    "VAULT_CLIENT_KEY",
    "VAULT_TOKEN",
];
const SUSPICIOUS: &[&str] = &[
    "api_key",
    "client_key",
    "password",
    "private",
    "secret",
    "token",
    "username",
];

/// True when a variable name looks like it holds a credential.
pub(crate) fn sensitive(name: &str) -> bool {
    let bytes = name.as_bytes();
    KNOWN.iter().any(|k| k.eq_ignore_ascii_case(name))
        || SUSPICIOUS.iter().any(|s| {
            bytes
                .windows(s.len())
                .any(|w| w.eq_ignore_ascii_case(s.as_bytes()))
        })
}

impl Rule for Dl3064 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for v in &cx.instrs {
            let ins = v.onbuild_inner().unwrap_or(v.ins);
            let bad = match &ins.kind {
                Kind::Arg(decls) => arg_name(decls).is_some_and(sensitive),
                Kind::Env(pairs) => pairs.iter().any(|(n, _)| sensitive(n)),
                _ => false,
            };
            if bad {
                out.push(Violation::at(&Self::META, v.ins));
            }
        }
    }
}
