//! Why a secret configuration (built-in rules plus a user's file) could not be compiled into a
//! scanner; shared by the configuration loader, the pattern compiler and the scanner.

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
