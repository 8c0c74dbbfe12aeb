//! Any text as a signed note, a tlog-proof, a trust policy or a witness request: read or refused
//! with a reason, never a panic; what reads prints back to the same text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nofly_evidence::checkpoint::TlogProof;
use nofly_evidence::note::Note;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(note) = Note::parse(text) {
        assert_eq!(note.text(), text);
    }
    if let Ok(proof) = TlogProof::parse(text) {
        assert_eq!(TlogProof::parse(&proof.text()).expect("a printed proof reads"), proof);
    }
    let _ = nofly_evidence::policy::Policy::parse(text);
    let _ = nofly_evidence::checkpoint::Checkpoint::parse(text);
    // A witness of one log: no request made of fuzz can carry that log's signature, so the state
    // file is never written.
    let signer = nofly_evidence::note::NoteSigner { name: "fuzz.test/log".into(), key: ed25519_dalek::SigningKey::from_bytes(&[1; 32]) };
    let log = signer.public(nofly_evidence::note::ED25519);
    let state = std::env::temp_dir().join("nofly-fuzz-witness-never-written.json");
    let witness = nofly_evidence::witness::Witness::open(signer, vec![log], &state).expect("no state yet");
    assert!(witness.add_checkpoint(text, 0).is_err());
});
