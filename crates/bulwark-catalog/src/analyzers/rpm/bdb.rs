//! Read-only Berkeley DB hash database reader for `/var/lib/rpm/Packages` (RHEL ≤ 8, CentOS,
//! Amazon Linux 2, SLES ≤ 15). Values (header blobs) live on overflow pages referenced by
//! `H_OFFPAGE` items of hash pages; keys are package indexes and are ignored.

const HASH_MAGIC: u32 = 0x0006_1561;
const PAGE_HEADER: usize = 26;
const P_HASH_UNSORTED: u8 = 2;
const P_OVERFLOW: u8 = 7;
const P_HASH: u8 = 13;
const H_OFFPAGE: u8 = 3;
const VALID_PAGE_SIZES: [usize; 8] = [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536];

/// Why a file is not a readable BDB hash database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BdbError {
    /// Metadata page missing or wrong magic.
    #[error("not a Berkeley DB hash database (magic {0:#x})")]
    NotHash(u32),
    /// Unsupported page size.
    #[error("invalid page size {0}")]
    PageSize(u32),
    /// An overflow chain points outside the file or loops.
    #[error("overflow chain starting at page {0} is broken")]
    BrokenChain(u32),
}

#[derive(Clone, Copy)]
struct Order(bool); // true = little endian

impl Order {
    fn u32(self, b: &[u8], at: usize) -> Option<u32> {
        let s: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
        Some(if self.0 {
            u32::from_le_bytes(s)
        } else {
            u32::from_be_bytes(s)
        })
    }
    fn u16(self, b: &[u8], at: usize) -> Option<u16> {
        let s: [u8; 2] = b.get(at..at + 2)?.try_into().ok()?;
        Some(if self.0 {
            u16::from_le_bytes(s)
        } else {
            u16::from_be_bytes(s)
        })
    }
}

/// Returns every value stored in the hash database (for rpm: one header blob per package).
pub fn values(db: &[u8]) -> Result<Vec<Vec<u8>>, BdbError> {
    let magic_le = Order(true).u32(db, 12).ok_or(BdbError::NotHash(0))?;
    let order = if magic_le == HASH_MAGIC {
        Order(true)
    } else if Order(false).u32(db, 12) == Some(HASH_MAGIC) {
        Order(false)
    } else {
        return Err(BdbError::NotHash(magic_le));
    };
    let page_size = order.u32(db, 20).unwrap_or(0);
    let ps = page_size as usize;
    if !VALID_PAGE_SIZES.contains(&ps) {
        return Err(BdbError::PageSize(page_size));
    }
    let npages = db.len() / ps;
    let last = (order.u32(db, 32).unwrap_or(0) as usize).min(npages.saturating_sub(1));
    let page = |n: usize| db.get(n * ps..(n + 1) * ps);
    let mut out = Vec::new();
    for n in 1..=last {
        let Some(p) = page(n) else { break };
        let ty = p.get(25).copied().unwrap_or(0);
        if ty != P_HASH && ty != P_HASH_UNSORTED {
            continue;
        }
        let entries = usize::from(order.u16(p, 20).unwrap_or(0));
        // items alternate key, value; values have odd indexes
        for i in (1..entries).step_by(2) {
            let Some(off) = order.u16(p, PAGE_HEADER + 2 * i) else {
                break;
            };
            let off = usize::from(off);
            if p.get(off).copied() != Some(H_OFFPAGE) {
                continue;
            }
            let (Some(start), Some(total)) = (order.u32(p, off + 4), order.u32(p, off + 8)) else {
                continue;
            };
            out.push(read_overflow(start, total as usize, npages, &page, order)?);
        }
    }
    Ok(out)
}

fn read_overflow<'a>(
    start: u32,
    total: usize,
    npages: usize,
    page: &impl Fn(usize) -> Option<&'a [u8]>,
    order: Order,
) -> Result<Vec<u8>, BdbError> {
    let mut value = Vec::with_capacity(total.min(1 << 24));
    let mut cur = start;
    let mut hops = 0usize;
    while cur != 0 {
        hops += 1;
        let p = page(cur as usize).ok_or(BdbError::BrokenChain(start))?;
        if hops > npages || p.get(25).copied() != Some(P_OVERFLOW) {
            return Err(BdbError::BrokenChain(start));
        }
        let len = usize::from(order.u16(p, 22).unwrap_or(0));
        let data = p
            .get(PAGE_HEADER..PAGE_HEADER + len)
            .ok_or(BdbError::BrokenChain(start))?;
        value.extend_from_slice(data);
        cur = order.u32(p, 16).unwrap_or(0);
    }
    value.truncate(total);
    Ok(value)
}
