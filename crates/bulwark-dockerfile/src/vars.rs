//! `ARG`/`ENV` variable substitution with Docker's scoping.
//!
//! Docker's rules: `ARG`s before the first `FROM` are global and only visible in `FROM` lines
//! (and in a stage that re-declares them with a bare `ARG NAME`); inside a stage, `ARG` and
//! `ENV` are visible from the next instruction to the end of the stage; `ENV` wins over `ARG`.
//! Substitution supports `$V`, `${V}`, `${V:-default}`, `${V-default}`, `${V:+alt}`, `${V+alt}`;
//! the escape character before `$` keeps it literal.

use std::collections::HashMap;

use crate::ast::{Dockerfile, ImageRef, Kind, Node};

/// Variables visible at one point of a Dockerfile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    vars: HashMap<String, String>,
}

impl Scope {
    /// Sets a variable.
    pub fn set(&mut self, name: &str, value: &str) {
        self.vars.insert(name.to_string(), value.to_string());
    }

    /// Looks a variable up.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// Expands variables in `text`; unknown variables expand to the empty string, as in Docker.
    /// Returns `None` when nothing was substituted.
    #[must_use]
    pub fn expand(&self, text: &str, escape: char) -> Option<String> {
        expand(text, escape, |n| self.get(n))
    }
}

/// Expands `$V`, `${V}`, `${V:-d}`, `${V-d}`, `${V:+x}`, `${V+x}` in `text` using `lookup`.
/// Returns `None` when the text has no substitution.
pub fn expand<'a>(
    text: &str,
    escape: char,
    lookup: impl Fn(&str) -> Option<&'a str> + Copy,
) -> Option<String> {
    if !text.contains('$') {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    let mut changed = false;
    while let Some((i, c)) = chars.next() {
        if c == escape && chars.peek().is_some_and(|&(_, n)| n == '$') {
            out.push('$');
            chars.next();
            changed = true;
            continue;
        }
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some((_, '{')) => {
                chars.next();
                let start = i + 2;
                let Some(close) = text.get(start..).and_then(|s| s.find('}')) else {
                    out.push_str(text.get(i..).unwrap_or(""));
                    return Some(out);
                };
                let inner = text.get(start..start + close).unwrap_or("");
                while chars.peek().is_some_and(|&(j, _)| j <= start + close) {
                    chars.next();
                }
                out.push_str(&expand_braced(inner, escape, lookup));
                changed = true;
            }
            Some((_, n)) if n == '_' || n.is_ascii_alphabetic() => {
                let mut name = String::new();
                while let Some(&(_, n)) = chars.peek() {
                    if n == '_' || n.is_ascii_alphanumeric() {
                        name.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push_str(lookup(&name).unwrap_or(""));
                changed = true;
            }
            _ => out.push('$'),
        }
    }
    changed.then_some(out)
}

fn expand_braced<'a>(
    inner: &str,
    escape: char,
    lookup: impl Fn(&str) -> Option<&'a str> + Copy,
) -> String {
    let name_end = inner
        .find(|c: char| !(c == '_' || c.is_ascii_alphanumeric()))
        .unwrap_or(inner.len());
    let name = inner.get(..name_end).unwrap_or("");
    let op = inner.get(name_end..).unwrap_or("");
    let value = lookup(name);
    let word = |w: &str| expand(w, escape, lookup).unwrap_or_else(|| w.to_string());
    if let Some(d) = op.strip_prefix(":-") {
        match value {
            Some(v) if !v.is_empty() => v.to_string(),
            _ => word(d),
        }
    } else if let Some(d) = op.strip_prefix('-') {
        value.map_or_else(|| word(d), ToString::to_string)
    } else if let Some(x) = op.strip_prefix(":+") {
        match value {
            Some(v) if !v.is_empty() => word(x),
            _ => String::new(),
        }
    } else if let Some(x) = op.strip_prefix('+') {
        value.map_or_else(String::new, |_| word(x))
    } else {
        value.unwrap_or("").to_string()
    }
}

/// Fills [`crate::ast::From::resolved`] for every `FROM` whose image uses global `ARG`s.
pub(crate) fn resolve_from_images(doc: &mut Dockerfile) {
    let escape = doc.escape;
    let mut globals = Scope::default();
    let mut seen_from = false;
    for node in &mut doc.nodes {
        let Node::Instruction(ins) = node else {
            continue;
        };
        match &mut ins.kind {
            Kind::Arg(decls) if !seen_from => {
                for (name, default) in decls.iter() {
                    globals.set(name, default.as_deref().unwrap_or(""));
                }
            }
            Kind::From(from) => {
                seen_from = true;
                if let Some(text) = globals.expand(&from.image_text, escape) {
                    from.resolved = Some(ImageRef::parse(&text));
                }
            }
            _ => {}
        }
    }
}

/// The variables visible to each instruction, by index into [`Dockerfile::nodes`]
/// (global `ARG`s for `FROM`, stage `ARG`/`ENV` otherwise).
#[must_use]
pub fn scopes(doc: &Dockerfile) -> Vec<Scope> {
    let escape = doc.escape;
    let mut globals = Scope::default();
    let mut stage = Scope::default();
    let mut in_stage = false;
    let mut out = Vec::with_capacity(doc.nodes.len());
    for node in &doc.nodes {
        let Node::Instruction(ins) = node else {
            out.push(if in_stage {
                stage.clone()
            } else {
                globals.clone()
            });
            continue;
        };
        match &ins.kind {
            Kind::From(_) => {
                out.push(globals.clone());
                stage = Scope::default();
                in_stage = true;
            }
            Kind::Arg(decls) => {
                out.push(if in_stage {
                    stage.clone()
                } else {
                    globals.clone()
                });
                for (name, default) in decls {
                    let value = match default {
                        Some(d) => d.clone(),
                        None => globals.get(name).unwrap_or("").to_string(),
                    };
                    if in_stage {
                        let value = stage.expand(&value, escape).unwrap_or(value);
                        stage.set(name, &value);
                    } else {
                        globals.set(name, &value);
                    }
                }
            }
            Kind::Env(pairs) => {
                out.push(stage.clone());
                let before = stage.clone();
                for (k, v) in pairs {
                    let value = before.expand(v, escape).unwrap_or_else(|| v.clone());
                    stage.set(k, &value);
                }
            }
            _ => out.push(if in_stage {
                stage.clone()
            } else {
                globals.clone()
            }),
        }
    }
    out
}
