//! Single-pass layer walking: decompress on the fly (gzip / zstd / plain, chosen by magic bytes),
//! iterate tar entries once, record every entry's metadata plus whiteouts / opaque dirs, and hand
//! a [`LayerVisitor`] the bytes of only the files it wants. Nothing is written to disk.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::digest::{Digest, DigestMismatchIo, Hasher};
use crate::error::{OciError, Result};
use crate::image::{Image, map_verify_error};
use crate::model::Layer;

/// What kind of filesystem object a tar entry (or directory entry) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    /// Regular file.
    File,
    /// Directory.
    Dir,
    /// Symbolic link (`link_target` holds the raw target).
    Symlink,
    /// Hard link to another path in the same layer (`link_target` holds it, normalised).
    HardLink,
    /// Character device.
    CharDevice,
    /// Block device.
    BlockDevice,
    /// Named pipe.
    Fifo,
    /// Anything else (sockets, unknown tar types).
    Other,
}

/// Cheap per-entry metadata, kept for every entry so later checks can find e.g. setuid or
/// world-writable files without re-reading layers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryMeta {
    /// Entry type.
    pub kind: EntryKind,
    /// Permission bits including setuid (0o4000), setgid (0o2000) and sticky (0o1000).
    pub mode: u32,
    /// Owner uid.
    pub uid: u64,
    /// Owner gid.
    pub gid: u64,
    /// Size in bytes (regular files; 0 otherwise).
    pub size: u64,
    /// Modification time (seconds since the epoch).
    pub mtime: u64,
    /// Symlink target (raw) or hard-link target (normalised image path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_target: Option<String>,
}

impl EntryMeta {
    /// setuid bit set on a regular file.
    pub fn is_setuid(&self) -> bool {
        self.kind == EntryKind::File && self.mode & 0o4000 != 0
    }
    /// setgid bit set on a regular file.
    pub fn is_setgid(&self) -> bool {
        self.kind == EntryKind::File && self.mode & 0o2000 != 0
    }
    /// Others may write (symlinks excluded: their mode is meaningless).
    pub fn is_world_writable(&self) -> bool {
        self.kind != EntryKind::Symlink && self.mode & 0o002 != 0
    }
    /// Sticky bit (directories like /tmp).
    pub fn is_sticky(&self) -> bool {
        self.mode & 0o1000 != 0
    }
    /// Any execute bit on a regular file.
    pub fn is_executable(&self) -> bool {
        self.kind == EntryKind::File && self.mode & 0o111 != 0
    }
}

/// One entry of a layer: normalised path (relative, no leading `/`) and its metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryRecord {
    /// Normalised path, e.g. `etc/os-release`.
    pub path: String,
    /// Metadata.
    pub meta: EntryMeta,
}

/// A path that was unsafe as written in the tar and was rewritten or dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuspiciousPath {
    /// Path (or hard-link target) as written in the tar.
    pub raw: String,
    /// Where it was placed inside the image root, or `None` if the entry was dropped.
    pub normalized: Option<String>,
    /// Why.
    pub reason: String,
}

/// A wanted file delivered to a visitor.
#[derive(Debug, Clone, Copy)]
pub struct WantedFile<'a> {
    /// Normalised path (`etc/os-release`).
    pub path: &'a str,
    /// Metadata.
    pub meta: &'a EntryMeta,
    /// Contents, at most [`WalkOptions::max_file_bytes`].
    pub data: &'a [u8],
    /// True when the file was larger than the cap and `data` holds only its beginning.
    pub truncated: bool,
}

/// A wanted regular file handed over in the walker's buffer ([`LayerVisitor::visit_owned`]).
#[derive(Debug)]
pub struct OwnedFile<'a> {
    /// Normalised path (`etc/os-release`).
    pub path: &'a str,
    /// Metadata.
    pub meta: &'a EntryMeta,
    /// Contents, at most [`WalkOptions::max_file_bytes`]; may be taken.
    pub data: &'a mut Vec<u8>,
    /// True when the file was larger than the cap and `data` holds only its beginning.
    pub truncated: bool,
}

