//! Which Dockerfile line made each layer (`bulwark image IMAGE --dockerfile FILE`).
//!
//! The image configuration's `history` records one entry per build step, oldest first; the
//! entries that made a layer (not `empty_layer`) are the layers in order. The entries at the end
//! are the steps of the Dockerfile's stage that produced the image (and of the stages it is
//! built `FROM`); everything before them came with the base image and is attributed to that
//! chain's first `FROM` line.
//!
//! The two builders write `created_by` differently:
//!
//! * the classic builder: `/bin/sh -c apt-get install …` for `RUN` (prefixed by
//!   `|N KEY=VALUE …` when build arguments are in effect), and `/bin/sh -c #(nop)  ENV …`,
//!   `/bin/sh -c #(nop) COPY file:<hash> in /dest ` for the other instructions;
//! * BuildKit (moby/buildkit `frontend/dockerfile/dockerfile2llb/convert.go`,
//!   `commitToHistory` and `runCommandString`, and `convert_copy.go`, at commit
//!   73ed6825c4b7569379ef89df0aedcdbe64473d31): `RUN [|N KEY=VALUE …] /bin/sh -c CMD # buildkit`,
//!   where CMD is the heredoc's body for `RUN <<EOF` and never shows `--mount`;
//!   `COPY [--chown=…] [--chmod=…] SRC… DEST # buildkit` (no `--from`); `ENV k=v`, `WORKDIR /x`,
//!   `ARG …`, `USER …` without the suffix (`ONBUILD` records nothing).
//!
//! Matching runs backwards from the newest entry, pairing each entry with the stage's
//! instructions by keyword, and for `RUN` by its command (whitespace-insensitive). `ARG` and
//! `ONBUILD` may have no entry. The stage whose chain explains the most entries wins (the image
//! may have been built with `--target`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use bulwark_dockerfile::{Args, Dockerfile, Instruction, Kind};
use bulwark_oci::HistoryEntry;
use bulwark_report::{Finding, Location};
use serde::Serialize;

/// The Dockerfile step that made a layer (or a history entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Keyword (`RUN`, `COPY`, `FROM` for base-image layers).
    pub instruction: String,
    /// 1-based line of the keyword.
    pub line: u32,
    /// Last line of the instruction (continuations, heredoc bodies).
    pub end_line: u32,
    /// The instruction as written on its first line (at most 200 characters).
    pub text: String,
    /// The stage's name (`AS name`) or its 0-based index.
    pub stage: String,
    /// True for layers that came with the base image (attributed to the `FROM` line).
    pub base: bool,
    /// For `COPY --from=STAGE` / `ADD --from`: where the files came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_from: Option<String>,
    /// The full instruction text after the keyword (continuations joined; heredoc bodies
    /// appended), used for fix hints.
    #[serde(skip)]
    pub body: String,
}

impl Step {
    /// `RUN at line 7` / `FROM debian:12 (base image) at line 1`.
    #[must_use]
    pub fn label(&self) -> String {
        if self.base {
            format!("{} (base image), line {}", self.text, self.line)
        } else {
            format!("{}, line {}", self.text, self.line)
        }
    }
}

/// Layers and history entries of one image, mapped to a Dockerfile.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DockerfileTrace {
    /// The Dockerfile as the user named it.
    pub path: String,
    /// The stage that built the image.
    pub stage: Option<String>,
    /// Per layer (base first): the step that made it.
    pub layers: Vec<Option<Step>>,
    /// Per history entry: the step that made it.
    pub history: Vec<Option<Step>>,
    /// Why some layers could not be traced (history missing, Dockerfile does not match).
    pub warnings: Vec<String>,
    /// Layer digests by index, to find a finding's layer.
    #[serde(skip)]
    digests: BTreeMap<String, usize>,
}

/// The error of [`DockerfileTrace::load`].
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// The Dockerfile could not be read.
    #[error("cannot read the Dockerfile {path}: {source} (check the --dockerfile path)")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The Dockerfile has syntax errors.
    #[error(
        "the Dockerfile {path} does not parse: line {line}: {message} (fix it, or run `bulwark dockerfile {path}`)"
    )]
    Parse {
        /// The file.
        path: String,
        /// Line of the first error.
        line: u32,
        /// The first error.
        message: String,
    },
}

/// One instruction of a stage chain, as the matcher sees it.
struct Candidate<'a> {
    ins: &'a Instruction,
    stage: String,
}

