//! Values with a canonical form that keep the spelling they were read with: UUIDs, MAC
//! addresses, IP addresses.
//!
//! Each compares, hashes and converts by its value (`52:54:00:AB:CD:EF` equals
//! `52:54:00:ab:cd:ef`); reading keeps a spelling that is not the canonical one, so a
//! document comes back as it was; a value made in code is written canonically, as libvirt
//! writes it (lower-case hexadecimal, dashed UUIDs, RFC 5952 IPv6).

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use crate::value::{Expected, XmlValue};

/// How a value type reads and writes its text.
pub trait Lexical: Sized + Copy + PartialEq + Eq + Hash + fmt::Debug {
    /// What the text should look like, for messages.
    const EXPECTED: &'static str;
    /// Reads the text, if it is one of the value's spellings.
    fn parse(text: &str) -> Option<Self>;
    /// The canonical spelling.
    fn canonical(&self) -> String;
    /// Whether `text`, which reads as this value, is its canonical spelling (then no
    /// spelling is kept).
    fn is_canonical(&self, text: &str) -> bool {
        self.canonical() == text
    }
}

macro_rules! spelled {
    ($(#[$doc:meta])* $name:ident($inner:ty)) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name {
            value: $inner,
            /// The text read, when it was not the canonical spelling.
            spelling: crate::value::Spelling,
        }

        impl $name {
            /// The value, written canonically.
            pub fn new(value: $inner) -> Self {
                $name { value, spelling: crate::value::Spelling::CANONICAL }
            }

            /// The value.
            pub fn get(&self) -> $inner {
                self.value
            }

            /// The spelling read, when it was not the canonical one.
            pub fn spelling(&self) -> Option<&str> {
                self.spelling.as_deref()
            }
        }

        impl From<$inner> for $name {
            fn from(value: $inner) -> Self {
                $name::new(value)
            }
        }

        impl From<$name> for $inner {
            fn from(value: $name) -> Self {
                value.value
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.value == other.value
            }
        }

        impl PartialEq<$inner> for $name {
            fn eq(&self, other: &$inner) -> bool {
                self.value == *other
            }
        }

        impl Eq for $name {}

        impl Hash for $name {
            fn hash<H: Hasher>(&self, h: &mut H) {
                self.value.hash(h)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.to_xml())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_xml())
            }
        }

        impl FromStr for $name {
            type Err = Expected;
            fn from_str(s: &str) -> Result<Self, Expected> {
                Self::parse_xml(s)
            }
        }

        impl XmlValue for $name {
            fn parse_xml(text: &str) -> Result<Self, Expected> {
                let value = <$inner as Lexical>::parse(text).ok_or_else(|| Expected::new(<$inner as Lexical>::EXPECTED))?;
                let canonical = value.is_canonical(text);
                Ok($name { value, spelling: crate::value::Spelling::read(text, canonical) })
            }
            fn to_xml(&self) -> Cow<'_, str> {
                match self.spelling.as_deref() {
                    Some(s) => Cow::Borrowed(s),
                    None => Cow::Owned(self.value.canonical()),
                }
            }
        }

        impl crate::validate::Validate for $name {
            fn validate_with(&self, _: &mut crate::validate::Validator) {}
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_xml())
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                Self::parse_xml(&s).map_err(|e| serde::de::Error::custom(e.0))
            }
        }

        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "description": <$inner as Lexical>::EXPECTED })
            }
        }
    };
}

spelled! {
    /// A UUID: 32 hexadecimal digits, with the usual dashes or none (`<uuid>`,
    /// `@uuid`). libvirt writes it lower-case and dashed.
    ///
    /// ```
    /// use xml_model::{Uuid, XmlValue};
    /// let u = Uuid::from_u128(0x4dea22b3_1d52_d8f3_2516_782e98ab3fa0);
    /// assert_eq!(u.to_string(), "4dea22b3-1d52-d8f3-2516-782e98ab3fa0");
    /// let read = Uuid::parse_xml("4DEA22B31D52D8F32516782E98AB3FA0").unwrap();
    /// assert_eq!(read, u);
    /// assert_eq!(read.to_string(), "4DEA22B31D52D8F32516782E98AB3FA0");
    /// ```
    Uuid([u8; 16])
}

impl Uuid {
    /// The UUID whose bytes, big-endian, are this number.
    pub fn from_u128(n: u128) -> Self {
        Uuid::new(n.to_be_bytes())
    }

