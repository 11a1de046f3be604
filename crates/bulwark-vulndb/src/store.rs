//! The compiled, read-only store file.
//!
//! Layout (all integers little-endian):
//!
//! ```text
//! header (80 bytes)
//!   0  magic  b"BWVULNDB"
//!   8  u32    format version (2)
//!  12  u32    reserved (0)
//!  16  u64    entry count N
//!  24  u64    index offset   (N entries of 24 bytes, sorted by key bytes)
//!  32  u64    keys offset    (concatenated key bytes)
//!  40  u64    keys length
//!  48  u64    metadata offset (JSON, see [`Metadata`])
//!  56  u64    metadata length
//!  64  u64    total file length
//!  72  u32    CRC-32 of bytes 0..72
//!  76  u32    CRC-32 of the keys blob followed by the index (version 2)
//! data blocks: per key, postcard `Vec<Advisory>`
//! keys blob, index, metadata
//! index entry (24 bytes): u32 key offset (in keys blob), u32 key length,
//!                         u64 data offset (absolute), u32 data length, u32 data CRC-32
//! ```
//!
//! A key is `"<ecosystem key>\0<normalised name>"` (see [`crate::ecosystem`]). Opening reads
//! only the header; a lookup binary-searches the index with positioned reads (`pread`) and
//! decodes one data block, so nothing else is loaded — until a store has served a few dozen
//! lookups, when the index and keys are read into memory once (a scan matches thousands). Every offset is validated against the
//! file length and every block's CRC is checked, so a corrupt file yields an error, not a panic.
//! The keys blob and the index are checked against their CRC once, before the first lookup:
//! a damaged index would otherwise make packages look absent, and a scan would report them
//! clean (and the database as holding no records for their ecosystem) instead of failing.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

use serde::{Deserialize, Serialize};

use crate::advisory::{Advisory, index_key};
use crate::error::VulnDbError;

const MAGIC: &[u8; 8] = b"BWVULNDB";
/// Store format version written by this crate.
pub const FORMAT_VERSION: u32 = 2;
const HEADER_LEN: u64 = 80;
const ENTRY_LEN: u64 = 24;
/// Upper bound for one data block or the metadata blob, so a corrupt length cannot make us
/// allocate gigabytes.
const MAX_BLOCK: u64 = 256 * 1024 * 1024;

/// Where the records of a store came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// `directory`, `zip`, `tarball` or `download`.
    pub kind: String,
    /// Path or URL.
    pub location: String,
    /// OSV ecosystem (for downloads), e.g. `PyPI`.
    pub ecosystem: Option<String>,
    /// HTTP `ETag` of the downloaded archive.
    pub etag: Option<String>,
    /// HTTP `Last-Modified` of the downloaded archive.
    pub last_modified: Option<String>,
    /// Records imported from this source.
    pub records: u64,
    /// CVE records (NVD, CVE JSON 5) read from this source.
    #[serde(default)]
    pub cve_records: u64,
}

/// Import statistics kept in the store.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStats {
    /// Records imported (not withdrawn, parsed), per base ecosystem of their first
    /// affected package (records without affected packages count under `""`).
    pub records_per_ecosystem: BTreeMap<String, u64>,
    /// Total records imported.
    pub records: u64,
    /// Records skipped because `withdrawn` is set.
    pub withdrawn: u64,
    /// Documents that could not be parsed.
    pub malformed: u64,
    /// IDs (or file names when no ID could be read) of the malformed documents, first 1000.
    pub malformed_ids: Vec<String>,
    /// Non-JSON files skipped (e.g. the YAML originals next to JSON).
    pub non_json_skipped: u64,
    /// Records replaced by another copy with the same ID.
    pub duplicates: u64,
    /// Index keys (ecosystem, package) in the store.
    pub packages: u64,
    /// Documents rejected (unparseable, too large), named by file or archive member and
    /// with the reason; the first 1000.
    #[serde(default)]
    pub rejected: Vec<Rejected>,
    /// Documents larger than the per-record limit (also listed in `rejected`).
    #[serde(default)]
    pub too_large: u64,
    /// CVE records read (NVD CVE API 2.0 and CVE JSON 5 documents).
    #[serde(default)]
    pub cve_records: u64,
    /// Vulnerability IDs with at least one stored rating (see [`crate::ratings`]).
    #[serde(default)]
    pub rated_ids: u64,
}

