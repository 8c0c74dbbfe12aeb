//! The shapes a data item can have, and measuring one in a record's bytes.
//!
//! A record is a field specification (FSPEC) followed by the items it marks present; nothing in an
//! item says how long it is, so every item of the edition's user application profile (UAP) must be
//! measured by its layout to find the next. The layouts themselves are generated (`layouts.rs`).

/// A category's edition, `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edition {
    /// Major number.
    pub major: u8,
    /// Minor number.
    pub minor: u8,
}

impl std::fmt::Display for Edition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// How an item's length is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// Always this many bytes.
    Fixed(u8),
    /// Parts of the given sizes, each but the last (and the last too when `last_has_fx`) ending in
    /// an extension bit that says whether the next part follows. Past the defined parts, further
    /// parts take the last part's size (a newer edition's extension is skipped, not misread).
    Extended {
        parts: &'static [u8],
        last_has_fx: bool,
    },
    /// A repetition counter of `counter` bytes, then that many elements of `size` bytes.
    Repetitive { counter: u8, size: u8 },
    /// Elements of this many bytes, each ending in an extension bit.
    RepetitiveFx(u8),
    /// A length byte that counts itself, then the contents (RE and SP fields).
    Explicit,
    /// A primary subfield of presence bits (7 a byte, then an extension bit), then the present
    /// sub-items in order; `None` is a slot the edition leaves unused.
    Compound(&'static [Option<(&'static str, Layout)>]),
}

/// A category's user application profile in one edition: the item at each field reference number.
#[derive(Debug, Clone, Copy)]
pub struct Uap {
    /// The category.
    pub category: u8,
    /// The edition.
    pub edition: Edition,
    /// Item name and layout by field reference number (FRN 1 first); `None` is a spare FRN.
    pub(crate) items: &'static [Option<(&'static str, Layout)>],
}

/// Why bytes are not a well-formed item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Short {
    /// The item runs past the end of the record.
    Truncated,
    /// A length byte or repetition count that cannot be right (an explicit length of 0).
    BadLength,
    /// A compound item marks a sub-item its edition does not define.
    UndefinedSubitem(usize),
}

/// Reads presence bits: bytes of 7 flags and an extension bit, until a byte without it. Returns
/// the number of bytes used and calls `present(index)` for every flag set (index 0 first).
pub(crate) fn presence_bits(bytes: &[u8], mut present: impl FnMut(usize)) -> Result<usize, Short> {
    let mut at = 0;
    loop {
        let byte = *bytes.get(at).ok_or(Short::Truncated)?;
        for bit in 0..7 {
            if byte & (0x80 >> bit) != 0 {
                present(at * 7 + bit);
            }
        }
        at += 1;
        if byte & 1 == 0 {
            return Ok(at);
        }
    }
}

impl Layout {
    /// The length of the item at the start of `bytes`.
    pub(crate) fn measure(&self, bytes: &[u8]) -> Result<usize, Short> {
        let fits = |n: usize| {
            if n <= bytes.len() {
                Ok(n)
            } else {
                Err(Short::Truncated)
            }
        };
        match *self {
            Layout::Fixed(n) => fits(n as usize),
            Layout::Extended { parts, last_has_fx } => {
                let mut at = 0;
                let mut index = 0;
                loop {
                    at = fits(at + parts[index.min(parts.len() - 1)] as usize)?;
                    let closed = index + 1 >= parts.len() && !last_has_fx;
                    if closed || bytes[at - 1] & 1 == 0 {
                        return Ok(at);
                    }
                    index += 1;
                }
            }
            Layout::Repetitive { counter, size } => {
                let counter = counter as usize;
                fits(counter)?;
                let count = bytes[..counter]
                    .iter()
                    .fold(0usize, |n, &b| n << 8 | b as usize);
                fits(counter + count * size as usize)
            }
            Layout::RepetitiveFx(size) => {
                let size = size as usize;
                let mut at = 0;
                loop {
                    at = fits(at + size)?;
                    if bytes[at - 1] & 1 == 0 {
                        return Ok(at);
                    }
                }
            }
            Layout::Explicit => {
                let len = *bytes.first().ok_or(Short::Truncated)? as usize;
                if len == 0 {
                    return Err(Short::BadLength);
                }
                fits(len)
            }
            Layout::Compound(subitems) => {
                walk(subitems, bytes, |_, _, _| {}).map_err(|e| match e {
                    Walk::Presence => Short::Truncated,
                    Walk::Beyond(i) | Walk::Undefined(i) => Short::UndefinedSubitem(i),
                    Walk::Item(_, _, short) => short,
                })
            }
        }
    }

