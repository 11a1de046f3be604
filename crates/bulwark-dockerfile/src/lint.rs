//! Running the rules over a file: shell analysis once per `RUN`, every rule once, then
//! severities, configuration ignores and inline pragmas.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use bulwark_report::{Category, Finding, Location, Report, RuleInfo, Severity, Suppressed};
use bulwark_shell::{ParsedShell, parse_shell};

use crate::ast::{Args, Dockerfile, Instruction, Kind, Node, Run};
use crate::config::{Config, Level};
use crate::parser::parse_bytes;
use crate::pragma::{
    is_space, parse_global_ignore_pragma, parse_ignore_pragma, parse_stage_ignore_pragma,
    pragma_head,
};
use crate::rules::{self, Context, DEFAULT_SHELL, InstrView, RuleMeta, Violation};

/// What linting one file produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LintResult {
    /// Findings to report, sorted by line then code.
    pub findings: Vec<Finding>,
    /// Findings removed by `ignored`, `# hadolint ignore=` or `# hadolint global ignore=`.
    pub suppressed: Vec<Suppressed>,
}

/// Code and message used for syntax errors (Hadolint's `DL1000`).
pub const PARSE_ERROR_CODE: &str = "DL1000";

/// One report of several files' lint results (in the order given), with the documentation of
/// every rule they report (SARIF's rule table, the HTML report's rule texts).
#[must_use]
pub fn report(results: impl IntoIterator<Item = LintResult>) -> Report {
    let mut report = Report::default();
    for lint in results {
        // Moving the first file's vectors avoids copying a large result.
        if report.findings.is_empty() {
            report.findings = lint.findings;
        } else {
            report.findings.extend(lint.findings);
        }
        if report.suppressed.is_empty() {
            report.suppressed = lint.suppressed;
        } else {
            report.suppressed.extend(lint.suppressed);
        }
    }
    let codes: BTreeSet<String> = report.findings.iter().map(|f| f.code.clone()).collect();
    for code in codes {
        if let Some(info) = rule(&code) {
            report.add_rule(info);
        }
    }
    report
}

/// Lints one Dockerfile. `display_path` is what findings name as their location.
#[must_use]
pub fn lint(display_path: &str, source: &[u8], config: &Config) -> LintResult {
    let doc = parse_bytes(source);
    lint_parsed(display_path, &doc, config)
}

/// Message of the `DL1000` finding for a file without any instruction.
pub const EMPTY_FILE_MESSAGE: &str =
    "file is empty: a Dockerfile needs at least a FROM instruction";

