//! dpkg: `/var/lib/dpkg/status`, distroless `/var/lib/dpkg/status.d/*`, and the per-package file
//! lists `/var/lib/dpkg/info/<pkg>[:<arch>].list` (plus distroless `status.d/<pkg>.md5sums`)
//! that say which files each package owns.

use crate::analyzer::{Analyzer, AnalyzerOutput, EntryMeta, FileEntry, PathPatterns, file_name};
use crate::error::AnalyzeError;
use crate::model::{FileOwnership, Package, PackageType};

const STATUS: &str = "/var/lib/dpkg/status";
const STATUS_D: &str = "/var/lib/dpkg/status.d/";
const INFO: &str = "/var/lib/dpkg/info/";

/// Reads the dpkg database.
#[derive(Debug, Default)]
pub struct DpkgAnalyzer;

impl Analyzer for DpkgAnalyzer {
    fn name(&self) -> &'static str {
        "dpkg"
    }
    fn version(&self) -> u32 {
        1
    }
    fn patterns(&self) -> PathPatterns {
        PathPatterns {
            exact: &[STATUS],
            prefixes: &[STATUS_D, INFO],
            ..PathPatterns::default()
        }
    }
    fn required(&self, path: &str, _meta: &EntryMeta) -> bool {
        path == STATUS
            || path
                .strip_prefix(STATUS_D)
                .is_some_and(|n| !n.is_empty() && !n.contains('/'))
            || path
                .strip_prefix(INFO)
                .is_some_and(|n| n.to_ascii_lowercase().ends_with(".list") && !n.contains('/'))
    }
    fn analyze(&self, files: &[&FileEntry]) -> AnalyzerOutput {
        let mut out = AnalyzerOutput::default();
        for f in files {
            let name = file_name(&f.path);
            if f.path == STATUS || (f.path.starts_with(STATUS_D) && !name.ends_with(".md5sums")) {
                match parse_status(&f.data, &f.path) {
                    Ok(pkgs) => out.packages.extend(pkgs),
                    Err(e) => out.errors.push(e),
                }
            } else if f.path.starts_with(STATUS_D) {
                // distroless: "<md5>  usr/share/doc/x/copyright" per line
                let pkg = name.trim_end_matches(".md5sums");
                let pkg = pkg.split_once(':').map_or(pkg, |(p, _)| p);
                for line in String::from_utf8_lossy(&f.data).lines() {
                    if let Some((_, p)) = line.split_once("  ") {
                        out.owned.insert(p.trim(), pkg);
                    }
                }
            } else if let Some(list) = name.strip_suffix(".list") {
                let pkg = list.split_once(':').map_or(list, |(p, _)| p);
                parse_list(&f.data, pkg, &mut out.owned);
            }
        }
        out
    }
}

/// Adds every path of a dpkg `.list` file (one absolute path per line) as owned by `pkg`.
/// Directories are included as dpkg lists them; they never collide with package evidence files.
pub fn parse_list(data: &[u8], pkg: &str, owned: &mut FileOwnership) {
    for line in String::from_utf8_lossy(data).lines() {
        let line = line.trim_end();
        if line.starts_with('/') && line != "/." {
            owned.insert(line, pkg);
        }
    }
}

/// Parses a dpkg status file (or one distroless `status.d` entry): RFC 822-style paragraphs.
/// Returns only packages whose `Status` is `install ok installed` (entries without a `Status`
/// field, as in distroless `status.d`, count as installed).
pub fn parse_status(data: &[u8], path: &str) -> Result<Vec<Package>, AnalyzeError> {
    let text = String::from_utf8_lossy(data);
    let mut pkgs = Vec::new();
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut saw_any = false;
    for line in text.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() {
            if !fields.is_empty() {
                saw_any = true;
                if let Some(p) = paragraph_to_package(&fields, path) {
                    pkgs.push(p);
                }
                fields.clear();
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = fields.last_mut() {
                v.push('\n');
                v.push_str(line.trim());
            }
            continue;
        }
        match line.split_once(':') {
            Some((k, v)) => fields.push((k.trim().to_owned(), v.trim().to_owned())),
            None => {
                return Err(AnalyzeError::malformed(
                    "dpkg",
                    path,
                    format!("line is neither `Field: value` nor a continuation: {line:?}"),
                ));
            }
        }
    }
    if !saw_any && !data.is_empty() && !text.trim().is_empty() {
        return Err(AnalyzeError::malformed(
            "dpkg",
            path,
            "no package paragraphs",
        ));
    }
    Ok(pkgs)
}

fn paragraph_to_package(fields: &[(String, String)], path: &str) -> Option<Package> {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(f, _)| f.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.as_str())
    };
    let name = get("Package")?;
    let version = get("Version")?;
    if let Some(status) = get("Status")
        && status.split_whitespace().collect::<Vec<_>>() != ["install", "ok", "installed"]
    {
        return None;
    }
    if name.is_empty() || version.is_empty() {
        return None;
    }
    let mut p = Package::new(PackageType::Deb, name, version, path);
    p.arch = get("Architecture").map(str::to_owned);
    p.maintainer = get("Maintainer").map(str::to_owned);
    let (src, src_ver) = match get("Source") {
        Some(s) => match s.split_once('(') {
            Some((n, v)) => (
                n.trim().to_owned(),
                Some(v.trim_end_matches(')').trim().to_owned()),
            ),
            None => (s.trim().to_owned(), None),
        },
        None => (name.to_owned(), None),
    };
    p.source_name = Some(src);
    p.source_version = Some(src_ver.unwrap_or_else(|| version.to_owned()));
    Some(p)
}