    /// The UUID as a number.
    pub fn as_u128(&self) -> u128 {
        u128::from_be_bytes(self.value)
    }
}

impl Lexical for [u8; 16] {
    const EXPECTED: &'static str = "a UUID (32 hexadecimal digits, dashed as 8-4-4-4-12 or not at all)";
    fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        let dashed = match b.len() {
            32 => false,
            36 if [8, 13, 18, 23].iter().all(|&i| b[i] == b'-') => true,
            _ => return None,
        };
        // The digits, without the dashes (read in place: this runs for every UUID read).
        let mut digits = b.iter().enumerate().filter(|(i, _)| !dashed || ![8, 13, 18, 23].contains(i)).map(|(_, c)| *c);
        let mut out = [0u8; 16];
        for byte in &mut out {
            let (high, low) = (digits.next()?, digits.next()?);
            *byte = (hex_digit(high)? << 4) | hex_digit(low)?;
        }
        Some(out)
    }
    fn canonical(&self) -> String {
        let mut s = String::with_capacity(36);
        for (i, byte) in self.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                s.push('-');
            }
            // Without `format!`: this runs for every UUID written.
            const DIGITS: &[u8; 16] = b"0123456789abcdef";
            s.push(char::from(DIGITS[usize::from(byte >> 4)]));
            s.push(char::from(DIGITS[usize::from(byte & 0xf)]));
        }
        s
    }
    /// Without writing it: read, a text of 36 bytes is dashed as 8-4-4-4-12; no capitals
    /// makes it the canonical spelling.
    fn is_canonical(&self, text: &str) -> bool {
        text.len() == 36 && !text.bytes().any(|b| b.is_ascii_uppercase())
    }
}

fn hex_digit(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

spelled! {
    /// A MAC address: six octets of two hexadecimal digits joined by colons
    /// (`52:54:00:12:34:56`). libvirt writes it lower-case.
    ///
    /// ```
    /// use xml_model::MacAddress;
    /// let mac = MacAddress::new([0x52, 0x54, 0x00, 0xab, 0xcd, 0xef]);
    /// assert_eq!(mac.to_string(), "52:54:00:ab:cd:ef");
    /// assert_eq!("52:54:00:AB:CD:EF".parse::<MacAddress>().unwrap(), mac);
    /// ```
    MacAddress([u8; 6])
}

impl Lexical for [u8; 6] {
    const EXPECTED: &'static str = "a MAC address (six pairs of hexadecimal digits joined by ':')";
    /// Octets of one digit (`0:1a:2:3:4:5`) are read too, as nwfilter rules allow them.
    fn parse(text: &str) -> Option<Self> {
        let mut out = [0u8; 6];
        let mut parts = text.split(':');
        for o in out.iter_mut() {
            let p = parts.next()?.as_bytes();
            *o = match p {
                [a] => hex_digit(*a)?,
                [a, b] => (hex_digit(*a)? << 4) | hex_digit(*b)?,
                _ => return None,
            };
        }
        parts.next().is_none().then_some(out)
    }
    fn canonical(&self) -> String {
        self.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
    }
    /// Without writing it: read, the text has six octets; two digits each and no capitals
    /// is the canonical spelling.
    fn is_canonical(&self, text: &str) -> bool {
        text.len() == 17 && !text.bytes().any(|b| b.is_ascii_uppercase())
    }
}

spelled! {
    /// An IPv4 or IPv6 address (`192.168.122.1`, `2001:db8::1`).
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// use xml_model::IpAddress;
    /// let a = IpAddress::from(Ipv4Addr::new(192, 168, 122, 1));
    /// assert_eq!(a.to_string(), "192.168.122.1");
    /// assert!("2001:DB8::1".parse::<IpAddress>().unwrap().get().is_ipv6());
    /// ```
    IpAddress(IpAddr)
}

impl From<Ipv4Addr> for IpAddress {
    fn from(a: Ipv4Addr) -> Self {
        IpAddress::new(a.into())
    }
}

impl From<Ipv6Addr> for IpAddress {
    fn from(a: Ipv6Addr) -> Self {
        IpAddress::new(a.into())
    }
}

impl Lexical for IpAddr {
    const EXPECTED: &'static str = "an IPv4 or IPv6 address";
    fn parse(text: &str) -> Option<Self> {
        text.parse().ok()
    }
    fn canonical(&self) -> String {
        self.to_string()
    }
}

spelled! {
    /// An IPv4 address (`192.168.122.1`).
    Ipv4Address(Ipv4Addr)
}

impl Lexical for Ipv4Addr {
    const EXPECTED: &'static str = "an IPv4 address";
    /// Leading zeros (`010.0.0.1`, decimal) are read too, as nwfilter rules allow them.
    fn parse(text: &str) -> Option<Self> {
        let mut out = [0u8; 4];
        let mut parts = text.split('.');
        for o in out.iter_mut() {
            let p = parts.next()?;
            if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            *o = p.parse().ok()?;
        }
        parts.next().is_none().then(|| Ipv4Addr::from(out))
    }
    fn canonical(&self) -> String {
        self.to_string()
    }
}

spelled! {
    /// An IPv6 address (`2001:db8::1`).
    Ipv6Address(Ipv6Addr)
}

impl Lexical for Ipv6Addr {
    const EXPECTED: &'static str = "an IPv6 address";
    fn parse(text: &str) -> Option<Self> {
        text.parse().ok()
    }
    fn canonical(&self) -> String {
        self.to_string()
    }
}

/// One item of a [`CpuSet`]: a CPU, a range of CPUs, or a CPU taken out (`^2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CpuSetItem {
    /// CPUs `first` to `last`, both included (`3` is `3-3`).
    Range(u32, u32),
    /// `^n`: CPU `n` is not in the set, even if a range includes it.
    Exclude(u32),
}

