//! Reading the model's small types back from the text they serialise to (an address, a time, a
//! callsign, an emitter category), for the formats that store them as text; and the numbers an
//! address or a time is in compact binary formats (a replay's checkpoint).

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt::Display;
use std::str::FromStr;

/// The text of a string value, borrowed where the format allows.
pub(crate) fn text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Cow<'de, str>, D::Error> {
    <Cow<'de, str>>::deserialize(d)
}

/// A value read from its text with its [`FromStr`], the parse error as the format's error.
pub(crate) fn from_text<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: FromStr,
    T::Err: Display,
{
    text(d)?.parse().map_err(serde::de::Error::custom)
}

/// A value as its text (`Display`) in text formats such as JSON, as `number` in compact binary
/// ones (exactly, and smaller).
pub(crate) fn text_or_number<S, N>(s: S, text: &impl Display, number: N) -> Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    N: Serialize,
{
    if s.is_human_readable() {
        s.collect_str(text)
    } else {
        number.serialize(s)
    }
}

/// Reads what [`text_or_number`] wrote: the text with its [`FromStr`], the number with
/// `from_number`.
pub(crate) fn from_text_or_number<'de, D, T, N>(
    d: D,
    from_number: impl FnOnce(N) -> T,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: FromStr,
    T::Err: Display,
    N: Deserialize<'de>,
{
    if d.is_human_readable() {
        from_text(d)
    } else {
        N::deserialize(d).map(from_number)
    }
}