/// What a history entry says, normalised.
#[derive(Debug, PartialEq, Eq)]
struct Entry {
    keyword: String,
    /// For `RUN`: the command, whitespace collapsed. Else the arguments.
    text: String,
}

impl DockerfileTrace {
    /// Reads and parses the Dockerfile at `path` and traces `history` (the image config's) and
    /// `layer_digests` (base first) against it.
    pub fn load(
        path: &Path,
        history: &[HistoryEntry],
        layer_digests: &[String],
    ) -> Result<Self, TraceError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| TraceError::Read {
            path: shown.clone(),
            source,
        })?;
        let doc = bulwark_dockerfile::parse_bytes(&bytes);
        if let Some(e) = doc.errors.first() {
            return Err(TraceError::Parse {
                path: shown,
                line: e.line,
                message: e.message.clone(),
            });
        }
        Ok(Self::new(&shown, &doc, history, layer_digests))
    }

    /// Traces `history` and `layer_digests` against a parsed Dockerfile named `path`.
    #[must_use]
    pub fn new(
        path: &str,
        doc: &Dockerfile,
        history: &[HistoryEntry],
        layer_digests: &[String],
    ) -> Self {
        let mut trace = Self {
            path: path.to_owned(),
            digests: layer_digests
                .iter()
                .enumerate()
                .map(|(i, d)| (d.clone(), i))
                .collect(),
            ..Self::default()
        };
        let stages = stages(doc);
        if history.is_empty() {
            trace.warnings.push(
                "the image configuration has no build history: layers cannot be traced to \
                 Dockerfile lines"
                    .to_owned(),
            );
            trace.layers = vec![None; layer_digests.len()];
            return trace;
        }
        let entries: Vec<Option<Entry>> = history.iter().map(|h| entry(&h.created_by)).collect();
        // Try every stage as the image's stage; keep the one that explains the most entries
        // (ties: the later stage, as a build without --target builds the last one).
        let mut best: Option<Alignment> = None;
        for s in 0..stages.len() {
            let (chain, root_from) = chain(doc, &stages, s);
            let (steps, matched, warning) = align(doc, &entries, &chain, root_from);
            let better = best.as_ref().is_none_or(|b| matched >= b.0);
            if better {
                best = Some((matched, s, steps, warning));
            }
        }
        let Some((_, s, steps, warning)) = best else {
            trace
                .warnings
                .push(format!("{path} has no FROM instruction"));
            trace.layers = vec![None; layer_digests.len()];
            return trace;
        };
        trace.stage = stages.get(s).map(|st| st.name.clone());
        trace.warnings.extend(warning);
        // The n-th entry that is not `empty_layer` made the n-th layer.
        let mut layers = Vec::with_capacity(layer_digests.len());
        for (h, step) in history.iter().zip(&steps) {
            if !h.empty_layer {
                layers.push(step.clone());
            }
        }
        layers.resize(layer_digests.len(), None);
        trace.layers = layers;
        trace.history = steps;
        trace
    }

    /// The step that made the layer with this digest.
    #[must_use]
    pub fn layer_step(&self, digest: &str) -> Option<(usize, &Step)> {
        let i = *self.digests.get(digest)?;
        Some((i, self.layers.get(i)?.as_ref()?))
    }

    /// Points `f` at the Dockerfile line that made its layer: sets [`Finding::origin`], the
    /// `layer_index`, `dockerfile_*` properties, and a fix hint (in `help` and
    /// `dockerfile_fix`). Findings with neither a layer nor a history entry are left alone.
    pub fn annotate(&self, f: &mut Finding) {
        let by_layer = f
            .properties
            .get("layer_digest")
            .and_then(serde_json::Value::as_str)
            .and_then(|d| self.layer_step(d))
            .map(|(i, s)| (Some(i), s.clone()));
        let by_history = || {
            let i = f
                .properties
                .get("history_index")
                .and_then(serde_json::Value::as_u64)?;
            let step = self.history.get(usize::try_from(i).ok()?)?.as_ref()?;
            Some((None, step.clone()))
        };
        let Some((layer, step)) = by_layer.or_else(by_history) else {
            return;
        };
        if let Some(i) = layer {
            f.properties.insert("layer_index".into(), i.into());
        }
        f.properties
            .insert("dockerfile_line".into(), step.line.into());
        f.properties
            .insert("dockerfile_instruction".into(), step.text.clone().into());
        f.properties
            .insert("dockerfile_stage".into(), step.stage.clone().into());
        if step.base {
            f.properties.insert("dockerfile_base".into(), true.into());
        }
        if let Some(hint) = fix_hint(f, &step) {
            f.help = Some(match f.help.take() {
                Some(h) => format!("{h} {hint}"),
                None => hint.clone(),
            });
            f.properties.insert("dockerfile_fix".into(), hint.into());
        }
        f.origin =
            Some(Location::at(self.path.clone(), step.line, None).with_end(step.end_line, None));
    }
}

