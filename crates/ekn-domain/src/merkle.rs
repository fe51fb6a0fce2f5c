//! An RFC 6962 (Certificate Transparency) Merkle tree over the journal's entry hashes.
//!
//! The hash chain already makes any edit, deletion or reordering visible to someone who walks
//! the whole journal. The tree adds what the chain cannot: a short proof that one entry belongs
//! to a journal whose root was signed, without handing over the journal (an evidence package
//! carries an object's entries and their inclusion proofs, and a court checks them against the
//! signed checkpoint). Leaves are `SHA-256(0x00 ‖ entry hash)`, nodes `SHA-256(0x01 ‖ left ‖
//! right)`, and the tree of n leaves splits at the largest power of two below n, as RFC 6962
//! §2.1 defines. The root of a growing journal is kept cheaply in a `Frontier` (the roots of the
//! perfect subtrees that make up the leaves so far).

use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

/// The hash of the empty tree: SHA-256 of nothing.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the tree over `leaves` (already leaf-hashed), by the definition.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// The largest power of two smaller than n (n ≥ 2).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// The audit path of leaf `index` in the tree over `leaves` (RFC 6962 §2.1.1), bottom up.
pub fn inclusion_proof(leaves: &[Hash], index: usize) -> Vec<Hash> {
    fn path(leaves: &[Hash], m: usize, out: &mut Vec<Hash>) {
        let n = leaves.len();
        if n <= 1 {
            return;
        }
        let k = split(n);
        if m < k {
            path(&leaves[..k], m, out);
            out.push(root(&leaves[k..]));
        } else {
            path(&leaves[k..], m - k, out);
            out.push(root(&leaves[..k]));
        }
    }
    let mut out = Vec::new();
    if index < leaves.len() {
        path(leaves, index, &mut out);
    }
    out
}

/// Checks that `leaf` is entry `index` of a tree of `size` leaves with `root` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    sn == 0 && &r == root
}

/// The roots of the perfect subtrees covering the leaves added so far, largest first: enough to
/// give the root of the tree and to add the next leaf in O(log n).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    pub size: u64,
    /// One root per set bit of `size`, from the highest bit down.
    pub nodes: Vec<Hash>,
}

impl Frontier {
    pub fn push(&mut self, leaf: Hash) {
        let mut node = leaf;
        let mut size = self.size;
        // Each trailing one bit of the old size is a subtree of the same height to merge with.
        while size & 1 == 1 {
            let left = self.nodes.pop().expect("one node per set bit");
            node = node_hash(&left, &node);
            size >>= 1;
        }
        self.nodes.push(node);
        self.size += 1;
    }

    /// The root of the tree over every leaf pushed: the subtrees folded right to left.
    pub fn root(&self) -> Hash {
        let mut iter = self.nodes.iter().rev();
        match iter.next() {
            None => empty_root(),
            Some(last) => iter.fold(*last, |acc, left| node_hash(left, &acc)),
        }
    }
}

pub fn to_hex(hash: &Hash) -> String {
    hex::encode(hash)
}

pub fn from_hex(text: &str) -> Option<Hash> {
    let bytes = hex::decode(text).ok()?;
    bytes.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(format!("entry {i}").as_bytes())).collect()
    }

    #[test]
    fn the_frontier_gives_the_same_root_as_the_definition() {
        let all = leaves(70);
        let mut frontier = Frontier::default();
        assert_eq!(frontier.root(), empty_root());
        for (i, leaf) in all.iter().enumerate() {
            frontier.push(*leaf);
            assert_eq!(frontier.root(), root(&all[..=i]), "size {}", i + 1);
            assert_eq!(frontier.nodes.len() as u32, frontier.size.count_ones());
        }
    }

    #[test]
    fn every_inclusion_proof_verifies_and_a_wrong_one_does_not() {
        for n in [1usize, 2, 3, 5, 8, 13, 33] {
            let all = leaves(n);
            let r = root(&all);
            for i in 0..n {
                let proof = inclusion_proof(&all, i);
                assert!(verify_inclusion(&all[i], i as u64, n as u64, &proof, &r), "{i} of {n}");
                let other = leaf_hash(b"forged");
                assert!(!verify_inclusion(&other, i as u64, n as u64, &proof, &r));
                if n > 1 {
                    assert!(!verify_inclusion(&all[i], ((i + 1) % n) as u64, n as u64, &proof, &r));
                }
            }
        }
    }

    #[test]
    fn the_empty_tree_and_rfc_6962_leaf_and_node_prefixes() {
        // SHA-256 of the empty string, the RFC's MTH({}).
        assert_eq!(to_hex(&empty_root()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        // MTH({d0}) = SHA-256(0x00) for the empty leaf, as in the CT test vectors.
        assert_eq!(to_hex(&leaf_hash(b"")), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    }
}
