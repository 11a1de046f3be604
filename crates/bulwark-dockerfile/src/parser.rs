//! Dockerfile parser following BuildKit's rules: parser directives, escape character, line
//! continuations (blank and comment lines inside them are dropped), heredocs, JSON (exec) form,
//! instruction flags and `ONBUILD`.
//!
//! The parser works line by line over the input once; no step looks back, so the run time is
//! linear. It never panics: malformed input becomes a [`ParseError`] with a position.

use crate::ast::{
    Args, Comment, Copy, Directive, Dockerfile, Flag, From, Heredoc, ImageRef, Instruction, Kind,
    Mount, Node, ParseError, Port, Run, Span,
};
use crate::{validate, vars};

/// Deepest `ONBUILD ONBUILD ...` nesting accepted.
const MAX_ONBUILD_DEPTH: usize = 4;

/// Instruction keywords BuildKit knows.
const KEYWORDS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Parses Dockerfile bytes. Invalid UTF-8 and binary content are reported as errors.
#[must_use]
pub fn parse_bytes(source: &[u8]) -> Dockerfile {
    match std::str::from_utf8(source) {
        Ok(text) => parse(text),
        Err(e) => {
            let valid = source.get(..e.valid_up_to()).unwrap_or_default();
            let line = 1 + bytecount_newlines(valid);
            let column = 1 + valid.iter().rev().take_while(|&&b| b != b'\n').count() as u32;
            Dockerfile {
                escape: '\\',
                errors: vec![ParseError {
                    line,
                    column,
                    message: format!(
                        "invalid UTF-8 at byte {} (a Dockerfile must be UTF-8 text)",
                        e.valid_up_to()
                    ),
                }],
                ..Dockerfile::default()
            }
        }
    }
}

fn bytecount_newlines(bytes: &[u8]) -> u32 {
    bytes.split(|&b| b == b'\n').count().saturating_sub(1) as u32
}

struct Line<'a> {
    text: &'a str,
    /// 1-based line number.
    number: u32,
}

/// Parses Dockerfile text.
#[must_use]
pub fn parse(source: &str) -> Dockerfile {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut doc = Dockerfile {
        escape: '\\',
        ..Dockerfile::default()
    };
    if let Some(pos) = source.find('\0') {
        let before = source.get(..pos).unwrap_or("");
        doc.errors.push(ParseError {
            line: 1 + before.matches('\n').count() as u32,
            column: 1 + before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32,
            message: "NUL byte in input: this looks like a binary file, not a Dockerfile".into(),
        });
        return doc;
    }
    let lines: Vec<Line<'_>> = source
        .split('\n')
        .enumerate()
        .map(|(i, l)| Line {
            text: l.strip_suffix('\r').unwrap_or(l),
            number: (i + 1) as u32,
        })
        .collect();
    doc.nodes.reserve(lines.len() / 2);
    doc.source = source.to_string();
    doc.line_starts.reserve(lines.len());
    let mut offset = 0;
    for l in source.split('\n') {
        doc.line_starts.push(offset);
        offset += l.len() + 1;
    }
    let mut i = 0;
    // Parser directives.
    let mut directives_open = true;
    while let Some(line) = lines.get(i) {
        if !directives_open {
            break;
        }
        match parse_directive(line.text) {
            Some((name, value))
                if !doc.directives.iter().any(|d| d.name == name)
                    && ["syntax", "escape", "check"].contains(&name.as_str()) =>
            {
                if name == "escape" {
                    match value.as_str() {
                        "\\" => doc.escape = '\\',
                        "`" => doc.escape = '`',
                        other => doc.errors.push(ParseError {
                            line: line.number,
                            column: 1,
                            message: format!("invalid escape token '{other}' does not validate"),
                        }),
                    }
                }
                doc.directives.push(Directive {
                    name,
                    value,
                    line: line.number,
                });
                doc.nodes.push(Node::Comment(Comment {
                    text: line.text.trim_start().trim_start_matches('#').to_string(),
                    line: line.number,
                }));
                i += 1;
            }
            _ => directives_open = false,
        }
    }
    let escape = doc.escape;
    while let Some(line) = lines.get(i) {
        let trimmed = line.text.trim_start();
        if trimmed.is_empty() {
            i += 1;
            continue;
        }
        if let Some(comment) = trimmed.strip_prefix('#') {
            doc.nodes.push(Node::Comment(Comment {
                text: comment.to_string(),
                line: line.number,
            }));
            i += 1;
            continue;
        }
        // An instruction: gather continuation lines.
        let start = line.number;
        let start_col = 1 + (line.text.len() - trimmed.len()) as u32;
        let mut logical = String::new();
        let mut end_line = line.number;
        let mut end_col = line.text.chars().count() as u32;
        let mut current = trimmed;
        i += 1;
        loop {
            let Some(head) = strip_continuation(current, escape) else {
                logical.push_str(current);
                break;
            };
            logical.push_str(head);
            // Skip blank and comment lines inside the continuation.
            let mut next = None;
            while let Some(l) = lines.get(i) {
                let t = l.text.trim_start();
                i += 1;
                if t.is_empty() || t.starts_with('#') {
                    continue;
                }
                next = Some(l);
                break;
            }
            let Some(l) = next else { break };
            end_line = l.number;
            end_col = l.text.chars().count() as u32;
            current = l.text;
        }
        let mut ctx = InstrCtx {
            lines: &lines,
            next: i,
            escape,
            errors: Vec::new(),
            end_line,
            end_col,
        };
        let instruction = parse_instruction(&logical, start, start_col, &mut ctx, 0);
        i = ctx.next;
        doc.errors.extend(ctx.errors);
        if let Some(mut ins) = instruction {
            ins.span.end_line = ctx.end_line;
            ins.span.end_col = ctx.end_col;
            doc.nodes.push(Node::Instruction(ins));
        }
    }
    vars::resolve_from_images(&mut doc);
    doc
}