/// A document the import could not use, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    /// The file (directory import) or archive member.
    pub file: String,
    /// The record ID when one could be read.
    pub id: Option<String>,
    /// Why: `not an OSV record: …`, `too large: 119.0 MiB (limit 64 MiB)`, …
    pub reason: String,
}

/// Directory holding the cached downloaded archives of the store `db_path` (filled by
/// `bulwark db update`, swept with the store's stale temporary files).
pub fn archive_dir(db_path: &Path) -> PathBuf {
    let mut s = db_path.as_os_str().to_owned();
    s.push(".archives");
    PathBuf::from(s)
}

/// Store metadata, readable through [`Store::metadata`] and [`crate::status`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// Store format version.
    pub format_version: u32,
    /// Build time, seconds since the Unix epoch.
    pub built_at_unix: u64,
    /// Crate version that built the store.
    pub builder: String,
    /// Sources.
    pub sources: Vec<SourceInfo>,
    /// Counts.
    pub stats: ImportStats,
}

/// Writes a store file from advisories grouped by key.
pub(crate) struct StoreBuilder {
    /// key → (record id → postcard bytes of one `Advisory`)
    entries: BTreeMap<String, BTreeMap<String, (String, Vec<u8>)>>,
    pub(crate) stats: ImportStats,
}

impl StoreBuilder {
    pub(crate) fn new() -> Self {
        StoreBuilder {
            entries: BTreeMap::new(),
            stats: ImportStats::default(),
        }
    }

    /// Adds one advisory under `key`. A second copy of the same ID under the same key
    /// replaces the first when its `modified` is not older.
    pub(crate) fn add(&mut self, key: String, adv: &Advisory) -> Result<bool, VulnDbError> {
        let bytes = postcard::to_stdvec(adv).map_err(|e| VulnDbError::Encode(e.to_string()))?;
        let slot = self.entries.entry(key).or_default();
        match slot.get(&adv.id) {
            Some((modified, _)) if *modified > adv.modified => Ok(true),
            Some(_) => {
                slot.insert(adv.id.clone(), (adv.modified.clone(), bytes));
                Ok(true)
            }
            None => {
                slot.insert(adv.id.clone(), (adv.modified.clone(), bytes));
                Ok(false)
            }
        }
    }

    /// Adds one encoded item under `key` with a unique `slot` name (used for ratings: the
    /// block of a ratings key is a postcard `Vec<Rating>`, like an advisory block).
    pub(crate) fn count_keys(&self, eco: &str) -> u64 {
        let prefix = format!("{eco}\0");
        self.entries
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .count() as u64
    }

    pub(crate) fn add_raw(&mut self, key: String, slot: String, bytes: Vec<u8>) {
        self.entries
            .entry(key)
            .or_default()
            .insert(slot, (String::new(), bytes));
    }