/// Lints an already parsed Dockerfile.
///
/// A file without any instruction (0 bytes, or only whitespace, comments and parser
/// directives) yields one `DL1000` finding at line 1 ([`EMPTY_FILE_MESSAGE`]), as `docker build`
/// refuses such a file. This deliberately deviates from Hadolint 2.15.1, which reports nothing
/// on an empty file (probed): an empty input is almost always a mistake (a wrong path, a
/// truncated checkout) and a linter that passes it silently hides that.
#[must_use]
pub fn lint_parsed(display_path: &str, doc: &Dockerfile, config: &Config) -> LintResult {
    let mut result = LintResult::default();
    let first_error = if let Some(err) = doc.errors.first() {
        Some((err.message.as_str(), err.line, err.column))
    } else if doc.instructions().next().is_none() {
        Some((EMPTY_FILE_MESSAGE, 1, 1))
    } else {
        None
    };
    if let Some((message, line, column)) = first_error {
        let finding = Finding::new(
            PARSE_ERROR_CODE,
            Severity::Error,
            Category::Dockerfile,
            message.to_string(),
            Location::at(display_path, line, Some(column)),
        );
        if config.ignored.contains(PARSE_ERROR_CODE) {
            result.suppressed.push(Suppressed {
                finding,
                reason: "ignored by configuration".into(),
            });
        } else {
            result.findings.push(finding);
        }
        return result;
    }
    let cx = Context::new(doc, config, instr_views(doc));
    let mut violations = Vec::new();
    for rule in rules::ALL {
        let meta = rule.meta();
        if config.level_for(meta.code, meta.level) == Level::Ignore
            || (config.hadolint_only && !meta.code.starts_with("DL"))
        {
            continue;
        }
        rule.check(&cx, &mut violations);
    }
    let pragmas = Pragmas::collect(doc);
    // One help link per rule, cloned into each of its findings.
    let mut links: HashMap<&'static str, String> = HashMap::new();
    for v in violations {
        let level = config.level_for(v.meta.code, v.meta.level);
        let Some(severity) = level.severity() else {
            continue;
        };
        let link = links
            .entry(v.meta.code)
            .or_insert_with(|| v.meta.help_uri())
            .clone();
        let finding = to_finding(display_path, &v, severity, link);
        if config.ignored.contains(v.meta.code) {
            result.suppressed.push(Suppressed {
                finding,
                reason: "ignored by configuration".into(),
            });
        } else if !config.disable_ignore_pragma
            && let Some(reason) = pragmas.suppression(v.meta.code, v.pragma_line)
        {
            result.suppressed.push(Suppressed { finding, reason });
        } else {
            result.findings.push(finding);
        }
    }
    let order = |a: &Finding, b: &Finding| {
        (a.location.line, a.location.column, a.code.as_str()).cmp(&(
            b.location.line,
            b.location.column,
            b.code.as_str(),
        ))
    };
    result.findings.sort_by(order);
    result
        .suppressed
        .sort_by(|a, b| order(&a.finding, &b.finding));
    result
}

fn to_finding(path: &str, v: &Violation, severity: Severity, link: String) -> Finding {
    let message = v.message.as_deref().unwrap_or(v.meta.message).to_string();
    let mut location = Location::at(path, v.line, Some(v.column));
    if v.end_line > v.line || v.end_column.is_some() {
        location = location.with_end(v.end_line, v.end_column);
    }
    let mut f = Finding::new(
        v.meta.code,
        severity,
        Category::Dockerfile,
        message,
        location,
    );
    f.links.push(link);
    f
}

/// The top-level instructions with their parsed scripts and the shell each runs in.
fn instr_views(doc: &Dockerfile) -> Vec<InstrView<'_>> {
    let mut top = ShellTracker::default();
    let mut onbuild = ShellTracker::default();
    let mut out = Vec::with_capacity(doc.nodes.len());
    for node in &doc.nodes {
        let ins = match node {
            Node::Comment(c) => {
                // Hadolint's `onbuild` wrapper only sees `ONBUILD` instructions, so a pragma
                // changes the shell of top-level instructions only.
                if let Some(name) = parse_shell_pragma(&c.text) {
                    top.pragma(name);
                }
                continue;
            }
            Node::Instruction(ins) => ins,
        };
        let shell_name = match &ins.kind {
            Kind::Onbuild(inner) => onbuild.visit(inner),
            _ => top.visit(ins),
        };
        out.push(InstrView {
            ins,
            shell: shell_of(ins),
            shell_name,
        });
    }
    out
}

/// Hadolint's ShellCheck rule state (`Hadolint.Rule.Shellcheck`): which shell a `RUN` runs in.
///
/// * Nothing seen yet: the default, `/bin/sh -c`.
/// * `FROM` starts a stage with the stage default (the default, or the pragma's shell when the
///   pragma came before anything else).
/// * `SHELL [...]` sets the shell to its text (exec form joined with spaces) until the next `FROM`.
/// * `# hadolint shell=NAME` sets the shell; before any other instruction it also becomes the
///   default of every stage, otherwise it lasts until the next `FROM`.
#[derive(Default)]
struct ShellTracker {
    /// `None` until the first `FROM`, `SHELL` or pragma (Hadolint's `Empty`).
    state: Option<(Rc<str>, Rc<str>)>,
}

impl ShellTracker {
    fn default_shell() -> Rc<str> {
        Rc::from(DEFAULT_SHELL)
    }

