//! Python: installed distributions (`*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, single-file
//! `*.egg-info`) and, in filesystem mode, lock files (`requirements*.txt` pins, `poetry.lock`,
//! `Pipfile.lock`, `uv.lock`).

use crate::analyzer::{
    Analyzer, AnalyzerOutput, EntryMeta, FileEntry, PathPatterns, file_name, parent,
};
use crate::error::AnalyzeError;
use crate::model::{Package, PackageType};

/// Installed Python distributions.
#[derive(Debug, Default)]
pub struct PythonInstalledAnalyzer;

impl Analyzer for PythonInstalledAnalyzer {
    fn per_file(&self) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        "python-installed"
    }
    fn version(&self) -> u32 {
        1
    }
    fn patterns(&self) -> PathPatterns {
        PathPatterns {
            file_names: &["METADATA", "PKG-INFO"],
            suffixes: &[".egg-info"],
            ..PathPatterns::default()
        }
    }
    fn required(&self, path: &str, _meta: &EntryMeta) -> bool {
        let dir = parent(path);
        match file_name(path) {
            "METADATA" => dir.ends_with(".dist-info"),
            "PKG-INFO" => dir.ends_with(".egg-info"),
            n => n.ends_with(".egg-info"),
        }
    }
    fn analyze(&self, files: &[&FileEntry]) -> AnalyzerOutput {
        let mut out = AnalyzerOutput::default();
        for f in files {
            match parse_metadata(&f.data, &f.path) {
                Ok(p) => out.packages.push(p),
                Err(e) => out.errors.push(e),
            }
        }
        out
    }
}

/// Parses core metadata (METADATA / PKG-INFO: RFC 822 headers before the first blank line).
pub fn parse_metadata(data: &[u8], path: &str) -> Result<Package, AnalyzeError> {
    let text = String::from_utf8_lossy(data);
    let (mut name, mut version, mut license, mut license_expr, mut author) =
        (None, None, None, None, None);
    let mut classifiers = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue; // continuation of a multi-line header (License text)
        }
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim().to_owned();
        match k.trim().to_ascii_lowercase().as_str() {
            "name" => name = Some(v),
            "version" => version = Some(v),
            "license" if !v.is_empty() && v != "UNKNOWN" => license = Some(v),
            "license-expression" => license_expr = Some(v),
            "author" if !v.is_empty() => author = Some(v),
            "classifier" => {
                if let Some(l) = v.strip_prefix("License :: ") {
                    classifiers.push(l.rsplit(" :: ").next().unwrap_or(l).to_owned());
                }
            }
            _ => {}
        }
    }
    let (Some(name), Some(version)) = (name, version) else {
        return Err(AnalyzeError::malformed(
            "python-installed",
            path,
            "missing Name or Version header",
        ));
    };
    let mut p = Package::new(PackageType::Python, name, version, path);
    p.licenses = match (license_expr, license) {
        (Some(e), _) => vec![e],
        (None, Some(l)) if l.lines().count() == 1 && l.len() < 100 => vec![l],
        _ => classifiers,
    };
    p.maintainer = author;
    Ok(p)
}

/// Python lock files (filesystem mode).
#[derive(Debug, Default)]
pub struct PythonLockAnalyzer;

impl Analyzer for PythonLockAnalyzer {
    fn per_file(&self) -> bool {
        true
    }
    fn is_lock_file(&self, _path: &str) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        "python-lock"
    }
    fn version(&self) -> u32 {
        1
    }
    fn patterns(&self) -> PathPatterns {
        PathPatterns {
            file_names: &["requirements.txt", "poetry.lock", "Pipfile.lock", "uv.lock"],
            suffixes: &[".txt"],
            ..PathPatterns::default()
        }
    }
    fn required(&self, path: &str, _meta: &EntryMeta) -> bool {
        let n = file_name(path);
        matches!(n, "poetry.lock" | "Pipfile.lock" | "uv.lock")
            || (n.starts_with("requirements") && n.to_ascii_lowercase().ends_with(".txt"))
    }
    fn analyze(&self, files: &[&FileEntry]) -> AnalyzerOutput {
        let mut out = AnalyzerOutput::default();
        for f in files {
            let r = match file_name(&f.path) {
                "poetry.lock" | "uv.lock" => parse_toml_lock(&f.data, &f.path),
                "Pipfile.lock" => parse_pipfile_lock(&f.data, &f.path),
                _ => Ok(parse_requirements(&f.data, &f.path)),
            };
            match r {
                Ok(p) => out.packages.extend(p),
                Err(e) => out.errors.push(e),
            }
        }
        out
    }
}

/// `name==version` pins of a requirements file (extras, markers, hashes and comments dropped;
/// unpinned or ranged requirements are skipped since they name no single version).
pub fn parse_requirements(data: &[u8], path: &str) -> Vec<Package> {
    let text = String::from_utf8_lossy(data);
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or_default().trim();
        if line.is_empty() || line.starts_with(['#', '-']) {
            continue;
        }
        let line = line.split(';').next().unwrap_or_default();
        let line = line
            .split(" --")
            .next()
            .unwrap_or_default()
            .trim()
            .trim_end_matches('\\')
            .trim();
        let Some((name, version)) = line.split_once("==") else {
            continue;
        };
        let name = name.split('[').next().unwrap_or_default().trim();
        let version = version.trim().trim_start_matches('=');
        if name.is_empty() || version.is_empty() || version.contains([',', '*', '<', '>', ' ']) {
            continue;
        }
        out.push(Package::new(PackageType::Python, name, version, path));
    }
    out
}

/// `poetry.lock` / `uv.lock`: `[[package]]` tables with `name` and `version`.
pub fn parse_toml_lock(data: &[u8], path: &str) -> Result<Vec<Package>, AnalyzeError> {
    let text = std::str::from_utf8(data)
        .map_err(|e| AnalyzeError::malformed("python-lock", path, e.to_string()))?;
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        AnalyzeError::malformed("python-lock", path, e.message().to_owned())
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
        // uv marks the project itself as editable/virtual: it is not a dependency
        let source = pkg.get("source").and_then(toml::Value::as_table);
        if source.is_some_and(|s| s.contains_key("editable") || s.contains_key("virtual")) {
            continue;
        }
        out.push(Package::new(PackageType::Python, n, v, path));
    }
    Ok(out)
}

/// `Pipfile.lock`: `default` and `develop` maps of `name → {version: "==x"}`.
pub fn parse_pipfile_lock(data: &[u8], path: &str) -> Result<Vec<Package>, AnalyzeError> {
    let doc: serde_json::Value =
        serde_json::from_slice(data).map_err(|source| AnalyzeError::Json {
            analyzer: "python-lock",
            path: path.to_owned(),
            source,
        })?;
    let mut out = Vec::new();
    for section in ["default", "develop"] {
        for (name, spec) in doc
            .get(section)
            .and_then(|v| v.as_object())
            .into_iter()
            .flatten()
        {
            if let Some(v) = spec
                .get("version")
                .and_then(|v| v.as_str())
                .and_then(|v| v.strip_prefix("=="))
            {
                out.push(Package::new(PackageType::Python, name, v, path));
            }
        }
    }
    Ok(out)
}
