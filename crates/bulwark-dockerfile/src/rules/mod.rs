//! The rule registry. One file per rule; each file declares its rule with `declare_rule!`,
//! whose doc comment is the rule's documentation (the single source of `help_markdown`).

use std::borrow::Cow;
use std::collections::HashSet;
use std::rc::Rc;

use bulwark_shell::ParsedShell;

use crate::ast::{From, ImageRef, Instruction, Kind, Mount, Run};
use crate::config::{Config, Level};

/// Static description of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// Code (`DL3008`, `BW1001`).
    pub code: &'static str,
    /// Short kebab-case name.
    pub name: &'static str,
    /// Default level (`Ignore` = off unless enabled by an override).
    pub level: Level,
    /// The message (Hadolint's text for `DL` rules; a template for label rules).
    pub message: &'static str,
    /// Markdown documentation taken from the doc comment.
    pub help: &'static str,
}

impl RuleMeta {
    /// Documentation with the one-space indent of doc comments removed.
    #[must_use]
    pub fn help_markdown(&self) -> String {
        let mut out = String::with_capacity(self.help.len());
        for line in self.help.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string()
    }

    /// Link to the rule's upstream or Bulwark documentation.
    #[must_use]
    pub fn help_uri(&self) -> String {
        if self.code.starts_with("DL") {
            format!("https://github.com/hadolint/hadolint/wiki/{}", self.code)
        } else {
            bulwark_report::rule_docs_url(self.code)
        }
    }
}

/// A rule violation before severity, suppression and rendering are applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The rule.
    pub meta: &'static RuleMeta,
    /// 1-based line (Hadolint reports the instruction's first line).
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Last line of the flagged region.
    pub end_line: u32,
    /// Last column (inclusive) on `end_line`, when the violation is one token.
    pub end_column: Option<u32>,
    /// The line inline pragmas (`# hadolint ignore=` on the line before) apply to: the
    /// instruction's first line, also when the token is on a continuation line.
    pub pragma_line: u32,
    /// Message; `None` uses the rule's message.
    pub message: Option<Cow<'static, str>>,
}

impl Violation {
    /// A violation at a line.
    #[must_use]
    pub fn at_line(meta: &'static RuleMeta, line: u32) -> Self {
        Self {
            meta,
            line,
            column: 1,
            end_line: line,
            end_column: None,
            pragma_line: line,
            message: None,
        }
    }

    /// A violation covering an instruction.
    #[must_use]
    pub fn at(meta: &'static RuleMeta, ins: &Instruction) -> Self {
        Self {
            meta,
            line: ins.span.start_line,
            column: ins.span.start_col,
            end_line: ins.span.end_line,
            end_column: None,
            pragma_line: ins.span.start_line,
            message: None,
        }
    }

    /// A violation at `token` as written in the source of `report` (see
    /// [`crate::Dockerfile::locate`]); the whole instruction when it cannot be found.
    #[must_use]
    pub fn at_token(
        meta: &'static RuleMeta,
        cx: &Context<'_>,
        report: &Instruction,
        token: &str,
    ) -> Self {
        match cx.doc.locate(report, token) {
            Some(p) => Self {
                meta,
                line: p.line,
                column: p.column,
                end_line: p.line,
                end_column: Some(p.end_column),
                pragma_line: report.span.start_line,
                message: None,
            },
            None => Self::at(meta, report),
        }
    }

    /// Replaces the message.
    #[must_use]
    pub fn with_message(mut self, message: impl Into<Cow<'static, str>>) -> Self {
        self.message = Some(message.into());
        self
    }
}

/// A top-level instruction with its shell analysis, as rules see it.
#[derive(Debug)]
pub struct InstrView<'a> {
    /// The instruction.
    pub ins: &'a Instruction,
    /// For `RUN`: the parsed shell. For `ONBUILD RUN`: the parsed shell of the inner `RUN`.
    /// Always parsed as a POSIX shell script, whatever the shell: Hadolint's `DL` rules do the
    /// same (its `parseShell` prepends `#!/bin/bash`).
    pub shell: Option<ParsedShell>,
    /// The shell the instruction runs in as Hadolint's ShellCheck rule tracks it (see
    /// the linter's `ShellTracker`): `/bin/sh -c` by default, the text of the last `SHELL`
    /// of the stage, or the name given by a `# hadolint shell=<name>` pragma.
    pub shell_name: Rc<str>,
}

/// The shell Hadolint hands to ShellCheck when nothing says otherwise.
pub const DEFAULT_SHELL: &str = "/bin/sh -c";

