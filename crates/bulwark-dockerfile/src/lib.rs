//! Dockerfile parsing and linting for Bulwark.
//!
//! * [`parse`] / [`parse_bytes`]: BuildKit-compatible parser (directives, escape character,
//!   continuations, heredocs, exec form, flags, `ONBUILD`), exact positions, never panics.
//! * [`lint`]: Hadolint 2.15-compatible rules (same codes, default severities and messages)
//!   plus Bulwark's own security rules (`BW` prefix), with Hadolint's inline pragmas
//!   (`# hadolint ignore=`, `# hadolint global ignore=`) and `.hadolint.yaml` configuration.
//!
//! ShellCheck is not run: `SC` findings that Hadolint reports are out of scope.

// Hadolint compares file extensions case-sensitively (`.deb`, `.rpm`, `.whl`); so do we.
#![allow(clippy::case_sensitive_file_extension_comparisons)]

pub mod ast;
pub mod config;
mod labels;
mod lint;
mod parser;
mod pragma;
pub mod rules;
mod validate;
pub mod vars;

pub use ast::*;
pub use config::{CliOptions, Config, ConfigError, LabelType, Level};
pub use lint::{
    EMPTY_FILE_MESSAGE, LintResult, PARSE_ERROR_CODE, lint, lint_parsed, report, rule, rules,
};
pub use parser::{parse, parse_bytes};

#[cfg(test)]
mod parser_tests;
