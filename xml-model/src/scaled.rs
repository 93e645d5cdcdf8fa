//! Sizes with units: `<memory unit='GiB'>4</memory>` is 4 GiB, not 4.

use std::borrow::Cow;

use crate::value::{Expected, Number, XmlValue};
use crate::{Extras, Xml};

/// A unit of a scaled integer, as libvirt's `unit` attribute spells it.
///
/// libvirt reads `b`/`bytes`, `k`/`KiB`, `KB` (1000), `M`/`MiB`, `MB`, and so on up to
/// exbibytes; case matters only for the `B` that marks powers of 1000.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    /// The spelling read, kept inline: no unit is longer than `bytes`, so an `Option<Unit>`
    /// takes 8 bytes and reading one allocates nothing.
    spelling: [u8; Unit::LONGEST],
    len: u8,
    /// The unit is `base^power` bytes, `base` 1000 when `decimal`, else 1024.
    power: u8,
    decimal: bool,
}

impl Unit {
    /// The length of the longest spelling, `bytes`.
    const LONGEST: usize = 5;

    /// A unit spelt `text` (ASCII, at most [`Unit::LONGEST`] bytes).
    const fn spelt(text: &str, power: u8, decimal: bool) -> Self {
        let mut spelling = [0; Unit::LONGEST];
        let mut i = 0;
        while i < text.len() {
            spelling[i] = text.as_bytes()[i];
            i += 1;
        }
        Unit { spelling, len: text.len() as u8, power, decimal }
    }

    /// The number of bytes in one unit.
    pub fn bytes(&self) -> u64 {
        let base: u64 = if self.decimal { 1000 } else { 1024 };
        base.pow(u32::from(self.power))
    }

    /// The unit as written.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.spelling[..usize::from(self.len)]).expect("units are spelt in ASCII")
    }

    /// Bytes (`b`).
    pub const fn b() -> Self {
        Unit::spelt("b", 0, false)
    }

    /// KiB, libvirt's default unit for memory.
    pub const fn kib() -> Self {
        Unit::spelt("KiB", 1, false)
    }

    /// MiB.
    pub const fn mib() -> Self {
        Unit::spelt("MiB", 2, false)
    }

    /// GiB.
    pub const fn gib() -> Self {
        Unit::spelt("GiB", 3, false)
    }

    /// TiB.
    pub const fn tib() -> Self {
        Unit::spelt("TiB", 4, false)
    }
}

impl std::fmt::Debug for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unit").field("spelling", &self.as_str()).field("bytes", &self.bytes()).finish()
    }
}

impl std::fmt::Display for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl XmlValue for Unit {
    fn parse_xml(text: &str) -> Result<Self, Expected> {
        let bad = || Expected::new("a unit such as 'b', 'KiB', 'MB', 'GiB', 'TiB'");
        // Case does not matter (libvirt compares with `STRCASEEQ`).
        let is = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        let (power, decimal) = if is(text, "b") || is(text, "byte") || is(text, "bytes") {
            (0, false)
        } else {
            let (first, rest) = text.split_at_checked(1).ok_or_else(bad)?;
            let p = match first.as_bytes()[0].to_ascii_lowercase() {
                b'k' => 1,
                b'm' => 2,
                b'g' => 3,
                b't' => 4,
                b'p' => 5,
                b'e' => 6,
                _ => return Err(bad()),
            };
            if rest.is_empty() || is(rest, "ib") {
                (p, false)
            } else if is(rest, "b") {
                (p, true)
            } else {
                return Err(bad());
            }
        };
        // What matched above is ASCII and at most `bytes` long.
        Ok(Unit::spelt(text, power, decimal))
    }

    fn to_xml(&self) -> std::borrow::Cow<'_, str> {
        Cow::Borrowed(self.as_str())
    }
}

impl crate::validate::Validate for Unit {
    fn validate_with(&self, _: &mut crate::validate::Validator) {}
}

/// An amount with an optional `unit` attribute: libvirt's `scaledInteger`.
#[derive(Debug, Clone, PartialEq, Eq, Xml)]
#[xml(crate = "crate")]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ScaledInteger {
    /// The `unit` attribute; absent means the element's default unit (KiB for memory).
    #[xml(attribute = "unit")]
    pub unit: Option<Unit>,
    /// The number, with its spelling.
    #[xml(text)]
    pub value: Number<u64>,
    /// Unknown content and layout.
    #[xml(extras)]
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Extras::is_empty"))]
    pub extras: Extras,
}

