//! Bulwark's report model: one [`Finding`] type for every scanner, the renderers that turn a
//! [`Report`] into table, JSON, SARIF 2.1.0, checkstyle XML or GitLab Code Quality JSON, and the
//! [`ExitPolicy`] that maps findings to an exit status.
//!
//! This crate knows no domain: scanners fill [`Finding::properties`] with their own facts.

mod finding;
mod policy;
pub mod render;

pub use finding::{
    Artifact, ArtifactKind, Category, Finding, Location, ParseSeverityError, Report, RuleInfo,
    Severity, Suppressed, doc_markdown, rule_docs_url,
};
pub use policy::{
    Dropped, EXIT_CLEAN, EXIT_FINDINGS, EXIT_RUNTIME, EXIT_USAGE, ExitPolicy, SeverityFilter,
    Threshold,
};
pub use render::{Format, RenderOptions, render};
