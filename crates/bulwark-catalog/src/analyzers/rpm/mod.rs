//! rpm: the three rpmdb backends — SQLite `rpmdb.sqlite` (RHEL 9+, Fedora 33+), Berkeley DB hash
//! `Packages` (RHEL ≤ 8) and NDB `Packages.db` (SUSE) — under `/var/lib/rpm/` or
//! `/usr/lib/sysimage/rpm/`. Each holds one header blob per installed package.

pub mod bdb;
pub mod header;
pub mod ndb;

use std::io::Write;

use crate::analyzer::{Analyzer, AnalyzerOutput, EntryMeta, FileEntry, PathPatterns, file_name};
use crate::error::AnalyzeError;
use crate::model::{Package, PackageType};

const PATHS: &[&str] = &[
    "/var/lib/rpm/rpmdb.sqlite",
    "/var/lib/rpm/Packages",
    "/var/lib/rpm/Packages.db",
    "/usr/lib/sysimage/rpm/rpmdb.sqlite",
    "/usr/lib/sysimage/rpm/Packages",
    "/usr/lib/sysimage/rpm/Packages.db",
];

/// Reads rpm databases.
#[derive(Debug, Default)]
pub struct RpmAnalyzer;

impl Analyzer for RpmAnalyzer {
    fn name(&self) -> &'static str {
        "rpm"
    }
    fn version(&self) -> u32 {
        1
    }
    fn patterns(&self) -> PathPatterns {
        PathPatterns {
            exact: PATHS,
            ..PathPatterns::default()
        }
    }
    fn required(&self, path: &str, _meta: &EntryMeta) -> bool {
        PATHS.contains(&path)
    }
    fn analyze(&self, files: &[&FileEntry]) -> AnalyzerOutput {
        let mut out = AnalyzerOutput::default();
        for f in files {
            let blobs = match file_name(&f.path) {
                "rpmdb.sqlite" => sqlite_blobs(&f.data, &f.path),
                "Packages" => bdb::values(&f.data)
                    .map_err(|e| AnalyzeError::malformed("rpm", &f.path, e.to_string())),
                _ => ndb::values(&f.data)
                    .map_err(|e| AnalyzeError::malformed("rpm", &f.path, e.to_string())),
            };
            match blobs {
                Ok(blobs) => {
                    for b in blobs {
                        match header::rpm_info(&b) {
                            Ok(Some(info)) => {
                                if info.name == "gpg-pubkey" {
                                    continue; // imported signing keys, not software
                                }
                                for p in &info.files {
                                    out.owned.insert(p, &info.name);
                                }
                                out.packages.push(to_package(info, &f.path));
                            }
                            Ok(None) => {}
                            Err(e) => out.errors.push(AnalyzeError::malformed(
                                "rpm",
                                &f.path,
                                e.to_string(),
                            )),
                        }
                    }
                }
                Err(e) => out.errors.push(e),
            }
        }
        out
    }
}

/// Converts header fields to a [`Package`] (`version` is `VERSION-RELEASE`, epoch apart).
pub fn to_package(info: header::RpmInfo, path: &str) -> Package {
    let version = if info.release.is_empty() {
        info.version.clone()
    } else {
        format!("{}-{}", info.version, info.release)
    };
    let mut p = Package::new(PackageType::Rpm, &info.name, &version, path);
    p.epoch = info.epoch;
    p.arch = info.arch;
    p.licenses = info.license.into_iter().collect();
    p.maintainer = info.vendor;
    if let Some(src) = info.source_rpm {
        if let Some((n, v)) = header::split_source_rpm(&src) {
            p.source_name = Some(n);
            p.source_version = Some(v);
        }
        p.metadata.insert("sourcerpm".into(), src);
    }
    p
}

/// Reads all header blobs of a SQLite rpmdb (table `Packages(hnum, blob)`). SQLite needs a file,
/// so the bytes are staged in a private temp file opened read-only.
pub fn sqlite_blobs(data: &[u8], path: &str) -> Result<Vec<Vec<u8>>, AnalyzeError> {
    let io = |source| AnalyzeError::Io {
        path: path.to_owned(),
        source,
    };
    let sql = |source| AnalyzeError::Sqlite {
        path: path.to_owned(),
        source,
    };
    let mut tmp = tempfile::NamedTempFile::new().map_err(io)?;
    tmp.write_all(data).map_err(io)?;
    tmp.flush().map_err(io)?;
    let conn = rusqlite::Connection::open_with_flags(
        tmp.path(),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql)?;
    let mut stmt = conn
        .prepare("SELECT blob FROM Packages ORDER BY hnum")
        .map_err(sql)?;
    let rows = stmt
        .query_map([], |r| r.get::<_, Vec<u8>>(0))
        .map_err(sql)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(sql)
}