    fn pragma(&mut self, name: &str) {
        let name: Rc<str> = Rc::from(name);
        match &mut self.state {
            None => self.state = Some((Rc::clone(&name), name)),
            Some((current, _)) => *current = name,
        }
    }

    /// Updates the state for `ins` and returns the shell it runs in.
    fn visit(&mut self, ins: &Instruction) -> Rc<str> {
        match &ins.kind {
            Kind::From(_) => match &mut self.state {
                None => {
                    self.state = Some((Self::default_shell(), Self::default_shell()));
                }
                Some((current, stage_default)) => *current = Rc::clone(stage_default),
            },
            Kind::Shell(args) => {
                let text: Rc<str> = Rc::from(args.text());
                match &mut self.state {
                    None => self.state = Some((text, Self::default_shell())),
                    Some((current, _)) => *current = text,
                }
            }
            _ => {}
        }
        self.state
            .as_ref()
            .map_or_else(Self::default_shell, |(current, _)| Rc::clone(current))
    }
}

/// Hadolint's `parseShell` pragma: `hadolint shell=NAME`, optionally followed by blanks and a
/// `#` comment; NAME is everything up to the next blank (`#` included). Anything else after the
/// name (`shell=/bin/bash -c`) makes it no pragma at all.
pub(crate) fn parse_shell_pragma(text: &str) -> Option<&str> {
    let (rest, _) = pragma_head(text)?;
    let rest = rest.strip_prefix("shell")?.trim_start_matches(is_space);
    let rest = rest.strip_prefix('=')?.trim_start_matches(is_space);
    let end = rest.find([' ', '\t', '\n']).unwrap_or(rest.len());
    let (name, after) = rest.split_at(end);
    let after = after.trim_start_matches(is_space);
    (!name.is_empty() && (after.is_empty() || after.starts_with('#'))).then_some(name)
}

/// The shell Hadolint analyses for an instruction: `RUN` text (exec form joined with spaces,
/// heredoc script bodies included) and the same for `ONBUILD RUN`.
fn shell_of(ins: &Instruction) -> Option<ParsedShell> {
    match &ins.kind {
        Kind::Run(run) => Some(run_shell(ins, run)),
        Kind::Onbuild(inner) => match &inner.kind {
            Kind::Run(run) => Some(run_shell(inner, run)),
            _ => None,
        },
        _ => None,
    }
}

fn run_shell(ins: &Instruction, run: &Run) -> ParsedShell {
    match &run.args {
        Args::Exec(list) => parse_shell(&list.join(" ")),
        Args::Shell(text) => {
            if ins.heredocs.is_empty() {
                return parse_shell(text);
            }
            if text.trim_start().starts_with("<<") {
                // `RUN <<EOF [interpreter]`: the heredoc bodies are the script (as Hadolint
                // lints them, whatever follows the marker on the first line).
                let body: String = ins.heredocs.iter().map(|h| h.body.as_str()).collect();
                return parse_shell(&body);
            }
            // `RUN cmd <<EOF`: the heredoc is the command's input, not shell code.
            let mut script = text.clone();
            script.push('\n');
            for h in &ins.heredocs {
                script.push_str(&h.body);
                script.push_str(&h.delimiter);
                script.push('\n');
            }
            parse_shell(&script)
        }
    }
}

/// Inline pragmas: `# hadolint ignore=...` (next line), `# hadolint global ignore=...`,
/// `# hadolint stage ignore=...`, and Bulwark's `# bulwark ...` variants of each for any code.
///
/// Stage pragmas work as in Hadolint 2.15.1: every `FROM` line and the line after every stage
/// pragma start a region (a pragma's codes, nothing for a `FROM` without a pragma right before
/// it); a finding on line `L` is covered by the region that started last *before* `L`. So the
/// pragma does not cover its `FROM` line itself, and does cover the next stage's `FROM` line.
#[derive(Debug, Default)]
struct Pragmas {
    /// Codes ignored per line (the line after the pragma), with the pragma's line.
    by_line: HashMap<u32, (BTreeSet<String>, u32)>,
    global: BTreeSet<String>,
    /// Region starts: line -> (codes, pragma line; 0 for a `FROM` without a pragma).
    stages: std::collections::BTreeMap<u32, (BTreeSet<String>, u32)>,
}