/// `# name=value` with a simple name, as BuildKit's directive regex accepts.
fn parse_directive(line: &str) -> Option<(String, String)> {
    let rest = line.trim_start().strip_prefix('#')?.trim_start();
    let eq = rest.find('=')?;
    let name = rest.get(..eq)?.trim_end();
    if name.is_empty()
        || !name.starts_with(|c: char| c.is_ascii_alphabetic())
        || !name.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return None;
    }
    let value = rest.get(eq + 1..)?.trim();
    if value.is_empty() {
        return None;
    }
    Some((name.to_ascii_lowercase(), value.to_string()))
}

/// If the line ends with the escape character (optionally followed by blanks), the line
/// without it.
fn strip_continuation(line: &str, escape: char) -> Option<&str> {
    let t = line.trim_end_matches([' ', '\t']);
    t.strip_suffix(escape)
}

struct InstrCtx<'a, 'b> {
    lines: &'a [Line<'b>],
    /// Index of the next unread physical line.
    next: usize,
    escape: char,
    errors: Vec<ParseError>,
    end_line: u32,
    end_col: u32,
}

impl InstrCtx<'_, '_> {
    fn error(&mut self, line: u32, column: u32, message: impl Into<String>) {
        self.errors.push(ParseError {
            line,
            column,
            message: message.into(),
        });
    }
}

