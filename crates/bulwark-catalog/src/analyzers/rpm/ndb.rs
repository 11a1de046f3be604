//! Read-only reader for rpm's NDB backend `/var/lib/rpm/Packages.db` (SUSE/openSUSE 15.3+):
//! a 4096-byte-page slot table (header `RpmP`, slots `Slot`) pointing at `BlbS` blobs
//! addressed in 16-byte blocks. All integers are little endian.

const HEADER_MAGIC: u32 = u32::from_le_bytes(*b"RpmP");
const SLOT_MAGIC: u32 = u32::from_le_bytes(*b"Slot");
const BLOB_MAGIC: u32 = u32::from_le_bytes(*b"BlbS");
const SLOT_PAGE: usize = 4096;
const BLOCK: usize = 16;

/// Why a file is not a readable NDB database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NdbError {
    /// Wrong magic or version in the header.
    #[error("not an rpm NDB database (magic {0:#x})")]
    NotNdb(u32),
    /// Unsupported on-disk version.
    #[error("unsupported NDB version {0}")]
    Version(u32),
    /// A slot points at a blob that is missing or corrupt.
    #[error("slot for package {0} points at a bad blob")]
    BadBlob(u32),
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Returns every package header blob in the database, in slot order.
pub fn values(db: &[u8]) -> Result<Vec<Vec<u8>>, NdbError> {
    let magic = le32(db, 0).ok_or(NdbError::NotNdb(0))?;
    if magic != HEADER_MAGIC {
        return Err(NdbError::NotNdb(magic));
    }
    let version = le32(db, 4).unwrap_or(u32::MAX);
    if version != 0 {
        return Err(NdbError::Version(version));
    }
    let slot_pages = le32(db, 12).unwrap_or(0) as usize;
    let slots_end = slot_pages.saturating_mul(SLOT_PAGE).min(db.len());
    let mut out = Vec::new();
    // the 32-byte header takes the place of the first two slots
    let mut at = 32;
    while at + 16 <= slots_end {
        let (Some(m), Some(pkg), Some(blkoff)) = (le32(db, at), le32(db, at + 4), le32(db, at + 8))
        else {
            break;
        };
        at += 16;
        if m != SLOT_MAGIC || pkg == 0 {
            continue;
        }
        let off = (blkoff as usize).saturating_mul(BLOCK);
        let (Some(bm), Some(bpkg), Some(len)) =
            (le32(db, off), le32(db, off + 4), le32(db, off + 12))
        else {
            return Err(NdbError::BadBlob(pkg));
        };
        if bm != BLOB_MAGIC || bpkg != pkg {
            return Err(NdbError::BadBlob(pkg));
        }
        let data = db
            .get(off + 16..(off + 16).saturating_add(len as usize))
            .ok_or(NdbError::BadBlob(pkg))?;
        out.push(data.to_vec());
    }
    Ok(out)
}
