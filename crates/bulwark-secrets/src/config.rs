//! User configuration: custom rules, allow rules, disabled rules, skipped paths, size cap.
//!
//! [`SecretConfig::load`] reads a configuration file in JSON or YAML (Trivy's
//! `trivy-secret.yaml`): `.yaml`/`.yml` files are YAML, `.json` files JSON, and any other name is
//! told apart by content (JSON starts with `{`). Field names are kebab-case like Trivy's
//! (`allow-rules`, `secret-group-name`, `enable-builtin-rules`); snake_case aliases are accepted
//! too. Errors name the file and the problem; malformed input never panics.

pub use crate::error::ConfigError;
use std::path::Path;

use bulwark_report::Severity;
use serde::{Deserialize, Deserializer, Serialize};

/// Default size cap: files larger than this are not scanned (10 MiB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Scanner configuration. `SecretConfig::default()` means: built-in rules and allow rules,
/// no skipped paths, 10 MiB size cap.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SecretConfig {
    /// Extra rules, run after the specific built-ins and before the generic assignment rule.
    #[serde(default)]
    pub rules: Vec<CustomRule>,
    /// Extra allow rules: a match whose secret matches `regex`, or any match in a file whose
    /// path matches `path`, is dropped.
    #[serde(default, alias = "allow_rules")]
    pub allow_rules: Vec<AllowRule>,
    /// Rule IDs (built-in or custom) not to run.
    #[serde(default, alias = "disable_rules")]
    pub disable_rules: Vec<String>,
    /// When not empty, only these built-in rules run (Trivy's `enable-builtin-rules`); custom
    /// rules always run.
    #[serde(default, alias = "enable_builtin_rules")]
    pub enable_builtin_rules: Vec<String>,
    /// Built-in allow rule IDs to switch off (for example `tests` to scan test fixtures too).
    #[serde(default, alias = "disable_allow_rules")]
    pub disable_allow_rules: Vec<String>,
    /// Globs of files not to scan (like Trivy's `--skip-files`); matched against the path
    /// without a leading `/` or `./`; `*` does not cross `/`, `**` does.
    #[serde(default, alias = "skip_files")]
    pub skip_files: Vec<String>,
    /// Globs of directories not to scan (like Trivy's `--skip-dirs`): everything below a
    /// matching directory is skipped.
    #[serde(default, alias = "skip_dirs")]
    pub skip_dirs: Vec<String>,
    /// Files larger than this many bytes are skipped; `None` means [`DEFAULT_MAX_FILE_SIZE`].
    #[serde(default, alias = "max_file_size")]
    pub max_file_size: Option<u64>,
    /// Also scan files owned by an OS package (listed by dpkg or apk). Off by default, as in
    /// Trivy: package contents are vendor files, and their test keys are noise.
    #[serde(default, alias = "scan_package_files")]
    pub scan_package_files: bool,
    /// Global exclude block (Trivy's `exclude-block`): a match of any rule whose secret lies
    /// entirely inside a match of one of these regexes is not reported.
    #[serde(default, alias = "exclude_block")]
    pub exclude_block: Option<ExcludeBlock>,
}

/// A user-defined secret rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct CustomRule {
    /// Unique rule ID, used as the finding code.
    pub id: String,
    /// Trivy's rule category (`general`, `AWS`, ...); shown in the rule's help text.
    #[serde(default)]
    pub category: Option<String>,
    /// One-line description (Trivy calls it `title`; both names are accepted).
    #[serde(alias = "title")]
    pub description: String,
    /// Regular expression (Rust `regex` syntax, run over raw bytes). If it has a group named
    /// `secret`, only that group is the secret; otherwise the whole match is.
    pub regex: String,
    /// Keywords for the prefilter (case-insensitive). Without keywords the regex runs over
    /// every scanned file, which is slower.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Severity of findings (any case: `HIGH`, `high`). Default `high`.
    #[serde(default = "default_severity", deserialize_with = "severity_any_case")]
    pub severity: Severity,
    /// Name of the capture group holding the secret (default `secret` when present).
    #[serde(default, alias = "secret_group_name")]
    pub secret_group_name: Option<String>,
    /// Only scan files whose path matches this glob.
    #[serde(default)]
    pub path: Option<String>,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    #[serde(default, alias = "min_entropy")]
    pub min_entropy: Option<f64>,
    /// Allow rules of this rule only (Trivy semantics): a `path` glob matching the file skips
    /// the rule for that file; a `regex` matching the rule's whole match drops that match.
    #[serde(default, alias = "allow_rules")]
    pub allow_rules: Vec<AllowRule>,
    /// Exclude block of this rule only: a match whose secret lies entirely inside a match of
    /// one of these regexes is not reported.
    #[serde(default, alias = "exclude_block")]
    pub exclude_block: Option<ExcludeBlock>,
}

/// Trivy's `exclude-block`: regexes over the whole file; a secret entirely inside one of their
/// matches is not reported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ExcludeBlock {
    /// Why it exists.
    #[serde(default)]
    pub description: Option<String>,
    /// Regexes (Rust `regex` syntax, over raw bytes) matching the blocks to exclude.
    #[serde(default)]
    pub regexes: Vec<String>,
}

/// A user-defined allow rule: `regex` is matched against the secret, `path` (a glob) against
/// the file path; when both are given both must match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct AllowRule {
    /// Allow rule ID (reported in the reason for a suppressed finding).
    pub id: String,
    /// Why it exists.
    #[serde(default, alias = "title")]
    pub description: Option<String>,
    /// Regex matched against the matched secret.
    #[serde(default)]
    pub regex: Option<String>,
    /// Glob matched against the file path.
    #[serde(default)]
    pub path: Option<String>,
}

