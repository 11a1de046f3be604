//! The tokenizer and simple-command builder behind [`crate::parse_shell`].
//!
//! It walks the script once, left to right. Words are rendered the way ShellCheck's
//! `oversimplify` renders them (quotes removed, every expansion replaced by `${VAR}`), so the
//! rule helpers in [`crate`] see the same strings Hadolint's rules see. Command substitutions,
//! backticks and process substitutions are parsed recursively (depth-limited) and their commands
//! are listed after the command that contains them, like ShellCheck's pre-order traversal.
//!
//! Every loop advances the cursor, and nested scans are bounded by [`MAX_DEPTH`], so the run time
//! is linear in the input for any fixed nesting depth.

use crate::{CmdPart, Command, ShellError};

/// Deepest nesting of `$(...)`, backticks and `<(...)` that is parsed; deeper substitutions are
/// skipped as opaque words.
const MAX_DEPTH: usize = 48;

/// Result of tokenizing one script or substitution body.
pub(crate) struct Output {
    pub commands: Vec<Command>,
    pub pipes: Vec<usize>,
    /// The script as Hadolint's `simplify` renders a `$(...)` with this body: the words of
    /// each statement that is a single simple command, concatenated (other statements, such as
    /// pipelines and `&&` lists, render as nothing). Only computed for nested scripts.
    pub render: String,
}

#[derive(Debug, Default)]
struct Word {
    text: String,
    /// Length of the prefix of `text` that was unquoted literal source (for assignment
    /// detection).
    bare_len: usize,
    offset: usize,
    literal: bool,
    quoted: bool,
    /// A redirection target (`> file`), not an argument.
    redirect: bool,
}

impl Word {
    fn bare_prefix(&self) -> &str {
        self.text.get(..self.bare_len).unwrap_or("")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Normal,
    /// After `for`/`select`: words up to the next separator are the loop header.
    LoopHeader,
    /// After `case`: words up to `in`.
    CaseHeader,
    /// Inside `case ... in`: words up to `)` are a pattern.
    CasePattern,
    /// Inside `[[ ... ]]`.
    DoubleBracket,
    /// Inside `[ ... ]` at command position: ShellCheck parses it as a condition
    /// (`T_Condition`), not as a command named `[`.
    SingleBracket,
    /// After `function`: the next word is the function name.
    FunctionName,
}

/// An open compound command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    If,
    /// `while`/`until` before its `do`.
    LoopCondition,
    /// A loop body, up to `done`.
    Loop,
    Case,
    Brace,
}

struct Pending {
    delimiter: String,
    strip_tabs: bool,
}

