//! Linter configuration, compatible with Hadolint's `.hadolint.yaml`.
//!
//! Keys: `ignored`, `override` (`error`/`warning`/`info`/`style` lists), `trustedRegistries`,
//! `label-schema`, `strict-labels`, `failure-threshold`, `no-fail`, `disable-ignore-pragma`.
//! In `bulwark.yaml` the same keys live under `dockerfile:`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use bulwark_report::{ExitPolicy, Severity, Threshold};
use bulwark_yaml::{Documents, Limits, Node, Value};

/// A rule's level: the four Hadolint severities plus `ignore` (rule off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// Error.
    Error,
    /// Warning.
    Warning,
    /// Info.
    Info,
    /// Style.
    Style,
    /// Off: the rule reports nothing.
    Ignore,
}

impl Level {
    /// The report severity, or `None` for [`Level::Ignore`].
    #[must_use]
    pub const fn severity(self) -> Option<Severity> {
        match self {
            Self::Error => Some(Severity::Error),
            Self::Warning => Some(Severity::Warning),
            Self::Info => Some(Severity::Info),
            Self::Style => Some(Severity::Style),
            Self::Ignore => None,
        }
    }

    /// Lower-case name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
            Self::Style => "style",
            Self::Ignore => "ignore",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "error" => Ok(Self::Error),
            "warning" => Ok(Self::Warning),
            "info" => Ok(Self::Info),
            "style" => Ok(Self::Style),
            "ignore" | "none" => Ok(Self::Ignore),
            other => Err(ConfigError::Invalid {
                origin: PathBuf::new(),
                key: "severity".into(),
                message: format!(
                    "unknown severity `{other}` (expected error, warning, info, style or ignore)"
                ),
            }),
        }
    }
}

/// Value type a label must have (`label-schema`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LabelType {
    /// Any text.
    Text,
    /// A URL (RFC 3986).
    Url,
    /// A time (RFC 3339).
    Rfc3339,
    /// A semantic version.
    Semver,
    /// A short or long git hash.
    Hash,
    /// An SPDX license identifier.
    Spdx,
    /// An e-mail address.
    Email,
}

impl FromStr for LabelType {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(Self::Text),
            "url" => Ok(Self::Url),
            "rfc3339" => Ok(Self::Rfc3339),
            "semver" => Ok(Self::Semver),
            "hash" => Ok(Self::Hash),
            "spdx" => Ok(Self::Spdx),
            "email" => Ok(Self::Email),
            other => Err(ConfigError::Invalid {
                origin: PathBuf::new(),
                key: "label-schema".into(),
                message: format!(
                    "unknown label type `{other}` (expected text, url, rfc3339, semver, hash, spdx or email)"
                ),
            }),
        }
    }
}

/// Why a configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid YAML.
    #[error("{} is not valid YAML: {message}", origin.display())]
    Yaml {
        /// The file.
        origin: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// A key has a value of the wrong shape.
    #[error("{}: invalid `{key}`: {message}", origin.display())]
    Invalid {
        /// The file.
        origin: PathBuf,
        /// The key.
        key: String,
        /// What is wrong.
        message: String,
    },
}

/// Linter configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Rule codes never reported.
    pub ignored: BTreeSet<String>,
    /// Severity overrides per rule code.
    pub overrides: BTreeMap<String, Level>,
    /// Registries allowed in `FROM` (DL3026); empty = any.
    pub trusted_registries: BTreeSet<String>,
    /// Required labels and their types (DL3049–DL3058).
    pub label_schema: BTreeMap<String, LabelType>,
    /// Report labels not in the schema (DL3050).
    pub strict_labels: bool,
    /// Ignore `# hadolint ignore=` pragmas.
    pub disable_ignore_pragma: bool,
    /// Exit with failure only for findings at or above this level (the CLI applies it).
    pub failure_threshold: Option<Level>,
    /// Never fail (the CLI applies it).
    pub no_fail: bool,
    /// Run only the Hadolint rules (`DL*`), not Bulwark's own `BW*` security rules — for
    /// output that is directly comparable with Hadolint's.
    pub hadolint_only: bool,
}

