//! Importing OSV records from directories, zips (osv.dev `all.zip`) and tarballs into a store.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use crate::advisory::index_key;
use crate::advisory::split_record;
use crate::ecosystem::EcosystemKey;
use crate::error::VulnDbError;
use crate::model::{parse_record, sniff_id};
use crate::store::{Metadata, Rejected, SourceInfo, Store, StoreBuilder};

/// Largest single JSON document accepted (osv.dev's largest records are a few MiB).
const MAX_RECORD: u64 = 64 * 1024 * 1024;
const MAX_MALFORMED_IDS: usize = 1000;

/// What kind of input an import source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A directory searched recursively for `*.json`.
    Directory,
    /// A zip archive (osv.dev `all.zip`).
    Zip,
    /// A tar archive, optionally gzip-compressed (`.tar`, `.tar.gz`, `.tgz`).
    Tarball,
    /// One JSON document, optionally gzip-compressed: an OSV record, a CVE record, or an NVD
    /// CVE API 2.0 feed (`nvdcve-2.0-2024.json.gz`, read as a stream whatever its size).
    Json,
}

impl SourceKind {
    /// Detects the kind from the filesystem and, for files, the magic bytes.
    pub fn detect(path: &Path) -> Result<SourceKind, VulnDbError> {
        let md = std::fs::metadata(path).map_err(|e| VulnDbError::io(path, e))?;
        if md.is_dir() {
            return Ok(SourceKind::Directory);
        }
        let mut head = [0u8; 262];
        let mut f = File::open(path).map_err(|e| VulnDbError::io(path, e))?;
        let n = read_up_to(&mut f, &mut head).map_err(|e| VulnDbError::io(path, e))?;
        let head = head.get(..n).unwrap_or_default();
        let json_start = |b: &[u8]| {
            b.iter()
                .find(|c| !c.is_ascii_whitespace())
                .is_some_and(|c| *c == b'{')
        };
        if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
            Ok(SourceKind::Zip)
        } else if head.starts_with(&[0x1f, 0x8b]) {
            // gzip: a tarball, or one compressed JSON document (NVD's feeds).
            let f = File::open(path).map_err(|e| VulnDbError::io(path, e))?;
            let mut inner = [0u8; 262];
            let n = read_up_to(&mut flate2::read::MultiGzDecoder::new(f), &mut inner)
                .unwrap_or_default();
            let inner = inner.get(..n).unwrap_or_default();
            if inner.get(257..262) != Some(b"ustar") && json_start(inner) {
                Ok(SourceKind::Json)
            } else {
                Ok(SourceKind::Tarball)
            }
        } else if head.get(257..262) == Some(b"ustar") {
            Ok(SourceKind::Tarball)
        } else if json_start(head) {
            Ok(SourceKind::Json)
        } else {
            Err(VulnDbError::Source {
                source_path: path.to_owned(),
                problem: "neither a directory, a zip nor a tar/tar.gz archive".into(),
            })
        }
    }

    fn name(self) -> &'static str {
        match self {
            SourceKind::Directory => "directory",
            SourceKind::Zip => "zip",
            SourceKind::Tarball => "tarball",
            SourceKind::Json => "json",
        }
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(buf.get_mut(n..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Accumulates records from several sources, then writes one store.
pub struct Importer {
    builder: StoreBuilder,
    sources: Vec<SourceInfo>,
}

impl Default for Importer {
    fn default() -> Self {
        Self::new()
    }
}

impl Importer {
    /// An empty importer.
    pub fn new() -> Self {
        Importer {
            builder: StoreBuilder::new(),
            sources: Vec::new(),
        }
    }

    /// Adds one JSON document: an OSV record, or CVE data (NVD CVE API 2.0 record or
    /// response, CVE JSON 5 record; see [`crate::cve`]) whose ratings are kept for records
    /// without one. Returns `true` when it was imported (not rejected, not withdrawn).
    /// `origin` names the document (file or archive member) in the rejected list.
    pub fn add_json(&mut self, bytes: &[u8], origin: &str) -> Result<bool, VulnDbError> {
        let rec = match parse_record(bytes) {
            Ok(rec) if !rec.looks_like_cve_data() => rec,
            parsed => {
                let shape = crate::cve::shape(bytes);
                if let Some(s) = shape.filter(|s| *s != crate::cve::Shape::Osv) {
                    return Ok(self.add_cve(bytes, s, origin));
                }
                let reason = match parsed {
                    Err(e) => e.to_string(),
                    Ok(_) => "not an OSV record".to_owned(),
                };
                self.note_rejected(origin, sniff_id(bytes), reason, false);
                return Ok(false);
            }
        };
        let stats = &mut self.builder.stats;
        if rec
            .withdrawn
            .as_deref()
            .is_some_and(|w| !w.trim().is_empty())
        {
            stats.withdrawn += 1;
            return Ok(false);
        }
        let eco = rec
            .affected
            .iter()
            .find_map(|a| a.package.as_ref())
            .map(|p| EcosystemKey::parse(&p.ecosystem).base)
            .unwrap_or_default();
        *stats.records_per_ecosystem.entry(eco).or_default() += 1;
        stats.records += 1;
        let mut dup = false;
        for (key, adv) in split_record(&rec) {
            dup |= self.builder.add(key, &adv)?;
        }
        if dup {
            self.builder.stats.duplicates += 1;
        }
        let ratings = crate::ratings::from_osv(&rec);
        if !ratings.is_empty() {
            for id in crate::ratings::ids_of(&rec) {
                self.add_ratings(&id, &ratings)?;
            }
        }
        Ok(true)
    }

    fn add_cve(&mut self, bytes: &[u8], shape: crate::cve::Shape, origin: &str) -> bool {
        match crate::cve::parse(bytes, shape) {
            Ok(list) => {
                for cve in list {
                    self.builder.stats.cve_records += 1;
                    if self.add_ratings(&cve.id, &cve.ratings).is_err() {
                        self.note_rejected(
                            origin,
                            Some(cve.id.clone()),
                            "cannot encode its ratings".into(),
                            false,
                        );
                    }
                }
                true
            }
            Err(e) => {
                self.note_rejected(
                    origin,
                    sniff_id(bytes),
                    format!("not a CVE record: {e}"),
                    false,
                );
                false
            }
        }
    }

    fn add_ratings(
        &mut self,
        id: &str,
        ratings: &[crate::ratings::Rating],
    ) -> Result<(), VulnDbError> {
        let key = index_key(crate::ratings::RATINGS_KEY, id);
        for r in ratings {
            let bytes = postcard::to_stdvec(r).map_err(|e| VulnDbError::Encode(e.to_string()))?;
            let slot = format!("{}\0{}\0{}", r.record, r.origin, r.score);
            self.builder.add_raw(key.clone(), slot, bytes);
        }
        Ok(())
    }

    /// Adds every record found at `path` (directory, zip or tarball, detected).
    pub fn add_path(&mut self, path: &Path) -> Result<u64, VulnDbError> {
        let kind = SourceKind::detect(path)?;
        self.add_source(path, kind, None)
    }

    /// Adds every record of `path` read as `kind`; `info` overrides the recorded source
    /// description (used by `update` to keep ETags). Returns the records imported.
    pub fn add_source(
        &mut self,
        path: &Path,
        kind: SourceKind,
        info: Option<SourceInfo>,
    ) -> Result<u64, VulnDbError> {
        let before = self.builder.stats.records;
        let cve_before = self.builder.stats.cve_records;
        match kind {
            SourceKind::Directory => self.add_dir(path)?,
            SourceKind::Zip => self.add_zip(path)?,
            SourceKind::Tarball => self.add_tar(path)?,
            SourceKind::Json => self.add_json_file(path)?,
        }
        let records = self.builder.stats.records - before;
        let cve_records = self.builder.stats.cve_records - cve_before;
        let mut info = info.unwrap_or_else(|| SourceInfo {
            kind: kind.name().into(),
            location: path.display().to_string(),
            ..SourceInfo::default()
        });
        info.records = records;
        info.cve_records = cve_records;
        self.sources.push(info);
        Ok(records)
    }

    fn add_dir(&mut self, root: &Path) -> Result<(), VulnDbError> {
        let mut stack: Vec<PathBuf> = vec![root.to_owned()];
        let mut files = Vec::new();
        while let Some(dir) = stack.pop() {
            let rd = std::fs::read_dir(&dir).map_err(|e| VulnDbError::io(&dir, e))?;
            for ent in rd {
                let ent = ent.map_err(|e| VulnDbError::io(&dir, e))?;
                let ft = ent
                    .file_type()
                    .map_err(|e| VulnDbError::io(&ent.path(), e))?;
                if ft.is_dir() {
                    stack.push(ent.path());
                } else if ft.is_file() {
                    files.push(ent.path());
                }
            }
        }
        files.sort();
        for f in files {
            if !is_json_name(&f.to_string_lossy()) {
                if !is_ignorable_name(&f) {
                    self.builder.stats.non_json_skipped += 1;
                }
                continue;
            }
            let len = std::fs::metadata(&f)
                .map_err(|e| VulnDbError::io(&f, e))?
                .len();
            if len > MAX_RECORD {
                self.note_too_large(&f.display().to_string(), len);
                continue;
            }
            let bytes = std::fs::read(&f).map_err(|e| VulnDbError::io(&f, e))?;
            self.add_json(&bytes, &f.display().to_string())?;
        }
        Ok(())
    }

    /// Records a rejected document: too large (counted in `too_large`) or malformed
    /// (counted in `malformed`, its ID or name in `malformed_ids`).
    fn note_rejected(&mut self, origin: &str, id: Option<String>, reason: String, too_large: bool) {
        let stats = &mut self.builder.stats;
        if too_large {
            stats.too_large += 1;
        } else {
            stats.malformed += 1;
            if stats.malformed_ids.len() < MAX_MALFORMED_IDS {
                stats
                    .malformed_ids
                    .push(id.clone().unwrap_or_else(|| origin.to_owned()));
            }
        }
        if stats.rejected.len() < MAX_MALFORMED_IDS {
            stats.rejected.push(Rejected {
                file: origin.to_owned(),
                id,
                reason,
            });
        }
    }

    fn note_too_large(&mut self, origin: &str, len: u64) {
        #[allow(clippy::cast_precision_loss)] // a size shown with one decimal
        let mib = len as f64 / (1024.0 * 1024.0);
        self.note_rejected(
            origin,
            None,
            format!(
                "too large: {mib:.1} MiB (limit {} MiB)",
                MAX_RECORD / (1024 * 1024)
            ),
            true,
        );
    }

    fn add_zip(&mut self, path: &Path) -> Result<(), VulnDbError> {
        let src_err = |problem: String| VulnDbError::Source {
            source_path: path.to_owned(),
            problem,
        };
        let f = File::open(path).map_err(|e| VulnDbError::io(path, e))?;
        let mut zip =
            zip::ZipArchive::new(BufReader::new(f)).map_err(|e| src_err(e.to_string()))?;
        let mut buf = Vec::new();
        for i in 0..zip.len() {
            let mut ent = zip.by_index(i).map_err(|e| src_err(e.to_string()))?;
            if !ent.is_file() {
                continue;
            }
            let name = ent.name().to_owned();
            if !is_json_name(&name) {
                self.builder.stats.non_json_skipped += 1;
                continue;
            }
            buf.clear();
            let read = (&mut ent)
                .take(MAX_RECORD + 1)
                .read_to_end(&mut buf)
                .map_err(|e| src_err(format!("{name}: {e}")))?;
            if read as u64 > MAX_RECORD {
                let size = ent.size().max(read as u64);
                self.note_too_large(&name, size);
                continue;
            }
            self.add_json(&buf, &name)?;
        }
        Ok(())
    }

    /// One (possibly gzip-compressed) JSON document. Up to the per-record limit it is read
    /// whole and handled like any record; a larger one is streamed as an NVD feed
    /// (`vulnerabilities[]`, one CVE at a time), and is too large if it is not one.
    fn add_json_file(&mut self, path: &Path) -> Result<(), VulnDbError> {
        let src_err = |problem: String| VulnDbError::Source {
            source_path: path.to_owned(),
            problem,
        };
        let f = File::open(path).map_err(|e| VulnDbError::io(path, e))?;
        let mut magic = [0u8; 2];
        let n = read_up_to(&mut &f, &mut magic).map_err(|e| VulnDbError::io(path, e))?;
        let f = File::open(path).map_err(|e| VulnDbError::io(path, e))?;
        let mut reader: Box<dyn Read> = if n == 2 && magic == [0x1f, 0x8b] {
            Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(f)))
        } else {
            Box::new(BufReader::new(f))
        };
        let name = path.display().to_string();
        let mut buf = Vec::new();
        let read = (&mut reader)
            .take(MAX_RECORD + 1)
            .read_to_end(&mut buf)
            .map_err(|e| src_err(e.to_string()))?;
        if read as u64 <= MAX_RECORD {
            self.add_json(&buf, &name)?;
            return Ok(());
        }
        let stream = BufReader::new(std::io::Cursor::new(buf).chain(reader));
        let mut de = serde_json::Deserializer::from_reader(stream);
        let seen = serde::de::DeserializeSeed::deserialize(
            NvdFeed {
                imp: self,
                origin: &name,
            },
            &mut de,
        )
        .map_err(|e| src_err(format!("reading it as an NVD CVE feed: {e}")))?;
        if !seen {
            self.note_rejected(
                &name,
                None,
                format!(
                    "too large: over {} MiB and not an NVD CVE feed",
                    MAX_RECORD / (1024 * 1024)
                ),
                true,
            );
        }
        Ok(())
    }

    fn add_nvd_item(&mut self, item: &serde_json::Value, origin: &str) -> Result<(), VulnDbError> {
        match crate::cve::parse_nvd_record(item.get("cve").unwrap_or(item)) {
            Ok(cve) => {
                self.builder.stats.cve_records += 1;
                self.add_ratings(&cve.id, &cve.ratings)
            }
            Err(e) => {
                let id = item
                    .get("cve")
                    .and_then(|c| c.get("id"))
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned);
                self.note_rejected(origin, id, format!("not a CVE record: {e}"), false);
                Ok(())
            }
        }
    }

    fn add_tar(&mut self, path: &Path) -> Result<(), VulnDbError> {
        let src_err = |problem: String| VulnDbError::Source {
            source_path: path.to_owned(),
            problem,
        };
        let mut f = File::open(path).map_err(|e| VulnDbError::io(path, e))?;
        let mut magic = [0u8; 2];
        let n = read_up_to(&mut f, &mut magic).map_err(|e| VulnDbError::io(path, e))?;
        let f = File::open(path).map_err(|e| VulnDbError::io(path, e))?;
        let reader: Box<dyn Read> = if n == 2 && magic == [0x1f, 0x8b] {
            Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(f)))
        } else {
            Box::new(BufReader::new(f))
        };
        let mut ar = tar::Archive::new(reader);
        let mut buf = Vec::new();
        for ent in ar.entries().map_err(|e| src_err(e.to_string()))? {
            let mut ent = ent.map_err(|e| src_err(e.to_string()))?;
            if !ent.header().entry_type().is_file() {
                continue;
            }
            let name = ent
                .path()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            if !is_json_name(&name) {
                self.builder.stats.non_json_skipped += 1;
                continue;
            }
            buf.clear();
            let read = (&mut ent)
                .take(MAX_RECORD + 1)
                .read_to_end(&mut buf)
                .map_err(|e| src_err(format!("{name}: {e}")))?;
            if read as u64 > MAX_RECORD {
                let size = ent.size().max(read as u64);
                self.note_too_large(&name, size);
                continue;
            }
            self.add_json(&buf, &name)?;
        }
        Ok(())
    }

    /// Checks that the records gathered make a database worth having, then writes it (see
    /// [`ImportOptions`]): refuses ([`VulnDbError::Refused`], the old store kept) when no OSV
    /// record was imported, when a source yielded nothing, or — unless `force` — when the
    /// store would hold less than half the records of the one it replaces.
    pub fn finish_checked(
        self,
        db_path: &Path,
        opts: &ImportOptions,
    ) -> Result<ImportReport, VulnDbError> {
        let refuse = |reason: String| VulnDbError::Refused {
            db: db_path.to_owned(),
            reason,
        };
        let stats = &self.builder.stats;
        let rejected = stats.malformed + stats.too_large;
        let mut warnings = Vec::new();
        if stats.records == 0 {
            let what = self
                .sources
                .iter()
                .map(|s| s.location.clone())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(refuse(format!(
                "the import of {what} yielded no OSV records ({rejected} rejected, {} withdrawn, \
                 {} CVE records){}",
                stats.withdrawn,
                stats.cve_records,
                first_rejections(&stats.rejected)
            )));
        }
        for s in &self.sources {
            if s.records == 0 && s.cve_records == 0 {
                let msg = format!("{} yielded no records", s.location);
                if !opts.force {
                    return Err(refuse(format!(
                        "{msg}{}; pass --force to import the other sources anyway",
                        first_rejections(&stats.rejected)
                    )));
                }
                warnings.push(msg);
            }
        }
        if let Ok(old) = Store::open(db_path)
            && let Ok(meta) = old.metadata()
        {
            let (before, after) = (meta.stats.records, stats.records);
            if after.saturating_mul(2) < before {
                let msg = format!(
                    "the database would shrink from {before} to {after} records ({}% fewer)",
                    (before - after) * 100 / before.max(1)
                );
                if !opts.force {
                    return Err(refuse(format!("{msg}; pass --force to accept")));
                }
                warnings.push(msg);
            }
        }
        let meta = self.finish(db_path)?;
        Ok(ImportReport { meta, warnings })
    }

    /// Writes the store atomically to `db_path` and returns its metadata, whatever it holds
    /// (see [`Importer::finish_checked`] for the checked form).
    pub fn finish(mut self, db_path: &Path) -> Result<Metadata, VulnDbError> {
        self.builder.stats.rated_ids = self.builder.count_keys(crate::ratings::RATINGS_KEY);
        let meta = Metadata {
            format_version: 0,
            built_at_unix: now_unix(),
            builder: format!("bulwark-vulndb {}", env!("CARGO_PKG_VERSION")),
            sources: self.sources,
            stats: crate::store::ImportStats::default(),
        };
        self.builder.write(db_path, meta)
    }
}