/// An analyzer-side filter and sink for one layer's files.
///
/// `wants` is called for every entry (files, links, dirs) and must be cheap; `visit` then
/// receives the contents of wanted regular files (and of wanted hard links whose target was a
/// small wanted file earlier in the same layer).
pub trait LayerVisitor {
    /// Whether to read this entry's contents.
    fn wants(&self, path: &str, entry: &EntryMeta) -> bool;
    /// Receives a wanted file.
    fn visit(&mut self, file: &WantedFile<'_>);
    /// Whether to keep a copy of this small wanted file so that a later hard link to it in the
    /// same layer can be visited with its contents. Keeping every wanted file costs memory in
    /// proportion to the layer's text (a secret scanner wants them all); visitors that never
    /// want hard links, or want only some, say so here. Default: keep.
    fn keep_for_hard_links(&self, path: &str, entry: &EntryMeta) -> bool {
        let _ = (path, entry);
        true
    }
    /// Receives a wanted regular file in the walker's buffer: a visitor that keeps the contents
    /// may take the buffer (`std::mem::take`) instead of copying it. Default:
    /// [`LayerVisitor::visit`].
    fn visit_owned(&mut self, file: OwnedFile<'_>) {
        self.visit(&WantedFile {
            path: file.path,
            meta: file.meta,
            data: file.data,
            truncated: file.truncated,
        });
    }
    /// Bytes of file contents the visitor holds until the layer ends; the walker counts them
    /// against [`WalkOptions::max_memory`]. Default: 0 (nothing kept).
    fn held_bytes(&self) -> u64 {
        0
    }
    /// Called once the layer's last entry was read, before its memory is given back to the
    /// budget: the place to analyse held files and drop them. Default: nothing.
    fn finish_layer(&mut self) {}
}

/// The memory budget shared by the layers of one walk: bytes of wanted files being read or held
/// by visitors. A file that would take it over the limit is not read and is listed in
/// [`LayerReport::skipped_files`].
#[derive(Debug)]
pub struct MemoryBudget {
    limit: u64,
    used: std::sync::atomic::AtomicU64,
}

impl MemoryBudget {
    /// A budget of `limit` bytes.
    pub fn new(limit: u64) -> Self {
        Self {
            limit,
            used: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The limit in bytes.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Bytes reserved now.
    pub fn used(&self) -> u64 {
        self.used.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Reserves `n` bytes if they fit.
    pub fn try_reserve(&self, n: u64) -> bool {
        use std::sync::atomic::Ordering;
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |u| {
                u.checked_add(n).filter(|t| *t <= self.limit)
            })
            .is_ok()
    }

    /// Gives back `n` reserved bytes.
    pub fn release(&self, n: u64) {
        use std::sync::atomic::Ordering;
        let _ = self
            .used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |u| {
                Some(u.saturating_sub(n))
            });
    }

    /// Reserves `n` bytes whether or not they fit (memory a visitor already holds).
    fn force_reserve(&self, n: u64) {
        self.used.fetch_add(n, std::sync::atomic::Ordering::AcqRel);
    }
}

/// Fixed memory one layer in flight costs besides its wanted files: the compressed-stream
/// buffer, the decompressor's window and tables, the tar reader, and the bounded copies kept for
/// hard links ([`HARDLINK_CACHE_MAX_TOTAL`]). [`walk_layers`] runs no more layers at once than
/// [`WalkOptions::max_memory`] has room for at this cost each.
pub const LAYER_STREAM_BYTES: u64 = 512 * 1024 + HARDLINK_CACHE_MAX_TOTAL as u64;

/// A visitor that wants nothing: walking with it only records metadata and whiteouts.
#[derive(Debug, Default, Clone, Copy)]
pub struct MetadataOnly;

impl LayerVisitor for MetadataOnly {
    fn wants(&self, _: &str, _: &EntryMeta) -> bool {
        false
    }
    fn visit(&mut self, _: &WantedFile<'_>) {}
}

/// Bounds and switches for walking.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Decompressed bytes allowed per layer before the walk fails with
    /// [`OciError::LayerTooLarge`] (decompression-bomb guard). Default 32 GiB.
    pub max_layer_bytes: u64,
    /// Bytes of one wanted file handed to a visitor; longer files are truncated. Default 256 MiB.
    pub max_file_bytes: u64,
    /// Also hash the decompressed stream and compare it to the layer's diff id. Default true.
    pub verify_diff_id: bool,
    /// Directories (normalised, e.g. `proc`) not descended into by [`walk_dir`] and whose
    /// entries are ignored in layers.
    pub skip_dirs: Vec<String>,
    /// Total bytes of wanted files read or held at once, over all layers in flight (the sum a
    /// per-file cap does not bound: twelve 256 MiB files would each pass it). A file that does
    /// not fit is skipped and listed in [`LayerReport::skipped_files`]. Also bounds how many
    /// layers are walked at once ([`LAYER_STREAM_BYTES`] each). Default 512 MiB.
    pub max_memory: u64,
}

impl Default for WalkOptions {
    fn default() -> Self {
        Self {
            max_layer_bytes: 32 << 30,
            max_file_bytes: 256 << 20,
            verify_diff_id: true,
            skip_dirs: Vec::new(),
            max_memory: 512 << 20,
        }
    }
}

/// Compression detected from a layer's first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Compression {
    /// Plain tar.
    None,
    /// gzip (`1f 8b`).
    Gzip,
    /// zstd (`28 b5 2f fd`).
    Zstd,
}

impl Compression {
    /// Detects compression from magic bytes.
    pub fn detect(head: &[u8]) -> Self {
        if head.starts_with(&[0x1f, 0x8b]) {
            Self::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) || is_zstd_skippable(head) {
            Self::Zstd
        } else {
            Self::None
        }
    }
}

fn is_zstd_skippable(head: &[u8]) -> bool {
    matches!(head, [m, 0x2a, 0x4d, 0x18, ..] if m & 0xf0 == 0x50)
}

/// Everything learnt about one layer in one pass. Serializable so callers can cache it under
/// [`Layer::cache_key`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerReport {
    /// Layer position (0 = base; 0 for a directory pseudo-layer).
    pub index: usize,
    /// Cache key of the layer (diff id or blob digest; the directory path for [`walk_dir`]).
    pub cache_key: String,
    /// Every entry in tar order (whiteout markers excluded).
    pub entries: Vec<EntryRecord>,
    /// Paths deleted by `.wh.<name>` markers in this layer (the deleted path, not the marker).
    pub whiteouts: Vec<String>,
    /// Directories whose lower-layer contents this layer hides (`.wh..wh..opq`).
    pub opaque_dirs: Vec<String>,
    /// Unsafe paths that were neutralised or dropped.
    pub suspicious_paths: Vec<SuspiciousPath>,
    /// Wanted files that exceeded [`WalkOptions::max_file_bytes`] and were delivered truncated.
    pub truncated_files: Vec<String>,
    /// Wanted files not read because the memory budget ([`WalkOptions::max_memory`]) had no
    /// room for them, as `(path, size)`.
    #[serde(default)]
    pub skipped_files: Vec<(String, u64)>,
    /// Decompressed bytes read.
    pub uncompressed_bytes: u64,
    /// Compression found.
    pub compression: Compression,
    /// True when the decompressed stream was hashed and matched the diff id.
    pub diff_id_verified: bool,
}

