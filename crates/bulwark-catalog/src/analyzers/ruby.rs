//! Ruby: installed gems (`specifications/*.gemspec`, Ruby source written by RubyGems) and, in
//! filesystem mode, `Gemfile.lock`.

use crate::analyzer::{
    Analyzer, AnalyzerOutput, EntryMeta, FileEntry, PathPatterns, file_name, parent,
};
use crate::model::{Package, PackageType};

/// Installed gem specifications.
#[derive(Debug, Default)]
pub struct GemspecAnalyzer;

impl Analyzer for GemspecAnalyzer {
    fn per_file(&self) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        "ruby-gemspec"
    }
    fn version(&self) -> u32 {
        1
    }
    fn patterns(&self) -> PathPatterns {
        PathPatterns {
            suffixes: &[".gemspec"],
            ..PathPatterns::default()
        }
    }
    fn required(&self, path: &str, _meta: &EntryMeta) -> bool {
        path.ends_with(".gemspec") && parent(path).ends_with("/specifications")
    }
    fn analyze(&self, files: &[&FileEntry]) -> AnalyzerOutput {
        let mut out = AnalyzerOutput::default();
        out.packages
            .extend(files.iter().filter_map(|f| parse_gemspec(&f.data, &f.path)));
        out
    }
}

fn ruby_string(v: &str) -> Option<String> {
    let v = v.trim();
    let q = v.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &v[1..];
    rest.find(q).map(|e| rest[..e].to_owned())
}

fn ruby_strings(v: &str) -> Vec<String> {
    let v = v.trim().trim_start_matches('[');
    v.split(',').filter_map(ruby_string).collect()
}

/// Reads `s.name = "x".freeze`, `s.version = "1.0"`, `s.licenses = ["MIT".freeze]` assignments
/// (also `Gem::Version.new("1.0")`). Returns `None` without a name and version.
pub fn parse_gemspec(data: &[u8], path: &str) -> Option<Package> {
    let text = String::from_utf8_lossy(data);
    let (mut name, mut version, mut licenses, mut authors) = (None, None, Vec::new(), Vec::new());
    for line in text.lines() {
        let l = line.trim();
        let Some((lhs, rhs)) = l.split_once('=') else {
            continue;
        };
        let field = lhs.trim().rsplit('.').next().unwrap_or_default();
        let rhs = rhs.trim().trim_start_matches("Gem::Version.new(");
        match field {
            "name" if name.is_none() => name = ruby_string(rhs),
            "version" if version.is_none() => version = ruby_string(rhs),
            "licenses" | "license" if licenses.is_empty() => licenses = ruby_strings(rhs),
            "authors" if authors.is_empty() => authors = ruby_strings(rhs),
            _ => {}
        }
    }
    let mut p = Package::new(PackageType::Gem, name?, version?, path);
    p.licenses = licenses;
    p.maintainer = (!authors.is_empty()).then(|| authors.join(", "));
    Some(p)
}

/// Gemfile.lock (filesystem mode).
#[derive(Debug, Default)]
pub struct GemfileLockAnalyzer;

impl Analyzer for GemfileLockAnalyzer {
    fn per_file(&self) -> bool {
        true
    }
    fn is_lock_file(&self, _path: &str) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        "ruby-gemfile-lock"
    }
    fn version(&self) -> u32 {
        1
    }
    fn patterns(&self) -> PathPatterns {
        PathPatterns {
            file_names: &["Gemfile.lock"],
            ..PathPatterns::default()
        }
    }
    fn required(&self, path: &str, _meta: &EntryMeta) -> bool {
        file_name(path) == "Gemfile.lock"
    }
    fn analyze(&self, files: &[&FileEntry]) -> AnalyzerOutput {
        let mut out = AnalyzerOutput::default();
        for f in files {
            out.packages.extend(parse_gemfile_lock(&f.data, &f.path));
        }
        out
    }
}

/// `specs:` entries indented by exactly four spaces: `    name (version[-platform])`.
pub fn parse_gemfile_lock(data: &[u8], path: &str) -> Vec<Package> {
    let text = String::from_utf8_lossy(data);
    let mut out = Vec::new();
    let mut in_gem = false;
    for line in text.lines() {
        if !line.starts_with(' ') {
            in_gem = matches!(line.trim(), "GEM" | "GIT" | "PATH");
            continue;
        }
        if !in_gem || !line.starts_with("    ") || line.starts_with("     ") {
            continue;
        }
        let Some((name, rest)) = line.trim().split_once(" (") else {
            continue;
        };
        let version = rest.trim_end_matches(')');
        if !version.is_empty() {
            out.push(Package::new(PackageType::Gem, name, version, path));
        }
    }
    out
}