pub(crate) struct Lexer<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    base: usize,
    depth: usize,
    out: Output,
    words: Vec<Word>,
    /// How many of `words` are command words (not redirection targets).
    command_words: usize,
    nested: Vec<Command>,
    heredocs: Vec<Pending>,
    mode: Mode,
    case_depth: usize,
    /// Open compound commands (`if`, loops, `case`, `{`): like ShellCheck, a script that
    /// leaves one open (a missing `fi`) is a syntax error, and a keyword that closes nothing
    /// (`then` without `if`) ends the parse, keeping the commands before it.
    blocks: Vec<Block>,
    /// Offset of a keyword that closes nothing; the parse stops there.
    unbalanced: Option<usize>,
    /// For [`Output::render`]: the words of the current statement's commands, how many
    /// commands it has, and whether it is more than one simple command.
    stmt_words: String,
    stmt_commands: usize,
    stmt_compound: bool,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(text: &'a str, base: usize, depth: usize) -> Self {
        Self {
            src: text.as_bytes(),
            text,
            pos: 0,
            base,
            depth,
            out: Output {
                commands: Vec::new(),
                pipes: Vec::new(),
                render: String::new(),
            },
            stmt_words: String::new(),
            stmt_commands: 0,
            stmt_compound: false,
            words: Vec::new(),
            command_words: 0,
            nested: Vec::new(),
            heredocs: Vec::new(),
            mode: Mode::Normal,
            case_depth: 0,
            blocks: Vec::new(),
            unbalanced: None,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<u8> {
        self.src.get(self.pos + n).copied()
    }

    fn err(&self, message: &'static str) -> ShellError {
        ShellError {
            offset: self.base + self.pos,
            message,
        }
    }

    pub(crate) fn run(mut self) -> Result<Output, ShellError> {
        loop {
            if self.unbalanced.is_some() {
                break;
            }
            self.skip_blanks();
            let Some(c) = self.peek() else {
                self.finish_command();
                self.end_statement();
                break;
            };
            match c {
                b'#' => self.skip_comment(),
                b'\n' => {
                    self.pos += 1;
                    self.separator();
                    self.end_statement();
                    self.skip_heredoc_bodies();
                }
                b';' => {
                    self.pos += 1;
                    let case_sep = matches!(self.peek(), Some(b';' | b'&'));
                    while matches!(self.peek(), Some(b';' | b'&')) {
                        self.pos += 1;
                    }
                    self.separator();
                    self.end_statement();
                    if case_sep && self.case_depth > 0 {
                        self.mode = Mode::CasePattern;
                    }
                }
                b'&' => match self.peek_at(1) {
                    Some(b'&') => {
                        self.pos += 2;
                        self.separator();
                        self.stmt_compound = true;
                    }
                    Some(b'>') => {
                        self.pos += 2;
                        if self.peek() == Some(b'>') {
                            self.pos += 1;
                        }
                        self.redirect_target()?;
                    }
                    _ => {
                        self.pos += 1;
                        self.separator();
                        self.stmt_compound = true;
                        self.end_statement();
                    }
                },
                b'|' => {
                    self.stmt_compound = true;
                    if self.peek_at(1) == Some(b'|') {
                        self.pos += 2;
                        self.separator();
                    } else if self.mode == Mode::CasePattern {
                        self.pos += 1;
                    } else {
                        self.out.pipes.push(self.base + self.pos);
                        self.pos += 1;
                        if self.peek() == Some(b'&') {
                            self.pos += 1;
                        }
                        self.separator();
                    }
                }
                b'(' => {
                    self.stmt_compound = true;
                    self.open_paren()?;
                }
                b')' => {
                    self.stmt_compound = true;
                    self.pos += 1;
                    if self.mode == Mode::CasePattern {
                        self.words.clear();
                        self.command_words = 0;
                        self.mode = Mode::Normal;
                    } else {
                        self.separator();
                    }
                }
                b'<' | b'>' => self.redirect()?,
                b'0'..=b'9' if self.fd_redirect_ahead() => {
                    while matches!(self.peek(), Some(b'0'..=b'9')) {
                        self.pos += 1;
                    }
                    self.redirect()?;
                }
                _ => {
                    let word = self.lex_word()?;
                    self.push_word(word);
                }
            }
        }
        if self.unbalanced.is_some() {
            // ShellCheck stops at a keyword that closes nothing ("Parsing stopped here") and
            // keeps what it parsed before it.
            self.out.commands.append(&mut self.nested);
            return Ok(self.out);
        }
        if !self.blocks.is_empty() {
            return Err(self.err("unterminated compound command"));
        }
        Ok(self.out)
    }

    fn skip_blanks(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                Some(b'\\') if self.peek_at(1) == Some(b'\n') => self.pos += 2,
                Some(b'\\') if self.peek_at(1) == Some(b'\r') && self.peek_at(2) == Some(b'\n') => {
                    self.pos += 3;
                }
                _ => break,
            }
        }
    }

    fn skip_comment(&mut self) {
        while let Some(c) = self.peek() {
            if c == b'\n' {
                break;
            }
            self.pos += 1;
        }
    }

    fn fd_redirect_ahead(&self) -> bool {
        let mut i = self.pos;
        while let Some(b'0'..=b'9') = self.src.get(i) {
            i += 1;
        }
        matches!(self.src.get(i), Some(b'<' | b'>'))
    }

    fn open_paren(&mut self) -> Result<(), ShellError> {
        // `((` arithmetic command at command position.
        if self.peek_at(1) == Some(b'(') && self.words.is_empty() {
            let start = self.pos + 2;
            let end = find_close_paren(self.src, start, self.depth)
                .ok_or_else(|| self.err("unterminated `((`"))?;
            self.pos = end + 1;
            if self.peek() == Some(b')') {
                self.pos += 1;
            }
            return Ok(());
        }
        // `name ()` function definition.
        if self.command_words == 1 && self.words.len() == 1 && self.mode == Mode::Normal {
            let mut i = self.pos + 1;
            while matches!(self.src.get(i), Some(b' ' | b'\t')) {
                i += 1;
            }
            if self.src.get(i) == Some(&b')') {
                self.pos = i + 1;
                self.words.clear();
                self.command_words = 0;
                return Ok(());
            }
        }
        if self.mode == Mode::CasePattern {
            self.pos += 1;
            return Ok(());
        }
        // Subshell: a command boundary.
        self.pos += 1;
        self.separator();
        Ok(())
    }

    fn redirect(&mut self) -> Result<(), ShellError> {
        let c = self.peek().unwrap_or(b'>');
        // Process substitution `<(...)` / `>(...)` is a word, not a redirection.
        if self.peek_at(1) == Some(b'(') {
            let word = self.lex_word()?;
            self.push_word(word);
            return Ok(());
        }
        self.pos += 1;
        if c == b'<' && self.peek() == Some(b'<') {
            self.pos += 1;
            if self.peek() == Some(b'<') {
                self.pos += 1;
                return self.redirect_target();
            }
            let strip_tabs = if self.peek() == Some(b'-') {
                self.pos += 1;
                true
            } else {
                false
            };
            self.skip_blanks();
            let word = self.lex_word()?;
            self.heredocs.push(Pending {
                delimiter: word.text,
                strip_tabs,
            });
            return Ok(());
        }
        if matches!(self.peek(), Some(b'>' | b'&' | b'|'))
            || (c == b'<' && self.peek() == Some(b'>'))
        {
            self.pos += 1;
        }
        self.redirect_target()
    }

    fn redirect_target(&mut self) -> Result<(), ShellError> {
        self.skip_blanks();
        match self.peek() {
            None | Some(b'\n' | b';' | b'&' | b'|' | b')') => Ok(()),
            _ => {
                let mut word = self.lex_word()?;
                if self.mode == Mode::Normal {
                    word.redirect = true;
                    self.words.push(word);
                }
                Ok(())
            }
        }
    }

    fn skip_heredoc_bodies(&mut self) {
        let pending = std::mem::take(&mut self.heredocs);
        for doc in pending {
            loop {
                if self.pos >= self.src.len() {
                    return;
                }
                let start = self.pos;
                let end = memchr_newline(self.src, start);
                self.pos = (end + 1).min(self.src.len());
                let line = self.text.get(start..end).unwrap_or("");
                let line = line.strip_suffix('\r').unwrap_or(line);
                let line = if doc.strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                if line == doc.delimiter {
                    break;
                }
            }
        }
    }

    fn push_word(&mut self, word: Word) {
        let at_start = self.command_start();
        let keyword = !word.quoted && word.literal;
        match self.mode {
            Mode::LoopHeader => {
                if keyword && word.text == "do" {
                    if self.blocks.last() == Some(&Block::LoopCondition) {
                        self.blocks.pop();
                    }
                    self.open(Block::Loop);
                    self.mode = Mode::Normal;
                }
                return;
            }
            Mode::CaseHeader => {
                if keyword && word.text == "in" {
                    self.mode = Mode::CasePattern;
                }
                return;
            }
            Mode::CasePattern => {
                if keyword && word.text == "esac" {
                    self.close(&[Block::Case], word.offset);
                    self.case_depth = self.case_depth.saturating_sub(1);
                    self.mode = Mode::Normal;
                }
                return;
            }
            Mode::DoubleBracket => {
                if keyword && word.text == "]]" {
                    self.mode = Mode::Normal;
                }
                return;
            }
            Mode::SingleBracket => {
                if keyword && word.text == "]" {
                    self.mode = Mode::Normal;
                }
                return;
            }
            Mode::FunctionName => {
                self.mode = Mode::Normal;
                return;
            }
            Mode::Normal => {}
        }
        if at_start && keyword {
            if matches!(
                word.text.as_str(),
                "if" | "then"
                    | "else"
                    | "elif"
                    | "fi"
                    | "do"
                    | "done"
                    | "while"
                    | "until"
                    | "{"
                    | "}"
                    | "!"
                    | "time"
                    | "esac"
                    | "for"
                    | "select"
                    | "case"
                    | "[["
                    | "["
                    | "function"
                    | "coproc"
            ) {
                self.stmt_compound = true;
            }
            match word.text.as_str() {
                "if" => {
                    self.open(Block::If);
                    return;
                }
                "then" | "else" | "elif" => {
                    if self.blocks.last() != Some(&Block::If) {
                        self.unbalanced.get_or_insert(word.offset - self.base);
                    }
                    return;
                }
                "fi" => {
                    self.close(&[Block::If], word.offset);
                    return;
                }
                "while" | "until" => {
                    self.open(Block::LoopCondition);
                    return;
                }
                "do" => {
                    if self.blocks.last() == Some(&Block::LoopCondition) {
                        self.blocks.pop();
                        self.open(Block::Loop);
                    } else {
                        self.unbalanced.get_or_insert(word.offset - self.base);
                    }
                    return;
                }
                "done" => {
                    self.close(&[Block::Loop], word.offset);
                    return;
                }
                "{" => {
                    self.open(Block::Brace);
                    return;
                }
                "}" => {
                    self.close(&[Block::Brace], word.offset);
                    return;
                }
                "!" | "time" => return,
                "esac" => {
                    self.close(&[Block::Case], word.offset);
                    self.case_depth = self.case_depth.saturating_sub(1);
                    return;
                }
                "for" | "select" => {
                    self.open(Block::LoopCondition);
                    self.mode = Mode::LoopHeader;
                    return;
                }
                "case" => {
                    self.open(Block::Case);
                    self.case_depth += 1;
                    self.mode = Mode::CaseHeader;
                    return;
                }
                "[[" => {
                    self.mode = Mode::DoubleBracket;
                    return;
                }
                "[" => {
                    self.mode = Mode::SingleBracket;
                    return;
                }
                // `coproc cmd args` runs `cmd` (ShellCheck's `T_CoProc`).
                "coproc" => return,
                "function" => {
                    self.mode = Mode::FunctionName;
                    return;
                }
                _ => {}
            }
        }
        if at_start && is_assignment(word.bare_prefix()) {
            return;
        }
        self.command_words += 1;
        self.words.push(word);
    }

    fn open(&mut self, block: Block) {
        // Deeper nesting than this is not tracked (and not rejected).
        if self.blocks.len() < 4096 {
            self.blocks.push(block);
        }
    }

    fn close(&mut self, expected: &[Block], offset: usize) {
        match self.blocks.last() {
            Some(b) if expected.contains(b) => {
                self.blocks.pop();
            }
            _ => {
                self.unbalanced
                    .get_or_insert(offset.saturating_sub(self.base));
            }
        }
    }

    /// True when no command word has been seen yet in the current simple command.
    fn command_start(&self) -> bool {
        self.command_words == 0
    }

    fn separator(&mut self) {
        self.finish_command();
        if self.mode == Mode::SingleBracket {
            // `[ ... ` without its `]`.
            self.mode = Mode::Normal;
        }
        if self.mode == Mode::LoopHeader {
            // `for x in a b; do` — the header ends at the separator, `do` follows.
            self.mode = Mode::Normal;
        }
    }

    /// Ends a statement (at `;`, a newline, `&` or the end of the script) for
    /// [`Output::render`].
    fn end_statement(&mut self) {
        if self.depth > 0 && self.stmt_commands == 1 && !self.stmt_compound {
            self.out.render.push_str(&self.stmt_words);
        }
        self.stmt_words.clear();
        self.stmt_commands = 0;
        self.stmt_compound = false;
    }

    fn finish_command(&mut self) {
        let words = std::mem::take(&mut self.words);
        self.command_words = 0;
        if self.depth > 0 && words.iter().any(|w| !w.redirect) {
            self.stmt_commands += 1;
            for w in words.iter().filter(|w| !w.redirect) {
                self.stmt_words.push_str(&w.text);
            }
        }
        let mut parts = words.into_iter().filter(|w| !w.redirect);
        if let Some(first) = parts.next()
            && first.literal
        {
            let rest: Vec<Word> = parts.collect();
            let (name, offset) = match effective_command(&first.text, &rest) {
                None => (Some(first.text), first.offset),
                Some(w) => (w.literal.then(|| w.text.clone()), w.offset),
            };
            if let Some(name) = name {
                let arguments: Vec<CmdPart> = rest
                    .into_iter()
                    .enumerate()
                    .map(|(id, w)| CmdPart {
                        arg: w.text,
                        id,
                        offset: w.offset,
                    })
                    .collect();
                self.out
                    .commands
                    .push(Command::new(name, arguments, offset));
            }
        }
        self.out.commands.append(&mut self.nested);
    }

    /// Lexes one word starting at the cursor.
    fn lex_word(&mut self) -> Result<Word, ShellError> {
        let mut word = Word {
            offset: self.base + self.pos,
            literal: true,
            ..Word::default()
        };
        let mut bare = true;
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b')' => break,
                b'\r' if matches!(self.peek_at(1), Some(b'\n') | None) => break,
                b'<' | b'>' => {
                    if self.peek_at(1) == Some(b'(') {
                        self.pos += 2;
                        let _ = self.substitution(self.pos, b')')?;
                        word.literal = false;
                        bare = false;
                    } else {
                        break;
                    }
                }
                b'(' => {
                    if word.bare_prefix().ends_with('=') && is_assignment(word.bare_prefix()) {
                        // Array assignment `name=(a b c)`.
                        let start = self.pos + 1;
                        let end = find_close_paren(self.src, start, self.depth)
                            .ok_or_else(|| self.err("unterminated array assignment"))?;
                        word.text.push_str(self.text.get(start..end).unwrap_or(""));
                        self.pos = end + 1;
                        bare = false;
                    } else if word.text.is_empty() || self.peek_at(1) == Some(b')') {
                        break;
                    } else {
                        // Extended glob such as `@(a|b)`: keep it literal.
                        let start = self.pos;
                        let end = find_close_paren(self.src, start + 1, self.depth)
                            .ok_or_else(|| self.err("unterminated `(`"))?;
                        word.text.push_str(self.text.get(start..=end).unwrap_or(""));
                        self.pos = end + 1;
                    }
                }
                b'\\' => match self.peek_at(1) {
                    Some(b'\n') => self.pos += 2,
                    Some(_) => {
                        let ch = self.char_at(self.pos + 1);
                        word.text.push(ch);
                        self.pos += 1 + ch.len_utf8();
                        bare = false;
                    }
                    None => {
                        self.pos += 1;
                    }
                },
                b'\'' => {
                    let start = self.pos + 1;
                    let end = find_byte(self.src, start, b'\'')
                        .ok_or_else(|| self.err("unterminated single-quoted string"))?;
                    word.text.push_str(self.text.get(start..end).unwrap_or(""));
                    word.quoted = true;
                    self.pos = end + 1;
                    bare = false;
                }
                b'"' => {
                    self.pos += 1;
                    self.double_quoted(&mut word)?;
                    word.quoted = true;
                    bare = false;
                }
                b'`' => {
                    let start = self.pos + 1;
                    let end = find_backtick(self.src, start)
                        .ok_or_else(|| self.err("unterminated backtick"))?;
                    self.nested_parse(start, end);
                    self.pos = end + 1;
                    word.text.push_str("${VAR}");
                    word.literal = false;
                    bare = false;
                }
                b'$' => {
                    if self.dollar(&mut word)? {
                        bare = false;
                    } else if bare {
                        word.bare_len = word.text.len();
                    }
                }
                _ => {
                    let ch = self.char_at(self.pos);
                    word.text.push(ch);
                    if bare {
                        word.bare_len = word.text.len();
                    }
                    self.pos += ch.len_utf8();
                }
            }
        }
        Ok(word)
    }

    fn char_at(&self, i: usize) -> char {
        self.text
            .get(i..)
            .and_then(|s| s.chars().next())
            .unwrap_or('\u{fffd}')
    }

    /// Handles `$...` at the cursor; returns true when it was an expansion (not a literal `$`).
    fn dollar(&mut self, word: &mut Word) -> Result<bool, ShellError> {
        match self.peek_at(1) {
            Some(b'(') => {
                if self.peek_at(2) == Some(b'(') {
                    let start = self.pos + 3;
                    let end = find_close_paren(self.src, start, self.depth)
                        .ok_or_else(|| self.err("unterminated `$((`"))?;
                    self.pos = end + 1;
                    if self.peek() == Some(b')') {
                        self.pos += 1;
                    }
                    word.text.push_str("${VAR}");
                } else {
                    self.pos += 2;
                    let render = self.substitution(self.pos, b')')?;
                    word.text.push_str("${");
                    word.text.push_str(&render);
                    word.text.push('}');
                }
                word.literal = false;
                Ok(true)
            }
            Some(b'{') => {
                let start = self.pos + 2;
                let end = find_close_brace(self.src, start, self.depth)
                    .ok_or_else(|| self.err("unterminated `${`"))?;
                self.pos = end + 1;
                word.text.push_str("${");
                word.text.push_str(self.text.get(start..end).unwrap_or(""));
                word.text.push('}');
                word.literal = false;
                Ok(true)
            }
            Some(b'\'') => {
                // ANSI-C quoting: `$'...'`.
                let start = self.pos + 2;
                let mut i = start;
                loop {
                    match self.src.get(i) {
                        None => return Err(self.err("unterminated `$'` string")),
                        Some(b'\\') => i += 2,
                        Some(b'\'') => break,
                        Some(_) => i += 1,
                    }
                }
                word.text.push_str(self.text.get(start..i).unwrap_or(""));
                word.quoted = true;
                self.pos = i + 1;
                Ok(true)
            }
            Some(b'"') => {
                self.pos += 2;
                self.double_quoted(word)?;
                word.quoted = true;
                Ok(true)
            }
            Some(c) if c == b'_' || c.is_ascii_alphabetic() => {
                let start = self.pos + 1;
                self.pos += 1;
                while matches!(self.peek(), Some(c) if c == b'_' || c.is_ascii_alphanumeric()) {
                    self.pos += 1;
                }
                word.text.push_str("${");
                word.text
                    .push_str(self.text.get(start..self.pos).unwrap_or(""));
                word.text.push('}');
                word.literal = false;
                Ok(true)
            }
            Some(c @ (b'0'..=b'9' | b'@' | b'*' | b'#' | b'?' | b'$' | b'!' | b'-')) => {
                self.pos += 2;
                word.text.push_str("${");
                word.text.push(c as char);
                word.text.push('}');
                word.literal = false;
                Ok(true)
            }
            _ => {
                word.text.push('$');
                self.pos += 1;
                Ok(false)
            }
        }
    }

    /// Parses a `$(`/`<(` body that starts at `start` (just after the opening parenthesis);
    /// returns its [`Output::render`].
    fn substitution(&mut self, start: usize, _close: u8) -> Result<String, ShellError> {
        let end = find_close_paren(self.src, start, self.depth)
            .ok_or_else(|| self.err("unterminated command substitution"))?;
        let render = self.nested_parse(start, end);
        self.pos = end + 1;
        Ok(render)
    }

    fn nested_parse(&mut self, start: usize, end: usize) -> String {
        if self.depth >= MAX_DEPTH {
            return String::new();
        }
        let Some(inner) = self.text.get(start..end) else {
            return String::new();
        };
        let lexer = Lexer::new(inner, self.base + start, self.depth + 1);
        // A substitution that does not parse contributes no commands, like ShellCheck.
        match lexer.run() {
            Ok(mut out) => {
                self.nested.append(&mut out.commands);
                self.out.pipes.append(&mut out.pipes);
                out.render
            }
            Err(_) => String::new(),
        }
    }

    fn double_quoted(&mut self, word: &mut Word) -> Result<(), ShellError> {
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("unterminated double-quoted string"));
            };
            match c {
                b'"' => {
                    self.pos += 1;
                    return Ok(());
                }
                b'\\' => match self.peek_at(1) {
                    Some(b'\n') => self.pos += 2,
                    Some(n @ (b'$' | b'`' | b'"' | b'\\')) => {
                        word.text.push(n as char);
                        self.pos += 2;
                    }
                    _ => {
                        word.text.push('\\');
                        self.pos += 1;
                    }
                },
                b'$' => {
                    if self.peek_at(1) == Some(b'\'') || self.peek_at(1) == Some(b'"') {
                        word.text.push('$');
                        self.pos += 1;
                    } else {
                        self.dollar(word)?;
                    }
                }
                b'`' => {
                    let start = self.pos + 1;
                    let end = find_backtick(self.src, start)
                        .ok_or_else(|| self.err("unterminated backtick"))?;
                    self.nested_parse(start, end);
                    self.pos = end + 1;
                    word.text.push_str("${VAR}");
                    word.literal = false;
                }
                _ => {
                    let ch = self.char_at(self.pos);
                    word.text.push(ch);
                    self.pos += ch.len_utf8();
                }
            }
        }
    }
}

