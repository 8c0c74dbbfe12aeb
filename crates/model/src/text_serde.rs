//! Reading the model's small types back from the text they serialise to (an address, a time, a
//! callsign, an emitter category), for the formats that store them as text.

use serde::Deserialize;
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
