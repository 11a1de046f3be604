//! Shell analysis for Dockerfile `RUN` instructions.
//!
//! [`parse_shell`] turns a shell script into the list of simple commands it runs — across `&&`,
//! `||`, `;`, `|`, subshells, `if`/`for`/`while`/`case` bodies, `$(...)` and backticks — each with
//! its name, its arguments and its flags, plus the positions of the pipes. The helpers mirror
//! Hadolint's `Hadolint.Shell` module (`findCommandNames`, `cmdHasArgs`, `hasFlag`,
//! `getArgsNoFlags`, `dropFlagArg`, `getFlagArg`, `usingProgram`, `isPipInstall`, ...) so the
//! Dockerfile rules can be ported one to one.
//!
//! Words are rendered like Hadolint's `simplify` (a variant of ShellCheck's `oversimplify` that
//! keeps variable names): quotes are removed, `$NAME` and `${NAME...}` become `${NAME}` and
//! `${NAME...}`, `$(cmd arg)` becomes `${cmdarg}` (the words of a single simple command,
//! concatenated; anything more complex renders as `${}`), and backticks and arithmetic become
//! `${VAR}`.
//! A command whose name is not a literal (`$CMD arg`) is not listed, as in ShellCheck.
//! A script with a syntax error (an unterminated quote or substitution) yields no commands and
//! carries the error, because ShellCheck yields no syntax tree in that case either.
//!
//! The parser never panics and runs in time linear in the input (nesting is depth-limited).

mod lexer;

use std::fmt;

/// One argument of a command: its rendered text, its index among the arguments, and its byte
/// offset in the parsed script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CmdPart {
    /// The argument as ShellCheck's `oversimplify` renders it.
    pub arg: String,
    /// Index among the command's arguments (0 = first argument after the name).
    pub id: usize,
    /// Byte offset of the word in the script given to [`parse_shell`].
    pub offset: usize,
}

/// A simple command: name, arguments and the flags found among the arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The command name as written (`apt-get`, `/usr/bin/pip3`, `sudo`).
    pub name: String,
    /// Every word after the name (redirections and their targets excluded).
    pub arguments: Vec<CmdPart>,
    /// Flags derived from the arguments like Hadolint's `getAllFlags`: `--name=value` gives
    /// `name`, `-abc` gives `a`, `b` and `c`; `-` and `--` are not flags.
    pub flags: Vec<CmdPart>,
    /// Byte offset of the command name in the script.
    pub offset: usize,
}

/// Commands that run another command given as their arguments (`sudo apt-get ...`).
const WRAPPERS: &[&str] = &[
    "sudo",
    "doas",
    "env",
    "xargs",
    "nice",
    "nohup",
    "time",
    "exec",
    "command",
    "builtin",
    "stdbuf",
    "timeout",
    "chroot",
    "su-exec",
    "gosu",
    "setsid",
    "ionice",
    "strace",
    "eatmydata",
];

impl Command {
    /// Builds a command and derives its flags.
    #[must_use]
    pub fn new(name: String, arguments: Vec<CmdPart>, offset: usize) -> Self {
        let flags = all_flags(&arguments);
        Self {
            name,
            arguments,
            flags,
            offset,
        }
    }

    /// The argument texts.
    #[must_use]
    pub fn args(&self) -> Vec<&str> {
        self.arguments.iter().map(|p| p.arg.as_str()).collect()
    }

    /// True when the name is `name` and any argument is one of `args` (Hadolint `cmdHasArgs`).
    #[must_use]
    pub fn has_args(&self, name: &str, args: &[&str]) -> bool {
        self.name == name
            && self
                .arguments
                .iter()
                .any(|a| args.contains(&a.arg.as_str()))
    }

    /// Like [`Command::has_args`] for any of several names (Hadolint `cmdsHaveArgs`).
    #[must_use]
    pub fn names_have_args(&self, names: &[&str], args: &[&str]) -> bool {
        names.iter().any(|n| self.has_args(n, args))
    }

