//! Address blocks that states use for their military aircraft. ICAO publishes only the state
//! blocks; these sub-blocks are what receiver networks have learnt from the aircraft seen in
//! them (the list tar1090, readsb and ADS-B Exchange users maintain), written here as data.
//!
//! A guess from the address is only a guess: blocks where civil aircraft have been seen (Chile's
//! E80600–E806FF, Slovenia's 506F32–506FFF, Australia's 7D0000–7FFFFF) are left out, and a
//! database's own military flag always wins over this table ([`crate::identify`]). The test
//! `tests/peers/aircraft_identity.py` measures the table against the military flags of a real
//! readsb feed.

/// A block of military addresses, inclusive at both ends.
#[derive(Debug, Clone, Copy)]
pub struct MilitaryBlock {
    /// First address.
    pub first: u32,
    /// Last address.
    pub last: u32,
    /// ISO 3166-1 alpha-2 code of the state.
    pub iso: &'static str,
}

const fn block(first: u32, last: u32, iso: &'static str) -> MilitaryBlock {
    MilitaryBlock { first, last, iso }
}

/// The blocks, in address order, none overlapping.
pub static BLOCKS: &[MilitaryBlock] = &[
    block(0x33FF00, 0x33FFFF, "IT"),
    block(0x350000, 0x37FFFF, "ES"),
    block(0x3AA000, 0x3AFFFF, "FR"),
    block(0x3B7000, 0x3BFFFF, "FR"),
    block(0x3EA000, 0x3EBFFF, "DE"),
    block(0x3F4000, 0x3FBFFF, "DE"),
    block(0x400000, 0x40003F, "GB"),
    block(0x43C000, 0x43CFFF, "GB"),
    block(0x444000, 0x446FFF, "AT"),
    block(0x44F000, 0x44FFFF, "BE"),
    block(0x457000, 0x457FFF, "BG"),
    block(0x45F400, 0x45F4FF, "DK"),
    block(0x468000, 0x4683FF, "GR"),
    block(0x473C00, 0x473C0F, "HU"),
    block(0x478100, 0x4781FF, "NO"),
    block(0x480000, 0x480FFF, "NL"),
    block(0x48D800, 0x48D87F, "PL"),
    block(0x497C00, 0x497CFF, "PT"),
    block(0x498420, 0x49842F, "CZ"),
    block(0x4B7000, 0x4B7FFF, "CH"),
    block(0x4B8200, 0x4B82FF, "TR"),
    block(0x70C070, 0x70C07F, "OM"),
    block(0x710258, 0x71028F, "SA"),
    block(0x710380, 0x71039F, "SA"),
    block(0x738A00, 0x738AFF, "IL"),
    block(0x7C822E, 0x7C84FF, "AU"),
    block(0x7C8800, 0x7C88FF, "AU"),
    block(0x7C9000, 0x7CAFFF, "AU"),
    block(0x7CF800, 0x7CFAFF, "AU"),
    block(0x800200, 0x8002FF, "IN"),
    block(0xADF7C8, 0xAFFFFF, "US"),
    block(0xC20000, 0xC3FFFF, "CA"),
    block(0xE40000, 0xE41FFF, "BR"),
];

/// The military block `icao` falls in, if any.
pub fn range(icao: u32) -> Option<&'static MilitaryBlock> {
    let after = BLOCKS.partition_point(|b| b.first <= icao);
    let candidate = BLOCKS.get(after.checked_sub(1)?)?;
    (icao <= candidate.last).then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_ordered_disjoint_and_inside_their_state() {
        for pair in BLOCKS.windows(2) {
            assert!(
                pair[0].last < pair[1].first,
                "{:?} overlaps {:?}",
                pair[0],
                pair[1]
            );
        }
        for b in BLOCKS {
            for end in [b.first, b.last] {
                let state = crate::allocation::country(end).map(|c| c.iso);
                assert_eq!(
                    state,
                    Some(b.iso),
                    "{b:?}: {end:06X} is not in the state's block"
                );
            }
        }
    }

    #[test]
    fn real_addresses_from_a_readsb_feed() {
        // Military per the feed's database (dbFlags & 1): a USAF E-3 and T-38, a C-130J.
        for icao in [0xae11e3, 0xae00c2, 0xae29d9] {
            assert_eq!(range(icao).map(|b| b.iso), Some("US"), "{icao:06x}");
        }
        // Civil in the same feed: N-registered business jets and an airliner, a Canadian jet.
        for icao in [0xa0a2f0, 0xac3c86, 0xa86061, 0xc04e94] {
            assert!(range(icao).is_none(), "{icao:06x}");
        }
    }
}