impl Pragmas {
    fn collect(doc: &Dockerfile) -> Self {
        let mut p = Self::default();
        for node in &doc.nodes {
            let c = match node {
                Node::Comment(c) => c,
                Node::Instruction(ins) => {
                    if let Kind::From(_) = ins.kind {
                        p.stages
                            .entry(ins.line())
                            .or_insert_with(|| (BTreeSet::new(), 0));
                    }
                    continue;
                }
            };
            if let Some(codes) = parse_stage_ignore_pragma(&c.text) {
                p.stages
                    .insert(c.line + 1, (codes.into_iter().collect(), c.line));
            } else if let Some(codes) = parse_ignore_pragma(&c.text) {
                let entry = p
                    .by_line
                    .entry(c.line + 1)
                    .or_insert_with(|| (BTreeSet::new(), c.line));
                entry.0.extend(codes);
            } else if let Some(codes) = parse_global_ignore_pragma(&c.text) {
                p.global.extend(codes);
            }
        }
        p
    }

    fn suppression(&self, code: &str, line: u32) -> Option<String> {
        if let Some((codes, at)) = self.by_line.get(&line)
            && codes.contains(code)
        {
            return Some(format!(
                "inline pragma `# hadolint ignore={code}` on line {at}"
            ));
        }
        if self.global.contains(code) {
            return Some(format!("pragma `# hadolint global ignore={code}`"));
        }
        if let Some((_, (codes, at))) = self.stages.range(..line).next_back()
            && codes.contains(code)
        {
            return Some(format!(
                "pragma `# hadolint stage ignore={code}` on line {at}"
            ));
        }
        None
    }
}

/// Metadata of every rule, for `bulwark rules` and SARIF.
/// `DL1000` (syntax error) comes first.
pub fn rules() -> impl Iterator<Item = RuleInfo> {
    rule(PARSE_ERROR_CODE)
        .into_iter()
        .chain(rules::ALL.iter().map(|r| rule_info(r.meta())))
}

/// Metadata of one rule by code (case-insensitive). `DL1000` (syntax error) is not a rule but
/// has metadata too, so every code [`lint`] can report resolves here.
#[must_use]
pub fn rule(code: &str) -> Option<RuleInfo> {
    if code.eq_ignore_ascii_case(PARSE_ERROR_CODE) {
        return Some(RuleInfo {
            code: PARSE_ERROR_CODE.to_string(),
            name: Some("syntax-error".to_string()),
            summary: "The Dockerfile could not be parsed.".to_string(),
            help_markdown: "## What it does\n\
                            Reports a file that is not a valid Dockerfile: an unknown \
                            instruction, missing arguments, an unterminated heredoc, invalid \
                            UTF-8. No other rule runs on a file that does not parse; fix the \
                            reported position first.\n\n\
                            An empty file (no instruction at all: 0 bytes, or only whitespace, \
                            comments and parser directives) is reported here too, at line 1, \
                            because `docker build` rejects it. Hadolint 2.15.1 reports nothing \
                            for an empty file; Bulwark deliberately differs.\n\n\
                            ## Why is this bad?\n\
                            `docker build` refuses the file, and a linter that cannot read it \
                            cannot vouch for anything in it.\n\n\
                            ## Example\n\
                            ```dockerfile\n\
                            FROM debian:12\n\
                            RUNN apt-get update\n\
                            ```\n\n\
                            ## How to fix\n\
                            ```dockerfile\n\
                            FROM debian:12\n\
                            RUN apt-get update\n\
                            ```"
            .to_string(),
            default_severity: Severity::Error,
            // Hadolint's wiki has no page for its parse errors.
            help_uri: Some(bulwark_report::rule_docs_url(PARSE_ERROR_CODE)),
        });
    }
    rules::ALL
        .iter()
        .map(|r| r.meta())
        .find(|m| m.code.eq_ignore_ascii_case(code))
        .map(rule_info)
}