    /// The bytes of sub-item `name` of a compound item (`bytes` being the whole item), if present.
    pub(crate) fn subitem<'a>(&self, bytes: &'a [u8], name: &str) -> Option<&'a [u8]> {
        let Layout::Compound(subitems) = *self else {
            return None;
        };
        let mut found = None;
        walk(subitems, bytes, |index, at, len| {
            if matches!(subitems[index], Some((sub, _)) if sub == name) {
                found = Some(at..at + len);
            }
        })
        .ok()?;
        found.map(|range| &bytes[range])
    }
}

/// Where presence bits and the entries they mark (a record's items, a compound item's
/// sub-items) could not be measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Walk {
    /// The presence bits run past the bytes.
    Presence,
    /// A presence bit past the 63 that nofly reads (nine bytes of them).
    Beyond(usize),
    /// A presence bit for an entry the layout leaves undefined.
    Undefined(usize),
    /// The entry at this index, of this name, cannot be measured.
    Item(usize, &'static str, Short),
}

/// How many presence bits nofly reads: nine bytes of them, more than any UAP here has entries.
pub(crate) const MAX_PRESENT: usize = 63;

/// Reads the presence bits at the start of `bytes`, then measures each entry of `entries` they
/// mark, in order, calling `on(index, start, length)` for each; returns the length of it all.
pub(crate) fn walk(
    entries: &[Option<(&'static str, Layout)>],
    bytes: &[u8],
    mut on: impl FnMut(usize, usize, usize),
) -> Result<usize, Walk> {
    let mut present = [false; MAX_PRESENT];
    let mut beyond = None;
    let mut at = presence_bits(bytes, |i| match present.get_mut(i) {
        Some(p) => *p = true,
        None => beyond = beyond.or(Some(i)),
    })
    .map_err(|_| Walk::Presence)?;
    if let Some(i) = beyond {
        return Err(Walk::Beyond(i));
    }
    for index in (0..present.len()).filter(|&i| present[i]) {
        let Some(Some((name, layout))) = entries.get(index) else {
            return Err(Walk::Undefined(index));
        };
        let len = layout
            .measure(&bytes[at..])
            .map_err(|short| Walk::Item(index, name, short))?;
        on(index, at, len);
        at += len;
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_each_shape() {
        assert_eq!(Layout::Fixed(2).measure(&[1, 2, 3]), Ok(2));
        assert_eq!(Layout::Fixed(4).measure(&[1, 2, 3]), Err(Short::Truncated));
        let ext = Layout::Extended {
            parts: &[2, 1],
            last_has_fx: true,
        };
        assert_eq!(ext.measure(&[0, 0, 9]), Ok(2));
        assert_eq!(
            ext.measure(&[0, 1, 1, 0, 9]),
            Ok(4),
            "second part, then a repeat of it"
        );
        let closed = Layout::Extended {
            parts: &[1, 1],
            last_has_fx: false,
        };
        assert_eq!(
            closed.measure(&[1, 0xff, 9]),
            Ok(2),
            "the last part has no extension bit"
        );
        let rep = Layout::Repetitive {
            counter: 1,
            size: 8,
        };
        assert_eq!(rep.measure(&[2; 17]), Ok(17));
        assert_eq!(rep.measure(&[2; 16]), Err(Short::Truncated));
        assert_eq!(Layout::RepetitiveFx(1).measure(&[3, 5, 4, 9]), Ok(3));
        assert_eq!(Layout::Explicit.measure(&[3, 5, 4, 9]), Ok(3));
        assert_eq!(Layout::Explicit.measure(&[0]), Err(Short::BadLength));
        let compound = Layout::Compound(&[
            Some(("A", Layout::Fixed(2))),
            None,
            Some(("C", Layout::Fixed(1))),
        ]);
        assert_eq!(compound.measure(&[0b1010_0000, 1, 2, 3, 9]), Ok(4));
        assert_eq!(
            compound.subitem(&[0b1010_0000, 1, 2, 3], "C"),
            Some(&[3u8][..])
        );
        assert_eq!(
            compound.measure(&[0b0100_0000]),
            Err(Short::UndefinedSubitem(1))
        );
    }
}
