//! Rust `Cargo.lock` (filesystem mode): `[[package]]` entries with a `source` (registry or git);
//! workspace members have no source and are the project itself.

use crate::analyzer::{Analyzer, AnalyzerOutput, EntryMeta, FileEntry, PathPatterns, file_name};
use crate::error::AnalyzeError;
use crate::model::{Package, PackageType};

/// Cargo.lock reader.
#[derive(Debug, Default)]
pub struct CargoLockAnalyzer;

impl Analyzer for CargoLockAnalyzer {
    fn per_file(&self) -> bool {
        true
    }
    fn is_lock_file(&self, _path: &str) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        "cargo-lock"
    }
    fn version(&self) -> u32 {
        1
    }
    fn patterns(&self) -> PathPatterns {
        PathPatterns {
            file_names: &["Cargo.lock"],
            ..PathPatterns::default()
        }
    }
    fn required(&self, path: &str, _meta: &EntryMeta) -> bool {
        file_name(path) == "Cargo.lock"
    }
    fn analyze(&self, files: &[&FileEntry]) -> AnalyzerOutput {
        let mut out = AnalyzerOutput::default();
        for f in files {
            match parse_cargo_lock(&f.data, &f.path) {
                Ok(p) => out.packages.extend(p),
                Err(e) => out.errors.push(e),
            }
        }
        out
    }
}

/// Parses a Cargo.lock (v1–v4).
pub fn parse_cargo_lock(data: &[u8], path: &str) -> Result<Vec<Package>, AnalyzeError> {
    let text = std::str::from_utf8(data)
        .map_err(|e| AnalyzeError::malformed("cargo-lock", path, e.to_string()))?;
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        AnalyzeError::malformed("cargo-lock", path, e.message().to_owned())
    })?;
    let mut out = Vec::new();
    for pkg in doc
        .get("package")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(n), Some(v)) = (
            pkg.get("name").and_then(toml::Value::as_str),
            pkg.get("version").and_then(toml::Value::as_str),
        ) else {
            continue;
        };
        let Some(src) = pkg.get("source").and_then(toml::Value::as_str) else {
            continue;
        };
        let mut p = Package::new(PackageType::RustCrate, n, v, path);
        p.metadata.insert("cargo.source".into(), src.to_owned());
        out.push(p);
    }
    Ok(out)
}
