//! .NET: `*.deps.json` next to published assemblies; `libraries` entries of type `package`.

use crate::analyzer::{Analyzer, AnalyzerOutput, EntryMeta, FileEntry, PathPatterns};
use crate::error::AnalyzeError;
use crate::model::{Package, PackageType};

/// NuGet packages from deps.json.
#[derive(Debug, Default)]
pub struct DotnetDepsAnalyzer;

impl Analyzer for DotnetDepsAnalyzer {
    fn per_file(&self) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        "dotnet-deps"
    }
    fn version(&self) -> u32 {
        1
    }
    fn patterns(&self) -> PathPatterns {
        PathPatterns {
            suffixes: &[".deps.json"],
            ..PathPatterns::default()
        }
    }
    fn required(&self, path: &str, _meta: &EntryMeta) -> bool {
        path.ends_with(".deps.json")
    }
    fn analyze(&self, files: &[&FileEntry]) -> AnalyzerOutput {
        let mut out = AnalyzerOutput::default();
        for f in files {
            match parse_deps_json(&f.data, &f.path) {
                Ok(p) => out.packages.extend(p),
                Err(e) => out.errors.push(e),
            }
        }
        out
    }
}

/// Parses `{"libraries": {"Name/1.2.3": {"type": "package"}}}`; projects are skipped.
pub fn parse_deps_json(data: &[u8], path: &str) -> Result<Vec<Package>, AnalyzeError> {
    let v: serde_json::Value =
        serde_json::from_slice(data).map_err(|source| AnalyzeError::Json {
            analyzer: "dotnet-deps",
            path: path.to_owned(),
            source,
        })?;
    let mut out = Vec::new();
    for (key, lib) in v
        .get("libraries")
        .and_then(|l| l.as_object())
        .into_iter()
        .flatten()
    {
        if lib.get("type").and_then(|t| t.as_str()) != Some("package") {
            continue;
        }
        if let Some((n, ver)) = key.split_once('/') {
            out.push(Package::new(PackageType::Nuget, n, ver, path));
        }
    }
    Ok(out)
}