/// Shells that are not POSIX shells. Hadolint 2.15.1 matches them as a plain prefix of the
/// `SHELL` text or the `shell=` pragma name (so `pwsh.exe` and `cmd /S /C` match, while
/// `/usr/bin/pwsh` does not): ShellCheck is not run for them, and `DL4006` does not ask for
/// `pipefail` after such a `SHELL`.
pub const NON_POSIX_SHELLS: &[&str] = &["pwsh", "powershell", "cmd"];

/// True when `shell` (a `SHELL` text or a pragma's shell name) is one of
/// [`NON_POSIX_SHELLS`], by Hadolint's prefix match.
#[must_use]
pub fn is_non_posix_shell(shell: &str) -> bool {
    NON_POSIX_SHELLS.iter().any(|p| shell.starts_with(p))
}

impl InstrView<'_> {
    /// False when the instruction runs in a non-POSIX shell (`pwsh`, `powershell`, `cmd`),
    /// where Hadolint switches ShellCheck off. Bulwark's own (`BW`) rules then skip their
    /// analysis of the script's commands, which would be read as `sh` syntax; Hadolint's `DL`
    /// rules do not look at this (Hadolint applies them to every shell).
    #[must_use]
    pub fn posix_shell(&self) -> bool {
        !is_non_posix_shell(&self.shell_name)
    }

    /// The instruction Hadolint's `onbuild` wrapper unwraps: the inner instruction for
    /// `ONBUILD x`, `None` otherwise.
    #[must_use]
    pub fn onbuild_inner(&self) -> Option<&Instruction> {
        match &self.ins.kind {
            Kind::Onbuild(inner) => Some(inner),
            _ => None,
        }
    }
}

/// Everything a rule may look at.
#[derive(Debug)]
pub struct Context<'a> {
    /// The parsed file.
    pub doc: &'a crate::ast::Dockerfile,
    /// Configuration.
    pub config: &'a Config,
    /// Top-level instructions in order, with shell analysis.
    pub instrs: Vec<InstrView<'a>>,
}

/// Which `RUN`s a rule visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Top-level `RUN` only.
    TopLevel,
    /// Top-level `RUN` and `ONBUILD RUN` (Hadolint's `rule <> onbuild rule`).
    WithOnbuild,
}

impl<'a> Context<'a> {
    /// A context over `instrs`.
    #[must_use]
    pub fn new(
        doc: &'a crate::ast::Dockerfile,
        config: &'a Config,
        instrs: Vec<InstrView<'a>>,
    ) -> Self {
        Self {
            doc,
            config,
            instrs,
        }
    }

    /// Calls `f` for every `RUN` (and `ONBUILD RUN` with [`Scope::WithOnbuild`]) with the
    /// instruction to report on (the top-level one) and the parsed shell.
    pub fn each_run(&self, scope: Scope, mut f: impl FnMut(&'a Instruction, &ParsedShell)) {
        for v in &self.instrs {
            let Some(shell) = &v.shell else { continue };
            let is_onbuild = matches!(v.ins.kind, Kind::Onbuild(_));
            if is_onbuild && scope == Scope::TopLevel {
                continue;
            }
            f(v.ins, shell);
        }
    }

    /// Like [`Context::each_run`], but only for `RUN`s in a POSIX shell
    /// ([`InstrView::posix_shell`]): for rules that read the script's commands as `sh` syntax
    /// and are not Hadolint's.
    pub fn each_posix_run(&self, scope: Scope, mut f: impl FnMut(&'a Instruction, &ParsedShell)) {
        for v in &self.instrs {
            let Some(shell) = &v.shell else { continue };
            if !v.posix_shell() || (scope == Scope::TopLevel && v.onbuild_inner().is_some()) {
                continue;
            }
            f(v.ins, shell);
        }
    }

    /// The instruction sequence Hadolint's `onbuild` wrapper feeds a stateful rule: the
    /// instructions inside `ONBUILD`, unwrapped, with their shells.
    pub fn onbuild_sequence(
        &self,
    ) -> impl Iterator<Item = (&'a Instruction, &Instruction, Option<&ParsedShell>)> {
        self.instrs.iter().filter_map(|v| {
            v.onbuild_inner()
                .map(|inner| (v.ins, inner, v.shell.as_ref()))
        })
    }

    /// The top-level sequence (no `ONBUILD`), as (instruction, shell).
    pub fn top_sequence(
        &self,
    ) -> impl Iterator<Item = (&'a Instruction, &'a Instruction, Option<&ParsedShell>)> {
        self.instrs
            .iter()
            .filter(|v| !matches!(v.ins.kind, Kind::Onbuild(_)))
            .map(|v| (v.ins, v.ins, v.shell.as_ref()))
    }
}

/// A lint rule.
pub trait Rule: Sync {
    /// The rule's description.
    fn meta(&self) -> &'static RuleMeta;
    /// Appends the rule's violations in `cx` to `out`.
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>);
}

/// Declares a rule type with its metadata; the doc comment becomes its help text.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $ty:ident {
            code: $code:literal,
            name: $name:literal,
            level: $level:ident,
            message: $msg:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $ty;

