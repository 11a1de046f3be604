//! The finding model shared by every scanner (Dockerfile, Kubernetes, image, secrets, signing).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How serious a finding is.
///
/// Two families live side by side: lint levels (`error`, `warning`, `info`, `style`, as Hadolint
/// uses them) and vulnerability ratings (`critical`, `high`, `medium`, `low`, `unknown`, as CVSS
/// and the distros use them). [`Severity::rank`] puts both on one scale so a single threshold
/// works for a mixed report: `critical` > `high` = `error` > `medium` = `warning` > `low` = `info`
/// > `style` > `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Vulnerability rating: critical.
    Critical,
    /// Vulnerability rating: high.
    High,
    /// Vulnerability rating: medium.
    Medium,
    /// Vulnerability rating: low.
    Low,
    /// Vulnerability rating not known.
    Unknown,
    /// Lint level: error.
    Error,
    /// Lint level: warning.
    Warning,
    /// Lint level: info.
    Info,
    /// Lint level: style.
    Style,
}

impl Severity {
    /// Every severity, most serious first.
    pub const ALL: [Self; 9] = [
        Self::Critical,
        Self::High,
        Self::Error,
        Self::Medium,
        Self::Warning,
        Self::Low,
        Self::Info,
        Self::Style,
        Self::Unknown,
    ];

    /// Position on the common scale (higher is more serious).
    #[must_use]
    pub const fn rank(self) -> u8 {
        match self {
            Self::Critical => 6,
            Self::High | Self::Error => 5,
            Self::Medium | Self::Warning => 4,
            Self::Low | Self::Info => 3,
            Self::Style => 2,
            Self::Unknown => 1,
        }
    }

    /// Lower-case name as used in flags, JSON and config files.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
            Self::Unknown => "unknown",
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
            Self::Style => "style",
        }
    }

    /// True when `self` is at least as serious as `threshold`.
    #[must_use]
    pub const fn at_least(self, threshold: Self) -> bool {
        self.rank() >= threshold.rank()
    }

    /// The severity on the vulnerability scale that `--severity` filters on, so one list
    /// (`--severity CRITICAL,HIGH`) applies to every kind of finding:
    ///
    /// | lint level | vulnerability scale |
    /// |---|---|
    /// | `error` | `high` |
    /// | `warning` | `medium` |
    /// | `info` | `low` |
    /// | `style` | `low` |
    ///
    /// Vulnerability ratings map to themselves.
    #[must_use]
    pub const fn bucket(self) -> Self {
        match self {
            Self::Error => Self::High,
            Self::Warning => Self::Medium,
            Self::Info | Self::Style => Self::Low,
            other => other,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error returned when a severity name is not known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown severity `{0}` (expected one of: critical, high, medium, low, unknown, error, warning, info, style)"
)]
pub struct ParseSeverityError(pub String);

impl FromStr for Severity {
    type Err = ParseSeverityError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|sev| sev.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseSeverityError(s.to_string()))
    }
}

/// What kind of scanned artifact a location's path is inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArtifactKind {
    /// A container image: the path is a path in its merged file system.
    Image,
    /// A scanned directory (`bulwark fs DIR`, `bulwark rootfs DIR`): the path is relative to it.
    Directory,
}

/// The scanned artifact a location's path is relative to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Artifact {
    /// Image or directory.
    #[serde(rename = "type")]
    pub kind: ArtifactKind,
    /// The image reference or the directory, as the user named it.
    pub name: String,
}

/// Where a finding is: a file (or image, or `-` for stdin) and an optional region in it.
///
/// Lines and columns are 1-based, like editors and SARIF. `end_*` are inclusive.
///
/// With an [`Artifact`], `path` is relative to it (no leading `/`; empty for the artifact as a
/// whole, e.g. its image configuration); without one, it is a host file as the user named it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    /// The input as the user named it (a relative path stays relative), an image reference, or
    /// a path inside [`Location::artifact`].
    pub path: String,
    /// 1-based start line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based start column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// 1-based end line (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    /// 1-based end column (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u32>,
    /// The image or directory `path` is inside, when it is not a host file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact: Option<Artifact>,
}