    /// Writes the store to `path` atomically: a temp file in the same directory, fsync,
    /// rename over `path`, fsync of the directory.
    pub(crate) fn write(
        mut self,
        path: &Path,
        mut meta: Metadata,
    ) -> Result<Metadata, VulnDbError> {
        self.stats.packages = self.entries.len() as u64 - self.stats.rated_ids;
        meta.stats = self.stats.clone();
        meta.format_version = FORMAT_VERSION;
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| VulnDbError::io(dir, e))?;
        // A killed import leaves its temp file behind: remove those of dead processes.
        remove_stale_temp_files(path);
        let tmp = temp_path(path);
        let result = self.write_to(&tmp, &meta);
        match result {
            Ok(()) => {
                std::fs::rename(&tmp, path).map_err(|e| {
                    let _ = std::fs::remove_file(&tmp);
                    VulnDbError::io(path, e)
                })?;
                if let Ok(d) = File::open(dir) {
                    // Directory fsync makes the rename durable; not supported everywhere.
                    let _ = d.sync_all();
                }
                Ok(meta)
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(e)
            }
        }
    }

    fn write_to(&self, tmp: &Path, meta: &Metadata) -> Result<(), VulnDbError> {
        let io = |e| VulnDbError::io(tmp, e);
        let file = File::create(tmp).map_err(io)?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        w.write_all(&[0u8; HEADER_LEN as usize]).map_err(io)?;
        let mut pos = HEADER_LEN;
        let mut index: Vec<(u64, u32, u32)> = Vec::with_capacity(self.entries.len());
        let mut block = Vec::new();
        for list in self.entries.values() {
            block.clear();
            write_varint(&mut block, list.len() as u64);
            for (_, bytes) in list.values() {
                block.extend_from_slice(bytes);
            }
            let len = u32::try_from(block.len())
                .map_err(|_| VulnDbError::Encode("data block larger than 4 GiB".into()))?;
            w.write_all(&block).map_err(io)?;
            index.push((pos, len, crc32fast::hash(&block)));
            pos += u64::from(len);
        }
        let keys_off = pos;
        let mut key_offsets = Vec::with_capacity(self.entries.len());
        let mut kpos: u64 = 0;
        let mut sections = crc32fast::Hasher::new();
        for k in self.entries.keys() {
            w.write_all(k.as_bytes()).map_err(io)?;
            sections.update(k.as_bytes());
            key_offsets.push((kpos, k.len()));
            kpos += k.len() as u64;
        }
        let keys_len = kpos;
        let too_big = || VulnDbError::Encode("keys blob larger than 4 GiB".into());
        let index_off = keys_off + keys_len;
        for ((koff, klen), (doff, dlen, crc)) in key_offsets.iter().zip(&index) {
            let mut e = [0u8; ENTRY_LEN as usize];
            e[0..4].copy_from_slice(&u32::try_from(*koff).map_err(|_| too_big())?.to_le_bytes());
            e[4..8].copy_from_slice(&u32::try_from(*klen).map_err(|_| too_big())?.to_le_bytes());
            e[8..16].copy_from_slice(&doff.to_le_bytes());
            e[16..20].copy_from_slice(&dlen.to_le_bytes());
            e[20..24].copy_from_slice(&crc.to_le_bytes());
            w.write_all(&e).map_err(io)?;
            sections.update(&e);
        }
        let meta_off = index_off + ENTRY_LEN * index.len() as u64;
        let meta_bytes =
            serde_json::to_vec(meta).map_err(|e| VulnDbError::Encode(e.to_string()))?;
        w.write_all(&meta_bytes).map_err(io)?;
        let total = meta_off + meta_bytes.len() as u64;
        let mut header = [0u8; HEADER_LEN as usize];
        header[0..8].copy_from_slice(MAGIC);
        header[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
        let fields = [
            index.len() as u64,
            index_off,
            keys_off,
            keys_len,
            meta_off,
            meta_bytes.len() as u64,
            total,
        ];
        for (i, f) in fields.iter().enumerate() {
            header[16 + i * 8..24 + i * 8].copy_from_slice(&f.to_le_bytes());
        }
        let crc = crc32fast::hash(&header[0..72]);
        header[72..76].copy_from_slice(&crc.to_le_bytes());
        header[76..80].copy_from_slice(&sections.finalize().to_le_bytes());
        w.seek(SeekFrom::Start(0)).map_err(io)?;
        w.write_all(&header).map_err(io)?;
        let file = w.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
        Ok(())
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = path.file_name().map_or_else(
        || "bulwark-vulndb".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    path.with_file_name(format!(".{name}.tmp-{}-{nanos}", std::process::id()))
}

/// Removes temp files of `db_path` (`.<name>.tmp-<pid>-<nanos>`, and partial downloads
/// `<db>.archives/.<eco>.zip.part-<pid>`) left by processes that no longer run (killed during
/// an import or update). Files of running processes are kept. Returns the files removed.
pub fn remove_stale_temp_files(db_path: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Some(name) = db_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
    else {
        return removed;
    };
    let dir = db_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let store_prefix = format!(".{name}.tmp-");
    let mut sweep = |dir: &Path, matches: &dyn Fn(&str) -> Option<u32>| {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for ent in rd.flatten() {
            let file = ent.file_name().to_string_lossy().into_owned();
            let Some(pid) = matches(&file) else { continue };
            let p = ent.path();
            if !process_is_running(pid, &p) && std::fs::remove_file(&p).is_ok() {
                removed.push(p);
            }
        }
    };
    sweep(dir, &|file: &str| {
        let rest = file.strip_prefix(&store_prefix)?;
        rest.split('-').next()?.parse().ok()
    });
    sweep(&archive_dir(db_path), &|file: &str| {
        let (_, pid) = file.strip_prefix('.')?.split_once(".part-")?;
        pid.parse().ok()
    });
    removed
}

/// Whether process `pid` (which wrote `file`) still runs. Where `/proc` is not available,
/// a temp file untouched for a day counts as stale.
fn process_is_running(pid: u32, file: &Path) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc_root = Path::new("/proc");
    if proc_root.join("self").exists() {
        return proc_root.join(pid.to_string()).exists();
    }
    std::fs::metadata(file)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|m| m.elapsed().ok())
        .is_none_or(|age| age < std::time::Duration::from_hours(24))
}

fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[derive(Debug, Clone, Copy)]
struct Header {
    count: u64,
    index_off: u64,
    keys_off: u64,
    keys_len: u64,
    meta_off: u64,
    meta_len: u64,
    /// CRC-32 of the keys blob followed by the index.
    sections_crc: u32,
}

/// An opened store. Cheap to open (reads 80 bytes); lookups read only what they need.
/// `Store` is `Sync`: lookups use positioned reads and can run from many threads.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    file: File,
    header: Header,
    meta: OnceLock<Metadata>,
    /// Index and keys blob held in memory after [`Store::preload_index`].
    preloaded: OnceLock<(Vec<u8>, Vec<u8>)>,
    /// Lookups served so far with positioned reads (see [`AUTO_PRELOAD_AFTER`]).
    lookups: AtomicU64,
    /// Whether the keys blob and index matched their checksum (checked once).
    sections_ok: OnceLock<Result<(), String>>,
}

/// After this many lookups on one open store the index is loaded into memory: a scan
/// matching thousands of packages would otherwise pay two `pread`s per binary-search step.
/// A short `bulwark db`/single-package use stays header-only.
const AUTO_PRELOAD_AFTER: u64 = 32;

impl Store {
    /// Opens and validates the header of the store at `path`.
    pub fn open(path: &Path) -> Result<Store, VulnDbError> {
        let file = File::open(path).map_err(|e| VulnDbError::io(path, e))?;
        let len = file.metadata().map_err(|e| VulnDbError::io(path, e))?.len();
        let corrupt = |what: &str| VulnDbError::Corrupt {
            path: path.to_owned(),
            problem: what.to_owned(),
        };
        if len < HEADER_LEN {
            return Err(corrupt("file shorter than the header"));
        }
        let mut h = [0u8; HEADER_LEN as usize];
        read_exact_at(&file, &mut h, 0).map_err(|e| VulnDbError::io(path, e))?;
        if &h[0..8] != MAGIC {
            return Err(corrupt("not a Bulwark vulnerability store (bad magic)"));
        }
        let version = u32_at(&h, 8);
        if version != FORMAT_VERSION {
            return Err(corrupt(&format!(
                "store format version {version}, this build reads {FORMAT_VERSION}"
            )));
        }
        if crc32fast::hash(&h[0..72]) != u32_at(&h, 72) {
            return Err(corrupt("header checksum mismatch"));
        }
        let header = Header {
            count: u64_at(&h, 16),
            index_off: u64_at(&h, 24),
            keys_off: u64_at(&h, 32),
            keys_len: u64_at(&h, 40),
            meta_off: u64_at(&h, 48),
            meta_len: u64_at(&h, 56),
            sections_crc: u32_at(&h, 76),
        };
        let total = u64_at(&h, 64);
        if total != len {
            return Err(corrupt(&format!(
                "file is {len} bytes, header says {total} (truncated or appended)"
            )));
        }
        let index_len = header
            .count
            .checked_mul(ENTRY_LEN)
            .ok_or_else(|| corrupt("entry count overflows"))?;
        let within = |off: u64, l: u64| off.checked_add(l).is_some_and(|end| end <= len);
        if !within(header.index_off, index_len)
            || !within(header.keys_off, header.keys_len)
            || !within(header.meta_off, header.meta_len)
            || header.index_off < HEADER_LEN
            || header.keys_off < HEADER_LEN
            || header.meta_off < HEADER_LEN
        {
            return Err(corrupt("section offsets outside the file"));
        }
        if header.meta_len > MAX_BLOCK {
            return Err(corrupt("metadata too large"));
        }
        Ok(Store {
            path: path.to_owned(),
            file,
            header,
            meta: OnceLock::new(),
            preloaded: OnceLock::new(),
            lookups: AtomicU64::new(0),
            sections_ok: OnceLock::new(),
        })
    }