impl LayerReport {
    fn new(index: usize, cache_key: String) -> Self {
        Self {
            index,
            cache_key,
            entries: Vec::new(),
            whiteouts: Vec::new(),
            opaque_dirs: Vec::new(),
            suspicious_paths: Vec::new(),
            truncated_files: Vec::new(),
            skipped_files: Vec::new(),
            uncompressed_bytes: 0,
            compression: Compression::None,
            diff_id_verified: false,
        }
    }

    /// Hard links in this layer as `(link path, target path)`.
    pub fn hard_links(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .filter_map(|e| match (&e.meta.kind, &e.meta.link_target) {
                (EntryKind::HardLink, Some(t)) => Some((e.path.as_str(), t.as_str())),
                _ => None,
            })
    }

    /// Symlinks in this layer as `(link path, raw target)`.
    pub fn symlinks(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .filter_map(|e| match (&e.meta.kind, &e.meta.link_target) {
                (EntryKind::Symlink, Some(t)) => Some((e.path.as_str(), t.as_str())),
                _ => None,
            })
    }
}

/// Result of normalising a tar path.
#[derive(Debug, PartialEq, Eq)]
pub enum NormalizedPath {
    /// Safe path, unchanged in meaning (only a leading `/`, `./`, `//`, `.` removed).
    Clean(String),
    /// Path that used `..` but stays inside the root once rewritten.
    Neutralised(String, &'static str),
    /// Path that climbs out of the root: the entry must be ignored.
    Rejected(&'static str),
}

/// Normalises a path from a tar header into a relative image path (`etc/passwd`).
///
/// A leading `/` is dropped as Docker does when it unpacks a layer (`/app/x` is `app/x` under the
/// root; this is not suspicious), `.` and empty components are removed, `..` is resolved
/// lexically (neutralised); a `..` that would climb above the root rejects the path. NUL bytes
/// reject too.
pub fn normalize_path(raw: &str) -> NormalizedPath {
    if raw.contains('\0') {
        return NormalizedPath::Rejected("NUL byte in path");
    }
    let mut had_dotdot = false;
    let mut out: Vec<&str> = Vec::new();
    for c in raw.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                had_dotdot = true;
                if out.pop().is_none() {
                    return NormalizedPath::Rejected("'..' escapes the image root");
                }
            }
            c => out.push(c),
        }
    }
    let p = out.join("/");
    if had_dotdot {
        NormalizedPath::Neutralised(p, "'..' component resolved")
    } else {
        NormalizedPath::Clean(p)
    }
}