/// A stage chain's alignment: exact matches, the stage, a step per history entry, a warning.
type Alignment = (usize, usize, Vec<Option<Step>>, Option<String>);

/// A stage: its `FROM` instruction's position among the instructions and its name.
struct Stage {
    /// Index into the document's instructions.
    from: usize,
    /// Index one past its last instruction.
    end: usize,
    name: String,
    /// The stage it is built `FROM`, when `FROM` names an earlier stage.
    parent: Option<usize>,
}

fn stages(doc: &Dockerfile) -> Vec<Stage> {
    let ins: Vec<&Instruction> = doc.instructions().collect();
    let mut out: Vec<Stage> = Vec::new();
    for (i, x) in ins.iter().enumerate() {
        if let Kind::From(from) = &x.kind {
            if let Some(last) = out.last_mut() {
                last.end = i;
            }
            let parent = out
                .iter()
                .position(|s| s.name.eq_ignore_ascii_case(from.image_text.trim()));
            let name = from.alias.clone().unwrap_or_else(|| out.len().to_string());
            out.push(Stage {
                from: i,
                end: ins.len(),
                name,
                parent,
            });
        }
    }
    out
}

/// The instructions (no `FROM`) that built stage `s`, through the stages it is built on, and
/// the `FROM` instruction that names the external base image.
fn chain<'a>(
    doc: &'a Dockerfile,
    stages: &[Stage],
    s: usize,
) -> (Vec<Candidate<'a>>, Option<(&'a Instruction, String)>) {
    let ins: Vec<&Instruction> = doc.instructions().collect();
    let mut order = vec![s];
    let mut cur = s;
    while let Some(p) = stages.get(cur).and_then(|st| st.parent) {
        if order.contains(&p) {
            break;
        }
        order.push(p);
        cur = p;
    }
    order.reverse();
    let mut out = Vec::new();
    let mut root = None;
    for (k, &si) in order.iter().enumerate() {
        let Some(st) = stages.get(si) else { continue };
        if k == 0 {
            root = ins.get(st.from).map(|i| (*i, st.name.clone()));
        }
        for x in ins.iter().take(st.end).skip(st.from + 1) {
            out.push(Candidate {
                ins: x,
                stage: st.name.clone(),
            });
        }
    }
    (out, root)
}

/// Whitespace runs collapsed to one space, trimmed.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes a leading `|N K=V …` build-argument prefix.
fn strip_build_args(s: &str) -> &str {
    let t = s.trim_start();
    let Some(rest) = t.strip_prefix('|') else {
        return t;
    };
    let (n, mut rest) = rest.split_once(' ').unwrap_or((rest, ""));
    let Ok(n) = n.parse::<usize>() else {
        return t;
    };
    for _ in 0..n {
        rest = rest.trim_start();
        rest = rest.split_once(' ').map_or("", |(_, r)| r);
    }
    rest
}

/// Removes the shell prefix (`/bin/sh -c `, `/bin/bash -o pipefail -c `) of a shell-form step.
fn strip_shell(s: &str) -> Option<&str> {
    let t = s.trim_start();
    let first = t.split_whitespace().next()?;
    let shellish = first.starts_with('/') || ["sh", "bash", "ash", "zsh", "dash"].contains(&first);
    if !shellish {
        return None;
    }
    let at = t.find(" -c ")?;
    // Only options between the shell and `-c` (`-o pipefail`, `-eux`).
    let between = &t[first.len()..at];
    if between
        .split_whitespace()
        .any(|w| !w.starts_with('-') && w != "pipefail" && w != "errexit")
    {
        return None;
    }
    Some(&t[at + 4..])
}

