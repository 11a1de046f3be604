//! RPM header blobs as stored in every rpmdb backend: `il` (index count, u32 BE), `dl` (data
//! length, u32 BE), `il` 16-byte index entries `{tag, type, offset, count}` and the data store.

/// Tag numbers we read (rpmtag.h).
pub mod tag {
    /// Package name.
    pub const NAME: u32 = 1000;
    /// Upstream version.
    pub const VERSION: u32 = 1001;
    /// Release.
    pub const RELEASE: u32 = 1002;
    /// Epoch (INT32).
    pub const EPOCH: u32 = 1003;
    /// Vendor.
    pub const VENDOR: u32 = 1011;
    /// License.
    pub const LICENSE: u32 = 1014;
    /// Architecture.
    pub const ARCH: u32 = 1022;
    /// Pre-4.x full file names.
    pub const OLDFILENAMES: u32 = 1027;
    /// Source rpm file name.
    pub const SOURCERPM: u32 = 1044;
    /// Index into DIRNAMES per file.
    pub const DIRINDEXES: u32 = 1116;
    /// File base names.
    pub const BASENAMES: u32 = 1117;
    /// Directory names.
    pub const DIRNAMES: u32 = 1118;
}

const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_STRING_ARRAY: u32 = 8;
const TYPE_I18NSTRING: u32 = 9;

/// Index entries beyond this are rejected (rpm's own `hdrchkTags` limit).
const MAX_INDEX: usize = 0x00ff_ffff;

/// Why a header blob is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// Shorter than its own counts say.
    #[error("header blob truncated: {0}")]
    Truncated(&'static str),
    /// Counts beyond rpm's limits.
    #[error("header blob has implausible size (il={il}, dl={dl})")]
    Implausible {
        /// Index entry count.
        il: u32,
        /// Data length.
        dl: u32,
    },
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    tag: u32,
    ty: u32,
    offset: usize,
    count: usize,
}

/// A parsed header: index entries over a borrowed data store.
#[derive(Debug, Clone)]
pub struct Header<'a> {
    entries: Vec<Entry>,
    store: &'a [u8],
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .and_then(|s| s.try_into().ok())
        .map(u32::from_be_bytes)
}

impl<'a> Header<'a> {
    /// Parses a header blob.
    pub fn parse(blob: &'a [u8]) -> Result<Self, HeaderError> {
        let il = be32(blob, 0).ok_or(HeaderError::Truncated("no index count"))?;
        let dl = be32(blob, 4).ok_or(HeaderError::Truncated("no data length"))?;
        let (ilu, dlu) = (il as usize, dl as usize);
        if ilu == 0 || ilu > MAX_INDEX || dlu > blob.len() {
            return Err(HeaderError::Implausible { il, dl });
        }
        let index_end = ilu
            .checked_mul(16)
            .and_then(|n| n.checked_add(8))
            .ok_or(HeaderError::Implausible { il, dl })?;
        let store = blob
            .get(index_end..index_end.saturating_add(dlu))
            .ok_or(HeaderError::Truncated("data store"))?;
        let mut entries = Vec::with_capacity(ilu.min(4096));
        for i in 0..ilu {
            let at = 8 + i * 16;
            let (Some(tag), Some(ty), Some(offset), Some(count)) = (
                be32(blob, at),
                be32(blob, at + 4),
                be32(blob, at + 8),
                be32(blob, at + 12),
            ) else {
                return Err(HeaderError::Truncated("index entry"));
            };
            entries.push(Entry {
                tag,
                ty,
                offset: offset as usize,
                count: count as usize,
            });
        }
        Ok(Self { entries, store })
    }

    fn entry(&self, tag: u32) -> Option<Entry> {
        self.entries.iter().find(|e| e.tag == tag).copied()
    }