/// Decompressed-size guard and optional diff-id hasher.
struct Counting<R> {
    inner: R,
    count: u64,
    limit: u64,
    exceeded: bool,
    hasher: Option<Hasher>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        if self.count > self.limit {
            self.exceeded = true;
            return Err(io::Error::other("decompressed size limit exceeded"));
        }
        if let Some(h) = self.hasher.as_mut() {
            h.update(buf.get(..n).unwrap_or_default());
        }
        Ok(n)
    }
}

/// Multi-frame zstd reader (zstd:chunked layers have many frames plus skippable frames).
struct ZstdFrames<R: BufRead> {
    src: R,
    dec: ruzstd::decoding::FrameDecoder,
    in_frame: bool,
}

impl<R: BufRead> Read for ZstdFrames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if !self.in_frame {
                let head = self.src.fill_buf()?;
                if head.is_empty() {
                    return Ok(0);
                }
                if is_zstd_skippable(head)
                    || (head.len() < 8 && head.first().is_some_and(|m| m & 0xf0 == 0x50))
                {
                    let mut hdr = [0u8; 8];
                    self.src.read_exact(&mut hdr)?;
                    if !is_zstd_skippable(&hdr) {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            "bad zstd frame magic",
                        ));
                    }
                    let len = u64::from(u32::from_le_bytes([hdr[4], hdr[5], hdr[6], hdr[7]]));
                    let skipped = io::copy(&mut (&mut self.src).take(len), &mut io::sink())?;
                    if skipped != len {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "truncated zstd skippable frame",
                        ));
                    }
                    continue;
                }
                self.dec.reset(&mut self.src).map_err(|e| {
                    io::Error::new(io::ErrorKind::InvalidData, format!("zstd: {e}"))
                })?;
                self.in_frame = true;
            }
            while self.dec.can_collect() < buf.len() && !self.dec.is_finished() {
                let need = buf.len() - self.dec.can_collect();
                self.dec
                    .decode_blocks(
                        &mut self.src,
                        ruzstd::decoding::BlockDecodingStrategy::UptoBytes(need),
                    )
                    .map_err(|e| {
                        io::Error::new(io::ErrorKind::InvalidData, format!("zstd: {e}"))
                    })?;
            }
            let n = self.dec.read(buf)?;
            if n > 0 {
                return Ok(n);
            }
            if self.dec.is_finished() {
                self.in_frame = false;
                continue;
            }
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "truncated zstd frame",
            ));
        }
    }
}

