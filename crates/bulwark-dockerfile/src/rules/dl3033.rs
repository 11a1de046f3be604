use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that packages given to `yum install` carry a version (`name-version`, or an `.rpm`
    /// file) and modules a stream (`name:stream`).
    ///
    /// As in Hadolint 2.15.1, a package counts as versioned when the parts after its first `-` are
    /// version-like (only `[0-9A-Za-z.~^_:+]`, one of them starting with a digit: `httpd-2.4.6`,
    /// `java-1.8.0-openjdk`, not `python3-devel` or `nginx-1.*`), when it is an `.rpm` file whose
    /// name has a `-`, or when it has a `-` and a `${VAR}` of a known variable: any `ARG` declared
    /// earlier in the file (any stage), or an `ENV` of the current stage or of the stage its
    /// `FROM` names. Inside `ONBUILD` only `ONBUILD ARG`/`ENV` count.
    ///
    /// ## Why is this bad?
    /// Unpinned packages make rebuilds pick up whatever is newest.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install -y httpd
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.57
    /// ```
    Dl3033 {
        code: "DL3033",
        name: "yum-pin-versions",
        level: Warning,
        message: "Specify version with `yum install -y <package>-<version>`.",
    }
}

use std::collections::{BTreeMap, HashSet};

/// The variables Hadolint's DL3033 and DL3041 accept in a package version: every `ARG` seen so
/// far in the file (one name per `ARG`, stages do not matter), and the `ENV`s of the current
/// stage, which starts with a copy of the `ENV`s of the stage its `FROM` names.
#[derive(Debug, Default)]
pub(crate) struct PinVars {
    /// `None` until the first `FROM`, `ARG` or `ENV` (Hadolint's `Empty`).
    stage: Option<usize>,
    aliases: BTreeMap<usize, String>,
    envs: BTreeMap<usize, HashSet<String>>,
    args: HashSet<String>,
}

impl PinVars {
    /// Updates the scopes for `ins` (`FROM`, `ARG`, `ENV`; others are ignored).
    pub(crate) fn visit(&mut self, ins: &Instruction) {
        match &ins.kind {
            Kind::From(f) => {
                let alias = f.alias.clone().unwrap_or_default();
                let next = match self.stage {
                    None => 1,
                    Some(i) => i + 1,
                };
                let name = f.hadolint_image().name;
                let parent = self
                    .aliases
                    .iter()
                    .find(|(_, a)| **a == name)
                    .map(|(i, _)| *i);
                let inherited = parent
                    .and_then(|p| self.envs.get(&p))
                    .cloned()
                    .unwrap_or_default();
                self.stage = Some(next);
                self.aliases.insert(next, alias);
                self.envs.insert(next, inherited);
            }
            Kind::Arg(decls) => {
                self.start();
                if let Some(name) = arg_name(decls) {
                    self.args.insert(name.to_string());
                }
            }
            Kind::Env(pairs) => {
                let stage = self.start();
                self.envs
                    .entry(stage)
                    .or_default()
                    .extend(pairs.iter().map(|(k, _)| k.clone()));
            }
            _ => {}
        }
    }

    fn start(&mut self) -> usize {
        *self.stage.get_or_insert_with(|| {
            self.aliases.insert(0, String::new());
            self.envs.insert(0, HashSet::new());
            0
        })
    }

    /// Hadolint's `envDefined`: `${NAME}` of a known variable appears in `text`.
    fn defined_in(&self, text: &str) -> bool {
        let Some(stage) = self.stage else {
            return false;
        };
        let used = |name: &String| {
            text.match_indices("${").any(|(i, _)| {
                text.get(i + 2..)
                    .and_then(|r| r.strip_prefix(name.as_str()))
                    .is_some_and(|r| r.starts_with('}'))
            })
        };
        self.envs.get(&stage).is_some_and(|e| e.iter().any(used)) || self.args.iter().any(used)
    }

    /// Hadolint's `packageVersionFixed` for an rpm package argument: `name-version` where the
    /// parts after the first `-` are version-like (`[0-9A-Za-z.~^_:+]`, one starting with a
    /// digit), an `.rpm` file, or a name whose version is a known variable.
    pub(crate) fn package_fixed(&self, package: &str) -> bool {
        let parts: Vec<&str> = package.split('-').collect();
        if parts.len() <= 1 {
            return false;
        }
        if package.ends_with(".rpm") {
            return true;
        }
        if package.contains('$') {
            return self.defined_in(package);
        }
        let rest = parts.get(1..).unwrap_or_default();
        rest.iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".~^_:+".contains(c))
        }) && rest
            .iter()
            .any(|p| p.starts_with(|c: char| c.is_ascii_digit()))
    }
}

/// Hadolint's `installFilter`: the non-flag arguments of `<tool> install ...` other than
/// `install` and `module`.
pub(crate) fn install_args<'c>(c: &'c Command, tools: &[&str]) -> Vec<&'c str> {
    if !c.names_have_args(tools, &["install"]) {
        return Vec::new();
    }
    c.args_no_flags()
        .into_iter()
        .filter(|a| *a != "install" && *a != "module")
        .collect()
}

fn ok(s: &ParsedShell, vars: &PinVars) -> bool {
    s.commands.iter().all(|c| {
        if c.has_args("yum", &["module"]) {
            install_args(c, &["yum"]).iter().all(|m| m.contains(':'))
        } else {
            install_args(c, &["yum"])
                .iter()
                .all(|p| vars.package_fixed(p))
        }
    })
}

fn check_seq<'a>(
    seq: impl Iterator<Item = (&'a Instruction, &'a Instruction, Option<&'a ParsedShell>)>,
    out: &mut Vec<Violation>,
) {
    let mut vars = PinVars::default();
    for (report, ins, shell) in seq {
        vars.visit(ins);
        if let Some(s) = shell
            && !ok(s, &vars)
        {
            out.push(Violation::at(&Dl3033::META, report));
        }
    }
}

impl Rule for Dl3033 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        check_seq(cx.top_sequence(), out);
        check_seq(cx.onbuild_sequence(), out);
    }
}