/// A set of host CPUs as libvirt writes them: `0-3,8,^2` (`cpuset`, `nodeset`).
///
/// ```
/// use xml_model::{CpuSet, XmlValue};
/// let set = CpuSet::parse_xml("0-3,8,^2").unwrap();
/// assert_eq!(set.cpus(), vec![0, 1, 3, 8]);
/// assert_eq!(CpuSet::from(0..=3).to_string(), "0-3");
/// assert_eq!(CpuSet::from_cpus([0, 1, 2, 7]).to_string(), "0-2,7");
/// ```
///
/// A set read with leading zeros (`000`, which libvirt and the schema take) is written back
/// as it was read; comparison is by the items.
#[derive(Clone)]
pub struct CpuSet {
    items: Vec<CpuSetItem>,
    spelling: crate::value::Spelling,
}

impl PartialEq for CpuSet {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
    }
}

impl Eq for CpuSet {}

impl std::hash::Hash for CpuSet {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.items.hash(state);
    }
}

impl CpuSet {
    /// The set of `items`, written canonically.
    fn of(items: Vec<CpuSetItem>) -> Self {
        CpuSet { items, spelling: crate::value::Spelling::CANONICAL }
    }

    /// The set of these items, in order.
    pub fn new(items: impl IntoIterator<Item = CpuSetItem>) -> Self {
        CpuSet::of(items.into_iter().collect())
    }

    /// The set of these CPUs, written as ranges.
    pub fn from_cpus(cpus: impl IntoIterator<Item = u32>) -> Self {
        let mut cpus: Vec<u32> = cpus.into_iter().collect();
        cpus.sort_unstable();
        cpus.dedup();
        let mut items: Vec<CpuSetItem> = Vec::new();
        for c in cpus {
            match items.last_mut() {
                Some(CpuSetItem::Range(_, last)) if *last + 1 == c => *last = c,
                _ => items.push(CpuSetItem::Range(c, c)),
            }
        }
        CpuSet::of(items)
    }

    /// The items as written.
    pub fn items(&self) -> &[CpuSetItem] {
        &self.items
    }

    /// The CPUs in the set, ascending. As many as the ranges span (`0-4294967295` is four
    /// billion): for sets from other people, [`CpuSet::ranges`] and the tests built on it
    /// take time and memory in proportion to the text instead.
    pub fn cpus(&self) -> Vec<u32> {
        self.ranges().into_iter().flat_map(|(first, last)| first..=last).collect()
    }

