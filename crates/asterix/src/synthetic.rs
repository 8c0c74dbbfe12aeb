//! Synthetic records for the unit tests, built field by field (not recorded data).

/// A data block of `category` holding `records`.
pub(crate) fn block(category: u8, records: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = records.concat();
    let len = (body.len() + 3) as u16;
    let mut out = vec![category];
    out.extend(len.to_be_bytes());
    out.extend(body);
    out
}

/// Eight characters in the ICAO 6-bit alphabet, 6 bytes.
pub(crate) fn callsign(text: &str) -> Vec<u8> {
    let mut v = 0u64;
    for c in format!("{text:<8}").bytes() {
        let code = match c {
            b'A'..=b'Z' => c - b'A' + 1,
            _ => c,
        };
        v = v << 6 | u64::from(code);
    }
    v.to_be_bytes()[2..].to_vec()
}

/// A Mode S roll-call plot of radar 25/201 with a track: ToD 27354.6015625 s, 197.68 NM at
/// 340.14°, Mode A 1000, FL 330, address 3C660C, callsign NOFLY1, track 3563, 434.4 kt on
/// 124.0°, a confirmed SSR/Mode S track.
pub(crate) fn cat048_record() -> Vec<u8> {
    let mut r = vec![0xfd, 0xd6]; // FSPEC: FRN 1-6, 8, 9, 11, 13, 14
    r.extend([0x19, 0xc9]); // 010 SAC 25 SIC 201
    r.extend([0x35, 0x6d, 0x4d]); // 140
    r.push(0xa0); // 020 TYP 5
    r.extend([0xc5, 0xaf, 0xf1, 0xe0]); // 040
    r.extend([0x02, 0x00]); // 070 Mode A 1000
    r.extend([0x05, 0x28]); // 090 FL 330
    r.extend([0x3c, 0x66, 0x0c]); // 220
    r.extend(callsign("NOFLY1")); // 240
    r.extend([0x0d, 0xeb]); // 161 track 3563
    r.extend([0x07, 0xb9, 0x58, 0x2e]); // 200
    r.push(0x40); // 170 RAD 2
    r
}