/// Normalises a `created_by`; `None` when it is no Dockerfile step (`docker import`, tools).
fn entry(created_by: &str) -> Option<Entry> {
    let mut s = created_by.trim();
    s = s.strip_suffix("# buildkit").unwrap_or(s).trim_end();
    // Classic builder, non-RUN instructions.
    if let Some(rest) = s
        .strip_prefix("/bin/sh -c #(nop)")
        .or_else(|| s.strip_prefix("#(nop)"))
    {
        let rest = rest.trim_start();
        let (kw, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        return Some(Entry {
            keyword: kw.to_ascii_uppercase(),
            text: squash(args),
        });
    }
    // BuildKit: `RUN …`, `COPY …`, `ENV …`.
    let (kw, args) = s.split_once(char::is_whitespace).unwrap_or((s, ""));
    let upper = kw.to_ascii_uppercase();
    if kw == upper && KEYWORDS.contains(&upper.as_str()) {
        let text = if upper == "RUN" {
            let cmd = strip_build_args(args);
            squash(strip_shell(cmd).unwrap_or(cmd))
        } else {
            squash(args)
        };
        return Some(Entry {
            keyword: upper,
            text,
        });
    }
    // Classic builder RUN: `[|N K=V …] /bin/sh -c CMD` or an exec form's words.
    let cmd = strip_build_args(s);
    if let Some(c) = strip_shell(cmd) {
        return Some(Entry {
            keyword: "RUN".into(),
            text: squash(c),
        });
    }
    None
}

const KEYWORDS: &[&str] = &[
    "RUN",
    "COPY",
    "ADD",
    "ENV",
    "LABEL",
    "ARG",
    "EXPOSE",
    "USER",
    "WORKDIR",
    "VOLUME",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "CMD",
    "ENTRYPOINT",
    "SHELL",
    "ONBUILD",
    "MAINTAINER",
];

/// How an entry compares with an instruction.
#[derive(Debug, PartialEq, Eq)]
enum Fit {
    /// Same keyword and, where comparable, the same command.
    Exact,
    /// Same keyword; the arguments cannot be compared (classic `COPY file:<hash>`).
    Keyword,
    /// Not this instruction.
    No,
}

/// The commands a `RUN` may have recorded: its shell text, its heredoc bodies, its exec words.
fn run_texts(ins: &Instruction) -> Vec<String> {
    let mut out = Vec::new();
    if let Kind::Run(run) = &ins.kind {
        match &run.args {
            Args::Shell(s) => out.push(squash(s)),
            Args::Exec(v) => out.push(squash(&v.join(" "))),
        }
    }
    for h in &ins.heredocs {
        out.push(squash(&h.body));
        // A complex heredoc is recorded as the command line, then each body and delimiter.
        let mut full = ins.text.clone();
        full.push('\n');
        full.push_str(&h.body);
        full.push('\n');
        full.push_str(&h.delimiter);
        out.push(squash(&full));
    }
    out
}

fn fit(e: &Entry, ins: &Instruction) -> Fit {
    let kw = ins.name();
    if e.keyword != kw {
        return Fit::No;
    }
    match &ins.kind {
        Kind::Run(_) => {
            if run_texts(ins).contains(&e.text) {
                Fit::Exact
            } else {
                Fit::No
            }
        }
        Kind::Copy(c) | Kind::Add(c) => {
            let dest = c.dest.trim_end_matches('/');
            let recorded = e.text.trim_end();
            let last = recorded
                .rsplit(' ')
                .next()
                .unwrap_or("")
                .trim_end_matches('/');
            if !dest.is_empty() && last == dest {
                Fit::Exact
            } else {
                Fit::Keyword
            }
        }
        _ => {
            if squash(&ins.text) == e.text {
                Fit::Exact
            } else {
                Fit::Keyword
            }
        }
    }
}

/// May have no history entry.
fn optional(ins: &Instruction) -> bool {
    matches!(ins.kind, Kind::Arg(_) | Kind::Onbuild(_))
}

fn step(doc: &Dockerfile, ins: &Instruction, stage: &str, base: bool) -> Step {
    let first = doc.source_line(ins.line()).unwrap_or_default().trim();
    let mut text: String = first.chars().take(200).collect();
    if text.is_empty() {
        let _ = write!(text, "{} {}", ins.name(), ins.text);
    }
    let mut body = ins.text.clone();
    for h in &ins.heredocs {
        body.push('\n');
        body.push_str(&h.body);
    }
    let copy_from = match &ins.kind {
        Kind::Copy(c) | Kind::Add(c) => c.from.clone(),
        _ => None,
    };
    Step {
        instruction: ins.name(),
        line: ins.line(),
        end_line: ins.span.end_line.max(ins.line()),
        text,
        stage: stage.to_owned(),
        base,
        copy_from,
        body,
    }
}

#[allow(clippy::many_single_char_names)] // i: history entries, j: instructions, as in the docs
/// Aligns history entries with a stage chain from the newest end. Returns a step per entry,
/// how many entries matched exactly, and a warning when the Dockerfile and history disagree.
fn align(
    doc: &Dockerfile,
    entries: &[Option<Entry>],
    chain: &[Candidate<'_>],
    root: Option<(&Instruction, String)>,
) -> (Vec<Option<Step>>, usize, Option<String>) {
    let mut steps: Vec<Option<Step>> = vec![None; entries.len()];
    let mut exact = 0usize;
    let mut i = entries.len();
    let mut j = chain.len();
    let mut warning = None;
    while i > 0 && j > 0 {
        let Some(c) = chain.get(j - 1) else { break };
        let f = entries
            .get(i - 1)
            .and_then(Option::as_ref)
            .map_or(Fit::No, |e| fit(e, c.ins));
        match f {
            Fit::Exact | Fit::Keyword => {
                if f == Fit::Exact {
                    exact += 1;
                }
                if let Some(slot) = steps.get_mut(i - 1) {
                    *slot = Some(step(doc, c.ins, &c.stage, false));
                }
                i -= 1;
                j -= 1;
            }
            Fit::No if optional(c.ins) => j -= 1,
            Fit::No => {
                warning = Some(format!(
                    "build history step {} (`{}`) does not match the Dockerfile's line {} \
                     (`{}`): earlier layers are not traced (is this the Dockerfile the image \
                     was built from?)",
                    i,
                    entries
                        .get(i - 1)
                        .and_then(Option::as_ref)
                        .map_or_else(String::new, |e| {
                            let mut t = format!("{} {}", e.keyword, e.text);
                            t.truncate(t.floor_char_boundary(80));
                            t
                        }),
                    c.ins.line(),
                    doc.source_line(c.ins.line()).unwrap_or_default().trim()
                ));
                return (steps, exact, warning);
            }
        }
    }
    // Every remaining instruction must be one that may leave no entry.
    if chain.iter().take(j).any(|c| !optional(c.ins)) {
        warning = Some(
            "the image's build history has fewer steps than the Dockerfile: base-image layers \
             are not traced"
                .to_owned(),
        );
        return (steps, exact, warning);
    }
    if let Some((from, stage)) = root {
        for slot in steps.iter_mut().take(i) {
            *slot = Some(step(doc, from, &stage, true));
        }
    }
    (steps, exact, warning)
}

/// What to change, given the finding and the step that made its layer.
fn fix_hint(f: &Finding, step: &Step) -> Option<String> {
    let prop = |k: &str| {
        f.properties
            .get(k)
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
    };
    let at = format!("line {}", step.line);
    match f.category {
        bulwark_report::Category::Vulnerability => {
            let pkg = prop("package");
            let installed = prop("installed_version");
            let fixed = prop("fixed_version");
            let target = if fixed.is_empty() {
                String::from("a fixed version once one is published")
            } else {
                format!("{fixed} or later")
            };
            if step.base {
                return Some(format!(
                    "{pkg} comes from the base image (`{}`, {at}): rebuild on a newer base \
                     image that ships {target}.",
                    step.text
                ));
            }
            if let Some(from) = &step.copy_from {
                return Some(format!(
                    "{pkg} is copied from stage `{from}` by {at}: update it to {target} in \
                     that stage."
                ));
            }
            let pins = [
                format!("{pkg}={installed}"),
                format!("{pkg}=={installed}"),
                format!("{pkg}@{installed}"),
            ];
            if let Some(pin) = pins.iter().find(|p| step.body.contains(p.as_str())) {
                let sep = &pin[pkg.len()..pin.len() - installed.len()];
                let new = if fixed.is_empty() {
                    String::from("a fixed version")
                } else {
                    let first = fixed.split(',').next().unwrap_or(fixed).trim();
                    format!("`{pkg}{sep}{first}`")
                };
                return Some(format!("Change the pin `{pin}` at {at} to {new}."));
            }
            Some(match step.instruction.as_str() {
                "RUN" => format!(
                    "{pkg} {installed} is installed by the RUN at {at}: require {target} there \
                     and rebuild."
                ),
                kw => format!(
                    "{pkg} {installed} is added by the {kw} at {at}: update what it copies to \
                     {target}."
                ),
            })
        }
        bulwark_report::Category::Secret => Some(if step.base {
            format!(
                "The file comes from the base image (`{}`, {at}).",
                step.text
            )
        } else {
            format!(
                "The file is added by the {} at {at}: keep it out of the build context or \
                 use a secret mount.",
                step.instruction
            )
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(created_by: &str, empty: bool) -> HistoryEntry {
        HistoryEntry {
            created_by: created_by.into(),
            empty_layer: empty,
            ..HistoryEntry::default()
        }
    }

    #[test]
    fn normalises_both_builders() {
        assert_eq!(
            entry("/bin/sh -c apt-get   update"),
            Some(Entry {
                keyword: "RUN".into(),
                text: "apt-get update".into()
            })
        );
        assert_eq!(
            entry("|1 V=2 /bin/sh -c echo $V"),
            Some(Entry {
                keyword: "RUN".into(),
                text: "echo $V".into()
            })
        );
        assert_eq!(
            entry("RUN |2 A=1 B=2 /bin/sh -c make # buildkit"),
            Some(Entry {
                keyword: "RUN".into(),
                text: "make".into()
            })
        );
        assert_eq!(
            entry("/bin/sh -c #(nop) COPY file:abc in /app "),
            Some(Entry {
                keyword: "COPY".into(),
                text: "file:abc in /app".into()
            })
        );
        assert_eq!(entry("Imported from -"), None);
        assert_eq!(entry("layer 0"), None);
    }

    #[test]
    fn multi_stage_classic_history_maps_to_lines() {
        let doc = bulwark_dockerfile::parse(
            "FROM base:1 AS build\nRUN make\n\nFROM base:1\nARG V=1\nENV A=b\nRUN apt-get install -y \\\n    curl=7.1\nCOPY --from=build /out /app/\n",
        );
        let history = vec![
            h("Imported from -", false),
            h("/bin/sh -c #(nop)  CMD [\"/bin/bash\"]", true),
            h("/bin/sh -c #(nop)  ARG V=1", true),
            h("/bin/sh -c #(nop)  ENV A=b", true),
            h("|1 V=1 /bin/sh -c apt-get install -y     curl=7.1", false),
            h("/bin/sh -c #(nop) COPY dir:123 in /app/ ", false),
        ];
        let digests = vec!["d0".to_owned(), "d1".to_owned(), "d2".to_owned()];
        let t = DockerfileTrace::new("Dockerfile", &doc, &history, &digests);
        assert!(t.warnings.is_empty(), "{:?}", t.warnings);
        let lines: Vec<(u32, bool)> = t
            .layers
            .iter()
            .map(|s| s.as_ref().map_or((0, false), |s| (s.line, s.base)))
            .collect();
        assert_eq!(lines, vec![(4, true), (7, false), (9, false)]);
        assert_eq!(
            t.layers[2].as_ref().unwrap().copy_from.as_deref(),
            Some("build")
        );
        let mut f = Finding::new(
            "CVE-1",
            bulwark_report::Severity::High,
            bulwark_report::Category::Vulnerability,
            "x",
            Location::file("var/lib/dpkg/status"),
        )
        .with_property("layer_digest", "d1")
        .with_property("package", "curl")
        .with_property("installed_version", "7.1")
        .with_property("fixed_version", "7.2");
        t.annotate(&mut f);
        assert_eq!(f.origin.as_ref().and_then(|o| o.line), Some(7));
        assert_eq!(f.origin.as_ref().and_then(|o| o.end_line), Some(8));
        assert_eq!(
            f.properties["dockerfile_fix"],
            "Change the pin `curl=7.1` at line 7 to `curl=7.2`."
        );
    }

    #[test]
    fn mismatched_dockerfile_is_reported_not_guessed() {
        let doc = bulwark_dockerfile::parse("FROM x\nRUN echo one\nRUN echo two\n");
        let history = vec![
            h("base", false),
            h("/bin/sh -c echo other", false),
            h("/bin/sh -c echo two", false),
        ];
        let digests = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
        let t = DockerfileTrace::new("Dockerfile", &doc, &history, &digests);
        assert_eq!(t.layers[2].as_ref().map(|s| s.line), Some(3));
        assert!(t.layers[1].is_none() && t.layers[0].is_none());
        assert_eq!(t.warnings.len(), 1, "{:?}", t.warnings);
    }
}