impl Location {
    /// A location covering a whole file.
    #[must_use]
    pub fn file(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            ..Self::default()
        }
    }

    /// A location at one line (and optionally a column) of a file.
    #[must_use]
    pub fn at(path: impl Into<String>, line: u32, column: Option<u32>) -> Self {
        Self {
            path: path.into(),
            line: Some(line),
            column,
            ..Self::default()
        }
    }

    /// Sets the end of the region.
    #[must_use]
    pub fn with_end(mut self, end_line: u32, end_column: Option<u32>) -> Self {
        self.end_line = Some(end_line);
        self.end_column = end_column;
        self
    }

    /// The path as people read it: `/etc/passwd` inside an image, `DIR/x` inside a directory,
    /// the artifact's name for the artifact as a whole, and a host path as it is.
    #[must_use]
    pub fn display_path(&self) -> String {
        match &self.artifact {
            None => self.path.clone(),
            Some(a) if self.path.is_empty() => a.name.clone(),
            Some(Artifact {
                kind: ArtifactKind::Image,
                ..
            }) => format!("/{}", self.path),
            Some(a) => format!("{}/{}", a.name.trim_end_matches('/'), self.path),
        }
    }
}

/// What kind of scanner produced a finding; renderers group and label by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Dockerfile lint rule (Hadolint codes and Bulwark's own).
    Dockerfile,
    /// Kubernetes Pod Security Standards or hardening check.
    Kubernetes,
    /// Known vulnerability in a package.
    Vulnerability,
    /// Leaked credential.
    Secret,
    /// Image configuration check.
    ImageConfig,
    /// Container runtime settings: Compose services, containers and the Docker engine.
    Runtime,
    /// The input could not be read or parsed.
    InputError,
}

/// One thing a scanner wants the user to know about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule or vulnerability identifier (`DL3008`, `BW1001`, `PSS-privileged`, `CVE-2024-1234`).
    pub code: String,
    /// How serious it is.
    pub severity: Severity,
    /// One-line statement of the problem, specific to this occurrence.
    pub message: String,
    /// Where it is.
    pub location: Location,
    /// Which scanner produced it.
    pub category: Category,
    /// How to fix it, for this occurrence (the rule's general help lives in [`RuleInfo`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Further reading.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
    /// Scanner-specific facts (package, installed/fixed version, layer digest, document index ...).
    /// Keys are stable and documented by the producing scanner.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, serde_json::Value>,
    /// Where the finding was introduced, when that is another file than [`Finding::location`]:
    /// for a finding inside an image scanned with `--dockerfile`, the Dockerfile line whose
    /// build step made the layer. SARIF, GitLab and checkstyle report this location (so the
    /// Dockerfile is annotated) and keep `location` as a related location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Location>,
}

impl Finding {
    /// A finding with no help, links or properties.
    #[must_use]
    pub fn new(
        code: impl Into<String>,
        severity: Severity,
        category: Category,
        message: impl Into<String>,
        location: Location,
    ) -> Self {
        Self {
            code: code.into(),
            severity,
            message: message.into(),
            location,
            category,
            help: None,
            links: Vec::new(),
            properties: BTreeMap::new(),
            origin: None,
        }
    }

    /// Adds a property.
    #[must_use]
    pub fn with_property(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.properties.insert(key.to_string(), value.into());
        self
    }

    /// Sets the occurrence-specific help text.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The location machine formats report: [`Finding::origin`] when set (the Dockerfile line
    /// that introduced an image finding), else [`Finding::location`].
    #[must_use]
    pub fn primary_location(&self) -> &Location {
        self.origin.as_ref().unwrap_or(&self.location)
    }

    /// Orders findings for stable output: by path, line, column, code.
    #[must_use]
    pub fn sort_key(&self) -> (&str, u32, u32, &str) {
        // Findings traced to a Dockerfile still sort by where they are in the artifact.
        (
            self.location.path.as_str(),
            self.location.line.unwrap_or(0),
            self.location.column.unwrap_or(0),
            self.code.as_str(),
        )
    }
}

/// What a rule is, for `bulwark rules`, SARIF `tool.driver.rules` and help links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInfo {
    /// Rule code (`DL3008`).
    pub code: String,
    /// Short kebab-case name (`apt-get-pin-versions`), if the rule has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// One-line summary.
    pub summary: String,
    /// Full documentation in Markdown (what it does, why, example, fix).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help_markdown: String,
    /// Default severity.
    pub default_severity: Severity,
    /// Link to upstream or our docs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_uri: Option<String>,
}

