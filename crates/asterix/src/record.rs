//! Data blocks and the records in them: `CAT LEN records…`, each record a field specification
//! followed by the items it marks, measured by the edition's layouts.

use crate::layout::{walk, Short, Uap, Walk, MAX_PRESENT};
use crate::Editions;
use std::fmt;

/// Why bytes are not a data block or a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Fewer than the 3 bytes of a block header, or a length that runs past the data.
    BadBlockLength {
        /// Byte offset of the block in the data given.
        offset: usize,
        /// The length the header gives (0 when the header itself is cut).
        length: usize,
        /// Bytes left from the block's start.
        available: usize,
    },
    /// A category nofly does not decode; the block is skipped whole.
    UnknownCategory {
        /// Byte offset of the block.
        offset: usize,
        /// The category.
        category: u8,
    },
    /// A record that cannot be measured; the rest of its block cannot be either.
    BadRecord {
        /// Byte offset of the record in the data given.
        offset: usize,
        /// The category and edition it was read with.
        category: u8,
        /// `major.minor`.
        edition: String,
        /// What is wrong, naming the item.
        reason: String,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::BadBlockLength { offset, length, available } => write!(
                f,
                "byte {offset}: data block length {length} with {available} bytes left (a block is at least 3 bytes)"
            ),
            DecodeError::UnknownCategory { offset, category } => write!(
                f,
                "byte {offset}: category {category:03} is not one nofly decodes (021, 034, 048, 062, 065); block skipped"
            ),
            DecodeError::BadRecord { offset, category, edition, reason } => write!(
                f,
                "byte {offset}: CAT{category:03} record (edition {edition}): {reason}; rest of the block skipped"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

/// One data block: a category and the bytes of its records.
#[derive(Debug, Clone, Copy)]
pub struct Block<'a> {
    /// The category.
    pub category: u8,
    /// Byte offset of the block in the data it was split from.
    pub offset: usize,
    /// The whole block, header included.
    pub bytes: &'a [u8],
}

/// The data blocks of `data` (a datagram, or a file of blocks end to end), in order. A block
/// whose length is impossible ends the iteration with an error: nothing after it can be framed.
pub fn blocks(data: &[u8]) -> impl Iterator<Item = Result<Block<'_>, DecodeError>> {
    let mut at = 0;
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed || at >= data.len() {
            return None;
        }
        let available = data.len() - at;
        let length = if available >= 3 {
            usize::from(u16::from_be_bytes([data[at + 1], data[at + 2]]))
        } else {
            0
        };
        if length < 3 || length > available {
            failed = true;
            return Some(Err(DecodeError::BadBlockLength {
                offset: at,
                length,
                available,
            }));
        }
        let block = Block {
            category: data[at],
            offset: at,
            bytes: &data[at..at + length],
        };
        at += length;
        Some(Ok(block))
    })
}

/// One record: its bytes and where each present item lies in them.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    /// The UAP it was read with.
    pub uap: &'a Uap,
    /// Byte offset of the record in the data its block was split from.
    pub offset: usize,
    /// The record's bytes, FSPEC included.
    pub bytes: &'a [u8],
    /// Start and length of the item at each FRN (index 0 is FRN 1); length 0: absent.
    spans: [(u16, u16); MAX_PRESENT],
}

impl<'a> Record<'a> {
    /// The bytes of item `name` (`"040"`, `"RE"`), if present.
    pub fn item(&self, name: &str) -> Option<&'a [u8]> {
        let frn = self
            .uap
            .items
            .iter()
            .position(|i| matches!(i, Some((n, _)) if *n == name))?;
        self.at_frn(frn)
    }

    /// The SAC and SIC of item 010, the record's data source.
    pub fn source(&self) -> Option<(u8, u8)> {
        self.fixed("010", 2).map(|b| (b[0], b[1]))
    }

    /// The bytes of item `name` when present with at least `len` bytes: what a field read at a
    /// fixed place needs, whatever the edition made of the item.
    pub fn fixed(&self, name: &str, len: usize) -> Option<&'a [u8]> {
        self.item(name).filter(|b| b.len() >= len)
    }

    fn at_frn(&self, frn: usize) -> Option<&'a [u8]> {
        let (start, len) = *self.spans.get(frn)?;
        (len > 0).then(|| &self.bytes[start as usize..start as usize + len as usize])
    }

    /// The bytes of sub-item `sub` of compound item `name`, if both are present and the
    /// sub-item has at least `len` bytes.
    pub fn subitem(&self, name: &str, sub: &str, len: usize) -> Option<&'a [u8]> {
        let (_, layout) = self.uap.items.iter().flatten().find(|(n, _)| *n == name)?;
        layout
            .subitem(self.item(name)?, sub)
            .filter(|b| b.len() >= len)
    }

    /// The present items, as `(name, bytes)` in UAP order.
    pub fn items(&self) -> impl Iterator<Item = (&'static str, &'a [u8])> + '_ {
        self.uap
            .items
            .iter()
            .enumerate()
            .filter_map(|(frn, item)| Some((item.as_ref()?.0, self.at_frn(frn)?)))
    }
}