/// Options given on the command line, merged over a file configuration by
/// [`Config::apply_cli`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CliOptions {
    /// `--ignore CODE`.
    pub ignore: Vec<String>,
    /// `--trusted-registry R`.
    pub trusted_registries: Vec<String>,
    /// `--disable-ignore-pragma`.
    pub disable_ignore_pragma: bool,
    /// `--error CODE`.
    pub error: Vec<String>,
    /// `--warning CODE`.
    pub warning: Vec<String>,
    /// `--info CODE`.
    pub info: Vec<String>,
    /// `--style CODE`.
    pub style: Vec<String>,
    /// `--require-label NAME:TYPE` (type defaults to `text`).
    pub require_labels: Vec<String>,
    /// `--strict-labels`.
    pub strict_labels: bool,
    /// `--failure-threshold LEVEL`.
    pub failure_threshold: Option<Level>,
    /// `--no-fail`.
    pub no_fail: bool,
    /// `--hadolint-only`: skip Bulwark's `BW*` rules.
    pub hadolint_only: bool,
}

impl Config {
    /// Parses `.hadolint.yaml` text (or `bulwark.yaml`, whose keys sit under `dockerfile:`).
    /// `origin` names the file in error messages.
    pub fn from_yaml_str(text: &str, origin: &Path) -> Result<Self, ConfigError> {
        // The first document is the configuration (YAML 1.2 core schema, as Hadolint's
        // HsYAML reads it); every document must still be valid YAML.
        let mut root: Option<Node> = None;
        for doc in Documents::new(text, Limits::core()) {
            let doc = doc.map_err(|e| ConfigError::Yaml {
                origin: origin.to_path_buf(),
                message: format!("line {} column {}: {e}", e.pos().line, e.pos().col),
            })?;
            root.get_or_insert(doc.root);
        }
        let mut config = Self::default();
        let Some(root) = root else {
            return Ok(config);
        };
        if root.is_null() {
            return Ok(config);
        }
        let Some(map) = root.as_map() else {
            return Err(invalid(origin, "(top level)", "expected a mapping"));
        };
        let map = match root.get("dockerfile") {
            Some(inner) => match inner.as_map() {
                Some(m) => m,
                None if inner.is_null() => return Ok(config),
                None => return Err(invalid(origin, "dockerfile", "expected a mapping")),
            },
            None => map,
        };
        for entry in map {
            let (key, value) = (entry.key.as_str(), &entry.value);
            match key {
                "ignored" => config.ignored.extend(string_list(value, origin, key)?),
                "trustedRegistries" | "trusted-registries" | "trusted_registries" => config
                    .trusted_registries
                    .extend(string_list(value, origin, key)?),
                "override" => {
                    let Some(m) = value.as_map() else {
                        if value.is_null() {
                            continue;
                        }
                        return Err(invalid(origin, key, "expected a mapping of level: [codes]"));
                    };
                    for e in m {
                        let (name, codes) = (e.key.as_str(), &e.value);
                        let level: Level = name.parse().map_err(|_| {
                            invalid(origin, "override", &format!("unknown level `{name}`"))
                        })?;
                        for code in string_list(codes, origin, "override")? {
                            config.overrides.insert(code, level);
                        }
                    }
                }
                "label-schema" | "labelSchema" => {
                    let Some(m) = value.as_map() else {
                        if value.is_null() {
                            continue;
                        }
                        return Err(invalid(origin, key, "expected a mapping of label: type"));
                    };
                    for e in m {
                        let label = e.key.clone();
                        let Some(ty) = scalar(&e.value) else {
                            return Err(invalid(origin, key, "labels and types must be strings"));
                        };
                        let ty: LabelType = ty
                            .parse()
                            .map_err(|e: ConfigError| invalid(origin, key, &inner_message(&e)))?;
                        config.label_schema.insert(label, ty);
                    }
                }
                "strict-labels" | "strictLabels" => {
                    config.strict_labels = bool_value(value, origin, key)?;
                }
                "disable-ignore-pragma" | "disableIgnorePragma" => {
                    config.disable_ignore_pragma = bool_value(value, origin, key)?;
                }
                "no-fail" | "noFail" => config.no_fail = bool_value(value, origin, key)?,
                "hadolint-only" | "hadolintOnly" => {
                    config.hadolint_only = bool_value(value, origin, key)?;
                }
                "failure-threshold" | "failureThreshold" => {
                    let Some(s) = scalar(value) else {
                        return Err(invalid(origin, key, "expected a level name"));
                    };
                    config.failure_threshold = Some(
                        s.parse()
                            .map_err(|e: ConfigError| invalid(origin, key, &inner_message(&e)))?,
                    );
                }
                _ => {}
            }
        }
        Ok(config)
    }

