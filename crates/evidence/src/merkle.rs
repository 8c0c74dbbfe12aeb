//! The Merkle tree of RFC 6962 / RFC 9162 (section 2.1): SHA-256 with domain separation
//! (`0x00` before a leaf, `0x01` before two child hashes), the tree's root, inclusion proofs and
//! consistency proofs, and their verification.
//!
//! Written here rather than taken from a crate because the proofs are part of nofly's published
//! evidence format: their exact layout is the RFC's, and docs/evidence.md describes them so that an
//! independent verifier can check them; the algorithms below follow RFC 9162 2.1.3 and 2.1.4 step by
//! step and are tested against RFC 6962's reference vectors.

use sha2::{Digest, Sha256};

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// The root of the empty tree: SHA-256 of nothing.
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// `SHA-256(0x00 || data)`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The largest power of two smaller than `n` (n ≥ 2).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// The Merkle tree hash of leaves already hashed with [`leaf_hash`]; the empty tree is SHA-256 of "".
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => EMPTY_ROOT,
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// The audit path of leaf `index` in the tree of `leaves` (RFC 6962 2.1.1), bottom first.
pub fn inclusion_proof(index: usize, leaves: &[Hash]) -> Vec<Hash> {
    assert!(
        index < leaves.len(),
        "leaf {index} is not in a tree of {}",
        leaves.len()
    );
    let mut path = Vec::new();
    path_into(index, leaves, &mut path);
    path
}

fn path_into(m: usize, leaves: &[Hash], out: &mut Vec<Hash>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split(n);
    if m < k {
        path_into(m, &leaves[..k], out);
        out.push(root(&leaves[k..]));
    } else {
        path_into(m - k, &leaves[k..], out);
        out.push(root(&leaves[..k]));
    }
}

/// RFC 9162 2.1.3.2: whether `proof` shows that `leaf` is leaf `index` of a tree of `size` with `root`.
pub fn verify_inclusion(index: u64, size: u64, leaf: &Hash, proof: &[Hash], root: &Hash) -> bool {
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
    sn == 0 && r == *root
}

/// The consistency proof between the first `m` leaves and all of `leaves` (RFC 6962 2.1.2).
pub fn consistency_proof(m: usize, leaves: &[Hash]) -> Vec<Hash> {
    assert!(
        m <= leaves.len(),
        "a tree of {} cannot have grown from {m}",
        leaves.len()
    );
    let mut out = Vec::new();
    if m > 0 && m < leaves.len() {
        subproof(m, leaves, true, &mut out);
    }
    out
}

fn subproof(m: usize, leaves: &[Hash], complete: bool, out: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        if !complete {
            out.push(root(leaves));
        }
        return;
    }
    let k = split(n);
    if m <= k {
        subproof(m, &leaves[..k], complete, out);
        out.push(root(&leaves[k..]));
    } else {
        subproof(m - k, &leaves[k..], false, out);
        out.push(root(&leaves[..k]));
    }
}

/// RFC 9162 2.1.4.2: whether `proof` shows that the tree of `size2` with `root2` extends the tree of
/// `size1` with `root1`.
pub fn verify_consistency(
    size1: u64,
    size2: u64,
    root1: &Hash,
    root2: &Hash,
    proof: &[Hash],
) -> bool {
    if size1 > size2 {
        return false;
    }
    if size1 == size2 {
        return proof.is_empty() && root1 == root2;
    }
    if size1 == 0 {
        return proof.is_empty();
    }
    let mut path: Vec<Hash> = proof.to_vec();
    if size1.is_power_of_two() {
        path.insert(0, *root1);
    }
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    let (mut fn_, mut sn) = (size1 - 1, size2 - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    sn == 0 && fr == *root1 && sr == *root2
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The eight leaves of RFC 6962's reference tests (certificate-transparency test vectors).
    fn leaves() -> Vec<Hash> {
        [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ]
        .iter()
        .map(|h| leaf_hash(&hex::decode(h).unwrap()))
        .collect()
    }

    #[test]
    fn roots_match_the_reference_vectors() {
        let expected = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        let l = leaves();
        for (n, want) in expected.iter().enumerate() {
            assert_eq!(
                hex::encode(root(&l[..=n])),
                *want,
                "root of {} leaves",
                n + 1
            );
        }
        assert_eq!(
            hex::encode(root(&[])),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn every_inclusion_proof_verifies_and_tampering_fails() {
        let l = leaves();
        for n in 1..=l.len() {
            let r = root(&l[..n]);
            for i in 0..n {
                let p = inclusion_proof(i, &l[..n]);
                assert!(
                    verify_inclusion(i as u64, n as u64, &l[i], &p, &r),
                    "leaf {i} of {n}"
                );
                assert!(
                    !verify_inclusion(i as u64, n as u64, &l[(i + 1) % 8], &p, &r)
                        || n == 1 && l[(i + 1) % 8] == l[i]
                );
                if let Some(first) = p.first() {
                    let mut bad = p.clone();
                    bad[0] = leaf_hash(first);
                    assert!(!verify_inclusion(i as u64, n as u64, &l[i], &bad, &r));
                }
                // The size is not bound by the proof itself (a tree of 3 and one of 4 can share a
                // path); it is bound by the signed checkpoint that carries size and root together.
                assert!(!verify_inclusion(i as u64, i as u64, &l[i], &p, &r));
            }
        }
    }

    #[test]
    fn every_consistency_proof_verifies_and_a_different_history_fails() {
        let l = leaves();
        for n in 1..=l.len() {
            for m in 1..=n {
                let p = consistency_proof(m, &l[..n]);
                assert!(
                    verify_consistency(m as u64, n as u64, &root(&l[..m]), &root(&l[..n]), &p),
                    "{m} -> {n}"
                );
                if m < n {
                    let other = leaf_hash(b"rewritten history");
                    let mut changed = l[..m].to_vec();
                    changed[m - 1] = other;
                    assert!(
                        !verify_consistency(
                            m as u64,
                            n as u64,
                            &root(&changed),
                            &root(&l[..n]),
                            &p
                        ),
                        "{m} -> {n}"
                    );
                }
            }
        }
        // Reference proof sizes from RFC 6962's tests: 1->8: 3 hashes, 6->8: 3, 2->5: 2.
        assert_eq!(consistency_proof(1, &l).len(), 3);
        assert_eq!(consistency_proof(6, &l).len(), 3);
        assert_eq!(consistency_proof(2, &l[..5]).len(), 2);
    }
}
