//! Renderers: the same [`Report`] as human table, JSON, SARIF, checkstyle or GitLab Code Quality.

mod checkstyle;
mod gitlab;
mod json;
mod sarif;
mod table;

use std::io::{self, Write};
use std::path::PathBuf;
use std::str::FromStr;

use crate::Report;

/// Output formats every command offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Human-readable, grouped by file; coloured on terminals.
    Table,
    /// Bulwark's JSON (schema documented in `docs/json-output.md`).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning and editors.
    Sarif,
    /// Checkstyle XML for Jenkins and other CI tools.
    Checkstyle,
    /// GitLab Code Quality JSON.
    Gitlab,
}

impl Format {
    /// Every format with its flag name.
    pub const ALL: [(&'static str, Self); 5] = [
        ("table", Self::Table),
        ("json", Self::Json),
        ("sarif", Self::Sarif),
        ("checkstyle", Self::Checkstyle),
        ("gitlab", Self::Gitlab),
    ];
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // `tty` is Hadolint's name for its human format; `codeclimate`/`gitlab_codeclimate` too.
        let s = s.to_ascii_lowercase();
        match s.as_str() {
            "tty" => return Ok(Self::Table),
            "codeclimate" | "gitlab_codeclimate" | "gitlab-codeclimate" => return Ok(Self::Gitlab),
            _ => {}
        }
        Self::ALL
            .iter()
            .find(|(name, _)| *name == s)
            .map(|(_, f)| *f)
            .ok_or_else(|| {
                format!("unknown format `{s}` (expected table, json, sarif, checkstyle or gitlab)")
            })
    }
}

/// Settings that renderers share.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Use ANSI colours (table only). The caller decides from `--no-color`, `NO_COLOR` and
    /// whether the output is a terminal.
    pub color: bool,
    /// Tool name for machine formats.
    pub tool_name: String,
    /// Tool version for machine formats.
    pub tool_version: String,
    /// Directory that SARIF/GitLab paths are made relative to (the working directory).
    pub base_dir: PathBuf,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            color: false,
            tool_name: "bulwark".to_string(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            base_dir: std::env::current_dir().unwrap_or_default(),
        }
    }
}

/// Writes `report` in `format` to `out`.
pub fn render(
    report: &Report,
    format: Format,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => table::render(report, opts, out),
        Format::Json => json::render(report, opts, out),
        Format::Sarif => sarif::render(report, opts, out),
        Format::Checkstyle => checkstyle::render(report, out),
        Format::Gitlab => gitlab::render(report, opts, out),
    }
}

/// A path as machine formats want it: relative to `base` with `/` separators, never empty and
/// never absolute (GitHub code scanning rejects both). Stdin (`-`) becomes `stdin`.
pub(crate) fn relative_uri_path(path: &str, base: &std::path::Path) -> String {
    if path.is_empty() || path == "-" {
        return "stdin".to_string();
    }
    let p = normalize(std::path::Path::new(path));
    let rel: PathBuf = if p.is_absolute() {
        relative_to(&p, &normalize(base))
    } else {
        p
    };
    let s = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .filter(|c| c != ".")
        .collect::<Vec<_>>()
        .join("/");
    if s.is_empty() { ".".to_string() } else { s }
}

/// Resolves `.` and `..` lexically (no file-system access: the path may not exist).
fn normalize(path: &std::path::Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    out.iter().map(|c| c.as_os_str()).collect()
}

fn relative_to(path: &std::path::Path, base: &std::path::Path) -> PathBuf {
    use std::path::Component;
    let p: Vec<Component<'_>> = path.components().collect();
    let b: Vec<Component<'_>> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in p.iter().skip(common) {
        if !matches!(c, Component::RootDir | Component::Prefix(_)) {
            out.push(c.as_os_str());
        }
    }
    out
}

/// Percent-encodes what a URI path may not contain (RFC 3986 `pchar` plus `/`).
pub(crate) fn uri_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn relative_paths_are_never_absolute_or_empty() {
        let base = Path::new("/work/proj");
        assert_eq!(
            relative_uri_path("/work/proj/a/Dockerfile", base),
            "a/Dockerfile"
        );
        assert_eq!(
            relative_uri_path("/work/other/Dockerfile", base),
            "../other/Dockerfile"
        );
        assert_eq!(relative_uri_path("./Dockerfile", base), "Dockerfile");
        assert_eq!(
            relative_uri_path("/work/proj/x/../Dockerfile", base),
            "Dockerfile"
        );
        assert_eq!(relative_uri_path("a/./b/../c", base), "a/c");
        assert_eq!(
            relative_uri_path("Dockerfile", Path::new("/work/proj/sub/..")),
            "Dockerfile"
        );
        assert_eq!(relative_uri_path("-", base), "stdin");
        assert_eq!(relative_uri_path("", base), "stdin");
        assert_eq!(uri_encode("a b/ü.txt"), "a%20b/%C3%BC.txt");
    }

    #[test]
    fn formats_parse_with_hadolint_aliases() {
        assert_eq!("tty".parse::<Format>().unwrap(), Format::Table);
        assert_eq!("SARIF".parse::<Format>().unwrap(), Format::Sarif);
        assert_eq!(
            "gitlab_codeclimate".parse::<Format>().unwrap(),
            Format::Gitlab
        );
        assert!("xml".parse::<Format>().is_err());
    }
}