/// Streams an NVD CVE API 2.0 feed: the top-level object's `vulnerabilities` array, one item
/// at a time; other fields are skipped. Yields whether the array was there.
struct NvdFeed<'a> {
    imp: &'a mut Importer,
    origin: &'a str,
}

impl<'de> serde::de::DeserializeSeed<'de> for NvdFeed<'_> {
    type Value = bool;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for NvdFeed<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut seen = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "vulnerabilities" {
                map.next_value_seed(NvdItems {
                    imp: &mut *self.imp,
                    origin: self.origin,
                })?;
                seen = true;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(seen)
    }
}

struct NvdItems<'a> {
    imp: &'a mut Importer,
    origin: &'a str,
}

impl<'de> serde::de::DeserializeSeed<'de> for NvdItems<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for NvdItems<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of NVD CVE items")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element::<serde_json::Value>()? {
            self.imp
                .add_nvd_item(&item, self.origin)
                .map_err(serde::de::Error::custom)?;
        }
        Ok(())
    }
}

fn is_json_name(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".json")
}

/// Files that are not records and not worth counting (READMEs, dotfiles).
fn is_ignorable_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.starts_with('.') || name.starts_with("readme") || name.starts_with("license")
}

pub(crate) fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// How [`import_with`] and an update guard the database they replace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Accept a source that yields no records, or a store with less than half the records of
    /// the one it replaces (each becomes a warning in [`ImportReport::warnings`]).
    pub force: bool,
}

