use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `COPY` to a relative path in a stage (or its parent stages) that never set `WORKDIR`.
    ///
    /// ## Why is this bad?
    /// The destination then depends on the base image's working directory, which can change between
    /// base image versions.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20
    /// COPY package.json .
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM node:20
    /// WORKDIR /app
    /// COPY package.json .
    /// ```
    Dl3045 {
        code: "DL3045",
        name: "copy-relative-needs-workdir",
        level: Warning,
        message: "`COPY` to a relative destination without `WORKDIR` set.",
    }
}

use std::collections::HashMap;

/// Absolute (`/x`, a Windows drive `c:...`) or a variable (`$DIR`), quotes dropped.
fn absolute(dest: &str) -> bool {
    let d = drop_quotes(dest);
    let mut chars = d.chars();
    let drive = matches!((chars.next(), chars.next()), (Some(l), Some(':')) if l.is_alphabetic());
    d.starts_with('/') || drive || d.starts_with('$')
}

fn check_seq<'a>(
    seq: impl Iterator<Item = (&'a Instruction, &'a Instruction, Option<&'a ParsedShell>)>,
    out: &mut Vec<Violation>,
) {
    let mut started = false;
    let mut current: Option<String> = None;
    let mut workdir: HashMap<Option<String>, bool> = HashMap::new();
    for (report, ins, _) in seq {
        match &ins.kind {
            Kind::From(f) => {
                let image = f.hadolint_image().name;
                let name = f.alias.clone().unwrap_or_else(|| image.clone());
                if started {
                    let parent = workdir.get(&Some(image)).copied().unwrap_or(false);
                    workdir.insert(Some(name.clone()), parent);
                }
                started = true;
                current = Some(name);
            }
            Kind::Workdir(_) => {
                if !started {
                    started = true;
                    current = None;
                }
                workdir.insert(current.clone(), true);
            }
            Kind::Copy(c) => {
                let set = started && workdir.get(&current).copied().unwrap_or(false);
                if !set && !absolute(&c.dest) {
                    out.push(Violation::at(&Dl3045::META, report));
                }
            }
            _ => {}
        }
    }
}

impl Rule for Dl3045 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        // Top level only: Hadolint does not look inside `ONBUILD` for this rule.
        check_seq(cx.top_sequence(), out);
    }
}
