//! The Mode S CRC-24 (generator 0x1FFF409): parity of a frame, syndromes, and single-bit error
//! correction by syndrome lookup.

const GENERATOR: u32 = 0x00FF_F409;

/// Byte-at-a-time CRC table.
const TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = (i as u32) << 16;
        let mut bit = 0;
        while bit < 8 {
            c = if c & 0x80_0000 != 0 {
                (c << 1) ^ GENERATOR
            } else {
                c << 1
            };
            bit += 1;
        }
        table[i] = c & 0xFF_FFFF;
        i += 1;
    }
    table
};

/// CRC-24 of `data`.
#[inline]
pub fn crc24(data: &[u8]) -> u32 {
    let mut crc = 0u32;
    for &b in data {
        crc = ((crc << 8) & 0xFF_FFFF) ^ TABLE[(((crc >> 16) as u8) ^ b) as usize];
    }
    crc
}

/// The syndrome of a whole frame: CRC of the data bytes XOR the last three (parity) bytes. Zero
/// for an intact DF11/17/18 frame; the interrogator's address overlay (or the aircraft address for
/// address/parity replies) otherwise.
#[inline]
pub fn syndrome(frame: &[u8]) -> u32 {
    let n = frame.len();
    let parity =
        (u32::from(frame[n - 3]) << 16) | (u32::from(frame[n - 2]) << 8) | u32::from(frame[n - 1]);
    crc24(&frame[..n - 3]) ^ parity
}

/// Syndromes of every single-bit error of a 112-bit frame except the five DF bits, sorted by
/// syndrome, with the bit they identify.
fn single_bit_syndromes(bits: usize) -> Vec<(u32, u8)> {
    let mut out = Vec::with_capacity(bits);
    for bit in 5..bits {
        let mut frame = [0u8; 14];
        frame[bit / 8] = 0x80 >> (bit % 8);
        out.push((syndrome(&frame[..bits / 8]), bit as u8));
    }
    out.sort_unstable();
    out
}

/// Repairs a single flipped bit (not in the DF field) of a long (112-bit) frame whose syndrome is
/// not zero; returns the bit fixed, or `None` when the syndrome is not that of one bit error.
pub fn fix_single_bit(frame: &mut [u8]) -> Option<usize> {
    use std::sync::OnceLock;
    static LONG: OnceLock<Vec<(u32, u8)>> = OnceLock::new();
    static SHORT: OnceLock<Vec<(u32, u8)>> = OnceLock::new();
    let table = match frame.len() {
        14 => LONG.get_or_init(|| single_bit_syndromes(112)),
        7 => SHORT.get_or_init(|| single_bit_syndromes(56)),
        _ => return None,
    };
    let s = syndrome(frame);
    let i = table.binary_search_by_key(&s, |e| e.0).ok()?;
    let bit = table[i].1 as usize;
    frame[bit / 8] ^= 0x80 >> (bit % 8);
    Some(bit)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::hex::test_frame as hex;

    #[test]
    fn intact_extended_squitter_has_zero_syndrome() {
        assert_eq!(syndrome(&hex("8D4840D6202CC371C32CE0576098")), 0);
        assert_ne!(syndrome(&hex("8D4840D6202CC371C32CE0576099")), 0);
    }

    #[test]
    fn one_flipped_bit_is_repaired_anywhere_but_the_df() {
        let good = hex("8D4840D6202CC371C32CE0576098");
        for bit in 5..112 {
            let mut f = good.clone();
            f[bit / 8] ^= 0x80 >> (bit % 8);
            assert_eq!(fix_single_bit(&mut f), Some(bit));
            assert_eq!(f, good);
        }
    }
}