    /// The path the store was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of (ecosystem, package) keys.
    pub fn package_count(&self) -> u64 {
        self.header.count
    }

    fn corrupt(&self, problem: impl Into<String>) -> VulnDbError {
        VulnDbError::Corrupt {
            path: self.path.clone(),
            problem: problem.into(),
        }
    }

    fn read_at(&self, off: u64, len: u64) -> Result<Vec<u8>, VulnDbError> {
        if len > MAX_BLOCK {
            return Err(self.corrupt(format!("block of {len} bytes at {off} is too large")));
        }
        let mut buf = vec![0u8; len as usize];
        read_exact_at(&self.file, &mut buf, off).map_err(|e| VulnDbError::io(&self.path, e))?;
        Ok(buf)
    }

    /// Checks the keys blob and the index against the header's checksum, once per open store
    /// (a streaming read in 1 MiB pieces: a few milliseconds for all of osv.dev).
    fn verify_sections(&self) -> Result<(), VulnDbError> {
        let outcome = self.sections_ok.get_or_init(|| {
            let index_len = self.header.count * ENTRY_LEN;
            let mut hasher = crc32fast::Hasher::new();
            let mut buf = vec![0u8; 1 << 20];
            for (off, len) in [
                (self.header.keys_off, self.header.keys_len),
                (self.header.index_off, index_len),
            ] {
                let mut done = 0u64;
                while done < len {
                    // Never 0 while `done < len`: a piece is the rest or the buffer, whichever is smaller.
                    let n = buf
                        .len()
                        .min(usize::try_from(len - done).unwrap_or(usize::MAX));
                    let Some(piece) = buf.get_mut(..n) else {
                        return Err("index section larger than the read buffer".to_owned());
                    };
                    read_exact_at(&self.file, piece, off + done)
                        .map_err(|e| format!("reading the index: {e}"))?;
                    hasher.update(piece);
                    done += n as u64;
                }
            }
            if hasher.finalize() == self.header.sections_crc {
                Ok(())
            } else {
                Err("the index fails its checksum".to_owned())
            }
        });
        outcome.clone().map_err(|problem| self.corrupt(problem))
    }

    /// Reads and parses the metadata block (cached after the first call).
    pub fn metadata(&self) -> Result<&Metadata, VulnDbError> {
        if let Some(m) = self.meta.get() {
            return Ok(m);
        }
        let bytes = self.read_at(self.header.meta_off, self.header.meta_len)?;
        let meta: Metadata =
            serde_json::from_slice(&bytes).map_err(|e| self.corrupt(format!("metadata: {e}")))?;
        Ok(self.meta.get_or_init(|| meta))
    }

