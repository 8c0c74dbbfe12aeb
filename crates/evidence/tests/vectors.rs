//! Refusal vectors in the style of transparency-dev's merkle and checkpoint tests: for every tree
//! of up to 33 leaves, every inclusion and consistency proof verifies, and bit flips in the leaf,
//! the proof or the roots, wrong indices and sizes, swapped roots, truncated and padded proofs are
//! all refused; signed checkpoints and tlog-proofs refuse flipped bytes, other sizes and garbage.

use nofly_evidence::checkpoint::{open_checkpoint, Checkpoint, TlogProof};
use nofly_evidence::merkle::{
    consistency_proof, inclusion_proof, leaf_hash, root, verify_consistency, verify_inclusion, Hash,
};
use nofly_evidence::note::{Note, NoteSigner, ED25519};

fn leaves(n: usize) -> Vec<Hash> {
    (0..n)
        .map(|i| leaf_hash(format!("leaf {i}").as_bytes()))
        .collect()
}

/// Copies of `h` with one bit flipped, one per byte (bit position varying).
fn flips(h: &Hash) -> impl Iterator<Item = Hash> + '_ {
    (0..32).map(move |b| {
        let mut x = *h;
        x[b] ^= 1 << (b % 8);
        x
    })
}

#[test]
fn inclusion_proofs_refuse_every_alteration() {
    let all = leaves(33);
    for n in 1..=all.len() {
        let l = &all[..n];
        let r = root(l);
        for i in 0..n {
            let p = inclusion_proof(i, l);
            let (iu, nu) = (i as u64, n as u64);
            assert!(verify_inclusion(iu, nu, &l[i], &p, &r), "{i} of {n}");
            for bad in flips(&l[i]) {
                assert!(
                    !verify_inclusion(iu, nu, &bad, &p, &r),
                    "leaf flip {i} of {n}"
                );
            }
            for bad in flips(&r) {
                assert!(
                    !verify_inclusion(iu, nu, &l[i], &p, &bad),
                    "root flip {i} of {n}"
                );
            }
            for k in 0..p.len() {
                for bad in flips(&p[k]) {
                    let mut q = p.clone();
                    q[k] = bad;
                    assert!(
                        !verify_inclusion(iu, nu, &l[i], &q, &r),
                        "proof flip {k}, {i} of {n}"
                    );
                }
            }
            if !p.is_empty() {
                assert!(
                    !verify_inclusion(iu, nu, &l[i], &p[..p.len() - 1], &r),
                    "truncated"
                );
            }
            let mut padded = p.clone();
            padded.push(l[0]);
            assert!(!verify_inclusion(iu, nu, &l[i], &padded, &r), "padded");
            for j in [i.wrapping_sub(1), i + 1] {
                if j < n && l[j] != l[i] {
                    assert!(
                        !verify_inclusion(j as u64, nu, &l[i], &p, &r),
                        "index {j} for {i} of {n}"
                    );
                }
            }
            assert!(
                !verify_inclusion(nu, nu, &l[i], &p, &r),
                "index beyond the tree"
            );
            // A size whose path has another length cannot reuse the proof.
            for m in [n - 1, n + 1] {
                if m > i
                    && inclusion_proof(i, &all[..m.min(all.len())]).len() != p.len()
                    && m <= all.len()
                {
                    assert!(
                        !verify_inclusion(iu, m as u64, &l[i], &p, &r),
                        "size {m} for {i} of {n}"
                    );
                }
            }
        }
    }
}

#[test]
fn consistency_proofs_refuse_every_alteration_and_swapped_roots() {
    let all = leaves(33);
    for n in 1..=all.len() {
        for m in 1..n {
            let (r1, r2) = (root(&all[..m]), root(&all[..n]));
            let p = consistency_proof(m, &all[..n]);
            let (mu, nu) = (m as u64, n as u64);
            assert!(verify_consistency(mu, nu, &r1, &r2, &p), "{m} -> {n}");
            assert!(
                !verify_consistency(mu, nu, &r2, &r1, &p),
                "swapped roots {m} -> {n}"
            );
            assert!(
                !verify_consistency(nu, mu, &r2, &r1, &p),
                "swapped sizes {m} -> {n}"
            );
            for bad in flips(&r1) {
                assert!(!verify_consistency(mu, nu, &bad, &r2, &p));
            }
            for bad in flips(&r2) {
                assert!(!verify_consistency(mu, nu, &r1, &bad, &p));
            }
            for k in 0..p.len() {
                for bad in flips(&p[k]) {
                    let mut q = p.clone();
                    q[k] = bad;
                    assert!(
                        !verify_consistency(mu, nu, &r1, &r2, &q),
                        "proof flip {k}, {m} -> {n}"
                    );
                }
            }
            assert!(
                !verify_consistency(mu, nu, &r1, &r2, &p[..p.len() - 1]),
                "truncated {m} -> {n}"
            );
            let mut padded = p.clone();
            padded.push(all[0]);
            assert!(
                !verify_consistency(mu, nu, &r1, &r2, &padded),
                "padded {m} -> {n}"
            );
            // Sizes are bound by the signed checkpoints; a size whose proof has another shape
            // cannot reuse this one.
            if n < all.len() && consistency_proof(m, &all[..n + 1]).len() != p.len() {
                assert!(
                    !verify_consistency(mu, nu + 1, &r1, &r2, &p),
                    "size {} for {n}",
                    n + 1
                );
            }
            if m > 1 {
                assert!(
                    !verify_consistency(mu - 1, nu, &r1, &r2, &p),
                    "old size {} for {m}",
                    m - 1
                );
            }
        }
    }
}

