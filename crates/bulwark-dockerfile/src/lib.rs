//! Dockerfile parsing and linting for Bulwark.
//!
//! * [`parse`] / [`parse_bytes`]: BuildKit-compatible parser (directives, escape character,
//!   continuations, heredocs, exec form, flags, `ONBUILD`), exact positions, never panics.
//! * [`lint`]: Hadolint 2.15-compatible rules (same codes, severities and messages) plus
//!   Bulwark's own security rules (`BW` prefix), with Hadolint's inline pragmas and
//!   `.hadolint.yaml` configuration.
//!
//! ShellCheck (`SC` codes) is not run: those findings are out of scope.

pub mod ast;
mod parser;
pub mod vars;

pub use ast::*;
pub use parser::{parse, parse_bytes};

#[cfg(test)]
mod parser_tests;
