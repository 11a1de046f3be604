//! User configuration: custom rules, allow rules, disabled rules, skipped paths, size cap.
//!
//! The structs derive `Deserialize`, so the CLI can read them from YAML or JSON with whatever
//! serde front-end it already uses. Field names are kebab-case like Trivy's `trivy-secret.yaml`
//! (`allow-rules`, `secret-group-name`); snake_case aliases are accepted too.

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
}

/// A user-defined secret rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct CustomRule {
    /// Unique rule ID, used as the finding code.
    pub id: String,
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

/// Why a configuration could not be turned into a scanner.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A rule's regex does not compile.
    #[error("secret rule `{rule}`: invalid regex: {source}")]
    InvalidRegex {
        /// Rule or allow-rule ID.
        rule: String,
        /// The regex error.
        #[source]
        source: Box<regex::Error>,
    },
    /// A glob does not compile.
    #[error("secret config `{context}`: invalid glob `{glob}`: {source}")]
    InvalidGlob {
        /// Where the glob came from (`skip-files`, `skip-dirs`, a rule ID).
        context: String,
        /// The glob.
        glob: String,
        /// The glob error.
        #[source]
        source: globset::Error,
    },
    /// A rule names a capture group its regex does not have.
    #[error("secret rule `{rule}`: regex has no capture group named `{group}`")]
    MissingGroup {
        /// Rule ID.
        rule: String,
        /// Group name.
        group: String,
    },
    /// Two rules share an ID.
    #[error("secret rule `{0}` is defined twice")]
    DuplicateRule(String),
    /// An allow rule has neither `regex` nor `path`.
    #[error("allow rule `{0}` needs a `regex` or a `path`")]
    EmptyAllowRule(String),
    /// A rule or allow rule has an empty ID.
    #[error("a secret rule or allow rule has an empty `id`")]
    EmptyId,
    /// A keyword list could not be compiled.
    #[error("secret rule keywords could not be compiled: {0}")]
    Keywords(String),
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
