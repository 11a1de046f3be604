//! The Dockerfile syntax tree produced by [`crate::parse`].

/// Where an instruction or comment is in the file. Lines and columns are 1-based; the end is
/// inclusive and covers continuation lines and heredoc bodies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// Line of the keyword (the line Hadolint reports).
    pub start_line: u32,
    /// Column of the keyword.
    pub start_col: u32,
    /// Last line of the instruction.
    pub end_line: u32,
    /// Last column on the last line.
    pub end_col: u32,
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dockerfile {
    /// Parser directives at the top of the file (`# syntax=`, `# escape=`, `# check=`).
    pub directives: Vec<Directive>,
    /// The escape character in effect (`\` or `` ` ``).
    pub escape: char,
    /// Comments and instructions in file order.
    pub nodes: Vec<Node>,
    /// Syntax errors; when non-empty the tree is incomplete and should not be linted.
    pub errors: Vec<ParseError>,
    /// The source text (without a byte order mark), for locating tokens in findings.
    pub source: String,
    /// Byte offset of the start of each line of `source` (index 0 is line 1).
    pub line_starts: Vec<usize>,
}

/// Where a token is: 1-based line, and first and last (inclusive) 1-based columns, in
/// characters like [`Span`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenPos {
    /// Line.
    pub line: u32,
    /// First column.
    pub column: u32,
    /// Last column (inclusive).
    pub end_column: u32,
}

impl Dockerfile {
    /// The instructions (top level, comments skipped).
    pub fn instructions(&self) -> impl Iterator<Item = &Instruction> {
        self.nodes.iter().filter_map(|n| match n {
            Node::Instruction(i) => Some(i),
            Node::Comment(_) => None,
        })
    }

    /// Text of the 1-based line `n` (without the line break), if the source has it.
    #[must_use]
    pub fn source_line(&self, n: u32) -> Option<&str> {
        let i = usize::try_from(n).ok()?.checked_sub(1)?;
        let start = *self.line_starts.get(i)?;
        let end = self
            .line_starts
            .get(i + 1)
            .map_or(self.source.len(), |e| e.saturating_sub(1));
        let line = self.source.get(start..end)?;
        Some(line.strip_suffix('\r').unwrap_or(line))
    }

    /// The first occurrence of `token` in the source lines of `ins` (keyword line to last
    /// continuation or heredoc line) that stands as a word of its own (not inside a longer
    /// word), else the first occurrence at all. `None` when the token is empty or not written
    /// literally on one line (variables, escapes, a line continuation inside the word).
    #[must_use]
    pub fn locate(&self, ins: &Instruction, token: &str) -> Option<TokenPos> {
        if token.is_empty() {
            return None;
        }
        let lines = || {
            (ins.span.start_line..=ins.span.end_line)
                .filter_map(|n| self.source_line(n).map(|l| (n, l)))
        };
        let pos = |n: u32, line: &str, at: usize| {
            let column = 1 + u32::try_from(line.get(..at)?.chars().count()).ok()?;
            let len = u32::try_from(token.chars().count()).ok()?;
            Some(TokenPos {
                line: n,
                column,
                end_column: column + len - 1,
            })
        };
        let opens =
            |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || "\"'=([`;|&,".contains(c));
        let closes =
            |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || "\"')]`;|&,=/\\".contains(c));
        for (n, line) in lines() {
            for (at, _) in line.match_indices(token) {
                let before = line.get(..at).and_then(|b| b.chars().next_back());
                let after = line.get(at + token.len()..).and_then(|a| a.chars().next());
                if opens(before) && closes(after) {
                    return pos(n, line, at);
                }
            }
        }
        lines().find_map(|(n, line)| pos(n, line, line.find(token)?))
    }

    /// Value of a parser directive (`syntax`, `escape`, `check`), if present.
    #[must_use]
    pub fn directive(&self, name: &str) -> Option<&str> {
        self.directives
            .iter()
            .find(|d| d.name.eq_ignore_ascii_case(name))
            .map(|d| d.value.as_str())
    }
}

/// A parser directive line such as `# syntax=docker/dockerfile:1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased directive name.
    pub name: String,
    /// Its value.
    pub value: String,
    /// 1-based line.
    pub line: u32,
}

/// A syntax error with its position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct ParseError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

/// One element of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // comments are rare; boxing instructions buys nothing
pub enum Node {
    /// A `# ...` comment line (pragmas live here).
    Comment(Comment),
    /// An instruction.
    Instruction(Instruction),
}

/// A comment line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Text after the `#`.
    pub text: String,
    /// 1-based line.
    pub line: u32,
}