fn parse_instruction(
    logical: &str,
    line: u32,
    col: u32,
    ctx: &mut InstrCtx<'_, '_>,
    depth: usize,
) -> Option<Instruction> {
    let logical = logical.trim_start();
    let kw_end = logical
        .find(|c: char| c.is_whitespace())
        .unwrap_or(logical.len());
    let keyword = logical.get(..kw_end).unwrap_or("");
    let rest = logical.get(kw_end..).unwrap_or("").trim_start();
    let upper = keyword.to_ascii_uppercase();
    if !KEYWORDS.contains(&upper.as_str()) {
        ctx.error(
            line,
            col,
            format!("unknown instruction: {}", truncate(keyword, 40)),
        );
        return None;
    }
    let (flags, text) = if matches!(
        upper.as_str(),
        "FROM" | "RUN" | "COPY" | "ADD" | "HEALTHCHECK"
    ) {
        split_flags(rest)
    } else {
        (Vec::new(), rest.to_string())
    };
    for f in &flags {
        if f.name.is_empty() {
            ctx.error(line, col, format!("{upper}: empty flag name"));
            return None;
        }
    }
    let text = text.trim_end().to_string();
    let heredocs = if matches!(upper.as_str(), "RUN" | "COPY" | "ADD") && !looks_json(&text) {
        match read_heredocs(&text, ctx) {
            Ok(h) => h,
            Err(message) => {
                ctx.error(line, col, message);
                return None;
            }
        }
    } else {
        Vec::new()
    };
    let needs_args = !matches!(
        upper.as_str(),
        "RUN" | "CMD" | "ENTRYPOINT" | "SHELL" | "VOLUME" | "HEALTHCHECK"
    );
    if needs_args && text.is_empty() {
        ctx.error(line, col, format!("{upper} requires at least one argument"));
        return None;
    }
    if matches!(
        upper.as_str(),
        "FROM" | "RUN" | "COPY" | "ADD" | "HEALTHCHECK"
    ) && let Err(message) = validate::flags(&upper, &flags)
    {
        ctx.error(line, col, message);
        return None;
    }
    if matches!(upper.as_str(), "ENV" | "LABEL")
        && let Err(message) = validate::pairs(&upper, &split_words(&text, ctx.escape))
    {
        ctx.error(line, col, message);
        return None;
    }
    let kind = match upper.as_str() {
        "FROM" => Kind::From(parse_from(&text, &flags, line, col, ctx)?),
        "RUN" => Kind::Run(parse_run(&text, &flags)),
        "CMD" => Kind::Cmd(parse_args(&text)),
        "ENTRYPOINT" => Kind::Entrypoint(parse_args(&text)),
        "SHELL" => Kind::Shell(parse_args(&text)),
        "COPY" => Kind::Copy(parse_copy(&text, &flags, &heredocs)),
        "ADD" => Kind::Add(parse_copy(&text, &flags, &heredocs)),
        "ENV" => Kind::Env(parse_pairs(&text, ctx.escape)),
        "LABEL" => Kind::Label(parse_pairs(&text, ctx.escape)),
        "ARG" => Kind::Arg(
            split_words(&text, ctx.escape)
                .iter()
                .map(|w| match w.split_once('=') {
                    Some((k, v)) => (k.to_string(), Some(unquote(v, ctx.escape))),
                    None => (w.clone(), None),
                })
                .collect(),
        ),
        "EXPOSE" => Kind::Expose(text.split_whitespace().map(parse_port).collect()),
        "USER" => Kind::User(text.clone()),
        "WORKDIR" => Kind::Workdir(text.clone()),
        "VOLUME" => Kind::Volume(parse_args(&text)),
        "STOPSIGNAL" => Kind::Stopsignal(text.clone()),
        "MAINTAINER" => Kind::Maintainer(text.clone()),
        "HEALTHCHECK" => {
            let first = text.split_whitespace().next().unwrap_or("");
            if first.eq_ignore_ascii_case("NONE") {
                Kind::Healthcheck(None)
            } else if first.eq_ignore_ascii_case("CMD") {
                let cmd = text.get(first.len()..).unwrap_or("").trim_start();
                Kind::Healthcheck(Some(parse_args(cmd)))
            } else if text.is_empty() {
                ctx.error(line, col, "HEALTHCHECK requires CMD or NONE");
                return None;
            } else {
                ctx.error(
                    line,
                    col,
                    format!("HEALTHCHECK: unknown type {}", truncate(first, 40)),
                );
                return None;
            }
        }
        "ONBUILD" => {
            if depth >= MAX_ONBUILD_DEPTH {
                ctx.error(line, col, "ONBUILD nested too deeply");
                return None;
            }
            let inner_col = col + (logical.len() - rest.len()) as u32;
            let inner = parse_instruction(rest, line, inner_col, ctx, depth + 1)?;
            Kind::Onbuild(Box::new(inner))
        }
        _ => return None,
    };
    let checked = match &kind {
        Kind::Run(run) => validate::run(&flags, &run.mounts),
        other => validate::kind(&upper, other),
    };
    if let Err(message) = checked {
        ctx.error(line, col, message);
        return None;
    }
    Some(Instruction {
        keyword: keyword.to_string(),
        span: Span {
            start_line: line,
            start_col: col,
            end_line: line,
            end_col: col,
        },
        flags,
        text,
        heredocs,
        kind,
    })
}

fn truncate(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().nth(n).is_some() {
        out.push('…');
    }
    out
}

/// Splits leading `--name[=value]` options from the arguments.
fn split_flags(rest: &str) -> (Vec<Flag>, String) {
    let mut flags = Vec::new();
    let mut remaining = rest;
    loop {
        let t = remaining.trim_start();
        let Some(body) = t.strip_prefix("--") else {
            return (flags, t.to_string());
        };
        let end = body.find(char::is_whitespace).unwrap_or(body.len());
        let token = body.get(..end).unwrap_or("");
        let (name, value) = match token.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (token, None),
        };
        flags.push(Flag {
            name: name.to_string(),
            value,
        });
        remaining = body.get(end..).unwrap_or("");
    }
}