    /// A STRING / I18NSTRING tag (first string for arrays).
    pub fn string(&self, tag: u32) -> Option<String> {
        let e = self.entry(tag)?;
        if !matches!(e.ty, TYPE_STRING | TYPE_I18NSTRING | TYPE_STRING_ARRAY) {
            return None;
        }
        let s = self.store.get(e.offset..)?;
        let end = memchr::memchr(0, s)?;
        Some(String::from_utf8_lossy(s.get(..end)?).into_owned())
    }

    /// A STRING_ARRAY tag.
    pub fn strings(&self, tag: u32) -> Vec<String> {
        let Some(e) = self.entry(tag).filter(|e| e.ty == TYPE_STRING_ARRAY) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut rest = self.store.get(e.offset..).unwrap_or_default();
        for _ in 0..e.count {
            let Some(end) = memchr::memchr(0, rest) else {
                break;
            };
            out.push(String::from_utf8_lossy(rest.get(..end).unwrap_or_default()).into_owned());
            rest = rest.get(end + 1..).unwrap_or_default();
        }
        out
    }

    /// An INT32 array tag.
    pub fn ints(&self, tag: u32) -> Vec<u32> {
        let Some(e) = self.entry(tag).filter(|e| e.ty == TYPE_INT32) else {
            return Vec::new();
        };
        (0..e.count)
            .map_while(|i| be32(self.store, e.offset.checked_add(i.checked_mul(4)?)?))
            .collect()
    }

    /// First value of an INT32 tag.
    pub fn int(&self, tag: u32) -> Option<u32> {
        self.ints(tag).first().copied()
    }

    /// Absolute paths of the package's files (BASENAMES/DIRNAMES/DIRINDEXES, or OLDFILENAMES).
    pub fn file_paths(&self) -> Vec<String> {
        let bases = self.strings(tag::BASENAMES);
        if bases.is_empty() {
            return self.strings(tag::OLDFILENAMES);
        }
        let dirs = self.strings(tag::DIRNAMES);
        let idx = self.ints(tag::DIRINDEXES);
        bases
            .iter()
            .zip(idx)
            .filter_map(|(b, i)| dirs.get(i as usize).map(|d| format!("{d}{b}")))
            .collect()
    }
}

/// Fields of one installed rpm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpmInfo {
    /// NAME.
    pub name: String,
    /// VERSION.
    pub version: String,
    /// RELEASE.
    pub release: String,
    /// EPOCH.
    pub epoch: Option<u32>,
    /// ARCH.
    pub arch: Option<String>,
    /// SOURCERPM (`name-version-release.src.rpm`).
    pub source_rpm: Option<String>,
    /// LICENSE.
    pub license: Option<String>,
    /// VENDOR.
    pub vendor: Option<String>,
    /// Owned file paths.
    pub files: Vec<String>,
}

/// Extracts [`RpmInfo`] from a header blob; `None` when NAME or VERSION is missing.
pub fn rpm_info(blob: &[u8]) -> Result<Option<RpmInfo>, HeaderError> {
    let h = Header::parse(blob)?;
    let (Some(name), Some(version)) = (h.string(tag::NAME), h.string(tag::VERSION)) else {
        return Ok(None);
    };
    Ok(Some(RpmInfo {
        name,
        version,
        release: h.string(tag::RELEASE).unwrap_or_default(),
        epoch: h.int(tag::EPOCH),
        arch: h.string(tag::ARCH),
        source_rpm: h
            .string(tag::SOURCERPM)
            .filter(|s| !s.is_empty() && s != "(none)"),
        license: h.string(tag::LICENSE),
        vendor: h
            .string(tag::VENDOR)
            .filter(|s| !s.is_empty() && s != "(none)"),
        files: h.file_paths(),
    }))
}

/// Splits `name-version-release.src.rpm` into (name, version-release).
pub fn split_source_rpm(s: &str) -> Option<(String, String)> {
    let base = s.strip_suffix(".rpm")?;
    let base = base.rsplit_once('.').map_or(base, |(b, _)| b); // drop ".src" / ".nosrc"
    let (rest, release) = base.rsplit_once('-')?;
    let (name, version) = rest.rsplit_once('-')?;
    Some((name.to_owned(), format!("{version}-{release}")))
}
