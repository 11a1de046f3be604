//! Node.js: installed packages (`node_modules/**/package.json`) and, in filesystem mode, lock
//! files (`package-lock.json` v1–v3, `yarn.lock` classic and berry, `pnpm-lock.yaml`).

use crate::analyzer::{
    Analyzer, AnalyzerOutput, EntryMeta, FileEntry, PathPatterns, file_name, parent,
};
use crate::error::AnalyzeError;
use crate::model::{Package, PackageType};

/// Installed npm packages in `node_modules`.
#[derive(Debug, Default)]
pub struct NodeInstalledAnalyzer;

/// True for `.../node_modules/<name>/package.json` and `.../node_modules/@scope/<name>/package.json`.
pub fn is_installed_package_json(path: &str) -> bool {
    if file_name(path) != "package.json" {
        return false;
    }
    let pkg_dir = parent(path);
    let up = parent(pkg_dir);
    up.ends_with("/node_modules")
        || (file_name(up).starts_with('@') && parent(up).ends_with("/node_modules"))
}

impl Analyzer for NodeInstalledAnalyzer {
    fn per_file(&self) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        "node-installed"
    }
    fn version(&self) -> u32 {
        1
    }
    fn patterns(&self) -> PathPatterns {
        PathPatterns {
            file_names: &["package.json"],
            ..PathPatterns::default()
        }
    }
    fn required(&self, path: &str, _meta: &EntryMeta) -> bool {
        is_installed_package_json(path)
    }
    fn analyze(&self, files: &[&FileEntry]) -> AnalyzerOutput {
        let mut out = AnalyzerOutput::default();
        for f in files {
            match parse_package_json(&f.data, &f.path) {
                Ok(Some(p)) => out.packages.push(p),
                Ok(None) => {}
                Err(e) => out.errors.push(e),
            }
        }
        out
    }
}

/// Parses a package.json; `None` when it has no name or version (e.g. test fixtures inside a package).
pub fn parse_package_json(data: &[u8], path: &str) -> Result<Option<Package>, AnalyzeError> {
    let v: serde_json::Value =
        serde_json::from_slice(data).map_err(|source| AnalyzeError::Json {
            analyzer: "node",
            path: path.to_owned(),
            source,
        })?;
    let (Some(name), Some(version)) = (
        v.get("name").and_then(|n| n.as_str()),
        v.get("version").and_then(|n| n.as_str()),
    ) else {
        return Ok(None);
    };
    if name.is_empty() || version.is_empty() {
        return Ok(None);
    }
    let mut p = Package::new(PackageType::Npm, name, version, path);
    p.licenses = licenses(&v);
    p.maintainer = match v.get("author") {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(a) => a.get("name").and_then(|n| n.as_str()).map(str::to_owned),
        None => None,
    };
    Ok(Some(p))
}

fn licenses(v: &serde_json::Value) -> Vec<String> {
    let one = |l: &serde_json::Value| match l {
        serde_json::Value::String(s) => Some(s.clone()),
        o => o.get("type").and_then(|t| t.as_str()).map(str::to_owned),
    };
    if let Some(l) = v.get("license").and_then(one) {
        return vec![l];
    }
    v.get("licenses")
        .and_then(|l| l.as_array())
        .map(|a| a.iter().filter_map(one).collect())
        .unwrap_or_default()
}

/// npm/yarn/pnpm lock files (filesystem mode).
#[derive(Debug, Default)]
pub struct NodeLockAnalyzer;

impl Analyzer for NodeLockAnalyzer {
    fn per_file(&self) -> bool {
        true
    }
    fn is_lock_file(&self, _path: &str) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        "node-lock"
    }
    fn version(&self) -> u32 {
        1
    }
    fn patterns(&self) -> PathPatterns {
        PathPatterns {
            file_names: &["package-lock.json", "yarn.lock", "pnpm-lock.yaml"],
            ..PathPatterns::default()
        }
    }
    fn required(&self, path: &str, _meta: &EntryMeta) -> bool {
        // lock files vendored inside installed packages describe their development, not the app
        matches!(
            file_name(path),
            "package-lock.json" | "yarn.lock" | "pnpm-lock.yaml"
        ) && !path.contains("/node_modules/")
    }
    fn analyze(&self, files: &[&FileEntry]) -> AnalyzerOutput {
        let mut out = AnalyzerOutput::default();
        for f in files {
            let r = match file_name(&f.path) {
                "package-lock.json" => parse_package_lock(&f.data, &f.path),
                "yarn.lock" => Ok(parse_yarn_lock(&f.data, &f.path)),
                _ => Ok(parse_pnpm_lock(&f.data, &f.path)),
            };
            match r {
                Ok(p) => out.packages.extend(p),
                Err(e) => out.errors.push(e),
            }
        }
        out
    }
}

