//! Any bytes as ASTERIX data blocks, read with any generated edition of each category: never
//! panics; every record found is measured inside its block and read into a message.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nofly_asterix::{blocks, interpret, records, Editions};

fuzz_target!(|data: &[u8]| {
    let Some((&choice, data)) = data.split_first() else {
        return;
    };
    // The first byte picks an edition for each category.
    let mut editions = Editions::default();
    let known: Vec<_> = Editions::known().collect();
    for (i, cat) in [21u8, 34, 48, 62, 65].iter().enumerate() {
        let of_cat: Vec<_> = known.iter().filter(|(c, _)| c == cat).collect();
        let pick = of_cat[(choice as usize >> i) % of_cat.len()];
        editions.set(pick.0, pick.1, None).unwrap();
    }
    for block in blocks(data) {
        let Ok(block) = block else { break };
        assert!(block.offset + block.bytes.len() <= data.len());
        for record in records(block, &editions) {
            let Ok(record) = record else { break };
            assert!(!record.bytes.is_empty() && record.offset + record.bytes.len() <= data.len());
            for (_, item) in record.items() {
                assert!(!item.is_empty());
            }
            let _ = interpret(&record);
        }
    }
});
