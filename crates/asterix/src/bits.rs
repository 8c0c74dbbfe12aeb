//! Reading the fields of an item: big-endian bit ranges, two's complement, octal codes and the
//! 6-bit ICAO character set of callsigns.

/// The unsigned value of `len` bits starting `start` bits into `bytes` (bit 0 is the most
/// significant bit of the first byte). `len` ≤ 64 and the range lies inside `bytes`.
pub(crate) fn unsigned(bytes: &[u8], start: usize, len: usize) -> u64 {
    let mut value = 0u64;
    for bit in start..start + len {
        value = value << 1 | u64::from(bytes[bit / 8] >> (7 - bit % 8) & 1);
    }
    value
}

/// The two's complement value of `len` bits starting `start` bits into `bytes`.
pub(crate) fn signed(bytes: &[u8], start: usize, len: usize) -> i64 {
    let raw = unsigned(bytes, start, len);
    let shift = 64 - len;
    ((raw << shift) as i64) >> shift
}

/// A 12-bit Mode A code as its four octal digits read as a number (0o7700 for 7700), as
/// `nofly_model::Report::squawk` holds it: the 12 bits are exactly that number.
pub(crate) fn mode_a(bytes: &[u8], start: usize) -> u16 {
    unsigned(bytes, start, 12) as u16
}

/// Eight characters of the ICAO 6-bit alphabet (Annex 10, Vol. IV, Table 3-9), 48 bits from
/// `start`, trailing spaces removed; `None` if a code outside the alphabet occurs or all eight
/// are spaces.
pub(crate) fn icao_chars(bytes: &[u8], start: usize) -> Option<String> {
    let mut text = String::with_capacity(8);
    for i in 0..8 {
        let code = unsigned(bytes, start + 6 * i, 6) as u8;
        let c = match code {
            1..=26 => (b'A' + code - 1) as char,
            32 => ' ',
            48..=57 => code as char,
            _ => return None,
        };
        text.push(c);
    }
    let trimmed = text.trim_end();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bit_ranges() {
        let b = [0b1010_0000, 0xff, 0x01];
        assert_eq!(unsigned(&b, 0, 3), 0b101);
        assert_eq!(unsigned(&b, 4, 12), 0x0ff);
        assert_eq!(signed(&[0xff, 0xfe], 0, 16), -2);
        assert_eq!(signed(&[0x3f, 0xff], 2, 14), -1);
        assert_eq!(signed(&[0x1f, 0xff], 2, 14), 0x1fff);
        assert_eq!(mode_a(&[0x0f, 0xc0], 4), 0o7700);
    }

    #[test]
    fn reads_icao_callsigns() {
        assert_eq!(
            icao_chars(&[0; 6], 0),
            None,
            "code 0 is not in the alphabet"
        );
        let encode = |s: &str| {
            let mut v = 0u64;
            for c in s.bytes() {
                let code = match c {
                    b'A'..=b'Z' => c - b'A' + 1,
                    b' ' => 32,
                    _ => c,
                };
                v = v << 6 | u64::from(code);
            }
            v.to_be_bytes()[2..].to_vec()
        };
        assert_eq!(
            icao_chars(&encode("DLH65A  "), 0).as_deref(),
            Some("DLH65A")
        );
        assert_eq!(
            icao_chars(&encode("RYR174C "), 0).as_deref(),
            Some("RYR174C")
        );
    }
}