/// A `--name=value` option of an instruction (`--from`, `--mount`, `--platform`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Flag {
    /// Name without the dashes, as written (BuildKit flag names are case-sensitive).
    pub name: String,
    /// Value after `=`, if any.
    pub value: Option<String>,
}

/// A heredoc attached to `RUN`, `COPY` or `ADD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter word (quotes removed).
    pub delimiter: String,
    /// The body, lines joined with `\n` (leading tabs removed for `<<-`).
    pub body: String,
    /// `<<-` form.
    pub strip_tabs: bool,
    /// The delimiter was quoted (no expansion in the body).
    pub quoted: bool,
    /// Line of the first body line.
    pub body_line: u32,
}

/// Shell form (`RUN echo hi`) or exec form (`RUN ["echo", "hi"]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Args {
    /// Shell form: the text, continuations joined.
    Shell(String),
    /// Exec (JSON) form.
    Exec(Vec<String>),
}

impl Args {
    /// The text as Hadolint sees it: shell form as is, exec form joined with spaces.
    #[must_use]
    pub fn text(&self) -> String {
        match self {
            Self::Shell(s) => s.clone(),
            Self::Exec(v) => v.join(" "),
        }
    }

    /// True for the exec (JSON) form.
    #[must_use]
    pub fn is_exec(&self) -> bool {
        matches!(self, Self::Exec(_))
    }
}

/// An image reference as written after `FROM`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ImageRef {
    /// Registry host (`gcr.io`, `localhost:5000`) when the first path component names one.
    pub registry: Option<String>,
    /// Repository path without registry (`library/ubuntu`, `ubuntu`).
    pub name: String,
    /// Tag after `:`.
    pub tag: Option<String>,
    /// Digest after `@`.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Splits `registry/name:tag@digest` the way language-docker (Hadolint's parser) does.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let (rest, digest) = match text.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (text, None),
        };
        let (registry, path) = match rest.split_once('/') {
            Some((first, tail))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (Some(first.to_string()), tail)
            }
            _ => (None, rest),
        };
        let last_slash = path.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match path.get(last_slash..).and_then(first_colon_outside_braces) {
            Some(i) => {
                let at = last_slash + i;
                (
                    path.get(..at).unwrap_or(path).to_string(),
                    path.get(at + 1..).map(ToString::to_string),
                )
            }
            None => (path.to_string(), None),
        };
        Self {
            registry,
            name,
            tag,
            digest,
        }
    }
}

impl ImageRef {
    /// Splits an image reference exactly as language-docker 16 (the parser of Hadolint 2.15.1)
    /// does, quirks included, for the Hadolint rules that look at its parts:
    ///
    /// * the registry is everything before the first `/` that follows the first `.`, so
    ///   `localhost:5000/app` has no registry (its name is `localhost` and its tag
    ///   `5000/app`), while `a/b.c/d` has the registry `a/b.c`;
    /// * the name runs to the first `:` or `@`, the tag from there to the next `:` or `@`, the
    ///   digest follows an `@`;
    /// * `${...}` expansions are opaque (a `:` inside one is not a tag separator).
    #[must_use]
    pub fn parse_as_hadolint(text: &str) -> Self {
        let find = |s: &str, stop: &[char]| position_outside_braces(s, |c| stop.contains(&c));
        let mut rest = text;
        let mut registry = None;
        if let Some(dot) = find(rest, &['.'])
            && dot > 0
            && let Some(tld) = rest.get(dot + 1..)
            && let Some(slash) = find(tld, &['/'])
            && slash > 0
        {
            registry = rest.get(..dot + 1 + slash).map(ToString::to_string);
            rest = tld.get(slash + 1..).unwrap_or("");
        }
        let end = find(rest, &[':', '@']).unwrap_or(rest.len());
        let name = rest.get(..end).unwrap_or(rest).to_string();
        rest = rest.get(end..).unwrap_or("");
        let mut tag = None;
        if let Some(t) = rest.strip_prefix(':') {
            let end = find(t, &[':', '@']).unwrap_or(t.len());
            tag = t.get(..end).map(ToString::to_string);
            rest = t.get(end..).unwrap_or("");
        }
        let digest = rest
            .strip_prefix('@')
            .map(|d| d.split('@').next().unwrap_or(d).to_string());
        Self {
            registry,
            name,
            tag,
            digest,
        }
    }
}

/// Byte position of the first character matching `stop` that is not inside `${...}`.
fn position_outside_braces(s: &str, stop: impl Fn(char) -> bool) -> Option<usize> {
    let mut depth = 0usize;
    let mut prev = '\0';
    for (i, c) in s.char_indices() {
        match c {
            '{' if prev == '$' || depth > 0 => depth += 1,
            '}' if depth > 0 => depth -= 1,
            c if depth == 0 && stop(c) => return Some(i),
            _ => {}
        }
        prev = c;
    }
    None
}