/// package-lock.json / npm-shrinkwrap: v2/v3 `packages` map, else v1 nested `dependencies`.
pub fn parse_package_lock(data: &[u8], path: &str) -> Result<Vec<Package>, AnalyzeError> {
    let v: serde_json::Value =
        serde_json::from_slice(data).map_err(|source| AnalyzeError::Json {
            analyzer: "node-lock",
            path: path.to_owned(),
            source,
        })?;
    let mut out = Vec::new();
    if let Some(pkgs) = v.get("packages").and_then(|p| p.as_object()) {
        for (key, meta) in pkgs {
            let Some(idx) = key.rfind("node_modules/") else {
                continue;
            }; // "" is the root project
            if meta.get("link").and_then(serde_json::Value::as_bool) == Some(true) {
                continue;
            }
            let name = meta
                .get("name")
                .and_then(|n| n.as_str())
                .unwrap_or(&key[idx + "node_modules/".len()..]);
            if let Some(ver) = meta.get("version").and_then(|n| n.as_str()) {
                let mut p = Package::new(PackageType::Npm, name, ver, path);
                p.licenses = licenses(meta);
                out.push(p);
            }
        }
        return Ok(out);
    }
    fn walk(
        deps: &serde_json::Map<String, serde_json::Value>,
        path: &str,
        out: &mut Vec<Package>,
        depth: usize,
    ) {
        if depth > 64 {
            return;
        }
        for (name, meta) in deps {
            if let Some(ver) = meta.get("version").and_then(|n| n.as_str()) {
                // v1 uses "file:..."/"git+..." versions for non-registry deps; keep only versions
                if !ver.contains(':') {
                    out.push(Package::new(PackageType::Npm, name, ver, path));
                }
            }
            if let Some(d) = meta.get("dependencies").and_then(|d| d.as_object()) {
                walk(d, path, out, depth + 1);
            }
        }
    }
    if let Some(d) = v.get("dependencies").and_then(|d| d.as_object()) {
        walk(d, path, &mut out, 0);
    }
    Ok(out)
}

/// yarn.lock, classic (`"a@^1", a@^1.2:` + `  version "1.2.3"`) and berry (`"a@npm:^1":` +
/// `  version: 1.2.3`); berry `__metadata` and workspace/link entries are skipped.
pub fn parse_yarn_lock(data: &[u8], path: &str) -> Vec<Package> {
    let text = String::from_utf8_lossy(data);
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            current = line.strip_suffix(':').and_then(|spec| {
                let first = spec.split(", ").next()?.trim().trim_matches('"');
                if first == "__metadata"
                    || first.contains("@workspace:")
                    || first.contains("@link:")
                    || first.contains("@portal:")
                {
                    return None;
                }
                // the name ends at the '@' that starts the range (a leading '@' is a scope)
                let at = first.get(1..)?.find('@')? + 1;
                Some(first.get(..at)?.to_owned())
            });
            continue;
        }
        let t = line.trim();
        if let (Some(name), Some(v)) = (current.as_ref(), t.strip_prefix("version"))
            && line.starts_with("  ")
            && !line.starts_with("   ")
        {
            let v = v.trim_start_matches(':').trim().trim_matches('"');
            if !v.is_empty() {
                out.push(Package::new(PackageType::Npm, name.as_str(), v, path));
            }
            current = None;
        }
    }
    out
}

/// pnpm-lock.yaml: keys of the top-level `packages:` map — v5 `/name/1.0.0`, v6 `/name@1.0.0`,
/// v9 `name@1.0.0` — with peer-dependency suffixes `(...)` / `_...` removed.
pub fn parse_pnpm_lock(data: &[u8], path: &str) -> Vec<Package> {
    let text = String::from_utf8_lossy(data);
    let mut out = Vec::new();
    let mut in_packages = false;
    for line in text.lines() {
        if !line.starts_with(' ') && !line.trim().is_empty() {
            in_packages = line.trim_end() == "packages:";
            continue;
        }
        if !in_packages || !line.starts_with("  ") || line.starts_with("   ") {
            continue;
        }
        let Some(key) = line.trim().strip_suffix(':') else {
            continue;
        };
        let key = key.trim_matches(|c| c == '\'' || c == '"');
        let key = key.split('(').next().unwrap_or(key);
        let (name, version) = if let Some(k) = key.strip_prefix('/') {
            match k.rsplit_once('/') {
                // v5 `/name/1.0.0[_peer@x]`: the last segment is the version
                Some((n, v)) if v.starts_with(|c: char| c.is_ascii_digit()) => (n, v),
                // v6 `/name@1.0.0`
                _ => match k.get(1..).and_then(|s| s.find('@')) {
                    Some(i) => (&k[..=i], &k[i + 2..]),
                    None => continue,
                },
            }
        } else {
            match key.get(1..).and_then(|s| s.find('@')) {
                Some(i) => (&key[..=i], &key[i + 2..]),
                None => continue,
            }
        };
        let version = version.split('_').next().unwrap_or(version);
        if !name.is_empty()
            && !version.is_empty()
            && version.starts_with(|c: char| c.is_ascii_digit())
        {
            out.push(Package::new(PackageType::Npm, name, version, path));
        }
    }
    out
}