fn rule_info(meta: &RuleMeta) -> RuleInfo {
    let mut help = meta.help_markdown();
    if meta.level == Level::Ignore {
        help.push_str(
            "\n\nThis rule is off by default (Hadolint severity `ignore`); enable it with an \
             `override` in the configuration.",
        );
    }
    RuleInfo {
        code: meta.code.to_string(),
        name: Some(meta.name.to_string()),
        summary: meta.message.to_string(),
        help_markdown: help,
        default_severity: meta.level.severity().unwrap_or(Severity::Style),
        help_uri: Some(meta.help_uri()),
    }
}

#[cfg(test)]
mod shell_tests {
    use super::*;

    #[test]
    fn shell_pragma_syntax_is_hadolints() {
        assert_eq!(parse_shell_pragma(" hadolint shell=pwsh"), Some("pwsh"));
        assert_eq!(
            parse_shell_pragma("hadolint\tshell = powershell  # windows"),
            Some("powershell")
        );
        assert_eq!(parse_shell_pragma(" hadolint shell=pwsh#x"), Some("pwsh#x"));
        assert_eq!(parse_shell_pragma(" bulwark shell=cmd"), Some("cmd"));
        // Something after the name other than a comment: no pragma.
        assert_eq!(parse_shell_pragma(" hadolint shell=/bin/bash -c"), None);
        assert_eq!(parse_shell_pragma(" hadolint shell="), None);
        assert_eq!(parse_shell_pragma(" hadolintshell=pwsh"), None);
        assert_eq!(parse_shell_pragma(" hadolint shells=pwsh"), None);
        assert_eq!(parse_shell_pragma(" hadolint ignore=DL3003"), None);
    }

    /// The shell each instruction of `src` runs in, as (line, shell).
    fn shells(src: &str) -> Vec<(u32, String)> {
        let doc = crate::parse(src);
        instr_views(&doc)
            .iter()
            .map(|v| (v.ins.line(), v.shell_name.to_string()))
            .collect()
    }

    fn at(list: &[(u32, String)], line: u32) -> &str {
        list.iter()
            .find(|(l, _)| *l == line)
            .map_or("<none>", |(_, s)| s.as_str())
    }

    #[test]
    fn pragma_before_the_first_instruction_is_every_stage_default() {
        let s = shells("# hadolint shell=pwsh\nFROM a\nRUN x\nFROM b\nRUN y\n");
        assert_eq!(at(&s, 3), "pwsh");
        assert_eq!(at(&s, 5), "pwsh");
    }

    #[test]
    fn pragma_inside_a_stage_lasts_until_the_next_from() {
        let s = shells("FROM a\nRUN w\n# hadolint shell=cmd\nRUN x\nFROM b\nRUN y\n");
        assert_eq!(at(&s, 2), DEFAULT_SHELL);
        assert_eq!(at(&s, 4), "cmd");
        assert_eq!(at(&s, 6), DEFAULT_SHELL);
    }

    #[test]
    fn shell_instruction_lasts_until_the_next_from_and_falls_back_to_the_pragma() {
        let s = shells(
            "# hadolint shell=bash\nFROM a\nSHELL [\"cmd\", \"/S\", \"/C\"]\nRUN x\nFROM b\nRUN y\n",
        );
        assert_eq!(at(&s, 4), "cmd /S /C");
        assert_eq!(at(&s, 6), "bash");
    }

    #[test]
    fn onbuild_runs_ignore_pragmas_and_follow_onbuild_shell() {
        let s = shells(
            "# hadolint shell=pwsh\nFROM a\nONBUILD RUN x\nONBUILD SHELL [\"powershell\"]\nONBUILD RUN y\n",
        );
        assert_eq!(at(&s, 3), DEFAULT_SHELL);
        assert_eq!(at(&s, 5), "powershell");
    }

    fn codes(src: &str) -> Vec<(String, u32)> {
        lint("D", src.as_bytes(), &Config::default())
            .findings
            .into_iter()
            .map(|f| (f.code, f.location.line.unwrap_or(0)))
            .collect()
    }