    /// Reads the whole index and keys blob into memory (≈ 24 bytes + key length per
    /// package; tens of MiB for all of osv.dev) so later lookups cost one read each.
    /// Worth it before matching many packages; `open` itself stays header-only.
    pub fn preload_index(&self) -> Result<(), VulnDbError> {
        if self.preloaded.get().is_some() {
            return Ok(());
        }
        self.verify_sections()?;
        let index_len = self.header.count * ENTRY_LEN;
        let index = self.read_at(self.header.index_off, index_len)?;
        let keys = self.read_at(self.header.keys_off, self.header.keys_len)?;
        let _ = self.preloaded.set((index, keys));
        Ok(())
    }

    fn entry(&self, i: u64) -> Result<(u32, u32, u64, u32, u32), VulnDbError> {
        let mut e = [0u8; ENTRY_LEN as usize];
        if let Some((index, _)) = self.preloaded.get() {
            let start = (i * ENTRY_LEN) as usize;
            let slice = index
                .get(start..start + ENTRY_LEN as usize)
                .ok_or_else(|| self.corrupt("index entry outside the index"))?;
            e.copy_from_slice(slice);
        } else {
            read_exact_at(&self.file, &mut e, self.header.index_off + i * ENTRY_LEN)
                .map_err(|err| VulnDbError::io(&self.path, err))?;
        }
        Ok((
            u32_at(&e, 0),
            u32_at(&e, 4),
            u64_at(&e, 8),
            u32_at(&e, 16),
            u32_at(&e, 20),
        ))
    }

