//! Compiling what configurations and rules hold: regexes (with size limits) and path globs,
//! with errors that name the rule or setting. Shared by the configuration loader (which checks
//! every pattern at load time) and the scanner.

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use regex::bytes::{Regex, RegexBuilder};

use crate::error::ConfigError;

/// Normalises a path for glob matching: no leading `/` or `./`.
pub(crate) fn normalise_path(path: &str) -> &str {
    let mut p = path;
    loop {
        if let Some(rest) = p.strip_prefix("./") {
            p = rest;
        } else if let Some(rest) = p.strip_prefix('/') {
            p = rest;
        } else {
            return p;
        }
    }
}

/// Compiles a rule's regex with a size limit; errors name the rule.
pub(crate) fn compile_regex(rule: &str, pattern: &str) -> Result<Regex, ConfigError> {
    RegexBuilder::new(pattern)
        .size_limit(32 * 1024 * 1024)
        .build()
        .map_err(|e| ConfigError::InvalidRegex {
            rule: rule.to_string(),
            source: Box::new(e),
        })
}

pub(crate) fn glob(context: &str, pattern: &str) -> Result<Glob, ConfigError> {
    GlobBuilder::new(normalise_path(pattern))
        .literal_separator(true)
        .build()
        .map_err(|source| ConfigError::InvalidGlob {
            context: context.to_string(),
            glob: pattern.to_string(),
            source,
        })
}

pub(crate) fn glob_set<'a>(
    context: &str,
    patterns: impl IntoIterator<Item = &'a str>,
) -> Result<GlobSet, ConfigError> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(glob(context, p)?);
    }
    b.build().map_err(|source| ConfigError::InvalidGlob {
        context: context.to_string(),
        glob: String::new(),
        source,
    })
}