/// Names the layer in errors.
#[derive(Debug, Clone)]
pub struct LayerContext {
    /// Image name.
    pub image: String,
    /// Layer label (digest or path).
    pub layer: String,
    /// Layer index.
    pub index: usize,
    /// Cache key stored in the report.
    pub cache_key: String,
    /// Expected diff id of the decompressed tar, checked if [`WalkOptions::verify_diff_id`].
    pub diff_id: Option<Digest>,
}

const HARDLINK_CACHE_MAX_FILE: usize = 1 << 20;
/// Capacity of the file buffer kept from one wanted file to the next; a larger one is freed.
const REUSED_BUFFER_MAX: usize = 1 << 20;
/// Bytes of small wanted files one layer keeps for later hard links to them; past it, files are
/// not kept and a hard link to them is read as if its target were not wanted.
const HARDLINK_CACHE_MAX_TOTAL: usize = 16 << 20;

fn entry_kind(t: tar::EntryType) -> EntryKind {
    match t {
        tar::EntryType::Regular | tar::EntryType::Continuous => EntryKind::File,
        tar::EntryType::Directory => EntryKind::Dir,
        tar::EntryType::Symlink => EntryKind::Symlink,
        tar::EntryType::Link => EntryKind::HardLink,
        tar::EntryType::Char => EntryKind::CharDevice,
        tar::EntryType::Block => EntryKind::BlockDevice,
        tar::EntryType::Fifo => EntryKind::Fifo,
        _ => EntryKind::Other,
    }
}

fn under_skipped(path: &str, skip: &[String]) -> bool {
    skip.iter().any(|s| {
        path == s.as_str()
            || (path.len() > s.len()
                && path.starts_with(s.as_str())
                && path.as_bytes().get(s.len()) == Some(&b'/'))
    })
}

/// Walks one layer blob stream (compressed or not). `reader` should be the digest-verifying
/// reader from [`Image::open_layer`]; it is read to EOF so verification completes.
pub fn walk_layer_stream<R: Read, V: LayerVisitor + ?Sized>(
    reader: R,
    ctx: &LayerContext,
    visitor: &mut V,
    opts: &WalkOptions,
) -> Result<LayerReport> {
    walk_layer_stream_in(
        reader,
        ctx,
        visitor,
        opts,
        &MemoryBudget::new(opts.max_memory),
    )
}