fn looks_json(text: &str) -> bool {
    text.trim_start().starts_with('[')
}

/// Exec form when the text is a JSON array of strings, shell form otherwise (as BuildKit).
pub(crate) fn parse_args(text: &str) -> Args {
    if looks_json(text)
        && let Ok(list) = serde_json::from_str::<Vec<String>>(text.trim())
    {
        return Args::Exec(list);
    }
    Args::Shell(text.to_string())
}

fn parse_from(
    text: &str,
    flags: &[Flag],
    line: u32,
    col: u32,
    ctx: &mut InstrCtx<'_, '_>,
) -> Option<From> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let (image_text, alias) = match words.as_slice() {
        [image] => (*image, None),
        [image, as_kw, alias] if as_kw.eq_ignore_ascii_case("as") => (*image, Some(*alias)),
        _ => {
            ctx.error(
                line,
                col,
                "FROM requires either one argument, or three: FROM <source> [AS <name>]",
            );
            return None;
        }
    };
    let platform = flags
        .iter()
        .find(|f| f.name == "platform")
        .and_then(|f| f.value.clone());
    Some(From {
        image_text: image_text.to_string(),
        image: ImageRef::parse(image_text),
        resolved: None,
        alias: alias.map(ToString::to_string),
        platform,
    })
}

fn parse_run(text: &str, flags: &[Flag]) -> Run {
    let mounts = flags
        .iter()
        .filter(|f| f.name == "mount")
        .filter_map(|f| f.value.as_deref())
        .map(parse_mount)
        .collect();
    let value = |n: &str| {
        flags
            .iter()
            .find(|f| f.name == n)
            .and_then(|f| f.value.clone())
    };
    Run {
        args: parse_args(text),
        mounts,
        network: value("network"),
        security: value("security"),
    }
}

fn parse_mount(spec: &str) -> Mount {
    let options: Vec<(String, String)> = spec
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.trim().to_ascii_lowercase(), v.trim().to_string()),
            None => (p.trim().to_ascii_lowercase(), String::new()),
        })
        .collect();
    let get = |keys: &[&str]| {
        options
            .iter()
            .find(|(k, _)| keys.contains(&k.as_str()))
            .map(|(_, v)| v.clone())
    };
    Mount {
        kind: get(&["type"]).map_or_else(|| "bind".into(), |t| t.to_ascii_lowercase()),
        target: get(&["target", "dst", "destination"]),
        options,
    }
}

fn parse_copy(text: &str, flags: &[Flag], heredocs: &[Heredoc]) -> Copy {
    let mut words: Vec<String> = match parse_args(text) {
        Args::Exec(list) => list,
        Args::Shell(s) => s.split_whitespace().map(ToString::to_string).collect(),
    };
    let dest = words.pop().unwrap_or_default();
    let _ = heredocs;
    let value = |n: &str| {
        flags
            .iter()
            .find(|f| f.name == n)
            .and_then(|f| f.value.clone())
    };
    Copy {
        sources: words,
        dest,
        from: value("from"),
        chown: value("chown"),
        chmod: value("chmod"),
        checksum: value("checksum"),
        link: flags
            .iter()
            .any(|f| f.name == "link" && f.value.as_deref() != Some("false")),
    }
}

fn parse_port(word: &str) -> Port {
    let base = word
        .rsplit_once('/')
        .map_or(word, |(p, proto)| if proto.is_empty() { word } else { p });
    if let Ok(n) = base.parse::<u64>() {
        return Port::Number(n);
    }
    if let Some((a, b)) = base.split_once('-')
        && let (Ok(a), Ok(b)) = (a.parse::<u64>(), b.parse::<u64>())
    {
        return Port::Range(a, b);
    }
    Port::Other(word.to_string())
}