    /// Reads and parses a configuration file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_yaml_str(&text, path)
    }

    /// Finds the configuration where Hadolint looks — `.hadolint.yaml` / `.hadolint.yml` in
    /// `cwd`, then `$XDG_CONFIG_HOME/hadolint.yaml`, `~/.config/hadolint.yaml`,
    /// `~/.hadolint/hadolint.yaml`, `~/.hadolint.yaml` — and loads the first that exists.
    pub fn discover(cwd: &Path) -> Result<Option<(PathBuf, Self)>, ConfigError> {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let xdg = std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from);
        for path in candidate_paths(cwd, xdg.as_deref(), home.as_deref()) {
            if path.is_file() {
                let config = Self::from_file(&path)?;
                return Ok(Some((path, config)));
            }
        }
        Ok(None)
    }

    /// The configuration in effect before command-line options: the file `explicit` names
    /// (`--config`); else the one Hadolint would find ([`Config::discover`]) with the
    /// `dockerfile:` section of `bulwark.yaml` / `bulwark.yml` in `cwd` on top.
    pub fn load(explicit: Option<&Path>, cwd: &Path) -> Result<Self, ConfigError> {
        if let Some(path) = explicit {
            return Self::from_file(path);
        }
        let mut config = Self::discover(cwd)?.map(|(_, c)| c).unwrap_or_default();
        for name in ["bulwark.yaml", "bulwark.yml"] {
            let path = cwd.join(name);
            if path.is_file() {
                config.merge(&Self::from_file(&path)?);
                break;
            }
        }
        Ok(config)
    }

    /// When a lint run fails, as Hadolint decides it: at `info` by default, at the configured
    /// `failure-threshold`, never with `no-fail`; a threshold given on the command line
    /// (`threshold`) wins over the configured one but not over `no-fail`, and `exit_code` is the
    /// status a failing run exits with.
    #[must_use]
    pub fn exit_policy(&self, threshold: Option<Threshold>, exit_code: Option<i32>) -> ExitPolicy {
        let configured = match self.failure_threshold {
            None => Some(Severity::Info),
            Some(level) => level.severity(),
        };
        let threshold = if self.no_fail {
            Some(Threshold(None))
        } else {
            threshold
        };
        ExitPolicy::from_flags(threshold, exit_code, configured)
    }

    /// Adds `other` on top of `self`: lists are united, scalars and overrides from `other` win
    /// when set.
    pub fn merge(&mut self, other: &Self) {
        self.ignored.extend(other.ignored.iter().cloned());
        self.overrides
            .extend(other.overrides.iter().map(|(k, v)| (k.clone(), *v)));
        self.trusted_registries
            .extend(other.trusted_registries.iter().cloned());
        self.label_schema
            .extend(other.label_schema.iter().map(|(k, v)| (k.clone(), *v)));
        self.strict_labels |= other.strict_labels;
        self.disable_ignore_pragma |= other.disable_ignore_pragma;
        self.no_fail |= other.no_fail;
        self.hadolint_only |= other.hadolint_only;
        if other.failure_threshold.is_some() {
            self.failure_threshold = other.failure_threshold;
        }
    }

    /// Applies command-line options (they win over the file).
    pub fn apply_cli(&mut self, cli: &CliOptions) -> Result<(), ConfigError> {
        self.ignored
            .extend(cli.ignore.iter().map(|c| c.trim().to_string()));
        self.trusted_registries
            .extend(cli.trusted_registries.iter().cloned());
        self.disable_ignore_pragma |= cli.disable_ignore_pragma;
        self.strict_labels |= cli.strict_labels;
        self.no_fail |= cli.no_fail;
        self.hadolint_only |= cli.hadolint_only;
        if cli.failure_threshold.is_some() {
            self.failure_threshold = cli.failure_threshold;
        }
        for (codes, level) in [
            (&cli.error, Level::Error),
            (&cli.warning, Level::Warning),
            (&cli.info, Level::Info),
            (&cli.style, Level::Style),
        ] {
            for code in codes {
                self.overrides.insert(code.trim().to_string(), level);
            }
        }
        for spec in &cli.require_labels {
            let (name, ty) = spec.split_once(':').unwrap_or((spec.as_str(), "text"));
            let ty: LabelType = ty.parse().map_err(|e: ConfigError| ConfigError::Invalid {
                origin: PathBuf::from("--require-label"),
                key: spec.clone(),
                message: inner_message(&e),
            })?;
            self.label_schema.insert(name.to_string(), ty);
        }
        Ok(())
    }

    /// The level a rule reports at: the override if any, else its default.
    #[must_use]
    pub fn level_for(&self, code: &str, default: Level) -> Level {
        self.overrides.get(code).copied().unwrap_or(default)
    }
}

