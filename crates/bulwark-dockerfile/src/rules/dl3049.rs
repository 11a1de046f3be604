use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// For every label in the configured `label-schema`, flags each build stage that does not set
    /// it (stages built from a stage that has it, or copied from by a stage that has it, are
    /// exempt). Configured through `label-schema` (`--require-label NAME:TYPE`).
    ///
    /// ## Why is this bad?
    /// Required metadata such as the source repository or version makes images traceable.
    ///
    /// ## Example
    /// ```dockerfile
    /// # label-schema: {version: semver}
    /// FROM alpine:3.19
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM alpine:3.19
    /// LABEL version="1.0.0"
    /// ```
    Dl3049 {
        code: "DL3049",
        name: "label-missing",
        level: Info,
        message: "Label `<label>` is missing.",
    }
}

use crate::ast::From;

struct Stage<'a> {
    from: &'a From,
    line: u32,
}

fn stage_name(f: &From) -> &str {
    f.alias.as_deref().unwrap_or(&f.image.name)
}

fn missing(cx: &Context<'_>, label: &str, out: &mut Vec<Violation>) {
    let mut stages: Vec<Stage<'_>> = Vec::new();
    // 0 = good, 1 = silent, 2 = bad
    let mut state: Vec<u8> = Vec::new();
    let mut current: Option<usize> = None;
    for v in &cx.instrs {
        match &v.ins.kind {
            Kind::From(f) => {
                let inherits = stages.iter().zip(&state).any(|(s, st)| {
                    *st == 0 && s.from.alias.as_deref() == Some(f.image.name.as_str())
                });
                stages.push(Stage { from: f, line: v.ins.line() });
                state.push(if inherits && current.is_some() { 0 } else { 2 });
                current = Some(stages.len() - 1);
            }
            Kind::Copy(c) => {
                if let (Some(src), Some(_)) = (&c.from, current) {
                    silence(&stages, &mut state, src);
                }
            }
            Kind::Label(pairs) if pairs.iter().any(|(k, _)| k == label) => {
                if let Some(i) = current {
                    let name = stage_name(stages[i].from).to_string();
                    silence(&stages, &mut state, &name);
                    state[i] = 0;
                }
            }
            _ => {}
        }
    }
    let message = format!("Label `{label}` is missing.");
    for (s, st) in stages.iter().zip(&state) {
        if *st == 2 {
            out.push(Violation::at_line(&Dl3049::META, s.line).with_message(message.clone()));
        }
    }
}

fn silence(stages: &[Stage<'_>], state: &mut [u8], name: &str) {
    for (s, st) in stages.iter().zip(state.iter_mut()) {
        if *st == 2 && s.from.alias.as_deref() == Some(name) {
            *st = 1;
        }
    }
}

impl Rule for Dl3049 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        for label in cx.config.label_schema.keys() {
            missing(cx, label, out);
        }
    }
}