/// Words separated by blanks, with quotes and escapes kept inside words.
pub(crate) fn split_words(text: &str, escape: char) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    let mut in_word = false;
    while let Some(c) = chars.next() {
        if c == escape && quote != Some('\'') {
            cur.push(c);
            if let Some(n) = chars.next() {
                cur.push(n);
            }
            in_word = true;
            continue;
        }
        match quote {
            Some(q) if c == q => {
                quote = None;
                cur.push(c);
            }
            Some(_) => cur.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                cur.push(c);
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            None => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

/// Removes quotes and escape characters the way Docker processes `ENV`/`LABEL` values.
pub(crate) fn unquote(word: &str, escape: char) -> String {
    let mut out = String::with_capacity(word.len());
    let mut quote: Option<char> = None;
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some('\'') => {
                if c == '\'' {
                    quote = None;
                } else {
                    out.push(c);
                }
            }
            Some(q) => {
                if c == q {
                    quote = None;
                } else if c == escape {
                    match chars.peek() {
                        Some(&n) if n == '"' || n == escape || n == '$' => {
                            out.push(n);
                            chars.next();
                        }
                        _ => out.push(c),
                    }
                } else {
                    out.push(c);
                }
            }
            None => {
                if c == '"' || c == '\'' {
                    quote = Some(c);
                } else if c == escape {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                } else {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// `key=value ...` pairs, or the legacy `key value with spaces` form.
fn parse_pairs(text: &str, escape: char) -> Vec<(String, String)> {
    let words = split_words(text, escape);
    let Some(first) = words.first() else {
        return Vec::new();
    };
    if !first.contains('=') {
        let key = unquote(first, escape);
        let value = text.trim_start().get(first.len()..).unwrap_or("").trim();
        return vec![(key, unquote(value, escape))];
    }
    words
        .iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (unquote(k, escape), unquote(v, escape)),
            None => (unquote(w, escape), String::new()),
        })
        .collect()
}

/// Finds `<<EOF`, `<<-EOF`, `<<"EOF"` markers outside quotes and reads their bodies from the
/// following physical lines.
fn read_heredocs(text: &str, ctx: &mut InstrCtx<'_, '_>) -> Result<Vec<Heredoc>, String> {
    let markers = heredoc_markers(text);
    let mut out = Vec::with_capacity(markers.len());
    for (delimiter, strip_tabs, quoted) in markers {
        let body_line = ctx.lines.get(ctx.next).map_or(0, |l| l.number);
        let mut body = String::new();
        let mut closed = false;
        while let Some(l) = ctx.lines.get(ctx.next) {
            ctx.next += 1;
            let content = if strip_tabs {
                l.text.trim_start_matches('\t')
            } else {
                l.text
            };
            ctx.end_line = l.number;
            ctx.end_col = l.text.chars().count() as u32;
            if content == delimiter {
                closed = true;
                break;
            }
            body.push_str(content);
            body.push('\n');
        }
        if !closed {
            return Err(format!(
                "unterminated heredoc: missing delimiter {delimiter}"
            ));
        }
        out.push(Heredoc {
            delimiter,
            body,
            strip_tabs,
            quoted,
            body_line,
        });
    }
    Ok(out)
}

/// Heredoc markers in an instruction line: (delimiter, `<<-`, quoted).
pub(crate) fn heredoc_markers(text: &str) -> Vec<(String, bool, bool)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while let Some(&c) = bytes.get(i) {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == b'\\' && q == b'"' {
                i += 1;
            }
            i += 1;
            continue;
        }
        match c {
            b'\'' | b'"' => {
                quote = Some(c);
                i += 1;
            }
            b'\\' => i += 2,
            b'<' if bytes.get(i + 1) == Some(&b'<') && bytes.get(i + 2) != Some(&b'<') => {
                let mut j = i + 2;
                let strip = bytes.get(j) == Some(&b'-');
                if strip {
                    j += 1;
                }
                let q = match bytes.get(j) {
                    Some(&b @ (b'"' | b'\'')) => {
                        j += 1;
                        Some(b)
                    }
                    _ => None,
                };
                let start = j;
                // A delimiter starts with a letter or `_` (so `$((1<<2))` is no heredoc).
                if !matches!(bytes.get(j), Some(b) if b.is_ascii_alphabetic() || *b == b'_') {
                    i = j.max(i + 2);
                    continue;
                }
                while matches!(bytes.get(j), Some(b) if b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-' || *b == b'.')
                {
                    j += 1;
                }
                if j > start {
                    let word = text.get(start..j).unwrap_or("").to_string();
                    if let Some(qc) = q {
                        if bytes.get(j) == Some(&qc) {
                            j += 1;
                        } else {
                            i = j;
                            continue;
                        }
                    }
                    out.push((word, strip, q.is_some()));
                }
                i = j.max(i + 2);
            }
            _ => i += 1,
        }
    }
    out
}
