//! Any bytes as a recorded input file of unknown format, gzip, zstd or tar layers included: the
//! layers are peeled, the format sniffed and the file read without a panic; what is read keeps
//! its counts. Where the file starts (what a merge of many inputs plans by, a trace's
//! `timestamp` included) is found without a panic too.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nofly_sources::read_file;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("nofly-fuzz-archive-{}", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let _ = nofly_sources::input_start(&path, None, &Default::default());
    let mut n = 0u64;
    if let Ok((_, stats)) = read_file(&path, None, 0, Default::default(), &mut |_| n += 1, &mut |_, _| {}) {
        assert_eq!(stats.reports, n);
    }
});