    /// The set as ascending ranges that neither overlap nor touch (`0-3,8,^2` is `0-1`, `3-3`,
    /// `8-8`), exclusions applied.
    pub fn ranges(&self) -> Vec<(u32, u32)> {
        let mut spans: Vec<(u32, u32)> = self
            .items
            .iter()
            .filter_map(|i| match *i {
                CpuSetItem::Range(a, b) if a <= b => Some((a, b)),
                _ => None,
            })
            .collect();
        spans.sort_unstable();
        let mut excluded: Vec<u32> =
            self.items.iter().filter_map(|i| if let CpuSetItem::Exclude(n) = *i { Some(n) } else { None }).collect();
        excluded.sort_unstable();
        excluded.dedup();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(spans.len());
        for (a, b) in spans {
            match merged.last_mut() {
                Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        let mut out = Vec::with_capacity(merged.len());
        let mut next = 0;
        for (a, b) in merged {
            // What is left of this span, from `start` (none once an exclusion ends it).
            let mut start = Some(a);
            while let (Some(s), Some(&x)) = (start, excluded.get(next)) {
                if x > b {
                    break;
                }
                if x > s {
                    out.push((s, x - 1));
                }
                if x >= s {
                    start = x.checked_add(1).filter(|&n| n <= b);
                }
                next += 1;
            }
            if let Some(s) = start {
                out.push((s, b));
            }
        }
        out
    }

    /// Whether the two sets have a CPU in common.
    pub fn overlaps(&self, other: &CpuSet) -> bool {
        let (a, b) = (self.ranges(), other.ranges());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            if a[i].1 < b[j].0 {
                i += 1;
            } else if b[j].1 < a[i].0 {
                j += 1;
            } else {
                return true;
            }
        }
        false
    }

    /// The smallest CPU of the set that is `n` or more.
    pub fn first_from(&self, n: u32) -> Option<u32> {
        self.ranges().into_iter().find(|&(_, last)| last >= n).map(|(first, _)| first.max(n))
    }

    /// Whether CPU `n` is in the set.
    pub fn contains(&self, n: u32) -> bool {
        let included = self.items.iter().any(|i| matches!(*i, CpuSetItem::Range(a, b) if a <= n && n <= b));
        included && !self.items.contains(&CpuSetItem::Exclude(n))
    }
}

impl From<std::ops::RangeInclusive<u32>> for CpuSet {
    fn from(r: std::ops::RangeInclusive<u32>) -> Self {
        CpuSet::of(vec![CpuSetItem::Range(*r.start(), *r.end())])
    }
}

impl From<u32> for CpuSet {
    fn from(n: u32) -> Self {
        CpuSet::of(vec![CpuSetItem::Range(n, n)])
    }
}

impl fmt::Debug for CpuSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CpuSet({self})")
    }
}

impl fmt::Display for CpuSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            match *item {
                CpuSetItem::Range(a, b) if a == b => write!(f, "{a}")?,
                CpuSetItem::Range(a, b) => write!(f, "{a}-{b}")?,
                CpuSetItem::Exclude(n) => write!(f, "^{n}")?,
            }
        }
        Ok(())
    }
}

impl FromStr for CpuSet {
    type Err = Expected;
    fn from_str(s: &str) -> Result<Self, Expected> {
        Self::parse_xml(s)
    }
}

impl XmlValue for CpuSet {
    fn parse_xml(text: &str) -> Result<Self, Expected> {
        let bad = || Expected::new("a CPU set such as '0-3,8,^2'");
        // Decimal digits only (the schema's pattern); leading zeros are kept as a spelling.
        let number = |t: &str| -> Result<u32, Expected> {
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            t.parse().map_err(|_| bad())
        };
        let mut items = Vec::new();
        for part in text.split(',') {
            let item = if let Some(n) = part.strip_prefix('^') {
                CpuSetItem::Exclude(number(n)?)
            } else if let Some((a, b)) = part.split_once('-') {
                CpuSetItem::Range(number(a)?, number(b)?)
            } else {
                let n = number(part)?;
                CpuSetItem::Range(n, n)
            };
            items.push(item);
        }
        let mut set = CpuSet::of(items);
        let canonical = set.to_string();
        set.spelling = crate::value::Spelling::read(text, canonical == text);
        Ok(set)
    }
    fn to_xml(&self) -> Cow<'_, str> {
        match self.spelling.as_deref() {
            Some(text) => Cow::Borrowed(text),
            None => Cow::Owned(self.to_string()),
        }
    }
}

impl crate::validate::Validate for CpuSet {
    fn validate_with(&self, _: &mut crate::validate::Validator) {}
}

/// A value of an nwfilter rule that may instead name a variable (`$IP`, `$MAC[@1]`) whose
/// value the filter's user gives.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OrVariable<T> {
    /// The value itself.
    Value(T),
    /// A variable reference, as written (starting with `$`).
    Variable(String),
}

impl<T> From<T> for OrVariable<T> {
    fn from(v: T) -> Self {
        OrVariable::Value(v)
    }
}

