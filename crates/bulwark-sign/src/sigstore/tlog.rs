//! Transparency-log proofs: RFC 9162 Merkle inclusion proofs and the signed-note
//! checkpoints (C2SP `tlog-checkpoint`, `signed-note`) Rekor v1 and v2 commit to.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest as _, Sha256};

use super::pki::{AnyKey, HashAlg};

/// `HASH(0x00 || leaf)`.
pub fn leaf_hash(leaf: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(leaf);
    h.finalize().into()
}

fn node_hash(left: &[u8], right: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// RFC 9162 §2.1.3.2: whether `proof` shows `leaf` at `index` in the tree of `size`
/// leaves whose root is `root`.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: [u8; 32],
    proof: &[Vec<u8>],
    root: &[u8],
) -> bool {
    if index >= size {
        return false;
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = leaf;
    for p in proof {
        if p.len() != 32 || snode == 0 {
            return false;
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    snode == 0 && r.as_slice() == root
}

/// A parsed checkpoint with its signature lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin line.
    pub origin: String,
    /// The tree size.
    pub size: u64,
    /// The root hash.
    pub root_hash: Vec<u8>,
    /// The signed text (every line up to the blank line, each ending in `\n`).
    pub body: String,
    /// `(name, key hint, signature)` per signature line.
    pub signatures: Vec<(String, [u8; 4], Vec<u8>)>,
}

/// Parses a signed-note checkpoint. Never panics.
pub fn parse_checkpoint(envelope: &str) -> Result<Checkpoint, String> {
    let (body, sigs) = envelope
        .split_once("\n\n")
        .ok_or("checkpoint: no blank line between the note and its signatures")?;
    let mut lines = body.split('\n');
    let origin = lines
        .next()
        .filter(|o| !o.is_empty())
        .ok_or("checkpoint: no origin line")?;
    let size = lines
        .next()
        .and_then(|s| {
            (!s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
                .then(|| s.parse::<u64>().ok())
                .flatten()
        })
        .ok_or("checkpoint: the second line is not a tree size")?;
    let root_hash = lines
        .next()
        .and_then(|r| STANDARD.decode(r).ok())
        .filter(|r| r.len() == 32)
        .ok_or("checkpoint: the third line is not a base64 SHA-256 root hash")?;
    let mut signatures = Vec::new();
    for line in sigs.split('\n').filter(|l| !l.is_empty()) {
        let rest = line.strip_prefix("\u{2014} ").ok_or_else(|| {
            format!("checkpoint: signature line {line:?} does not start with an em dash")
        })?;
        let (name, sig) = rest
            .rsplit_once(' ')
            .ok_or_else(|| format!("checkpoint: signature line {line:?} has no signature"))?;
        let raw = STANDARD
            .decode(sig)
            .map_err(|_| format!("checkpoint: signature of {name:?} is not base64"))?;
        let Some((hint, sig)) = raw.split_first_chunk::<4>() else {
            return Err(format!("checkpoint: signature of {name:?} is too short"));
        };
        signatures.push((name.to_owned(), *hint, sig.to_vec()));
    }
    if signatures.is_empty() {
        return Err("checkpoint: no signature lines".into());
    }
    Ok(Checkpoint {
        origin: origin.to_owned(),
        size,
        root_hash,
        body: format!("{body}\n"),
        signatures,
    })
}

impl Checkpoint {
    /// Whether a signature line carries the log's key hint (the first four bytes of
    /// its log ID) and verifies with its key. Other lines (witness cosignatures,
    /// other keys) are ignored.
    pub fn signed_by(&self, log_id: &[u8], key: &AnyKey) -> bool {
        let Some(hint) = log_id.first_chunk::<4>() else {
            return false;
        };
        self.signatures
            .iter()
            .filter(|(_, h, _)| h == hint)
            .any(|(_, _, sig)| key.verify(HashAlg::Sha256, self.body.as_bytes(), sig))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree_root(leaves: &[[u8; 32]]) -> [u8; 32] {
        if leaves.len() == 1 {
            return leaves[0];
        }
        let k = leaves.len().next_power_of_two() / 2;
        node_hash(&tree_root(&leaves[..k]), &tree_root(&leaves[k..]))
    }

    fn path(leaves: &[[u8; 32]], m: usize) -> Vec<Vec<u8>> {
        if leaves.len() == 1 {
            return Vec::new();
        }
        let k = leaves.len().next_power_of_two() / 2;
        if m < k {
            let mut p = path(&leaves[..k], m);
            p.push(tree_root(&leaves[k..]).to_vec());
            p
        } else {
            let mut p = path(&leaves[k..], m - k);
            p.push(tree_root(&leaves[..k]).to_vec());
            p
        }
    }

    #[test]
    fn inclusion_proofs_of_every_leaf_in_trees_up_to_20() {
        for n in 1..=20u64 {
            let leaves: Vec<[u8; 32]> = (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect();
            let root = tree_root(&leaves);
            for m in 0..n {
                let idx = usize::try_from(m).unwrap();
                let proof = path(&leaves, idx);
                assert!(
                    verify_inclusion(m, n, leaves[idx], &proof, &root),
                    "{m}/{n}"
                );
                assert!(!verify_inclusion(m, n, leaf_hash(b"other"), &proof, &root));
                assert!(!verify_inclusion(m, n, leaves[idx], &proof, &leaves[idx]) || n == 1);
                assert!(!verify_inclusion(n, n, leaves[idx], &proof, &root));
                if let Some(first) = proof.first() {
                    let mut bad = proof.clone();
                    bad[0][0] ^= 1;
                    assert!(
                        !verify_inclusion(m, n, leaves[idx], &bad, &root),
                        "{first:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn checkpoint_fields() {
        let cp = parse_checkpoint(
            "o\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\u{2014} o AAAAAAAA\n",
        )
        .unwrap();
        assert_eq!((cp.origin.as_str(), cp.size), ("o", 3));
        assert_eq!(
            cp.body,
            "o\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
        );
        assert!(parse_checkpoint("o\n\nAAAA\n\n\u{2014} o AAAAAAAA\n").is_err());
        assert!(
            parse_checkpoint("o\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n").is_err()
        );
    }
}
