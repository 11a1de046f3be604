use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags package manager options that install unsigned or unverified packages: `apt-get
    /// --allow-unauthenticated`/`--force-yes`/`--allow-insecure-repositories`,
    /// `AllowInsecureRepositories`/`AllowUnauthenticated` apt options, `[trusted=yes]` sources,
    /// `yum`/`dnf --nogpgcheck`, `gpgcheck=0`, `rpm --nosignature`/`--nodigest`, `apk --allow-
    /// untrusted`.
    ///
    /// ## Why is this bad?
    /// Signatures are what ties a package to its publisher; without them a mirror or network
    /// attacker can substitute any package.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install -y --allow-unauthenticated foo
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN apt-get install -y foo
    /// ```
    Bw1012 {
        code: "BW1012",
        name: "package-signature-check-disabled",
        level: Error,
        message: "Package signature verification is disabled",
    }
}

const FLAGS: &[&str] = &[
    "--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories", "--nogpgcheck",
    "--nosignature", "--nodigest", "--allow-untrusted", "--no-gpg-checks", "--no-check-signature",
];
const TEXT: &[&str] = &[
    "AllowInsecureRepositories=true", "AllowInsecureRepositories \"true\"", "AllowUnauthenticated=true",
    "AllowUnauthenticated \"true\"", "trusted=yes", "gpgcheck=0", "--setopt=gpgcheck=0",
    "--setopt=*.gpgcheck=0",
];

impl Rule for Bw1012 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        cx.each_posix_run(Scope::WithOnbuild, |ins, s| {
            let flag = s.find_map_unwrapped(|c| {
                c.arguments.iter().find(|a| FLAGS.contains(&a.arg.as_str())).map(|a| a.arg.clone())
            });
            let token = flag.or_else(|| TEXT.iter().find(|t| s.original.contains(*t)).map(|t| (*t).to_string()));
            if let Some(token) = token {
                out.push(Violation::at_token(&Self::META, cx, ins, &token));
            }
        });
    }
}