/// ShellCheck's `getEffectiveCommandToken`: the word that names the command a prefix runs
/// (`command apt-get ...`, `exec -a name make`); `None` when `name` is no such prefix or has no
/// command after it (the prefix itself is then the command). The arguments stay all the words
/// after the prefix, as in Hadolint.
fn effective_command<'w>(name: &str, rest: &'w [Word]) -> Option<&'w Word> {
    match name {
        "busybox" | "builtin" | "command" | "run" => {
            rest.first().filter(|w| !w.text.starts_with('-'))
        }
        "exec" => {
            // BSD-style options `-c`, `-l`, `-a NAME`, then the command.
            let mut i = 0;
            while let Some(w) = rest.get(i) {
                if w.text == "--" {
                    return rest.get(i + 1);
                }
                let Some(opts) = w.text.strip_prefix('-').filter(|o| !o.is_empty()) else {
                    return Some(w);
                };
                for (j, c) in opts.char_indices() {
                    match c {
                        'c' | 'l' => {}
                        'a' => {
                            if j + 1 == opts.len() {
                                i += 1;
                            }
                            break;
                        }
                        _ => return None,
                    }
                }
                i += 1;
            }
            None
        }
        _ => None,
    }
}

fn memchr_newline(src: &[u8], start: usize) -> usize {
    src.get(start..)
        .and_then(|s| s.iter().position(|&b| b == b'\n'))
        .map_or(src.len(), |p| start + p)
}