impl<T: XmlValue> XmlValue for OrVariable<T> {
    fn parse_xml(text: &str) -> Result<Self, Expected> {
        if text.starts_with('$') {
            return Ok(OrVariable::Variable(text.to_owned()));
        }
        T::parse_xml(text).map(OrVariable::Value).map_err(|e| Expected::new(format!("{}, or a variable ($NAME)", e.0)))
    }
    fn to_xml(&self) -> Cow<'_, str> {
        match self {
            OrVariable::Value(v) => v.to_xml(),
            OrVariable::Variable(s) => Cow::Borrowed(s),
        }
    }
}

impl<T: crate::validate::Validate> crate::validate::Validate for OrVariable<T> {
    fn validate_with(&self, val: &mut crate::validate::Validator) {
        if let OrVariable::Value(v) = self {
            v.validate_with(val)
        }
    }
}

/// A network mask as nwfilter rules write it: a prefix length (`24`) or an address
/// (`255.255.255.0`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Netmask<A> {
    /// The number of leading one bits.
    Prefix(crate::Number<u8>),
    /// The mask as an address.
    Address(A),
}

impl<A: XmlValue> XmlValue for Netmask<A> {
    fn parse_xml(text: &str) -> Result<Self, Expected> {
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            return crate::Number::parse_xml(text).map(Netmask::Prefix);
        }
        A::parse_xml(text).map(Netmask::Address).map_err(|e| Expected::new(format!("a prefix length, or {}", e.0)))
    }
    fn to_xml(&self) -> Cow<'_, str> {
        match self {
            Netmask::Prefix(n) => n.to_xml(),
            Netmask::Address(a) => a.to_xml(),
        }
    }
}

impl<A> crate::validate::Validate for Netmask<A> {
    fn validate_with(&self, _: &mut crate::validate::Validator) {}
}

#[cfg(feature = "serde")]
impl<A: XmlValue> serde::Serialize for Netmask<A> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_xml())
    }
}

#[cfg(feature = "serde")]
impl<'de, A: XmlValue> serde::Deserialize<'de> for Netmask<A> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        Self::parse_xml(&s).map_err(|e| serde::de::Error::custom(e.0))
    }
}

#[cfg(feature = "schemars")]
impl<A> schemars::JsonSchema for Netmask<A> {
    fn schema_name() -> Cow<'static, str> {
        "Netmask".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "description": "a prefix length or a mask address" })
    }
}

macro_rules! text_serde {
    ($($t:ty),*) => {$(
        #[cfg(feature = "serde")]
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_xml())
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                Self::parse_xml(&s).map_err(|e| serde::de::Error::custom(e.0))
            }
        }
    )*};
}
text_serde!(CpuSet);

#[cfg(feature = "serde")]
impl<T: XmlValue> serde::Serialize for OrVariable<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_xml())
    }
}

#[cfg(feature = "serde")]
impl<'de, T: XmlValue> serde::Deserialize<'de> for OrVariable<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        Self::parse_xml(&s).map_err(|e| serde::de::Error::custom(e.0))
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for CpuSet {
    fn schema_name() -> Cow<'static, str> {
        "CpuSet".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "description": "a CPU set such as 0-3,8,^2" })
    }
}

#[cfg(feature = "schemars")]
impl<T> schemars::JsonSchema for OrVariable<T> {
    fn schema_name() -> Cow<'static, str> {
        "OrVariable".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "description": "a value, or a variable ($NAME)" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_spellings_are_told_without_writing_them() {
        let uuids = [
            "c7a5fdbd-edaf-9455-926a-d65c16db1809",
            "C7A5FDBD-EDAF-9455-926A-D65C16DB1809",
            "c7a5fdbd-edaf-9455-926a-d65c16db180F",
            "c7a5fdbdedaf9455926ad65c16db1809",
        ];
        for text in uuids {
            let v = <[u8; 16] as Lexical>::parse(text).unwrap();
            assert_eq!(v.is_canonical(text), v.canonical() == text, "{text}");
        }
        for text in ["52:54:00:0a:0b:0c", "52:54:00:0A:0b:0C", "52:54:0:a:b:c", "2:54:00:0a:0b:0c"] {
            let v = <[u8; 6] as Lexical>::parse(text).unwrap();
            assert_eq!(v.is_canonical(text), v.canonical() == text, "{text}");
        }
    }