impl ScaledInteger {
    /// An amount in a unit.
    pub fn with_unit(value: u64, unit: Unit) -> Self {
        ScaledInteger { unit: Some(unit), value: Number::new(value), extras: Extras::none() }
    }

    /// An amount in bytes (`unit='b'`).
    pub fn b(value: u64) -> Self {
        Self::with_unit(value, Unit::b())
    }

    /// An amount in KiB.
    pub fn kib(value: u64) -> Self {
        Self::with_unit(value, Unit::kib())
    }

    /// An amount in MiB.
    pub fn mib(value: u64) -> Self {
        Self::with_unit(value, Unit::mib())
    }

    /// An amount in GiB.
    pub fn gib(value: u64) -> Self {
        Self::with_unit(value, Unit::gib())
    }

    /// An amount in TiB.
    pub fn tib(value: u64) -> Self {
        Self::with_unit(value, Unit::tib())
    }

    /// The amount in bytes, taking `default_unit` when no unit is written; `None` on overflow.
    pub fn bytes_with_default(&self, default_unit: u64) -> Option<u64> {
        let unit = self.unit.as_ref().map_or(default_unit, Unit::bytes);
        self.value.get().checked_mul(unit)
    }

    /// The amount in bytes, KiB being the default unit (as for `<memory>`).
    pub fn bytes(&self) -> Option<u64> {
        self.bytes_with_default(1024)
    }

    /// The amount in KiB (rounded down), KiB being the default unit.
    pub fn in_kib(&self) -> Option<u64> {
        self.bytes().map(|b| b / 1024)
    }

    /// The amount in MiB (rounded down), KiB being the default unit.
    ///
    /// ```
    /// use xml_model::ScaledInteger;
    /// assert_eq!(ScaledInteger::gib(8).in_mib(), Some(8192));
    /// assert_eq!(ScaledInteger::kib(218_112).in_mib(), Some(213));
    /// ```
    pub fn in_mib(&self) -> Option<u64> {
        self.bytes().map(|b| b >> 20)
    }

    /// The amount in GiB (rounded down), KiB being the default unit.
    pub fn in_gib(&self) -> Option<u64> {
        self.bytes().map(|b| b >> 30)
    }
}

/// `4 GiB`; `4 KiB` where no unit is written (the default of `<memory>`; other elements have
/// other defaults, see [`ScaledInteger::bytes_with_default`]).
impl std::fmt::Display for ScaledInteger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.unit {
            Some(u) => write!(f, "{} {u}", self.value),
            None => write!(f, "{} KiB", self.value),
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Unit {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Unit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Unit::parse_xml(&s).map_err(|e| serde::de::Error::custom(e.0))
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Unit {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Unit".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "description": "A unit such as KiB, MiB, GiB, MB" })
    }
}

#[cfg(test)]
mod tests {
    use super::Unit;
    use crate::value::XmlValue;

    /// Units are read whatever their case, as libvirt reads them, and written as spelt.
    #[test]
    fn units_are_read_in_any_case() {
        let bytes = |t: &str| Unit::parse_xml(t).map(|u| u.bytes());
        for (text, want) in [("b", 1), ("Bytes", 1), ("BYTE", 1), ("KiB", 1024), ("k", 1024), ("kB", 1000)] {
            assert_eq!(bytes(text), Ok(want), "{text}");
        }
        assert_eq!(bytes("MiB"), Ok(1 << 20));
        assert_eq!(bytes("gb"), Ok(1_000_000_000));
        assert_eq!(bytes("EiB"), Ok(1 << 60));
        for bad in ["", "x", "KiB2", "kibb", "é", "ék"] {
            assert!(Unit::parse_xml(bad).is_err(), "{bad}");
        }
        assert_eq!(Unit::parse_xml("gIb").unwrap().to_xml(), "gIb");
    }

    /// The spellings libvirt and people write are units, each written back as it is spelt.
    #[test]
    fn usual_spellings_are_units() {
        let usual = [
            "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "b", "bytes", "KB", "MB", "GB", "TB", "PB", "EB", "k", "K", "M",
            "G", "T", "P", "E",
        ];
        for text in usual {
            assert_eq!(Unit::parse_xml(text).map(|u| u.to_xml().into_owned()).as_deref(), Ok(text));
        }
    }
}