/// What a checked import wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// The new store's metadata.
    pub meta: Metadata,
    /// What `force` let through.
    pub warnings: Vec<String>,
}

fn first_rejections(list: &[Rejected]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = list
        .iter()
        .take(3)
        .map(|r| format!("{}: {}", r.file, r.reason))
        .collect();
    let more = list.len().saturating_sub(3);
    format!(
        " (rejected: {}{})",
        shown.join("; "),
        if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        }
    )
}

/// Imports all `sources` (directories, zips, tarballs; kind detected) into one store at
/// `db_path`, replacing any existing store atomically — unless the result would not see
/// (see [`Importer::finish_checked`]; `force` off).
pub fn import(sources: &[PathBuf], db_path: &Path) -> Result<Metadata, VulnDbError> {
    Ok(import_with(sources, db_path, &ImportOptions::default())?.meta)
}

/// [`import`] with options.
pub fn import_with(
    sources: &[PathBuf],
    db_path: &Path,
    opts: &ImportOptions,
) -> Result<ImportReport, VulnDbError> {
    if sources.is_empty() {
        return Err(VulnDbError::Invalid("no import source given".into()));
    }
    let mut imp = Importer::new();
    for s in sources {
        imp.add_path(s)?;
    }
    imp.finish_checked(db_path, opts)
}
