//! Frames written as hexadecimal text, as AVR feeds, `<unix seconds>,<hex>` recordings, evidence
//! bundles and test data carry them.

/// Decodes hex text (two digits a byte, either case) into `out`; returns the number of bytes, or
/// `None` for an odd length, a non-hex digit or more bytes than `out` holds.
pub fn hex_to_bytes(text: &str, out: &mut [u8]) -> Option<usize> {
    let t = text.as_bytes();
    if !t.len().is_multiple_of(2) || t.len() / 2 > out.len() {
        return None;
    }
    for (k, pair) in t.chunks(2).enumerate() {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        out[k] = (hi * 16 + lo) as u8;
    }
    Some(t.len() / 2)
}

/// Decodes a Mode S frame written in hex: 14 digits (56 bits) or 28 (112 bits).
pub fn frame_from_hex(text: &str, out: &mut [u8; 14]) -> Option<usize> {
    hex_to_bytes(text, out).filter(|n| *n == 7 || *n == 14)
}

/// A frame from hex for the unit tests of this crate (panics on bad test data).
#[cfg(test)]
pub(crate) fn test_frame(s: &str) -> Vec<u8> {
    let mut buf = [0u8; 14];
    let n = hex_to_bytes(s, &mut buf).expect("test frames are hex");
    buf[..n].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_of_both_lengths_and_nothing_else() {
        let mut buf = [0u8; 14];
        assert_eq!(
            frame_from_hex("8D4840D6202CC371C32CE0576098", &mut buf),
            Some(14)
        );
        assert_eq!(buf[0], 0x8d);
        assert_eq!(frame_from_hex("5d4840d6202cc3", &mut buf), Some(7));
        assert_eq!(frame_from_hex("8D4840D6", &mut buf), None);
        assert_eq!(frame_from_hex("8D4840D6202CC3X", &mut buf), None);
        assert_eq!(frame_from_hex("8D4840D6202CÇ", &mut buf), None);
        assert_eq!(
            hex_to_bytes("1a1a33", &mut [0u8; 2]),
            None,
            "longer than the buffer"
        );
    }
}