fn walk_layer_stream_in<R: Read, V: LayerVisitor + ?Sized>(
    reader: R,
    ctx: &LayerContext,
    visitor: &mut V,
    opts: &WalkOptions,
    budget: &MemoryBudget,
) -> Result<LayerReport> {
    let mut report = LayerReport::new(ctx.index, ctx.cache_key.clone());
    let layer_err = |detail: String| OciError::Layer {
        image: ctx.image.clone(),
        layer: ctx.layer.clone(),
        detail,
    };
    let map_io = |e: io::Error| -> OciError {
        if let Some(m) = find_mismatch(&e) {
            return OciError::DigestMismatch {
                what: format!("{}: layer {}", ctx.image, ctx.layer),
                expected: m.expected.clone(),
                actual: m.actual.clone(),
            };
        }
        layer_err(e.to_string())
    };
    let mut raw = BufReader::with_capacity(256 * 1024, reader);
    let head = raw.fill_buf().map_err(map_io)?;
    let compression = Compression::detect(head);
    report.compression = compression;
    let diff_hasher = if opts.verify_diff_id {
        ctx.diff_id.as_ref().and_then(Digest::hasher)
    } else {
        None
    };
    {
        let decoder: Box<dyn Read + '_> = match compression {
            Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(&mut raw)),
            Compression::Zstd => Box::new(ZstdFrames {
                src: &mut raw,
                dec: ruzstd::decoding::FrameDecoder::new(),
                in_frame: false,
            }),
            Compression::None => Box::new(&mut raw),
        };
        let mut counted = Counting {
            inner: decoder,
            count: 0,
            limit: opts.max_layer_bytes,
            exceeded: false,
            hasher: diff_hasher,
        };
        let walked = walk_tar(&mut counted, visitor, opts, budget, &mut report);
        let drained = walked.and_then(|()| io::copy(&mut counted, &mut io::sink()).map(drop));
        report.uncompressed_bytes = counted.count;
        if counted.exceeded {
            return Err(OciError::LayerTooLarge {
                image: ctx.image.clone(),
                layer: ctx.layer.clone(),
                limit: opts.max_layer_bytes,
            });
        }
        drained.map_err(map_io)?;
        if let (Some(h), Some(expected)) = (counted.hasher.take(), ctx.diff_id.as_ref()) {
            let actual = h.finish();
            if &actual != expected {
                return Err(OciError::DigestMismatch {
                    what: format!("{}: layer {} (uncompressed diff id)", ctx.image, ctx.layer),
                    expected: expected.to_string(),
                    actual: actual.to_string(),
                });
            }
            report.diff_id_verified = true;
        }
    }
    // finish the compressed stream so the blob digest is verified
    io::copy(&mut raw, &mut io::sink()).map_err(map_io)?;
    Ok(report)
}

fn find_mismatch(e: &io::Error) -> Option<&DigestMismatchIo> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = e.get_ref().map(|x| x as _);
    for _ in 0..8 {
        let c = cur?;
        if let Some(m) = c.downcast_ref::<DigestMismatchIo>() {
            return Some(m);
        }
        if let Some(io) = c.downcast_ref::<io::Error>() {
            cur = io.get_ref().map(|x| x as _);
            continue;
        }
        cur = c.source();
    }
    None
}

fn walk_tar<R: Read, V: LayerVisitor + ?Sized>(
    stream: R,
    visitor: &mut V,
    opts: &WalkOptions,
    budget: &MemoryBudget,
    report: &mut LayerReport,
) -> io::Result<()> {
    // What the visitor holds is reserved in the budget until the layer ends.
    let mut held = 0u64;
    let walked = walk_entries(stream, visitor, opts, budget, &mut held, report);
    if walked.is_ok() {
        visitor.finish_layer();
    }
    budget.release(held);
    walked
}