        impl $ty {
            /// Metadata of this rule.
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                code: $code,
                name: $name,
                level: $crate::config::Level::$level,
                message: $msg,
                help: concat!($($doc, "\n"),*),
            };
        }
    };
}

/// The `RUN` an instruction runs: its own for `RUN`, the inner one for `ONBUILD RUN`.
pub(crate) fn run_of(ins: &Instruction) -> Option<&Run> {
    match &ins.kind {
        Kind::Run(run) => Some(run),
        Kind::Onbuild(inner) => match &inner.kind {
            Kind::Run(run) => Some(run),
            _ => None,
        },
        _ => None,
    }
}

/// The target of a mount as language-docker reads it (a double-quoted value unquoted).
pub(crate) fn mount_target(m: &Mount) -> Option<&str> {
    m.target.as_deref().map(|t| {
        t.strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .unwrap_or(t)
    })
}

/// Hadolint's `hasCacheOrTmpfsMountWith`: the `RUN` (or `ONBUILD RUN`) has a `cache` or
/// `tmpfs` mount whose target contains `fragment` anywhere.
pub(crate) fn has_cache_or_tmpfs_mount_with(ins: &Instruction, fragment: &str) -> bool {
    run_of(ins).is_some_and(|run| {
        run.mounts.iter().any(|m| {
            matches!(m.kind.as_str(), "cache" | "tmpfs")
                && mount_target(m).is_some_and(|t| t.contains(fragment))
        })
    })
}

/// The name of an `ARG` as Hadolint sees it: language-docker reads one name per `ARG`
/// instruction, the first (`ARG A=1 B=2` declares `A` only, with the default `1 B=2`).
pub(crate) fn arg_name(decls: &[(String, Option<String>)]) -> Option<&str> {
    decls.first().map(|(name, _)| name.as_str())
}

/// A build stage's base image as Hadolint compares them (`BaseImage` equality: image, tag,
/// digest, alias and platform).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StageKey<'a> {
    image: ImageRef,
    alias: Option<&'a str>,
    platform: Option<&'a str>,
}

impl<'a> StageKey<'a> {
    /// The key of a `FROM`.
    pub(crate) fn of(f: &'a From) -> Self {
        Self {
            image: f.hadolint_image(),
            alias: f.alias.as_deref(),
            platform: f.platform.as_deref(),
        }
    }

    /// The placeholder Hadolint uses before the first `FROM`, which equals a plain
    /// `FROM scratch`.
    pub(crate) fn scratch() -> Self {
        Self {
            image: ImageRef {
                name: "scratch".into(),
                ..ImageRef::default()
            },
            alias: None,
            platform: None,
        }
    }
}

/// The end-of-file verdict of Hadolint's DL3009 and DL3060: a `RUN` that forgot to clean up
/// (`forgets`: the instruction to report and the stage it is in) is reported when its stage is
/// the last one, or when the stage's name is used as the image of some `FROM` anywhere in the
/// file (`from_images`); other stages do not end up in the image. One finding per line.
pub(crate) fn forgets_in_used_stages(
    meta: &'static RuleMeta,
    forgets: Vec<(&Instruction, StageKey<'_>)>,
    last: &StageKey<'_>,
    from_images: &HashSet<String>,
    out: &mut Vec<Violation>,
) {
    let mut lines = std::collections::BTreeMap::new();
    for (ins, stage) in forgets {
        if &stage == last || stage.alias.is_some_and(|a| from_images.contains(a)) {
            lines.entry(ins.line()).or_insert(ins);
        }
    }
    out.extend(lines.into_values().map(|ins| Violation::at(meta, ins)));
}

/// Items every rule file needs.
pub(crate) mod prelude {
    pub(crate) use super::{
        Context, Rule, RuleMeta, Scope, StageKey, Violation, arg_name, forgets_in_used_stages,
        has_cache_or_tmpfs_mount_with,
    };
    pub(crate) use crate::ast::{Args, Instruction, Kind};
    pub(crate) use bulwark_shell::{Command, ParsedShell};

    /// Hadolint's `dropQuotes`: strips `"` and `'` from both ends.
    pub(crate) fn drop_quotes(s: &str) -> &str {
        s.trim_matches(|c| c == '"' || c == '\'')
    }

    /// Hadolint's `archiveFileFormatExtensions`.
    pub(crate) const ARCHIVE_EXTENSIONS: &[&str] = &[
        ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz",
        ".tlz", ".tpz", ".txz", ".xz",
    ];

    /// Implements [`Rule`] for a rule that flags every `RUN` whose shell fails `ok`.
    macro_rules! simple_run_rule {
        ($ty:ident, $scope:expr, $ok:expr) => {
            impl Rule for $ty {
                fn meta(&self) -> &'static RuleMeta {
                    &Self::META
                }
                fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
                    let ok: fn(&ParsedShell) -> bool = $ok;
                    cx.each_run($scope, |ins, shell| {
                        if !ok(shell) {
                            out.push(Violation::at(&Self::META, ins));
                        }
                    });
                }
            }
        };
    }
    pub(crate) use simple_run_rule;

    /// Implements [`Rule`] for a rule that flags every top-level instruction failing `ok`.
    macro_rules! simple_rule {
        ($ty:ident, $ok:expr) => {
            impl Rule for $ty {
                fn meta(&self) -> &'static RuleMeta {
                    &Self::META
                }
                fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
                    let ok: fn(&Instruction) -> bool = $ok;
                    for v in &cx.instrs {
                        if !ok(v.ins) {
                            out.push(Violation::at(&Self::META, v.ins));
                        }
                    }
                }
            }
        };
    }
    pub(crate) use simple_rule;
}

