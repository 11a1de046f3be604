//! Bulwark's secret scanner.
//!
//! * [`Scanner`] finds leaked credentials in file bytes ([`Scanner::scan_file`]), in single
//!   `NAME=value` pairs ([`Scanner::scan_assignment`], shared with the Dockerfile linter), in
//!   image `Env`/`Labels` and in history `created_by` steps. It never does I/O: the caller
//!   walks layers and hands over bytes. Matches are redacted on the spot ([`Redacted`]); the raw
//!   secret never leaves the scanner.
//! * [`Scanner::redact`] masks every secret the rules find in any text, so reports can carry
//!   history steps, labels and environment safely.
//!
//! How a file is scanned: skip by path glob / size cap / binary heuristic, then one
//! Aho-Corasick pass over all rules' keywords; only rules whose keyword occurs run their regex,
//! only on the lines around each keyword hit (whole file when under 8 KiB); each match is
//! validated (entropy, placeholders, structure: JWT header, base64 `user:pass`, PEM END line);
//! overlapping matches keep the most specific rule; allow rules drop the rest.

pub mod config;
mod error;
pub mod finding;
pub mod heuristics;
mod patterns;
pub mod redact;
pub mod rules;
pub mod scanner;
pub mod values;

pub use config::{
    AllowRule, ConfigError, ConfigFileError, ConfigFormat, CustomRule, ExcludeBlock, SecretConfig,
};
pub use finding::SecretFinding;
pub use redact::Redacted;
pub use rules::builtin_rule_infos;
pub use scanner::{FileScan, Scanner, SkipReason};