    #[test]
    fn spellings_are_kept_and_values_compared() {
        let u = Uuid::parse_xml("c7a5fdbd-edaf-9455-926a-d65c16db1809").unwrap();
        assert_eq!(u.spelling(), None);
        let v = Uuid::parse_xml("C7A5FDBDEDAF9455926AD65C16DB1809").unwrap();
        assert_eq!(u, v);
        assert_eq!(v.to_xml(), "C7A5FDBDEDAF9455926AD65C16DB1809");
        assert!(Uuid::parse_xml("c7a5fdbd-edaf9455-926a-d65c16db1809").is_err());
        assert!(Uuid::parse_xml("c7a5fdbd").is_err());
        let m = MacAddress::parse_xml("52:54:00:0A:0b:0C").unwrap();
        assert_eq!(m.get(), [0x52, 0x54, 0, 0x0a, 0x0b, 0x0c]);
        assert_eq!(m.to_xml(), "52:54:00:0A:0b:0C");
        assert!(MacAddress::parse_xml("52:54:00:0a:0b").is_err());
        assert!(MacAddress::parse_xml("52-54-00-0a-0b-0c").is_err());
        let ip = IpAddress::parse_xml("2001:0db8::0001").unwrap();
        assert_eq!(ip, IpAddress::parse_xml("2001:db8::1").unwrap());
        assert_eq!(ip.to_xml(), "2001:0db8::0001");
        assert!(Ipv4Address::parse_xml("::1").is_err());
    }

    /// Some 3,000 sets of two or three items (ranges, empty ones included, and exclusions
    /// over CPUs 0..8), against the sets' members counted one by one.
    #[test]
    fn cpu_set_ranges_hold_the_members_and_nothing_else() {
        let items: Vec<CpuSetItem> = (0..8u32)
            .flat_map(|a| (0..8u32).map(move |b| CpuSetItem::Range(a, b)))
            .chain((0..8).map(CpuSetItem::Exclude))
            .collect();
        let members = |s: &CpuSet| (0..10).filter(|&n| s.contains(n)).collect::<Vec<u32>>();
        let mut sets = Vec::new();
        for (i, a) in items.iter().enumerate().step_by(3) {
            for b in items.iter().skip(i % 5).step_by(7) {
                for c in items.iter().skip(i % 3).step_by(11) {
                    sets.push(CpuSet::new([*a, *b, *c]));
                    sets.push(CpuSet::new([*a, *c]));
                }
            }
        }
        for s in &sets {
            let from_ranges: Vec<u32> = s.ranges().iter().flat_map(|&(a, b)| a..=b).collect();
            assert_eq!(from_ranges, members(s), "{s}");
            assert!(s.ranges().windows(2).all(|w| w[0].1 + 1 < w[1].0), "{s}: {:?}", s.ranges());
            for n in 0..9 {
                assert_eq!(s.first_from(n), members(s).into_iter().find(|&m| m >= n), "{s} from {n}");
            }
        }
        for (a, b) in sets.iter().zip(sets.iter().skip(1).chain(sets.iter().take(1))) {
            let common = members(a).iter().any(|n| members(b).contains(n));
            assert_eq!(a.overlaps(b), common, "{a} and {b}");
        }
    }

    #[test]
    fn cpu_sets_with_leading_zeros_read_as_their_numbers_and_write_back_as_read() {
        // The schema's pattern and libvirt take `000` (found by the `check` fuzz target).
        let zeros = CpuSet::parse_xml("000,02-04").unwrap();
        assert_eq!(zeros, CpuSet::parse_xml("0,2-4").unwrap());
        assert_eq!(zeros.cpus(), vec![0, 2, 3, 4]);
        assert_eq!(zeros.to_xml(), "000,02-04");
        assert_eq!(zeros.to_string(), "0,2-4");
        assert_eq!(CpuSet::parse_xml("0-3").unwrap().to_xml(), "0-3");
        assert!(CpuSet::parse_xml("0x3").is_err());
    }

    #[test]
    fn cpu_sets_of_billions_are_tested_without_listing_them() {
        let all = CpuSet::parse_xml("0-4294967295,^5").unwrap();
        assert_eq!(all.ranges(), [(0, 4), (6, u32::MAX)]);
        assert_eq!(all.first_from(5), Some(6));
        assert!(all.overlaps(&CpuSet::from(u32::MAX)));
        assert!(!all.overlaps(&CpuSet::from(5)));
    }
}
