use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that `pip install` runs with `--no-cache-dir` (or that `PIP_NO_CACHE_DIR` is set, by
    /// `ENV` in the stage or its parents, or in the `RUN`).
    ///
    /// ## Why is this bad?
    /// pip keeps downloaded wheels in `~/.cache/pip`; in an image that cache is dead weight.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install django==5.0.3
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN pip install --no-cache-dir django==5.0.3
    /// ```
    Dl3042 {
        code: "DL3042",
        name: "pip-no-cache-dir",
        level: Warning,
        message: "Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`",
    }
}

use std::collections::HashMap;

const TRUTHY: &[&str] = &["1", "true", "True", "TRUE", "on", "On", "ON", "yes", "Yes", "YES"];

fn set_in_text(text: &str) -> bool {
    text.find("PIP_NO_CACHE_DIR=").is_some_and(|i| {
        let rest = text.get(i..).unwrap_or("");
        let after = rest.split_once('=').map_or("", |(_, v)| v);
        TRUTHY.iter().any(|t| after.starts_with(t))
    })
}

fn forgot(c: &Command) -> bool {
    let wrapper = |w: &str| {
        c.name.contains(w) || (c.name.starts_with("python") && c.args().windows(2).any(|p| p == ["-m", w]))
    };
    c.is_pip_install() && !c.has_arg("--no-cache-dir") && !wrapper("pipx") && !wrapper("pipenv")
}

fn check_seq<'a>(
    seq: impl Iterator<Item = (&'a Instruction, &'a Instruction, Option<&'a ParsedShell>)>,
    out: &mut Vec<Violation>,
) {
    // None = before any FROM; Some(name) = stage name.
    let mut current: Option<String> = None;
    let mut started = false;
    let mut no_cache: HashMap<Option<String>, bool> = HashMap::new();
    for (report, ins, shell) in seq {
        match &ins.kind {
            Kind::From(f) => {
                let image = f.hadolint_image().name;
                let name = f.alias.clone().unwrap_or_else(|| image.clone());
                let parent = no_cache.get(&Some(image)).copied().unwrap_or(false);
                if started {
                    no_cache.insert(Some(name.clone()), parent);
                }
                started = true;
                current = Some(name);
            }
            Kind::Env(pairs) => {
                let set = pairs
                    .iter()
                    .find(|(k, _)| k == "PIP_NO_CACHE_DIR")
                    .is_some_and(|(_, v)| TRUTHY.contains(&v.as_str()));
                if set {
                    if !started {
                        started = true;
                        current = None;
                    }
                    no_cache.insert(current.clone(), true);
                }
            }
            Kind::Run(_) => {
                let Some(s) = shell else { continue };
                if started && no_cache.get(&current).copied().unwrap_or(false) {
                    continue;
                }
                if set_in_text(&s.original)
                    || s.no_commands(forgot)
                    || has_cache_or_tmpfs_mount_with(ins, ".cache/pip")
                {
                    continue;
                }
                out.push(Violation::at(&Dl3042::META, report));
            }
            _ => {}
        }
    }
}

impl Rule for Dl3042 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        check_seq(cx.top_sequence(), out);
        check_seq(cx.onbuild_sequence(), out);
    }
}
