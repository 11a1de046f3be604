use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `COPY`/`ADD` sources that name credential or key files: SSH private keys (`id_rsa`,
    /// `id_ed25519`, ...), `*.pem`, `*.key`, `*.p12`, `*.pfx`, `.env`, `.npmrc`, `.pypirc`,
    /// `.netrc`, `.git-credentials`, `.aws/credentials`, `.docker/config.json`, `.kube/config`,
    /// `credentials.json`, `.htpasswd`, `*.tfstate`.
    ///
    /// ## Why is this bad?
    /// Everything copied into a layer stays in the image, even if a later step deletes it, and
    /// anyone who can pull the image can extract it. Build-time secrets belong in `RUN
    /// --mount=type=secret`, runtime secrets in the orchestrator's secret store.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY .npmrc /root/.npmrc
    /// RUN npm ci
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    Bw1003 {
        code: "BW1003",
        name: "secret-file-copied",
        level: Error,
        message: "A credential or private key file is copied into the image",
    }
}

const NAMES: &[&str] = &[
    "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", ".env", ".npmrc", ".pypirc", ".netrc",
    ".git-credentials", "credentials.json", ".htpasswd", ".pgpass", ".dockercfg",
    "service-account.json", "kubeconfig",
];
const SUFFIXES: &[&str] = &[
    ".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".tfstate", ".ppk", ".kdbx", ".asc",
];
const PATHS: &[&str] = &[".aws/credentials", ".docker/config.json", ".kube/config", ".ssh/", ".gnupg/"];

/// True when a path names a credential or key file.
pub(crate) fn is_secret_path(path: &str) -> bool {
    let p = drop_quotes(path);
    let base = p.trim_end_matches('/').rsplit('/').next().unwrap_or(p);
    let lower = base.to_ascii_lowercase();
    NAMES.contains(&lower.as_str())
        || (lower.starts_with(".env.") && !lower.ends_with(".example") && !lower.ends_with(".sample"))
        || SUFFIXES.iter().any(|s| lower.ends_with(s) && !lower.ends_with(".pub.asc"))
        || PATHS.iter().any(|s| p.contains(s) || p.ends_with(s.trim_end_matches('/')))
}

impl Rule for Bw1003 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for v in &cx.instrs {
            let (Kind::Copy(c) | Kind::Add(c)) = &v.ins.kind else { continue };
            if let Some(src) = c.sources.iter().find(|s| is_secret_path(s)) {
                out.push(
                    Violation::at_token(&Self::META, cx, v.ins, src)
                        .with_message(format!("Credential or key file `{}` is copied into the image", drop_quotes(src))),
                );
            }
        }
    }
}