    /// True when the name is `name` and an argument starts with `prefix` (`cmdHasPrefixArg`).
    #[must_use]
    pub fn has_prefix_arg(&self, name: &str, prefix: &str) -> bool {
        self.name == name && self.arguments.iter().any(|a| a.arg.starts_with(prefix))
    }

    /// True when `flag` (without dashes) is among the flags (`hasFlag`).
    #[must_use]
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f.arg == flag)
    }

    /// How many times `flag` (without dashes) is given (`countFlag`): `-qq` counts `q` twice.
    #[must_use]
    pub fn count_flag(&self, flag: &str) -> usize {
        self.flags.iter().filter(|f| f.arg == flag).count()
    }

    /// True when any of `flags` is present (`hasAnyFlag`).
    #[must_use]
    pub fn has_any_flag(&self, flags: &[&str]) -> bool {
        self.flags.iter().any(|f| flags.contains(&f.arg.as_str()))
    }

    /// True when an argument equals `arg` exactly (`hasArg`).
    #[must_use]
    pub fn has_arg(&self, arg: &str) -> bool {
        self.arguments.iter().any(|a| a.arg == arg)
    }

    /// The arguments that are not flags (`getArgsNoFlags`).
    #[must_use]
    pub fn args_no_flags(&self) -> Vec<&str> {
        self.arguments
            .iter()
            .filter(|a| !self.flags.iter().any(|f| f.id == a.id))
            .map(|a| a.arg.as_str())
            .collect()
    }

    /// A copy without the argument that follows each of `flags` (`dropFlagArg`), so that
    /// `apt-get install -t buster foo` lists only `foo` as a package. A flag written with its
    /// value (`--target-release=buster`) takes no argument.
    #[must_use]
    pub fn drop_flag_arg(&self, flags: &[&str]) -> Self {
        let inline = |id: usize| {
            self.arguments
                .iter()
                .any(|a| a.id == id && a.arg.contains('='))
        };
        let drop: Vec<usize> = self
            .flags
            .iter()
            .filter(|f| flags.contains(&f.arg.as_str()) && !inline(f.id))
            .filter_map(|f| self.value_id(f.id))
            .collect();
        Self {
            name: self.name.clone(),
            arguments: self
                .arguments
                .iter()
                .filter(|a| !drop.contains(&a.id))
                .cloned()
                .collect(),
            flags: self.flags.clone(),
            offset: self.offset,
        }
    }

    /// The values given to `flag` (`getFlagArg`): for `useradd -u 1000 app`, flag `u` gives
    /// `["1000"]`.
    #[must_use]
    pub fn flag_args(&self, flag: &str) -> Vec<&str> {
        let ids: Vec<usize> = self
            .flags
            .iter()
            .filter(|f| f.arg == flag)
            .filter_map(|f| self.value_id(f.id))
            .collect();
        self.arguments
            .iter()
            .filter(|a| ids.contains(&a.id))
            .map(|a| a.arg.as_str())
            .collect()
    }

    fn value_id(&self, flag_id: usize) -> Option<usize> {
        self.arguments
            .iter()
            .map(|a| a.id)
            .filter(|&id| id > flag_id)
            .min()
    }

    /// True for `pip* install ...` (but not `pipenv* install`) and `python* -m pip install ...`
    /// (Hadolint `isPipInstall`).
    #[must_use]
    pub fn is_pip_install(&self) -> bool {
        if !self.name.starts_with("pip") && !self.name.starts_with("python") {
            return false;
        }
        let args = self.args();
        (self.name.starts_with("pip")
            && !self.name.starts_with("pipenv")
            && args.contains(&"install"))
            || (self.name.starts_with("python")
                && args.windows(3).any(|w| w == ["-m", "pip", "install"]))
    }

    /// The file name part of the command name (`/usr/bin/bash` gives `bash`).
    #[must_use]
    pub fn basename(&self) -> &str {
        shell_basename(&self.name)
    }

    /// When this command is a wrapper (`sudo`, `env`, `xargs`, `nice`, `timeout`, ...), the
    /// command it runs, with the wrapper's own options and `VAR=value` pairs skipped; otherwise
    /// `None`. Hadolint's rules look at the wrapper itself; security rules look through it.
    #[must_use]
    pub fn unwrapped(&self) -> Option<Self> {
        if !WRAPPERS.contains(&self.basename()) {
            return None;
        }
        let takes_value: &[&str] = match self.basename() {
            "sudo" => &["-u", "-g", "-C", "-h", "-p", "-r", "-t", "-U", "-D"],
            "xargs" => &["-I", "-n", "-P", "-L", "-s", "-d", "-a", "-E"],
            "timeout" => &["-s", "-k", "--signal", "--kill-after"],
            "nice" => &["-n"],
            "env" => &["-u", "-C", "-S"],
            "stdbuf" => &["-i", "-o", "-e"],
            "ionice" => &["-c", "-n", "-p"],
            "strace" => &["-o", "-e", "-p", "-s"],
            _ => &[],
        };
        let mut i = 0;
        let args = &self.arguments;
        while let Some(a) = args.get(i) {
            let t = a.arg.as_str();
            if t == "--" {
                i += 1;
                break;
            }
            if t.starts_with('-') && t.len() > 1 {
                i += if takes_value.contains(&t) { 2 } else { 1 };
                continue;
            }
            if self.basename() == "env" && t.contains('=') {
                i += 1;
                continue;
            }
            if self.basename() == "timeout" && t.chars().next().is_some_and(|c| c.is_ascii_digit())
            {
                i += 1;
                continue;
            }
            if self.basename() == "chroot" && i == 0 {
                i += 1;
                continue;
            }
            if matches!(self.basename(), "gosu" | "su-exec") && i == 0 {
                i += 1;
                continue;
            }
            break;
        }
        let name_part = args.get(i)?;
        let rest: Vec<CmdPart> = args
            .iter()
            .skip(i + 1)
            .enumerate()
            .map(|(id, p)| CmdPart {
                arg: p.arg.clone(),
                id,
                offset: p.offset,
            })
            .collect();
        Some(Self::new(name_part.arg.clone(), rest, name_part.offset))
    }

    /// This command followed by the commands it wraps, innermost last
    /// (`sudo env X=1 apt-get` gives `sudo`, `env`, `apt-get`).
    #[must_use]
    pub fn with_wrapped(&self) -> Vec<Self> {
        let mut out = vec![self.clone()];
        while out.len() < 8 {
            let Some(inner) = out.last().and_then(Self::unwrapped) else {
                break;
            };
            out.push(inner);
        }
        out
    }
}

