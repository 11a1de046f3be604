//! Java archives (jar, war, ear, and Jenkins jpi/hpi): `META-INF/maven/**/pom.properties`
//! (groupId, artifactId, version) with `META-INF/MANIFEST.MF` and then the file name as
//! fallbacks. Nested archives (`BOOT-INF/lib/x.jar`, `WEB-INF/lib/x.jar`) are opened in memory
//! and reported as `/app.jar/BOOT-INF/lib/x.jar`.

use std::io::{Cursor, Read};

use crate::analyzer::{Analyzer, AnalyzerOutput, EntryMeta, FileEntry, PathPatterns, file_name};
use crate::error::AnalyzeError;
use crate::model::{Package, PackageType};

const SUFFIXES: &[&str] = &[".jar", ".war", ".ear", ".jpi", ".hpi"];
/// Nesting deeper than this is ignored (a jar inside a jar inside a war inside an ear...).
const MAX_DEPTH: usize = 4;
/// Largest nested archive or metadata entry decompressed into memory.
const MAX_ENTRY: u64 = 256 * 1024 * 1024;

/// Java archives.
#[derive(Debug, Default)]
pub struct JavaAnalyzer;

impl Analyzer for JavaAnalyzer {
    fn per_file(&self) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        "java-archive"
    }
    fn version(&self) -> u32 {
        1
    }
    fn patterns(&self) -> PathPatterns {
        PathPatterns {
            suffixes: SUFFIXES,
            ..PathPatterns::default()
        }
    }
    fn required(&self, path: &str, _meta: &EntryMeta) -> bool {
        is_archive_name(path)
    }
    fn analyze(&self, files: &[&FileEntry]) -> AnalyzerOutput {
        let mut out = AnalyzerOutput::default();
        for f in files {
            if let Err(e) = parse_archive(&f.data, &f.path, 0, &mut out.packages) {
                out.errors.push(e);
            }
        }
        out
    }
}

fn is_archive_name(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    SUFFIXES.iter().any(|s| lower.ends_with(s))
}

/// Reads one archive (and its nested archives) and appends the packages found.
pub fn parse_archive(
    data: &[u8],
    path: &str,
    depth: usize,
    out: &mut Vec<Package>,
) -> Result<(), AnalyzeError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(data)).map_err(|e| {
        AnalyzeError::malformed("java-archive", path, format!("not a zip archive: {e}"))
    })?;
    let mut poms = Vec::new();
    let mut manifest = None;
    let mut nested = Vec::new();
    for i in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(i) else {
            continue;
        };
        let name = entry.name().to_owned();
        let wanted_meta = (name.starts_with("META-INF/maven/")
            && name.ends_with("/pom.properties"))
            || name == "META-INF/MANIFEST.MF";
        let wanted_nested = depth < MAX_DEPTH && is_archive_name(&name) && !entry.is_dir();
        if !wanted_meta && !wanted_nested {
            continue;
        }
        let mut buf = Vec::new();
        if entry
            .by_ref()
            .take(MAX_ENTRY)
            .read_to_end(&mut buf)
            .is_err()
        {
            continue; // unsupported compression or corrupt entry: skip just this entry
        }
        if name == "META-INF/MANIFEST.MF" {
            manifest = Some(String::from_utf8_lossy(&buf).into_owned());
        } else if wanted_meta {
            poms.push(parse_properties(&String::from_utf8_lossy(&buf)));
        } else {
            nested.push((name, buf));
        }
    }
    let mut found = false;
    for props in &poms {
        let get = |k: &str| props.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone());
        if let (Some(g), Some(a), Some(v)) = (get("groupId"), get("artifactId"), get("version")) {
            let mut p = Package::new(PackageType::JavaArchive, a, v, path);
            p.group = Some(g);
            p.refresh_purl(None);
            out.push(p);
            found = true;
        }
    }
    if !found {
        let m = manifest.as_deref().map(parse_manifest).unwrap_or_default();
        let get = |k: &str| {
            m.iter()
                .find(|(a, _)| a.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.clone())
        };
        let from_name = name_version_from_file(file_name(path));
        let name = get("Implementation-Title")
            .or_else(|| {
                get("Bundle-SymbolicName")
                    .map(|s| s.split(';').next().unwrap_or_default().to_owned())
            })
            .or_else(|| from_name.as_ref().map(|(n, _)| n.clone()));
        let version = get("Implementation-Version")
            .or_else(|| get("Bundle-Version"))
            .or_else(|| from_name.as_ref().map(|(_, v)| v.clone()));
        if let (Some(n), Some(v)) = (name, version) {
            let mut p = Package::new(PackageType::JavaArchive, n, v, path);
            p.group = get("Implementation-Vendor-Id");
            p.licenses = get("Bundle-License").into_iter().collect();
            p.refresh_purl(None);
            out.push(p);
        }
    }
    for (name, buf) in nested {
        let nested_path = format!("{path}/{name}");
        // a corrupt nested jar must not hide the rest of the outer archive
        let _ = parse_archive(&buf, &nested_path, depth + 1, out);
    }
    Ok(())
}

/// Java `.properties` key/value pairs (`#`/`!` comments, `=` or `:` separators).
pub fn parse_properties(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with(['#', '!']))
        .filter_map(|l| {
            l.split_once(['=', ':'])
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        })
        .collect()
}

/// MANIFEST.MF main section (continuation lines start with one space).
pub fn parse_manifest(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            break; // per-entry sections follow the main section
        }
        if let Some(cont) = line.strip_prefix(' ') {
            if let Some((_, v)) = out.last_mut() {
                v.push_str(cont);
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    out
}

/// `commons-io-2.11.0.jar` → (`commons-io`, `2.11.0`): the version starts at the first `-digit`.
pub fn name_version_from_file(file: &str) -> Option<(String, String)> {
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let idx = stem
        .char_indices()
        .find(|&(i, c)| c == '-' && stem[i + 1..].starts_with(|d: char| d.is_ascii_digit()))?
        .0;
    Some((stem[..idx].to_owned(), stem[idx + 1..].to_owned()))
}