/// The files [`Config::discover`] tries, in order.
#[must_use]
pub fn candidate_paths(cwd: &Path, xdg: Option<&Path>, home: Option<&Path>) -> Vec<PathBuf> {
    let mut out = vec![cwd.join(".hadolint.yaml"), cwd.join(".hadolint.yml")];
    if let Some(x) = xdg {
        out.push(x.join("hadolint.yaml"));
        out.push(x.join("hadolint.yml"));
    }
    if let Some(h) = home {
        out.push(h.join(".config").join("hadolint.yaml"));
        out.push(h.join(".config").join("hadolint.yml"));
        out.push(h.join(".hadolint").join("hadolint.yaml"));
        out.push(h.join(".hadolint").join("hadolint.yml"));
        out.push(h.join(".hadolint.yaml"));
        out.push(h.join(".hadolint.yml"));
    }
    out
}

fn inner_message(e: &ConfigError) -> String {
    match e {
        ConfigError::Invalid { message, .. } | ConfigError::Yaml { message, .. } => message.clone(),
        ConfigError::Io { .. } => e.to_string(),
    }
}

fn invalid(origin: &Path, key: &str, message: &str) -> ConfigError {
    ConfigError::Invalid {
        origin: origin.to_path_buf(),
        key: key.to_string(),
        message: message.to_string(),
    }
}

fn scalar(value: &Node) -> Option<String> {
    match &value.value {
        Value::Str(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn string_list(value: &Node, origin: &Path, key: &str) -> Result<Vec<String>, ConfigError> {
    if value.is_null() {
        return Ok(Vec::new());
    }
    if let Some(s) = scalar(value) {
        return Ok(vec![s]);
    }
    let Some(seq) = value.as_seq() else {
        return Err(invalid(origin, key, "expected a list of strings"));
    };
    seq.iter()
        .map(|v| scalar(v).ok_or_else(|| invalid(origin, key, "expected a list of strings")))
        .collect()
}

fn bool_value(value: &Node, origin: &Path, key: &str) -> Result<bool, ConfigError> {
    if let Value::Bool(b) = value.value {
        return Ok(b);
    }
    match value.as_str() {
        Some("true" | "yes" | "on") => Ok(true),
        Some("false" | "no" | "off") => Ok(false),
        _ => Err(invalid(origin, key, "expected true or false")),
    }
}