    fn key_at(&self, koff: u32, klen: u32) -> Result<Vec<u8>, VulnDbError> {
        let end = u64::from(koff) + u64::from(klen);
        if end > self.header.keys_len {
            return Err(self.corrupt("index key outside the keys blob"));
        }
        if let Some((_, keys)) = self.preloaded.get() {
            return keys
                .get(koff as usize..end as usize)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| self.corrupt("index key outside the keys blob"));
        }
        self.read_at(self.header.keys_off + u64::from(koff), u64::from(klen))
    }

    /// Returns the advisories stored under (ecosystem index key, normalised name), e.g.
    /// `("Debian:12", "openssl")`; empty when the package has none.
    pub fn lookup(&self, eco_key: &str, name: &str) -> Result<Vec<Advisory>, VulnDbError> {
        Ok(self
            .lookup_with(eco_key, name, |bytes| {
                let (list, rest): (Vec<Advisory>, &[u8]) =
                    postcard::take_from_bytes(bytes).map_err(|e| e.to_string())?;
                if rest.is_empty() {
                    Ok(list)
                } else {
                    Err("trailing bytes".to_owned())
                }
            })?
            .unwrap_or_default())
    }

    /// The ratings stored for vulnerability ID `id` (uppercase, e.g. `CVE-2023-45288`) by
    /// other records and CVE data (see [`crate::ratings`]); empty when there are none.
    pub fn ratings(&self, id: &str) -> Result<Vec<crate::ratings::Rating>, VulnDbError> {
        Ok(self
            .lookup_with(crate::ratings::RATINGS_KEY, id, |bytes| {
                postcard::from_bytes::<Vec<crate::ratings::Rating>>(bytes)
                    .map_err(|e| e.to_string())
            })?
            .unwrap_or_default())
    }

    /// Finds the data block of (ecosystem index key, normalised name), checks its CRC and
    /// hands its bytes (postcard: varint count, then each `Advisory`) to `decode`. A
    /// decode error is reported as corruption of that block. `None` when the key is absent.
    pub(crate) fn lookup_with<T>(
        &self,
        eco_key: &str,
        name: &str,
        decode: impl FnOnce(&[u8]) -> Result<T, String>,
    ) -> Result<Option<T>, VulnDbError> {
        self.verify_sections()?;
        let key = index_key(eco_key, name);
        let key = key.as_bytes();
        if self.preloaded.get().is_none()
            && self.lookups.fetch_add(1, AtomicOrdering::Relaxed) + 1 >= AUTO_PRELOAD_AFTER
        {
            // Best effort: on failure (e.g. an index above the in-memory limit) the lookup
            // continues with positioned reads, which report any real corruption.
            let _ = self.preload_index();
        }
        let (mut lo, mut hi) = (0u64, self.header.count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let (koff, klen, doff, dlen, crc) = self.entry(mid)?;
            let order = match self.preloaded.get() {
                // In memory: compare in place, no copy of the key.
                Some((_, keys)) => {
                    let end = u64::from(koff) + u64::from(klen);
                    if end > self.header.keys_len {
                        return Err(self.corrupt("index key outside the keys blob"));
                    }
                    keys.get(koff as usize..end as usize)
                        .ok_or_else(|| self.corrupt("index key outside the keys blob"))?
                        .cmp(key)
                }
                None => self.key_at(koff, klen)?.as_slice().cmp(key),
            };
            match order {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    let bytes = self.read_block(doff, dlen, crc)?;
                    return decode(&bytes)
                        .map(Some)
                        .map_err(|e| self.corrupt(format!("data block at {doff}: {e}")));
                }
            }
        }
        Ok(None)
    }

    fn read_block(&self, doff: u64, dlen: u32, crc: u32) -> Result<Vec<u8>, VulnDbError> {
        let file_len = self.header.meta_off + self.header.meta_len;
        if doff < HEADER_LEN || doff + u64::from(dlen) > file_len {
            return Err(self.corrupt("data block outside the file"));
        }
        let bytes = self.read_at(doff, u64::from(dlen))?;
        if crc32fast::hash(&bytes) != crc {
            return Err(self.corrupt(format!("data block at {doff} fails its checksum")));
        }
        Ok(bytes)
    }

    /// True when the store holds records for the ecosystem index key `eco_key` (`Debian:12`,
    /// `PyPI`): a binary search for the first key of that ecosystem, a few reads. Scans use it
    /// to say which OS releases and ecosystems the database does not cover, instead of
    /// reporting "no findings" for packages that were never really checked.
    pub fn has_records_for(&self, eco_key: &str) -> Result<bool, VulnDbError> {
        self.verify_sections()?;
        let prefix = format!("{eco_key}\0");
        let prefix = prefix.as_bytes();
        let (mut lo, mut hi) = (0u64, self.header.count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let (koff, klen, ..) = self.entry(mid)?;
            if self.key_at(koff, klen)?.as_slice() < prefix {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if lo >= self.header.count {
            return Ok(false);
        }
        let (koff, klen, ..) = self.entry(lo)?;
        Ok(self.key_at(koff, klen)?.starts_with(prefix))
    }

    /// Iterates over all package keys as `(ecosystem key, normalised name)`, without the
    /// ratings keys (for diagnostics and
    /// `db status --verbose`; reads the whole index).
    pub fn keys(&self) -> Result<Vec<(String, String)>, VulnDbError> {
        self.verify_sections()?;
        let mut out = Vec::new();
        for i in 0..self.header.count {
            let (koff, klen, ..) = self.entry(i)?;
            let k = self.key_at(koff, klen)?;
            let s = String::from_utf8(k).map_err(|_| self.corrupt("key is not UTF-8"))?;
            let (e, n) = s
                .split_once('\0')
                .ok_or_else(|| self.corrupt("key without separator"))?;
            if e != crate::ratings::RATINGS_KEY {
                out.push((e.to_owned(), n.to_owned()));
            }
        }
        Ok(out)
    }
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    let mut a = [0u8; 4];
    if let Some(s) = b.get(off..off + 4) {
        a.copy_from_slice(s);
    }
    u32::from_le_bytes(a)
}

fn u64_at(b: &[u8], off: usize) -> u64 {
    let mut a = [0u8; 8];
    if let Some(s) = b.get(off..off + 8) {
        a.copy_from_slice(s);
    }
    u64::from_le_bytes(a)
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], off: u64) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, off)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut off: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, off) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                off += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