fn default_severity() -> Severity {
    Severity::High
}

fn severity_any_case<'de, D: Deserializer<'de>>(d: D) -> Result<Severity, D::Error> {
    let s = String::deserialize(d)?;
    s.parse::<Severity>().map_err(serde::de::Error::custom)
}

/// Format of a configuration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigFormat {
    /// JSON.
    Json,
    /// YAML (a JSON document is valid YAML too, but JSON is parsed as JSON for exact errors).
    Yaml,
}

impl ConfigFormat {
    /// The format of `path` with contents `text`: by extension (`.json`; `.yaml`, `.yml`), else
    /// by content (a document whose first non-blank character is `{` is JSON, anything else
    /// YAML).
    #[must_use]
    pub fn detect(path: &Path, text: &str) -> Self {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("json") => Self::Json,
            Some("yaml" | "yml") => Self::Yaml,
            _ if text
                .trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('{') =>
            {
                Self::Json
            }
            _ => Self::Yaml,
        }
    }
}

/// A configuration file that could not be read or parsed; displays as
/// `secret config FILE: PROBLEM`.
#[derive(Debug, thiserror::Error)]
#[error("secret config {}: {problem}", path.display())]
pub struct ConfigFileError {
    /// The file.
    pub path: std::path::PathBuf,
    /// What is wrong with it (I/O error, syntax error with line and column, unknown field...).
    pub problem: String,
}

impl SecretConfig {
    /// Reads and parses the configuration file at `path` (JSON or YAML, see
    /// [`ConfigFormat::detect`]). Returns the configuration and the file's text (callers use
    /// the text as a cache key).
    pub fn load(path: &Path) -> Result<(Self, String), ConfigFileError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigFileError {
            path: path.to_path_buf(),
            problem: format!("cannot read it: {e}"),
        })?;
        let config = Self::parse(path, &text)?;
        Ok((config, text))
    }

    /// Parses configuration text; `path` picks the format and names the file in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigFileError> {
        let format = ConfigFormat::detect(path, text);
        let config = Self::parse_as(format, text).map_err(|problem| ConfigFileError {
            path: path.to_path_buf(),
            problem,
        })?;
        config.check_regexes().map_err(|e| ConfigFileError {
            path: path.to_path_buf(),
            problem: e.to_string(),
        })?;
        Ok(config)
    }

    /// Compiles every regex of the configuration (rules, allow rules, exclude blocks, global
    /// and per rule), so that a bad one is reported with the file's name at load time; the
    /// error names the rule (`corp-token`, `corp-token/allow-rules/x`,
    /// `corp-token/exclude-block`, `allow-rules/x`, `exclude-block`).
    pub fn check_regexes(&self) -> Result<(), ConfigError> {
        let check = |context: String, pattern: &str| {
            crate::patterns::compile_regex(&context, pattern).map(drop)
        };
        for rule in &self.rules {
            check(rule.id.clone(), &rule.regex)?;
            for allow in &rule.allow_rules {
                if let Some(re) = &allow.regex {
                    check(format!("{}/allow-rules/{}", rule.id, allow.id), re)?;
                }
            }
            for re in rule.exclude_block.iter().flat_map(|b| &b.regexes) {
                check(format!("{}/exclude-block", rule.id), re)?;
            }
        }
        for allow in &self.allow_rules {
            if let Some(re) = &allow.regex {
                check(format!("allow-rules/{}", allow.id), re)?;
            }
        }
        for re in self.exclude_block.iter().flat_map(|b| &b.regexes) {
            check("exclude-block".to_string(), re)?;
        }
        Ok(())
    }

    /// Parses configuration text in the given format; the error is the problem as text
    /// (with line and column where the parser knows them).
    pub fn parse_as(format: ConfigFormat, text: &str) -> Result<Self, String> {
        match format {
            ConfigFormat::Json => {
                serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))
            }
            ConfigFormat::Yaml => {
                let value = bulwark_yaml::config_to_json(text).map_err(|e| {
                    let pos = e.pos();
                    let what = e.to_string();
                    let what = what.strip_prefix("invalid YAML: ").unwrap_or(&what);
                    format!("invalid YAML: line {} column {}: {what}", pos.line, pos.col)
                })?;
                // An empty YAML document is an empty configuration.
                let value = if value.is_null() {
                    serde_json::Value::Object(serde_json::Map::new())
                } else {
                    value
                };
                serde_json::from_value(value).map_err(|e| format!("invalid configuration: {e}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_trivy_style_json() {
        let cfg: SecretConfig = serde_json::from_str(
            r#"{"rules":[{"id":"corp","title":"Corp token","regex":"corp_[a-z0-9]{20}",
                "keywords":["corp_"],"severity":"CRITICAL"}],
               "allow-rules":[{"id":"fixtures","path":"**/fixtures/**"}],
               "disable_rules":["jwt-token"], "max-file-size": 100}"#,
        )
        .unwrap();
        assert_eq!(cfg.rules[0].severity, Severity::Critical);
        assert_eq!(cfg.rules[0].description, "Corp token");
        assert_eq!(cfg.allow_rules[0].path.as_deref(), Some("**/fixtures/**"));
        assert_eq!(cfg.disable_rules, vec!["jwt-token"]);
        assert_eq!(cfg.max_file_size, Some(100));
    }

    #[test]
    fn rejects_unknown_fields_and_bad_severity() {
        assert!(serde_json::from_str::<SecretConfig>(r#"{"rulez":[]}"#).is_err());
        let err = serde_json::from_str::<SecretConfig>(
            r#"{"rules":[{"id":"a","description":"d","regex":"x","severity":"urgent"}]}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("urgent"), "{err}");
    }
}