/// The file name part of a program path (`/bin/bash` gives `bash`).
#[must_use]
pub fn shell_basename(name: &str) -> &str {
    match name.rfind(['/', '\\']) {
        Some(i) => name.get(i + 1..).unwrap_or(name),
        None => name,
    }
}

/// Hadolint's `getAllFlags`.
fn all_flags(args: &[CmdPart]) -> Vec<CmdPart> {
    let mut flags = Vec::new();
    for part in args {
        let a = part.arg.as_str();
        if a == "-" || a == "--" {
            continue;
        }
        if let Some(long) = a.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or(long);
            flags.push(CmdPart {
                arg: name.to_string(),
                id: part.id,
                offset: part.offset,
            });
        } else if let Some(short) = a.strip_prefix('-') {
            for c in short.chars() {
                flags.push(CmdPart {
                    arg: c.to_string(),
                    id: part.id,
                    offset: part.offset,
                });
            }
        }
    }
    flags
}

/// Why a script could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellError {
    /// Byte offset of the problem in the script.
    pub offset: usize,
    /// What is wrong.
    pub message: &'static str,
}

impl fmt::Display for ShellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "shell syntax error at byte {}: {}",
            self.offset, self.message
        )
    }
}

impl std::error::Error for ShellError {}

/// A parsed script: the commands it runs and where its pipes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedShell {
    /// The script as given.
    pub original: String,
    /// Every simple command, in source order (a command before the commands nested in it).
    pub commands: Vec<Command>,
    /// Byte offsets of every `|` / `|&` pipe operator (not `||`).
    pub pipes: Vec<usize>,
    /// The syntax error, when the script did not parse (then `commands` is empty).
    pub error: Option<ShellError>,
}