/// The generated documentation page of one of Bulwark's own rules: `docs/rules/<CODE>.md` in
/// the project's repository (the workspace's `repository` key), written from the rule registry
/// by `bulwark-rules` (a test keeps the pages in sync). Rules with an upstream page of their own
/// (Hadolint's `DL` rules, Pod Security Standards) link there instead.
#[must_use]
pub fn rule_docs_url(code: &str) -> String {
    format!(
        "{}/blob/main/docs/rules/{code}.md",
        env!("CARGO_PKG_REPOSITORY")
    )
}

/// A rule's documentation taken from the doc comment written inside the call, so that the doc
/// comment is the documentation (ruff's convention), for every rule family:
///
/// ```
/// const DOC: &str = bulwark_report::rule_doc! {
///     /// ## What it does
///     /// Flags containers that run as root.
/// };
/// assert_eq!(bulwark_report::doc_markdown(DOC), "## What it does\nFlags containers that run as root.");
/// ```
#[macro_export]
macro_rules! rule_doc {
    ($(#[doc = $line:expr])*) => { concat!($($line, "\n"),*) };
}

/// The Markdown of a [`rule_doc!`] string: the one-space indent of doc comments removed,
/// surrounding blank lines trimmed.
#[must_use]
pub fn doc_markdown(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for line in raw.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out.trim().to_string()
}

/// A finding that an ignore rule suppressed, kept so JSON output can show why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suppressed {
    /// The suppressed finding.
    pub finding: Finding,
    /// Why (the ignore file entry's reason, `inline pragma`, ...).
    pub reason: String,
}

/// Everything one run found, ready to render.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Findings that count.
    pub findings: Vec<Finding>,
    /// Findings an ignore rule suppressed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressed: Vec<Suppressed>,
    /// Metadata of every rule referenced by a finding (for SARIF and help).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rules: BTreeMap<String, RuleInfo>,
    /// Free-form metadata about the scanned targets (image digest, OS, inputs ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, serde_json::Value>,
    /// What the run could not see (an input it could not read, a database lookup that failed):
    /// any entry makes the run a runtime error, whatever the findings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

impl Report {
    /// Sorts findings into the stable output order.
    pub fn sort(&mut self) {
        self.findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.suppressed
            .sort_by(|a, b| a.finding.sort_key().cmp(&b.finding.sort_key()));
    }

    /// Adds rule metadata (first registration wins).
    pub fn add_rule(&mut self, info: RuleInfo) {
        self.rules.entry(info.code.clone()).or_insert(info);
    }

    /// Adds the entries of a rule registry whose codes the findings use (SARIF's
    /// `tool.driver.rules`, the HTML report's rule texts), leaving the others out.
    pub fn add_rules_used(&mut self, registry: impl IntoIterator<Item = RuleInfo>) {
        let used: std::collections::BTreeSet<&str> =
            self.findings.iter().map(|f| f.code.as_str()).collect();
        let infos: Vec<RuleInfo> = registry
            .into_iter()
            .filter(|r| used.contains(r.code.as_str()))
            .collect();
        for info in infos {
            self.add_rule(info);
        }
    }

    /// Count of findings per severity, most serious first, omitting zeros.
    #[must_use]
    pub fn counts(&self) -> Vec<(Severity, usize)> {
        Severity::ALL
            .into_iter()
            .map(|s| (s, self.findings.iter().filter(|f| f.severity == s).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_round_trips_and_ranks() {
        for s in Severity::ALL {
            assert_eq!(s.as_str().parse::<Severity>().unwrap(), s);
            assert_eq!(s.as_str().to_uppercase().parse::<Severity>().unwrap(), s);
        }
        assert!(Severity::Critical.at_least(Severity::Error));
        assert!(Severity::Error.at_least(Severity::Warning));
        assert!(!Severity::Info.at_least(Severity::Warning));
        assert!(Severity::Style.at_least(Severity::Style));
        assert!("bogus".parse::<Severity>().is_err());
    }
}
