//! apk: `/lib/apk/db/installed` (Alpine, Wolfi, Chainguard). Records are blank-line separated
//! `X:value` lines: `P` name, `V` version, `A` arch, `o` origin, `L` license, `m` maintainer,
//! `F` directory and `R` file within the last `F`, which give file ownership.

use crate::analyzer::{Analyzer, AnalyzerOutput, EntryMeta, FileEntry, PathPatterns};
use crate::error::AnalyzeError;
use crate::model::{FileOwnership, Package, PackageType};

const DB: &str = "/lib/apk/db/installed";

/// Reads the apk installed database.
#[derive(Debug, Default)]
pub struct ApkAnalyzer;

impl Analyzer for ApkAnalyzer {
    fn name(&self) -> &'static str {
        "apk"
    }
    fn version(&self) -> u32 {
        1
    }
    fn patterns(&self) -> PathPatterns {
        PathPatterns {
            exact: &[DB, "/usr/lib/apk/db/installed"],
            ..PathPatterns::default()
        }
    }
    fn required(&self, path: &str, _meta: &EntryMeta) -> bool {
        path == DB || path == "/usr/lib/apk/db/installed"
    }
    fn analyze(&self, files: &[&FileEntry]) -> AnalyzerOutput {
        let mut out = AnalyzerOutput::default();
        for f in files {
            match parse_installed(&f.data, &f.path, &mut out.owned) {
                Ok(p) => out.packages.extend(p),
                Err(e) => out.errors.push(e),
            }
        }
        out
    }
}

/// Parses an apk `installed` database, recording owned files in `owned`.
pub fn parse_installed(
    data: &[u8],
    path: &str,
    owned: &mut FileOwnership,
) -> Result<Vec<Package>, AnalyzeError> {
    let text = String::from_utf8_lossy(data);
    let mut pkgs = Vec::new();
    let mut rec = Record::default();
    for (n, line) in text.lines().chain(std::iter::once("")).enumerate() {
        if line.trim().is_empty() {
            if let Some(p) = rec.finish(path, owned) {
                pkgs.push(p);
            }
            rec = Record::default();
            continue;
        }
        let Some((k, v)) = line.split_once(':') else {
            return Err(AnalyzeError::malformed(
                "apk",
                path,
                format!("line {} is not `X:value`", n + 1),
            ));
        };
        match k {
            "P" => v.clone_into(&mut rec.name),
            "V" => v.clone_into(&mut rec.version),
            "A" => rec.arch = Some(v.to_owned()),
            "o" => rec.origin = Some(v.to_owned()),
            "L" => rec.license = Some(v.to_owned()),
            "m" => rec.maintainer = Some(v.to_owned()),
            "F" => v.clone_into(&mut rec.dir),
            "R" => rec.files.push(if rec.dir.is_empty() {
                v.to_owned()
            } else {
                format!("{}/{v}", rec.dir)
            }),
            _ => {}
        }
    }
    Ok(pkgs)
}

#[derive(Default)]
struct Record {
    name: String,
    version: String,
    arch: Option<String>,
    origin: Option<String>,
    license: Option<String>,
    maintainer: Option<String>,
    dir: String,
    files: Vec<String>,
}

impl Record {
    fn finish(&mut self, path: &str, owned: &mut FileOwnership) -> Option<Package> {
        if self.name.is_empty() || self.version.is_empty() {
            return None;
        }
        for f in &self.files {
            owned.insert(f, &self.name);
        }
        let mut p = Package::new(PackageType::Apk, &self.name, &self.version, path);
        p.arch = self.arch.take();
        p.source_name = Some(self.origin.take().unwrap_or_else(|| self.name.clone()));
        p.source_version = Some(self.version.clone());
        p.licenses = self.license.take().map(|l| vec![l]).unwrap_or_default();
        p.maintainer = self.maintainer.take();
        Some(p)
    }
}
