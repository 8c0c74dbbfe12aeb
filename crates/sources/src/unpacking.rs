//! Peeling the layers archives wrap recordings in: gzip, zstd and tar, in any nesting, told apart
//! by their first bytes (OpenSky's hourly files are `states_….csv.tar` holding a `.csv.gz` and a
//! licence; readsb's globe_history and many archives are gzip; zstd is what large dumps use).
//!
//! A tar archive reads as the concatenation of its data members (each peeled in turn), so that
//! record numbers run on through the archive and an evidence extract finds the same records again.
//! Licence and readme members (`*.txt`, `*.md`, `LICENSE*`, `README*`) and everything that is not a
//! regular file are skipped.
//!
//! The tar reader is our own (about 100 lines): the `tar` crate hands out members borrowed from the
//! archive, which cannot be presented as the one owned [`Read`] of all members that the text
//! readers take.

use std::io::{self, Read};

/// Gzip's magic number.
const GZIP: [u8; 2] = [0x1f, 0x8b];
/// Zstandard's magic number.
const ZSTD: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// `reader` with every gzip, zstd and tar layer peeled off.
pub(crate) fn unpacked(reader: Box<dyn Read + '_>) -> io::Result<Box<dyn Read + '_>> {
    let (head, reader) = peek(reader, 512)?;
    if head.starts_with(&GZIP) {
        return unpacked(Box::new(flate2::read::MultiGzDecoder::new(reader)));
    }
    if head.starts_with(&ZSTD) {
        return unpacked(Box::new(zstd::stream::read::Decoder::new(reader)?));
    }
    if is_tar(&head) {
        return Ok(Box::new(TarMembers {
            archive: Some(reader),
            member: None,
            padding: 0,
            last_byte: b'\n',
            ended: false,
        }));
    }
    Ok(reader)
}

/// Whether `head` is the first block of a POSIX (ustar) or GNU tar archive.
pub(crate) fn is_tar(head: &[u8]) -> bool {
    head.len() >= 262 && &head[257..262] == b"ustar"
}

/// The first `n` bytes of `reader` (fewer at its end) and a reader that still yields them.
fn peek(mut reader: Box<dyn Read + '_>, n: usize) -> io::Result<(Vec<u8>, Box<dyn Read + '_>)> {
    let mut head = Vec::with_capacity(n);
    (&mut reader).take(n as u64).read_to_end(&mut head)?;
    let again = io::Cursor::new(head.clone());
    Ok((head, Box::new(again.chain(reader))))
}

/// The data members of a tar archive, one after the other, each unpacked; a newline is put
/// between two members when the first does not end with one. Members are streamed, not held.
struct TarMembers<'a> {
    /// The archive, while no member is being read.
    archive: Option<Box<dyn Read + 'a>>,
    /// The member being read, owning the archive meanwhile.
    member: Option<Member<'a>>,
    /// Padding after the current member, to skip once it has been read.
    padding: u64,
    last_byte: u8,
    ended: bool,
}

/// A member's bytes: the archive limited to the member, behind the bytes peeked at.
type MemberBytes<'a> = io::Chain<io::Cursor<Vec<u8>>, io::Take<Box<dyn Read + 'a>>>;

/// One member, decompressed as its first bytes say.
enum Member<'a> {
    Plain(MemberBytes<'a>),
    Gzip(flate2::read::MultiGzDecoder<MemberBytes<'a>>),
    Zstd(zstd::stream::read::Decoder<'static, io::BufReader<MemberBytes<'a>>>),
}

impl Member<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Member::Plain(r) => r.read(buf),
            Member::Gzip(r) => r.read(buf),
            Member::Zstd(r) => r.read(buf),
        }
    }
}

impl<'a> Member<'a> {
    /// The archive back, positioned after the member's last byte.
    fn into_archive(self) -> io::Result<Box<dyn Read + 'a>> {
        let bytes = match self {
            Member::Plain(r) => r,
            Member::Gzip(r) => r.into_inner(),
            Member::Zstd(r) => r.finish().into_inner(),
        };
        let (_, mut rest) = bytes.into_inner();
        io::copy(&mut rest, &mut io::sink())?;
        if rest.limit() > 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("a tar member is cut short: {} bytes missing", rest.limit()),
            ));
        }
        Ok(rest.into_inner())
    }
}

impl Read for TarMembers<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(member) = self.member.as_mut() {
                let n = member.read(buf)?;
                if n > 0 {
                    self.last_byte = buf[n - 1];
                    return Ok(n);
                }
                let mut archive = self.member.take().expect("a member").into_archive()?;
                io::copy(&mut (&mut archive).take(self.padding), &mut io::sink())?;
                self.archive = Some(archive);
                if self.last_byte != b'\n' && !buf.is_empty() {
                    self.last_byte = b'\n';
                    buf[0] = b'\n';
                    return Ok(1);
                }
            }
            if self.ended || !self.next_member()? {
                self.ended = true;
                return Ok(0);
            }
        }
    }
}