fn signer() -> NoteSigner {
    NoteSigner {
        name: "vectors.test/log".into(),
        key: ed25519_dalek::SigningKey::from_bytes(&[7; 32]),
    }
}

#[test]
fn signed_checkpoints_and_tlog_proofs_refuse_flips_other_sizes_and_garbage() {
    let s = signer();
    let key = s.public(ED25519);
    let l = leaves(21);
    let body = Checkpoint {
        origin: &s.name,
        size: 21,
        root: root(&l),
    }
    .body();
    let text = format!("{body}\n{}", s.sign(&body));
    let note = Note::parse(&text).unwrap();
    assert_eq!(open_checkpoint(&note, &key).unwrap().size, 21);
    // Every byte flipped: the note no longer reads or no longer verifies.
    for i in 0..text.len() {
        let mut bytes = text.clone().into_bytes();
        bytes[i] ^= 0x01;
        let refused = match String::from_utf8(bytes) {
            Err(_) => true,
            Ok(t) => Note::parse(&t).map_or(true, |n| open_checkpoint(&n, &key).is_err()),
        };
        assert!(refused, "byte {i} of the checkpoint flipped");
    }
    // Other sizes and roots under the same signature.
    for other in [
        body.replace("\n21\n", "\n20\n"),
        body.replace("\n21\n", "\n22\n"),
        Checkpoint {
            origin: &s.name,
            size: 21,
            root: root(&l[..20]),
        }
        .body(),
    ] {
        let forged = Note::parse(&text.replacen(&body, &other, 1)).unwrap();
        assert!(open_checkpoint(&forged, &key).is_err());
    }
    // A tlog-proof whose index or hashes changed does not prove the entry.
    let proof = TlogProof {
        extra: None,
        index: 5,
        hashes: inclusion_proof(5, &l),
        checkpoint: note.clone(),
    };
    let parsed = TlogProof::parse(&proof.text()).unwrap();
    let c = open_checkpoint(&parsed.checkpoint, &key).unwrap();
    assert!(verify_inclusion(
        parsed.index,
        c.size,
        &l[5],
        &parsed.hashes,
        &c.root
    ));
    let moved = TlogProof::parse(&proof.text().replace("index 5\n", "index 4\n")).unwrap();
    assert!(!verify_inclusion(
        moved.index,
        c.size,
        &l[5],
        &moved.hashes,
        &c.root
    ));
    // Garbage of every kind is refused as a note, a checkpoint or a proof, without a panic.
    let garbage = [
        String::new(),
        "\n".into(),
        "\n\n".into(),
        "vectors.test/log\n21\n".into(),
        format!("{body}\n"),
        format!("{body}\n— \n"),
        format!("{body}\n— vectors.test/log \n"),
        format!("{body}\n— vectors.test/log AAAA\n"),
        format!("{body}— vectors.test/log {}\n", "A".repeat(92)),
        "c2sp.org/tlog-proof@v1\n".into(),
        "c2sp.org/tlog-proof@v1\nindex x\n\n".into(),
        format!("c2sp.org/tlog-proof@v1\nindex 1\nnot base64\n\n{text}"),
        format!("c2sp.org/tlog-proof@v1\nindex 1\n{}\n\n{text}", "AAAA"),
        String::from_utf8_lossy(&[0xff, 0xfe, 0x00, 0x0a, 0x0a, 0x41]).into_owned(),
    ];
    for g in &garbage {
        let note_ok = Note::parse(g).is_ok_and(|n| open_checkpoint(&n, &key).is_ok());
        assert!(!note_ok, "{g:?} taken for a checkpoint");
        assert!(TlogProof::parse(g).is_err(), "{g:?} taken for a tlog-proof");
    }
    assert!(Checkpoint::parse("origin\n1\n\n").is_err());
    assert!(Checkpoint::parse(&format!("{}\n", "x".repeat(10_000))).is_err());
}