fn walk_entries<R: Read, V: LayerVisitor + ?Sized>(
    stream: R,
    visitor: &mut V,
    opts: &WalkOptions,
    budget: &MemoryBudget,
    held: &mut u64,
    report: &mut LayerReport,
) -> io::Result<()> {
    let mut ar = tar::Archive::new(stream);
    let mut small_wanted: HashMap<String, Vec<u8>> = HashMap::new();
    let mut small_wanted_bytes = 0usize;
    let mut buf = Vec::new();
    for entry in ar.entries()? {
        let mut entry = entry?;
        let raw_path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let path = match normalize_path(&raw_path) {
            NormalizedPath::Clean(p) => p,
            NormalizedPath::Neutralised(p, why) => {
                report.suspicious_paths.push(SuspiciousPath {
                    raw: raw_path.clone(),
                    normalized: Some(p.clone()),
                    reason: why.into(),
                });
                p
            }
            NormalizedPath::Rejected(why) => {
                report.suspicious_paths.push(SuspiciousPath {
                    raw: raw_path,
                    normalized: None,
                    reason: why.into(),
                });
                continue;
            }
        };
        if path.is_empty() || under_skipped(&path, &opts.skip_dirs) {
            continue;
        }
        let (dir, base) = match path.rsplit_once('/') {
            Some((d, b)) => (d, b),
            None => ("", path.as_str()),
        };
        if let Some(hidden) = base.strip_prefix(".wh.") {
            if hidden == ".wh..opq" {
                report.opaque_dirs.push(dir.to_string());
            } else if !hidden.starts_with(".wh.") && !hidden.is_empty() {
                report.whiteouts.push(if dir.is_empty() {
                    hidden.to_string()
                } else {
                    format!("{dir}/{hidden}")
                });
            }
            continue;
        }
        let header = entry.header();
        let kind = entry_kind(header.entry_type());
        let mut link_target = None;
        if matches!(kind, EntryKind::Symlink | EntryKind::HardLink) {
            let raw_t = entry
                .link_name_bytes()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            if kind == EntryKind::HardLink {
                match normalize_path(&raw_t) {
                    NormalizedPath::Clean(t) => link_target = Some(t),
                    NormalizedPath::Neutralised(t, why) => {
                        report.suspicious_paths.push(SuspiciousPath {
                            raw: raw_t,
                            normalized: Some(t.clone()),
                            reason: format!("hard link target: {why}"),
                        });
                        link_target = Some(t);
                    }
                    NormalizedPath::Rejected(why) => {
                        report.suspicious_paths.push(SuspiciousPath {
                            raw: raw_t,
                            normalized: None,
                            reason: format!("hard link {path}: {why}"),
                        });
                        continue;
                    }
                }
            } else {
                link_target = Some(raw_t);
            }
        }
        let meta = EntryMeta {
            kind,
            mode: header.mode().unwrap_or(0) & 0o7777,
            uid: header.uid().unwrap_or(0),
            gid: header.gid().unwrap_or(0),
            size: if kind == EntryKind::File {
                entry.size()
            } else {
                0
            },
            mtime: header.mtime().unwrap_or(0),
            link_target,
        };
        if matches!(kind, EntryKind::File | EntryKind::HardLink) && visitor.wants(&path, &meta) {
            if kind == EntryKind::File {
                let cap = opts.max_file_bytes;
                let reserve = meta.size.min(cap);
                if !budget.try_reserve(reserve) {
                    report.skipped_files.push((path.clone(), meta.size));
                    report.entries.push(EntryRecord { path, meta });
                    continue;
                }
                buf.clear();
                // One allocation of the size the header gives (growing by doubling would hold
                // up to 1.5 times the file while the last copy is made).
                buf.reserve_exact(usize::try_from(reserve).unwrap_or(0));
                let read = (&mut entry).take(cap).read_to_end(&mut buf);
                if let Err(e) = read {
                    budget.release(reserve);
                    return Err(e);
                }
                let truncated = meta.size > cap;
                if truncated {
                    report.truncated_files.push(path.clone());
                }
                let keep = !truncated
                    && buf.len() <= HARDLINK_CACHE_MAX_FILE
                    && small_wanted_bytes + buf.len() <= HARDLINK_CACHE_MAX_TOTAL
                    && visitor.keep_for_hard_links(&path, &meta);
                if keep {
                    small_wanted_bytes += buf.len();
                    small_wanted.insert(path.clone(), buf.clone());
                }
                visitor.visit_owned(OwnedFile {
                    path: &path,
                    meta: &meta,
                    data: &mut buf,
                    truncated,
                });
                let now = visitor.held_bytes();
                if now > *held {
                    budget.force_reserve(now - *held);
                } else {
                    budget.release(*held - now);
                }
                *held = now;
                // The budget gets the file's bytes back: so must the allocator (a buffer kept
                // at the size of the largest file read so far is memory no budget counts).
                if buf.capacity() > REUSED_BUFFER_MAX {
                    buf = Vec::new();
                }
                budget.release(reserve);
            } else if let Some(data) = meta.link_target.as_ref().and_then(|t| small_wanted.get(t)) {
                visitor.visit(&WantedFile {
                    path: &path,
                    meta: &meta,
                    data,
                    truncated: false,
                });
            }
        }
        report.entries.push(EntryRecord { path, meta });
    }
    Ok(())
}