macro_rules! rule_modules {
    ($($module:ident :: $ty:ident),* $(,)?) => {
        $(mod $module;)*

        /// Every rule, in code order.
        pub static ALL: &[&(dyn Rule + 'static)] = &[$(&$module::$ty),*];
    };
}

rule_modules! {
    dl1001::Dl1001,
    dl3000::Dl3000,
    dl3001::Dl3001,
    dl3002::Dl3002,
    dl3003::Dl3003,
    dl3004::Dl3004,
    dl3006::Dl3006,
    dl3007::Dl3007,
    dl3008::Dl3008,
    dl3009::Dl3009,
    dl3010::Dl3010,
    dl3011::Dl3011,
    dl3012::Dl3012,
    dl3013::Dl3013,
    dl3014::Dl3014,
    dl3015::Dl3015,
    dl3016::Dl3016,
    dl3018::Dl3018,
    dl3019::Dl3019,
    dl3020::Dl3020,
    dl3021::Dl3021,
    dl3022::Dl3022,
    dl3023::Dl3023,
    dl3024::Dl3024,
    dl3025::Dl3025,
    dl3026::Dl3026,
    dl3027::Dl3027,
    dl3028::Dl3028,
    dl3029::Dl3029,
    dl3030::Dl3030,
    dl3032::Dl3032,
    dl3033::Dl3033,
    dl3034::Dl3034,
    dl3035::Dl3035,
    dl3036::Dl3036,
    dl3037::Dl3037,
    dl3038::Dl3038,
    dl3040::Dl3040,
    dl3041::Dl3041,
    dl3042::Dl3042,
    dl3043::Dl3043,
    dl3044::Dl3044,
    dl3045::Dl3045,
    dl3046::Dl3046,
    dl3047::Dl3047,
    dl3048::Dl3048,
    dl3049::Dl3049,
    dl3050::Dl3050,
    dl3051::Dl3051,
    dl3052::Dl3052,
    dl3053::Dl3053,
    dl3054::Dl3054,
    dl3055::Dl3055,
    dl3056::Dl3056,
    dl3057::Dl3057,
    dl3058::Dl3058,
    dl3059::Dl3059,
    dl3060::Dl3060,
    dl3061::Dl3061,
    dl3062::Dl3062,
    dl3063::Dl3063,
    dl3064::Dl3064,
    dl3065::Dl3065,
    dl3066::Dl3066,
    dl3067::Dl3067,
    dl4000::Dl4000,
    dl4001::Dl4001,
    dl4003::Dl4003,
    dl4004::Dl4004,
    dl4005::Dl4005,
    dl4006::Dl4006,
    bw1001::Bw1001,
    bw1002::Bw1002,
    bw1003::Bw1003,
    bw1004::Bw1004,
    bw1005::Bw1005,
    bw1006::Bw1006,
    bw1007::Bw1007,
    bw1008::Bw1008,
    bw1009::Bw1009,
    bw1010::Bw1010,
    bw1011::Bw1011,
    bw1012::Bw1012,
    bw1013::Bw1013,
    bw1014::Bw1014,
    bw1015::Bw1015,
}