/// Position of the first `:` that is not inside `${...}`.
fn first_colon_outside_braces(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut prev = '\0';
    for (i, c) in s.char_indices() {
        match c {
            '{' if prev == '$' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            ':' if depth == 0 => return Some(i),
            _ => {}
        }
        prev = c;
    }
    None
}

/// `FROM [--platform=...] image [AS name]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct From {
    /// The image as written.
    pub image_text: String,
    /// The image split into parts (as written, variables not expanded).
    pub image: ImageRef,
    /// The image with global `ARG` defaults substituted (`None` when nothing was substituted).
    pub resolved: Option<ImageRef>,
    /// Stage name after `AS`.
    pub alias: Option<String>,
    /// `--platform` value.
    pub platform: Option<String>,
}

impl From {
    /// The image split as Hadolint sees it ([`ImageRef::parse_as_hadolint`]).
    #[must_use]
    pub fn hadolint_image(&self) -> ImageRef {
        ImageRef::parse_as_hadolint(&self.image_text)
    }
}

/// A `RUN --mount=...` specification.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mount {
    /// `type=` (default `bind`).
    pub kind: String,
    /// `target=` / `dst=` / `destination=`.
    pub target: Option<String>,
    /// All `key=value` pairs as written.
    pub options: Vec<(String, String)>,
}

/// `RUN`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The command.
    pub args: Args,
    /// `--mount` options.
    pub mounts: Vec<Mount>,
    /// `--network` value.
    pub network: Option<String>,
    /// `--security` value.
    pub security: Option<String>,
}

/// `COPY` and `ADD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    /// Sources as written (quotes kept, like language-docker).
    pub sources: Vec<String>,
    /// Destination as written.
    pub dest: String,
    /// `--from` value (COPY only).
    pub from: Option<String>,
    /// `--chown` value.
    pub chown: Option<String>,
    /// `--chmod` value.
    pub chmod: Option<String>,
    /// `--checksum` value (ADD only).
    pub checksum: Option<String>,
    /// `--link` given.
    pub link: bool,
}

/// A port in `EXPOSE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Port {
    /// A single port number.
    Number(u64),
    /// A range `low-high`.
    Range(u64, u64),
    /// Anything else (a variable).
    Other(String),
}

/// The instruction-specific part of an [`Instruction`].
#[allow(clippy::large_enum_variant)] // one value per instruction; boxing buys nothing
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `FROM`.
    From(From),
    /// `RUN`.
    Run(Run),
    /// `CMD`.
    Cmd(Args),
    /// `ENTRYPOINT`.
    Entrypoint(Args),
    /// `SHELL`.
    Shell(Args),
    /// `COPY`.
    Copy(Copy),
    /// `ADD`.
    Add(Copy),
    /// `ENV` pairs (quotes removed).
    Env(Vec<(String, String)>),
    /// `LABEL` pairs (quotes removed).
    Label(Vec<(String, String)>),
    /// `ARG` declarations: name and optional default (quotes removed).
    Arg(Vec<(String, Option<String>)>),
    /// `EXPOSE`.
    Expose(Vec<Port>),
    /// `USER`.
    User(String),
    /// `WORKDIR`.
    Workdir(String),
    /// `VOLUME`.
    Volume(Args),
    /// `STOPSIGNAL`.
    Stopsignal(String),
    /// `HEALTHCHECK`; `None` for `HEALTHCHECK NONE`.
    Healthcheck(Option<Args>),
    /// `MAINTAINER`.
    Maintainer(String),
    /// `ONBUILD <instruction>`.
    Onbuild(Box<Instruction>),
}

/// One instruction with its position, options and arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// The keyword as written (`run`, `RUN`).
    pub keyword: String,
    /// Position, from the keyword to the end of the last continuation or heredoc line.
    pub span: Span,
    /// `--name=value` options before the arguments.
    pub flags: Vec<Flag>,
    /// Arguments after the options, continuations joined (escape + newline removed).
    pub text: String,
    /// Heredocs, in order.
    pub heredocs: Vec<Heredoc>,
    /// The parsed arguments.
    pub kind: Kind,
}

impl Instruction {
    /// Upper-case keyword (`RUN`).
    #[must_use]
    pub fn name(&self) -> String {
        self.keyword.to_ascii_uppercase()
    }

    /// Start line (what Hadolint reports).
    #[must_use]
    pub fn line(&self) -> u32 {
        self.span.start_line
    }

    /// Value of the first flag named `name`.
    #[must_use]
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }
}