/// The records of `block`, read with the edition `editions` gives its category. A record that
/// cannot be measured ends the iteration with an error.
pub fn records<'a>(
    block: Block<'a>,
    editions: &'a Editions,
) -> impl Iterator<Item = Result<Record<'a>, DecodeError>> + 'a {
    let mut at = 3;
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed || at >= block.bytes.len() {
            return None;
        }
        let Some(uap) = editions.uap(block.category, source_of(&block.bytes[at..])) else {
            failed = true;
            return Some(Err(DecodeError::UnknownCategory {
                offset: block.offset,
                category: block.category,
            }));
        };
        match record(uap, &block.bytes[at..]) {
            Ok((spans, len)) => {
                let r = Record {
                    uap,
                    offset: block.offset + at,
                    bytes: &block.bytes[at..at + len],
                    spans,
                };
                at += len;
                Some(Ok(r))
            }
            Err(reason) => {
                failed = true;
                Some(Err(DecodeError::BadRecord {
                    offset: block.offset + at,
                    category: uap.category,
                    edition: uap.edition.to_string(),
                    reason,
                }))
            }
        }
    })
}

/// The SAC/SIC of the record at the start of `bytes`: item 010 is FRN 1 of every category here,
/// the two bytes right after the field specification.
fn source_of(bytes: &[u8]) -> Option<(u8, u8)> {
    let first = *bytes.first()?;
    if first & 0x80 == 0 {
        return None;
    }
    let fspec = bytes.iter().position(|b| b & 1 == 0)? + 1;
    Some((*bytes.get(fspec)?, *bytes.get(fspec + 1)?))
}

/// Measures the record at the start of `bytes`: the span of each item and the record's length.
fn record(uap: &Uap, bytes: &[u8]) -> Result<([(u16, u16); MAX_PRESENT], usize), String> {
    let mut spans = [(0u16, 0u16); MAX_PRESENT];
    let mut any = false;
    let len = walk(uap.items, bytes, |frn, at, len| {
        // A block is at most 65,535 bytes, so every offset fits.
        spans[frn] = (at as u16, len as u16);
        any = true;
    })
    .map_err(|e| match e {
        Walk::Presence => "the field specification runs past the block".to_string(),
        Walk::Beyond(i) => format!(
            "the field specification marks FRN {}, beyond any UAP",
            i + 1
        ),
        Walk::Undefined(i) => {
            format!(
                "FRN {} is marked present but the edition defines no item there",
                i + 1
            )
        }
        Walk::Item(_, name, short) => match short {
            Short::Truncated => format!("item I{:03}/{name} runs past the block", uap.category),
            Short::BadLength => format!("item I{:03}/{name} has a length of 0", uap.category),
            Short::UndefinedSubitem(i) => format!(
                "item I{:03}/{name} marks sub-item {} that the edition does not define",
                uap.category,
                i + 1
            ),
        },
    })?;
    if !any {
        return Err("the field specification marks no item".into());
    }
    Ok((spans, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::synthetic::{block, cat048_record};

    #[test]
    fn finds_the_items_of_a_record() {
        let data = block(48, &[cat048_record()]);
        let editions = Editions::default();
        let block = blocks(&data).next().unwrap().unwrap();
        assert_eq!((block.category, block.bytes.len()), (48, data.len()));
        let recs: Vec<_> = records(block, &editions).collect::<Result<_, _>>().unwrap();
        assert_eq!(recs.len(), 1);
        let r = &recs[0];
        assert_eq!(r.item("010"), Some(&[0x19, 0xc9][..]));
        assert_eq!(r.item("220"), Some(&[0x3c, 0x66, 0x0c][..]));
        assert_eq!(r.item("161"), Some(&[0x0d, 0xeb][..]));
        assert_eq!(r.item("050"), None);
        let names: Vec<_> = r.items().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            ["010", "140", "020", "040", "070", "090", "220", "240", "161", "200", "170"]
        );
    }

    #[test]
    fn reports_what_is_wrong_and_where() {
        let editions = Editions::default();
        let mut data = block(48, &[cat048_record()]);
        data.truncate(20);
        data[2] = 20;
        let block = blocks(&data).next().unwrap().unwrap();
        let err = records(block, &editions).next().unwrap().unwrap_err();
        assert!(
            err.to_string()
                .contains("byte 3: CAT048 record (edition 1.31): item I048/"),
            "{err}"
        );
        let err = blocks(&[48, 0, 9, 1]).next().unwrap().unwrap_err();
        assert!(
            err.to_string().contains("length 9 with 4 bytes left"),
            "{err}"
        );
        let unknown = [1u8, 0, 4, 0];
        let block = blocks(&unknown).next().unwrap().unwrap();
        let err = records(block, &editions).next().unwrap().unwrap_err();
        assert!(err.to_string().contains("category 001"), "{err}");
    }
}