/// Parses a shell script (the text of a shell-form `RUN`, or a heredoc body).
#[must_use]
pub fn parse_shell(script: &str) -> ParsedShell {
    match lexer::Lexer::new(script, 0, 0).run() {
        Ok(out) => ParsedShell {
            original: script.to_string(),
            commands: out.commands,
            pipes: out.pipes,
            error: None,
        },
        Err(error) => ParsedShell {
            original: script.to_string(),
            commands: Vec::new(),
            pipes: Vec::new(),
            error: Some(error),
        },
    }
}

impl ParsedShell {
    /// The names of all commands (`findCommandNames`).
    pub fn command_names(&self) -> impl Iterator<Item = &str> {
        self.commands.iter().map(|c| c.name.as_str())
    }

    /// True when a command named `program` runs (`usingProgram`).
    #[must_use]
    pub fn using_program(&self, program: &str) -> bool {
        self.commands.iter().any(|c| c.name == program)
    }

    /// True when the script contains a pipe (`hasPipes`).
    #[must_use]
    pub fn has_pipes(&self) -> bool {
        !self.pipes.is_empty()
    }

    /// True when every command satisfies `check` (`allCommands`).
    pub fn all_commands(&self, check: impl Fn(&Command) -> bool) -> bool {
        self.commands.iter().all(check)
    }

    /// True when no command satisfies `check` (`noCommands`).
    pub fn no_commands(&self, check: impl Fn(&Command) -> bool) -> bool {
        !self.commands.iter().any(check)
    }

    /// True when some command satisfies `check` (`anyCommands`).
    pub fn any_commands(&self, check: impl Fn(&Command) -> bool) -> bool {
        self.commands.iter().any(check)
    }

    /// Index of the first command satisfying `check` (`findCommandIndex`).
    pub fn find_command_index(&self, check: impl Fn(&Command) -> bool) -> Option<usize> {
        self.commands.iter().position(check)
    }

    /// Every command and, for wrappers such as `sudo` or `xargs`, the commands they run.
    #[must_use]
    pub fn commands_unwrapped(&self) -> Vec<Command> {
        self.commands
            .iter()
            .flat_map(Command::with_wrapped)
            .collect()
    }

    /// True when `check` holds for any command or any command run through a wrapper
    /// (`sudo`, `env`, `xargs`, ...). Only wrapper commands are unwrapped (copied), so this is as
    /// cheap as [`ParsedShell::any_commands`] for scripts without wrappers.
    pub fn any_command_unwrapped(&self, check: impl Fn(&Command) -> bool) -> bool {
        self.commands.iter().any(|c| {
            check(c)
                || (WRAPPERS.contains(&c.basename()) && c.with_wrapped().iter().skip(1).any(&check))
        })
    }

    /// The first `Some` that `f` gives for a command or a command run through a wrapper, in
    /// the order of [`ParsedShell::any_command_unwrapped`] (and as cheap: only wrappers are
    /// unwrapped).
    pub fn find_map_unwrapped<T>(&self, f: impl Fn(&Command) -> Option<T>) -> Option<T> {
        self.commands.iter().find_map(|c| {
            f(c).or_else(|| {
                if WRAPPERS.contains(&c.basename()) {
                    c.with_wrapped().iter().skip(1).find_map(&f)
                } else {
                    None
                }
            })
        })
    }
}

#[cfg(test)]
mod tests;