/// Walks layer `layer` of `image` with `visitor`.
pub fn walk_layer<V: LayerVisitor + ?Sized>(
    image: &Image,
    layer: &Layer,
    visitor: &mut V,
    opts: &WalkOptions,
) -> Result<LayerReport> {
    walk_layer_in(
        image,
        layer,
        visitor,
        opts,
        &MemoryBudget::new(opts.max_memory),
    )
}

fn walk_layer_in<V: LayerVisitor + ?Sized>(
    image: &Image,
    layer: &Layer,
    visitor: &mut V,
    opts: &WalkOptions,
    budget: &MemoryBudget,
) -> Result<LayerReport> {
    let reader = image.open_layer(layer)?;
    let ctx = LayerContext {
        image: image.name.clone(),
        layer: format!("#{} {}", layer.index, layer.digest),
        index: layer.index,
        cache_key: layer.cache_key(),
        // when the blob is the uncompressed tar, its (already verified) digest is the diff id
        diff_id: layer.diff_id.clone().filter(|d| d != &layer.digest),
    };
    walk_layer_stream_in(reader, &ctx, visitor, opts, budget).map_err(|e| match e {
        OciError::Io { context, source } => map_verify_error(&context, &layer.digest, source),
        other => other,
    })
}

/// Checks the blobs of `layers` of `image` against their digests, in parallel, each streamed
/// through a bounded buffer ([`Image::verify_layer_blob`]): the layers a scan answers from its
/// per-layer cache are not walked, but must still be the blobs the cache entries were made from.
/// The first mismatch (in the order given) is returned.
pub fn verify_layer_blobs(image: &Image, layers: &[&Layer]) -> Result<()> {
    layers
        .par_iter()
        .map(|l| image.verify_layer_blob(l))
        .collect::<Vec<Result<()>>>()
        .into_iter()
        .collect()
}

/// A walked layer: its report and the visitor that saw its files.
#[derive(Debug)]
pub struct WalkedLayer<V> {
    /// The layer.
    pub layer: Layer,
    /// Metadata, whiteouts, opaque dirs.
    pub report: LayerReport,
    /// The visitor after seeing the layer's wanted files.
    pub visitor: V,
}

/// Walks all layers of `image` in parallel (rayon), each stream read once.
///
/// `make_visitor` is called per layer; returning `None` skips that layer (e.g. a per-layer
/// cache hit under [`Layer::cache_key`]), and its slot in the result is `None`. Results are in
/// layer order. The first error (in layer order) is returned.
pub fn walk_layers<V, F>(
    image: &Image,
    opts: &WalkOptions,
    make_visitor: F,
) -> Result<Vec<Option<WalkedLayer<V>>>>
where
    V: LayerVisitor + Send,
    F: Fn(&Layer) -> Option<V> + Sync,
{
    let budget = MemoryBudget::new(opts.max_memory);
    let walk = || {
        image
            .layers
            .par_iter()
            .map(|layer| {
                let Some(mut v) = make_visitor(layer) else {
                    return Ok(None);
                };
                let report = walk_layer_in(image, layer, &mut v, opts, &budget)?;
                Ok(Some(WalkedLayer {
                    layer: layer.clone(),
                    report,
                    visitor: v,
                }))
            })
            .collect::<Vec<Result<_>>>()
    };
    // Layers in flight are bounded by memory as well as by cores.
    let room = usize::try_from(opts.max_memory / LAYER_STREAM_BYTES)
        .unwrap_or(usize::MAX)
        .max(1);
    let results = if room < rayon::current_num_threads() {
        match rayon::ThreadPoolBuilder::new().num_threads(room).build() {
            Ok(pool) => pool.install(walk),
            Err(_) => walk(),
        }
    } else {
        walk()
    };
    results.into_iter().collect()
}