    #[test]
    fn bw_shell_rules_skip_non_posix_shells_dl_rules_do_not() {
        let src = "FROM a:1\n# hadolint shell=pwsh\nRUN curl -k https://x | sh\nFROM b:1\nRUN curl -k https://x\n";
        let found = codes(src);
        // Line 3 runs in pwsh: no BW1013/BW1004, but Hadolint's DL4006 still applies.
        assert!(!found.contains(&("BW1013".into(), 3)), "{found:?}");
        assert!(!found.contains(&("BW1004".into(), 3)), "{found:?}");
        assert!(found.contains(&("DL4006".into(), 3)), "{found:?}");
        // Line 5 is in a new stage, back to /bin/sh.
        assert!(found.contains(&("BW1013".into(), 5)), "{found:?}");
        // A SHELL instruction switches it off too.
        let src = "FROM a:1\nSHELL [\"pwsh\", \"-Command\"]\nRUN curl -k https://x\n";
        assert!(!codes(src).iter().any(|(c, _)| c == "BW1013"));
        let src = "FROM a:1\nSHELL [\"/bin/bash\", \"-c\"]\nRUN curl -k https://x\n";
        assert!(codes(src).iter().any(|(c, _)| c == "BW1013"));
    }
}

#[cfg(test)]
mod token_tests {
    use super::*;

    /// (code, line, column, end line, end column) of every finding of `code`.
    fn spans(src: &str, code: &str) -> Vec<(u32, u32, u32, u32)> {
        lint("D", src.as_bytes(), &Config::default())
            .findings
            .into_iter()
            .filter(|f| f.code == code)
            .map(|f| {
                let l = f.location;
                (
                    l.line.unwrap_or(0),
                    l.column.unwrap_or(0),
                    l.end_line.unwrap_or(0),
                    l.end_column.unwrap_or(0),
                )
            })
            .collect()
    }

    #[test]
    fn bw_findings_point_at_the_offending_token() {
        // `-k` on a continuation line: line 3, columns 10..11.
        let src = "FROM a:1\nRUN apt-get update && \\\n    curl -k https://example.com/x -o /x\n";
        assert_eq!(spans(src, "BW1013"), vec![(3, 10, 3, 11)]);
        // The URL, not the `http` inside another word.
        let src = "FROM a:1\nRUN wget http://example.com/a.tgz\n";
        assert_eq!(spans(src, "BW1014"), vec![(2, 10, 2, 33)]);
        // An instruction flag.
        let src = "FROM a:1\nRUN --network=host make\n";
        assert_eq!(spans(src, "BW1011"), vec![(2, 5, 2, 13)]);
        // The image reference of FROM.
        let src = "FROM  debian:12\nUSER app\nHEALTHCHECK NONE\n";
        assert_eq!(spans(src, "BW1002"), vec![(1, 7, 1, 15)]);
        // An ENV name.
        let src = "FROM a:1\nENV A=1 GIT_SSL_NO_VERIFY=true\n";
        assert_eq!(spans(src, "BW1013"), vec![(2, 9, 2, 25)]);
        // The port of EXPOSE.
        let src = "FROM a:1\nEXPOSE 80 22/tcp\n";
        assert_eq!(spans(src, "BW1015"), vec![(2, 11, 2, 12)]);
    }

    #[test]
    fn a_token_that_is_not_written_literally_falls_back_to_the_instruction() {
        let src = "FROM a:1\nARG U=http://example.com/x\nADD $U /x\n";
        // `$U` expands to the URL only at build time; nothing to point at but ADD itself.
        let doc = crate::parse(src);
        let ins = doc
            .instructions()
            .nth(2)
            .map(|i| doc.locate(i, "http://example.com/x"));
        assert_eq!(ins, Some(None));
    }

    #[test]
    fn pragmas_still_apply_when_the_token_is_on_a_continuation_line() {
        let src = "FROM a:1\n# bulwark ignore=BW1013\nRUN true && \\\n    curl -k https://x\n";
        assert!(spans(src, "BW1013").is_empty());
    }
}
