//! Renderers: the same [`Report`] as human table, JSON, SARIF, checkstyle or GitLab Code Quality.

mod checkstyle;
mod gitlab;
mod html;
mod json;
mod sarif;
mod table;

use std::io::{self, Write};
use std::path::PathBuf;
use std::str::FromStr;

use crate::{ArtifactKind, Location, Report};

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
    /// One self-contained HTML page (summary, charts, sortable tables; no network fetches).
    Html,
}

impl Format {
    /// Every format with its flag name.
    pub const ALL: [(&'static str, Self); 6] = [
        ("table", Self::Table),
        ("json", Self::Json),
        ("sarif", Self::Sarif),
        ("checkstyle", Self::Checkstyle),
        ("gitlab", Self::Gitlab),
        ("html", Self::Html),
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
                format!(
                    "unknown format `{s}` (expected table, json, sarif, checkstyle, gitlab or html)"
                )
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
    /// Columns the table may use (the terminal's width, `COLUMNS`); `None`: 120.
    pub width: Option<usize>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            color: false,
            tool_name: "bulwark".to_string(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            base_dir: std::env::current_dir().unwrap_or_default(),
            width: None,
        }
    }
}

pub use table::DEFAULT_WIDTH;

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
        Format::Checkstyle => checkstyle::render(report, opts, out),
        Format::Gitlab => gitlab::render(report, opts, out),
        Format::Html => html::render(report, opts, out),
    }
}

/// The base a machine-format path is relative to (SARIF `uriBaseId`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[allow(clippy::enum_variant_names)] // the SARIF base IDs are all roots
pub(crate) enum Base {
    /// The working directory (`%SRCROOT%`).
    SrcRoot,
    /// The host's root directory, for host files outside the working directory (`FSROOT`).
    FsRoot,
    /// The scanned directory of `bulwark fs DIR` / `rootfs DIR` (`SCANROOT`).
    ScanRoot,
    /// The scanned image's file system (`IMAGEROOT`).
    ImageRoot,
}

impl Base {
    pub(crate) const fn id(self) -> &'static str {
        match self {
            Self::SrcRoot => "%SRCROOT%",
            Self::FsRoot => "FSROOT",
            Self::ScanRoot => "SCANROOT",
            Self::ImageRoot => "IMAGEROOT",
        }
    }
}

/// A location's path for machine formats: never absolute, never empty, never containing `..`
/// (GitHub code scanning rejects such URIs), with the base it is relative to.
///
/// * inside an image: the in-image path without its leading `/` (the image's name for
///   findings about the image as a whole);
/// * inside a scanned directory: the path relative to that directory;
/// * a host file: relative to the working directory when it is below it, else its absolute
///   path without the leading `/` under [`Base::FsRoot`]; stdin is `stdin`.
pub(crate) fn machine_path(loc: &Location, base_dir: &std::path::Path) -> (String, Base) {
    if let Some(a) = &loc.artifact {
        let base = match a.kind {
            ArtifactKind::Image => Base::ImageRoot,
            ArtifactKind::Directory => Base::ScanRoot,
        };
        let rel = inner_path(&loc.path);
        return if rel.is_empty() {
            (a.name.clone(), base)
        } else {
            (rel, base)
        };
    }
    if loc.path.is_empty() || loc.path == "-" {
        return ("stdin".to_string(), Base::SrcRoot);
    }
    let rel = relative_uri_path(&loc.path, base_dir);
    if rel == ".." || rel.starts_with("../") {
        let abs = normalize(&base_dir.join(&loc.path));
        (inner_path(&abs.to_string_lossy()), Base::FsRoot)
    } else {
        (rel, Base::SrcRoot)
    }
}

/// `path` as a relative path inside a root: `.` and `..` resolved without climbing above the
/// root, no leading `/`, `/` separators.
pub(crate) fn inner_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// The absolute directory a [`Base::ScanRoot`] stands for, as a `file://` URI ending in `/`.
pub(crate) fn dir_uri(dir: &str, base_dir: &std::path::Path) -> String {
    let abs = normalize(&base_dir.join(dir));
    let text = abs.to_string_lossy();
    format!("file://{}/", uri_encode(text.trim_end_matches('/')))
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

/// Percent-encodes what a URI path may not contain (RFC 3986 `pchar` plus `/`). `:` is encoded
/// too: in a relative reference a colon in the first segment would read as a scheme
/// (`alpine:3.20` → `alpine%3A3.20`).
pub(crate) fn uri_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b) {
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
        assert_eq!(uri_encode("alpine:3.20"), "alpine%3A3.20");
    }

    #[test]
    fn machine_paths_never_climb() {
        use crate::{Artifact, ArtifactKind};
        let base = Path::new("/work/proj");
        let image = |p: &str| Location {
            path: p.into(),
            artifact: Some(Artifact {
                kind: ArtifactKind::Image,
                name: "app:1".into(),
            }),
            ..Location::default()
        };
        assert_eq!(
            machine_path(&image("app/build/key.pem"), base),
            ("app/build/key.pem".into(), Base::ImageRoot)
        );
        assert_eq!(
            machine_path(&image("/../../etc/passwd"), base),
            ("etc/passwd".into(), Base::ImageRoot)
        );
        assert_eq!(
            machine_path(&image(""), base),
            ("app:1".into(), Base::ImageRoot)
        );
        let dir = Location {
            path: "sub/package-lock.json".into(),
            artifact: Some(Artifact {
                kind: ArtifactKind::Directory,
                name: "../../src".into(),
            }),
            ..Location::default()
        };
        assert_eq!(
            machine_path(&dir, base),
            ("sub/package-lock.json".into(), Base::ScanRoot)
        );
        assert_eq!(dir_uri("../../src", base), "file:///src/");
        assert_eq!(
            machine_path(&Location::file("/etc/x/Dockerfile"), base),
            ("etc/x/Dockerfile".into(), Base::FsRoot)
        );
        assert_eq!(
            machine_path(&Location::file("../other/Dockerfile"), base),
            ("work/other/Dockerfile".into(), Base::FsRoot)
        );
        assert_eq!(
            machine_path(&Location::file("a/Dockerfile"), base),
            ("a/Dockerfile".into(), Base::SrcRoot)
        );
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
