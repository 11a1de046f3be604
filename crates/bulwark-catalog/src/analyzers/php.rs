//! PHP Composer: `vendor/composer/installed.json` (installed, both Composer 1 array and
//! Composer 2 `{"packages": [...]}` forms) and, in filesystem mode, `composer.lock`.

use crate::analyzer::{Analyzer, AnalyzerOutput, EntryMeta, FileEntry, PathPatterns, file_name};
use crate::error::AnalyzeError;
use crate::model::{Package, PackageType};

/// Composer packages.
#[derive(Debug, Default)]
pub struct ComposerAnalyzer {
    /// Also read `composer.lock` (filesystem mode).
    pub lock_files: bool,
}

impl Analyzer for ComposerAnalyzer {
    fn per_file(&self) -> bool {
        true
    }
    fn is_lock_file(&self, path: &str) -> bool {
        file_name(path) == "composer.lock"
    }
    fn name(&self) -> &'static str {
        "composer"
    }
    fn version(&self) -> u32 {
        1
    }
    fn patterns(&self) -> PathPatterns {
        PathPatterns {
            file_names: &["installed.json", "composer.lock"],
            ..PathPatterns::default()
        }
    }
    fn required(&self, path: &str, _meta: &EntryMeta) -> bool {
        path.ends_with("/vendor/composer/installed.json")
            || (self.lock_files && file_name(path) == "composer.lock" && !path.contains("/vendor/"))
    }
    fn analyze(&self, files: &[&FileEntry]) -> AnalyzerOutput {
        let mut out = AnalyzerOutput::default();
        for f in files {
            match parse_composer(&f.data, &f.path) {
                Ok(p) => out.packages.extend(p),
                Err(e) => out.errors.push(e),
            }
        }
        out
    }
}

/// Parses composer.lock or installed.json.
pub fn parse_composer(data: &[u8], path: &str) -> Result<Vec<Package>, AnalyzeError> {
    let v: serde_json::Value =
        serde_json::from_slice(data).map_err(|source| AnalyzeError::Json {
            analyzer: "composer",
            path: path.to_owned(),
            source,
        })?;
    let lists: Vec<&Vec<serde_json::Value>> = match &v {
        serde_json::Value::Array(a) => vec![a],
        o => ["packages", "packages-dev"]
            .iter()
            .filter_map(|k| o.get(k).and_then(|x| x.as_array()))
            .collect(),
    };
    let mut out = Vec::new();
    for pkg in lists.into_iter().flatten() {
        let (Some(n), Some(ver)) = (
            pkg.get("name").and_then(|x| x.as_str()),
            pkg.get("version").and_then(|x| x.as_str()),
        ) else {
            continue;
        };
        let mut p = Package::new(PackageType::Composer, n, ver.trim_start_matches('v'), path);
        p.licenses = pkg
            .get("license")
            .and_then(|l| l.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        out.push(p);
    }
    Ok(out)
}