impl TarMembers<'_> {
    /// Moves to the next data member; false at the end of the archive.
    fn next_member(&mut self) -> io::Result<bool> {
        let Some(mut archive) = self.archive.take() else {
            return Ok(false);
        };
        loop {
            let mut header = [0u8; 512];
            if !read_block(&mut archive, &mut header)? || header.iter().all(|&b| b == 0) {
                return Ok(false);
            }
            let size = member_size(&header)?;
            // The padding to the next 512-byte block, without overflow for any declared size.
            let padding = (512 - size % 512) % 512;
            let name = member_name(&header);
            let regular = matches!(header[156], b'0' | 0);
            if !regular || !is_data(&name) {
                io::copy(
                    &mut (&mut archive).take(size.saturating_add(padding)),
                    &mut io::sink(),
                )?;
                continue;
            }
            let mut limited = archive.take(size);
            let mut magic = Vec::with_capacity(4);
            (&mut limited).take(4).read_to_end(&mut magic)?;
            let bytes = io::Cursor::new(magic.clone()).chain(limited);
            self.padding = padding;
            self.member = Some(if magic.starts_with(&GZIP) {
                Member::Gzip(flate2::read::MultiGzDecoder::new(bytes))
            } else if magic.starts_with(&ZSTD) {
                Member::Zstd(zstd::stream::read::Decoder::new(bytes)?)
            } else {
                Member::Plain(bytes)
            });
            return Ok(true);
        }
    }
}

/// Reads one whole 512-byte block; false at a clean end of the stream.
fn read_block(r: &mut impl Read, block: &mut [u8; 512]) -> io::Result<bool> {
    let mut filled = 0;
    while filled < block.len() {
        let n = r.read(&mut block[filled..])?;
        if n == 0 {
            return if filled == 0 {
                Ok(false)
            } else {
                Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "tar header cut short",
                ))
            };
        }
        filled += n;
    }
    Ok(true)
}

/// A member's size: octal text, or GNU base-256 when the first byte's high bit is set.
fn member_size(header: &[u8; 512]) -> io::Result<u64> {
    let field = &header[124..136];
    if field[0] & 0x80 != 0 {
        return Ok(field[1..]
            .iter()
            .fold(0u64, |n, &b| n.saturating_mul(256) | u64::from(b)));
    }
    let text: String = field
        .iter()
        .take_while(|&&b| b != 0)
        .map(|&b| b as char)
        .collect();
    let text = text.trim();
    if text.is_empty() {
        return Ok(0);
    }
    u64::from_str_radix(text, 8).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("tar header has a size field {text:?} that is not octal"),
        )
    })
}

/// A member's name: the ustar prefix and name fields.
fn member_name(header: &[u8; 512]) -> String {
    let field = |range: std::ops::Range<usize>| {
        let raw = &header[range];
        let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
        String::from_utf8_lossy(&raw[..end]).into_owned()
    };
    let (prefix, name) = (field(345..500), field(0..100));
    if prefix.is_empty() {
        name
    } else {
        format!("{prefix}/{name}")
    }
}

/// Whether a member named so holds data rather than a licence or a readme.
fn is_data(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase();
    !(file.is_empty()
        || file.starts_with("license")
        || file.starts_with("licence")
        || file.starts_with("readme")
        || file.ends_with(".txt")
        || file.ends_with(".md"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tar archive written by the `tar` crate (an implementation other than ours).
    fn tar_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (name, data) in members {
            let mut h = tar::Header::new_ustar();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, name, *data).unwrap();
        }
        b.into_inner().unwrap()
    }

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        io::Write::write_all(&mut e, data).unwrap();
        e.finish().unwrap()
    }

    fn read_all(bytes: Vec<u8>) -> String {
        let mut out = String::new();
        unpacked(Box::new(io::Cursor::new(bytes)))
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn an_opensky_style_tar_reads_as_its_csv_without_the_licence() {
        let csv = b"time,icao24,lat,lon\n1,abc,1,2\n";
        let tar = tar_of(&[
            ("states_2022-02-28-05.csv.gz", &gz(csv)),
            ("LICENSE.txt", b"terms"),
        ]);
        assert_eq!(read_all(tar.clone()), String::from_utf8_lossy(csv));
        // And the same tar gzipped, or zstd-compressed.
        assert_eq!(read_all(gz(&tar)), String::from_utf8_lossy(csv));
        let z = zstd::stream::encode_all(&tar[..], 3).unwrap();
        assert_eq!(read_all(z), String::from_utf8_lossy(csv));
    }

    #[test]
    fn members_follow_each_other_on_their_own_lines() {
        let tar = tar_of(&[("a.sbs", b"one\ntwo"), ("b.sbs", b"three\n")]);
        assert_eq!(read_all(tar), "one\ntwo\nthree\n");
    }

    #[test]
    fn a_member_declaring_an_enormous_size_is_an_error_not_a_panic() {
        // Found by fuzzing: a GNU base-256 size near 2^64 overflowed the padding arithmetic.
        let mut tar = tar_of(&[("a.sbs", b"MSG,3")]);
        tar[124] = 0x80;
        for b in &mut tar[125..136] {
            *b = 0xff;
        }
        let mut out = Vec::new();
        let r = unpacked(Box::new(io::Cursor::new(tar)))
            .unwrap()
            .read_to_end(&mut out);
        assert!(r.is_err(), "{out:?}");
    }

    #[test]
    fn a_cut_archive_is_an_error_not_a_panic() {
        let mut tar = tar_of(&[("a.sbs", &[b'x'; 2000])]);
        tar.truncate(1000);
        let mut out = Vec::new();
        let r = unpacked(Box::new(io::Cursor::new(tar)))
            .unwrap()
            .read_to_end(&mut out);
        assert!(r.is_err());
    }
}