fn find_byte(src: &[u8], start: usize, needle: u8) -> Option<usize> {
    src.get(start..)?
        .iter()
        .position(|&b| b == needle)
        .map(|p| start + p)
}

fn find_backtick(src: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    loop {
        match src.get(i)? {
            b'\\' => i += 2,
            b'`' => return Some(i),
            _ => i += 1,
        }
    }
}

/// Index of the `"` closing a double-quoted string whose body starts at `start`.
fn skip_dquote(src: &[u8], start: usize, depth: usize) -> Option<usize> {
    let mut i = start;
    loop {
        match src.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i),
            b'`' => i = find_backtick(src, i + 1)? + 1,
            b'$' if src.get(i + 1) == Some(&b'(') && depth < MAX_DEPTH => {
                i = find_close_paren(src, i + 2, depth + 1)? + 1;
            }
            b'$' if src.get(i + 1) == Some(&b'{') && depth < MAX_DEPTH => {
                i = find_close_brace(src, i + 2, depth + 1)? + 1;
            }
            _ => i += 1,
        }
    }
}

/// Index of the `)` that closes a parenthesis whose body starts at `start`.
pub(crate) fn find_close_paren(src: &[u8], start: usize, depth: usize) -> Option<usize> {
    let mut level = 1usize;
    let mut i = start;
    let mut word_start = true;
    loop {
        let c = *src.get(i)?;
        match c {
            b'\\' => {
                i += 2;
                word_start = false;
                continue;
            }
            b'\'' => i = find_byte(src, i + 1, b'\'')?,
            b'"' => i = skip_dquote(src, i + 1, depth)?,
            b'`' => i = find_backtick(src, i + 1)?,
            b'#' if word_start => {
                i = memchr_newline(src, i);
                continue;
            }
            b'(' => level += 1,
            b')' => {
                level -= 1;
                if level == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        word_start = matches!(c, b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(');
        i += 1;
    }
}

/// Index of the `}` that closes a `${` whose body starts at `start`.
fn find_close_brace(src: &[u8], start: usize, depth: usize) -> Option<usize> {
    let mut level = 1usize;
    let mut i = start;
    loop {
        match *src.get(i)? {
            b'\\' => i += 1,
            b'\'' => i = find_byte(src, i + 1, b'\'')?,
            b'"' => i = skip_dquote(src, i + 1, depth)?,
            b'$' if src.get(i + 1) == Some(&b'(') && depth < MAX_DEPTH => {
                i = find_close_paren(src, i + 2, depth + 1)?;
            }
            b'{' => level += 1,
            b'}' => {
                level -= 1;
                if level == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// `name=`, `name+=` or `name[index]=` at the start of an unquoted word.
fn is_assignment(prefix: &str) -> bool {
    let Some(eq) = prefix.find('=') else {
        return false;
    };
    let name = prefix.get(..eq).unwrap_or("");
    let name = name.strip_suffix('+').unwrap_or(name);
    let name = match name.find('[') {
        Some(b) if name.ends_with(']') => name.get(..b).unwrap_or(""),
        _ => name,
    };
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}
