//! Scalar values of attributes and text, and numbers that keep their spelling.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// What a value should have looked like, for error messages ("an unsigned integer"): the
/// error of parsing a value from text, as `str::parse` does.
///
/// ```
/// use xml_model::MacAddress;
/// let e = "52:54:00".parse::<MacAddress>().unwrap_err();
/// assert_eq!(e.to_string(), "expected a MAC address (six pairs of hexadecimal digits joined by ':')");
/// // An error like any other: `?` takes it into `Box<dyn Error>`.
/// fn mac(text: &str) -> Result<MacAddress, Box<dyn std::error::Error>> {
///     Ok(text.parse()?)
/// }
/// assert!(mac("52:54:00:12:34:56").is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected(pub String);

impl Expected {
    /// The expectation, in words.
    pub fn new(what: impl Into<String>) -> Self {
        Expected(what.into())
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {}", self.0)
    }
}

impl std::error::Error for Expected {}

/// A value that is the text of an attribute or of a text-only element.
pub trait XmlValue: Sized {
    /// Parses the (unescaped) text.
    fn parse_xml(text: &str) -> Result<Self, Expected>;
    /// The text to write (unescaped).
    fn to_xml(&self) -> Cow<'_, str>;
    /// Appends the text to `out` through `escape`, the writer's escaping for where it goes.
    /// Numbers written canonically need no escaping and no `String` of their own.
    #[inline]
    fn write_xml(&self, out: &mut String, escape: fn(&mut String, &str)) {
        escape(out, &self.to_xml());
    }
}

impl XmlValue for String {
    fn parse_xml(text: &str) -> Result<Self, Expected> {
        Ok(text.to_owned())
    }
    fn to_xml(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl XmlValue for Box<str> {
    fn parse_xml(text: &str) -> Result<Self, Expected> {
        Ok(text.into())
    }
    fn to_xml(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

/// Integer types a [`Number`] can hold.
pub trait Integer: Copy + PartialEq + PartialOrd + fmt::Display + fmt::Debug + Default {
    /// Its name in messages.
    const WHAT: &'static str;
    /// Parses digits in a radix.
    fn from_radix(digits: &str, radix: u32) -> Option<Self>;
    /// The value, when this type holds it.
    fn from_u64(value: u64) -> Option<Self> {
        Self::from_radix(&value.to_string(), 10)
    }
    /// Lower-case hexadecimal digits, zero-padded to `width`.
    fn to_hex(self, width: usize) -> String {
        let mut out = String::new();
        self.push_hex(width, &mut out);
        out
    }
    /// Appends lower-case hexadecimal digits, zero-padded to `width` (negative numbers in two's
    /// complement, as `{:x}` writes them).
    fn push_hex(self, width: usize, out: &mut String);
    /// Octal digits, zero-padded to `width`.
    fn to_octal(self, width: usize) -> String;
    /// Appends the decimal digits, after a `-` when negative (as `to_string` writes them).
    fn push_decimal(self, out: &mut String);
}

macro_rules! integer {
    ($($t:ty as $unsigned:ty => $what:literal),* $(,)?) => {$(
        impl Integer for $t {
            const WHAT: &'static str = $what;
            fn from_radix(digits: &str, radix: u32) -> Option<Self> {
                <$t>::from_str_radix(digits, radix).ok()
            }
            fn from_u64(value: u64) -> Option<Self> {
                <$t>::try_from(value).ok()
            }
            fn push_hex(self, width: usize, out: &mut String) {
                // Without `format!`: writing is mostly numbers, and this is most of them.
                #[allow(clippy::cast_sign_loss)]
                push_digits::<16>(u64::from(self as $unsigned), width, out);
            }
            fn to_octal(self, width: usize) -> String {
                format!("{:0width$o}", self)
            }
            #[allow(clippy::cast_lossless)]
            fn push_decimal(self, out: &mut String) {
                let wide = self as i128;
                if wide < 0 {
                    out.push('-');
                }
                // The magnitude of a 64-bit integer fits 64 bits.
                #[allow(clippy::cast_possible_truncation)]
                push_digits::<10>(wide.unsigned_abs() as u64, 0, out);
            }
        }
    )*};
}
integer!(
    u8 as u8 => "an integer from 0 to 255",
    u16 as u16 => "an integer from 0 to 65535",
    u32 as u32 => "an unsigned 32-bit integer",
    u64 as u64 => "an unsigned 64-bit integer",
    i32 as u32 => "a 32-bit integer",
    i64 as u64 => "a 64-bit integer",
);

/// Appends `value`'s digits in `RADIX` (at most 16), lower case, zero-padded to `width`.
/// Without `format!`: writing a document is mostly numbers.
fn push_digits<const RADIX: u64>(value: u64, width: usize, out: &mut String) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    // Room for u64::MAX in decimal.
    let mut buf = [0u8; 20];
    let mut n = value;
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = DIGITS[(n % RADIX) as usize];
        n /= RADIX;
        if n == 0 {
            break;
        }
    }
    for _ in buf.len() - at..width {
        out.push('0');
    }
    out.push_str(std::str::from_utf8(&buf[at..]).expect("ASCII digits"));
}

/// How a [`Number`] is read and written canonically.
pub trait Format: Clone + Default {
    /// Parses the text.
    fn parse<T: Integer>(text: &str) -> Option<T>;
    /// Appends the canonical spelling.
    fn push<T: Integer>(value: T, out: &mut String);
    /// The canonical spelling.
    fn write<T: Integer>(value: T) -> String {
        let mut out = String::new();
        Self::push(value, &mut out);
        out
    }
    /// Whether `text`, which reads as `value`, is its canonical spelling (then nothing is
    /// kept of it).
    fn is_canonical<T: Integer>(text: &str, value: T) -> bool {
        Self::write(value) == text
    }
    /// What the text should look like, for messages.
    fn expected<T: Integer>() -> String;
    /// The value of `text` when it is the canonical spelling of a value `u64` holds, worked
    /// out in one pass over the bytes: what most numbers read are, and then neither
    /// [`Format::parse`] nor [`Format::is_canonical`] runs. `None` when it is not (or the
    /// format has no such pass): the text is then read the long way.
    fn read_canonical<T: Integer>(_text: &str) -> Option<T> {
        None
    }
    /// The largest value the schema allows, when a digit pattern bounds it more tightly than
    /// the integer type (a PCI slot is at most `0x1f`); `validate` reports larger ones.
    const MAX: Option<u64> = None;
}

/// Decimal, with `0x` hexadecimal also read (libvirt reads both where it says "integer"),
/// and hexadecimal digits without `0x` where there is a letter among them (the schemas allow
/// `(0x)?[0-9a-fA-F]{1,4}` in places).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Decimal;

impl Format for Decimal {
    fn parse<T: Integer>(text: &str) -> Option<T> {
        parse_integer(text)
    }
    fn push<T: Integer>(value: T, out: &mut String) {
        value.push_decimal(out);
    }
    fn is_canonical<T: Integer>(text: &str, _: T) -> bool {
        canonical_decimal(text)
    }
    fn read_canonical<T: Integer>(text: &str) -> Option<T> {
        read_canonical_decimal(text)
    }
    fn expected<T: Integer>() -> String {
        T::WHAT.to_owned()
    }
}

/// Numbers libvirt writes in hexadecimal (USB ids, PCI and CCW addresses), written
/// canonically as `0x` and `WIDTH` digits, and read as [`AnyBase`] reads them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hex<const WIDTH: usize>;

impl<const WIDTH: usize> Format for Hex<WIDTH> {
    fn parse<T: Integer>(text: &str) -> Option<T> {
        parse_base0(text)
    }
    fn push<T: Integer>(value: T, out: &mut String) {
        out.push_str("0x");
        value.push_hex(WIDTH, out);
    }
    fn is_canonical<T: Integer>(text: &str, _: T) -> bool {
        // `0x`, then lower-case digits: `WIDTH` of them, or more without a leading zero.
        text.strip_prefix("0x").is_some_and(|d| {
            d.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                && (d.len() == WIDTH || (d.len() > WIDTH && !d.starts_with('0')))
        })
    }
    fn read_canonical<T: Integer>(text: &str) -> Option<T> {
        // `0x` and exactly `WIDTH` lower-case digits, as libvirt writes addresses.
        let digits = text.strip_prefix("0x")?.as_bytes();
        if digits.len() != WIDTH || WIDTH > 16 {
            return None;
        }
        let mut value = 0u64;
        for &b in digits {
            let nibble = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                _ => return None,
            };
            value = value << 4 | u64::from(nibble);
        }
        T::from_u64(value)
    }
    fn expected<T: Integer>() -> String {
        format!("{} (0x.. hexadecimal, 0.. octal, or decimal)", T::WHAT)
    }
}

/// Hexadecimal like [`Hex`], with a largest value: a PCI slot's pattern
/// `(0x)?[0-1]?[0-9a-fA-F]` allows at most `0x1f`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HexUpTo<const WIDTH: usize, const MAX: u64>;

impl<const WIDTH: usize, const MAX: u64> Format for HexUpTo<WIDTH, MAX> {
    fn parse<T: Integer>(text: &str) -> Option<T> {
        Hex::<WIDTH>::parse(text)
    }
    fn push<T: Integer>(value: T, out: &mut String) {
        Hex::<WIDTH>::push(value, out)
    }
    fn is_canonical<T: Integer>(text: &str, value: T) -> bool {
        Hex::<WIDTH>::is_canonical(text, value)
    }
    fn read_canonical<T: Integer>(text: &str) -> Option<T> {
        Hex::<WIDTH>::read_canonical(text)
    }
    fn expected<T: Integer>() -> String {
        Hex::<WIDTH>::expected::<T>()
    }
    const MAX: Option<u64> = Some(MAX);
}

/// A PCI slot (`0x00` to `0x1f`), read with base 0 and written in hexadecimal as libvirt does.
pub type PciSlot = Number<u8, HexUpTo<2, 0x1f>>;
/// A PCI function (`0x0` to `0x7`), read with base 0 and written in hexadecimal.
pub type PciFunction = Number<u8, HexUpTo<1, 7>>;

/// Numbers libvirt reads and writes in hexadecimal only (a spapr-vio `reg`): `10` is 16.
/// Written as `0x` and `WIDTH` digits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Base16<const WIDTH: usize>;

impl<const WIDTH: usize> Format for Base16<WIDTH> {
    fn parse<T: Integer>(text: &str) -> Option<T> {
        let digits = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")).unwrap_or(text);
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| T::from_radix(digits, 16))
            .flatten()
    }
    fn push<T: Integer>(value: T, out: &mut String) {
        Hex::<WIDTH>::push(value, out)
    }
    fn is_canonical<T: Integer>(text: &str, value: T) -> bool {
        Hex::<WIDTH>::is_canonical(text, value)
    }
    fn read_canonical<T: Integer>(text: &str) -> Option<T> {
        Hex::<WIDTH>::read_canonical(text)
    }
    fn expected<T: Integer>() -> String {
        format!("{} in hexadecimal", T::WHAT)
    }
}

/// Numbers libvirt reads like C's `strtoul` with base 0 and writes in decimal (a USB
/// device's bus and device numbers): `0x10` is 16, `010` is 8, `10` is 10.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AnyBase;

impl Format for AnyBase {
    fn parse<T: Integer>(text: &str) -> Option<T> {
        parse_base0(text)
    }
    fn push<T: Integer>(value: T, out: &mut String) {
        value.push_decimal(out);
    }
    fn is_canonical<T: Integer>(text: &str, _: T) -> bool {
        canonical_decimal(text)
    }
    fn read_canonical<T: Integer>(text: &str) -> Option<T> {
        read_canonical_decimal(text)
    }
    fn expected<T: Integer>() -> String {
        format!("{} (0x.. hexadecimal, 0.. octal, or decimal)", T::WHAT)
    }
}

/// The value of digits with no sign and no leading zero, in one pass.
fn read_canonical_decimal<T: Integer>(text: &str) -> Option<T> {
    // Nineteen digits always fit a u64.
    let bytes = text.as_bytes();
    if bytes.is_empty() || bytes.len() > 19 || (bytes[0] == b'0' && bytes.len() > 1) {
        return None;
    }
    let mut value = 0u64;
    for &b in bytes {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        value = value * 10 + u64::from(digit);
    }
    T::from_u64(value)
}

/// Whether `text` is an integer as Rust's `to_string` writes it: digits without a leading
/// zero (`0` alone), after a `-` when negative (never `-0`).
fn canonical_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && text != "-0"
}

/// Octal numbers (file modes such as `0644`), written with at least four digits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Octal;

impl Format for Octal {
    fn parse<T: Integer>(text: &str) -> Option<T> {
        (!text.is_empty() && text.bytes().all(|b| (b'0'..=b'7').contains(&b))).then(|| T::from_radix(text, 8)).flatten()
    }
    fn push<T: Integer>(value: T, out: &mut String) {
        out.push_str(&value.to_octal(4));
    }
    fn expected<T: Integer>() -> String {
        "an octal number such as 0644".to_owned()
    }
}

/// Reads as libvirt reads ids and addresses, like C's `strtoul` with base 0: `0x3880` is
/// hexadecimal, `010` octal (8), `3880` decimal (0x0f28). Digits with a hexadecimal letter
/// and no `0x` (`0b6d`), which the schemas allow but libvirt refuses, are read as
/// hexadecimal.
fn parse_base0<T: Integer>(text: &str) -> Option<T> {
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return (!hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| T::from_radix(hex, 16))
            .flatten();
    }
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return T::from_radix(text, 16);
    }
    match text.strip_prefix('0') {
        Some(octal) if !octal.is_empty() => T::from_radix(octal, 8),
        _ => T::from_radix(text, 10),
    }
}

/// A number written in hexadecimal: `HexNumber<u16, 4>` is written `0x0b6d`.
pub type HexNumber<T, const WIDTH: usize> = Number<T, Hex<WIDTH>>;

/// An integer that remembers how it was written.
///
/// `0x8`, `08` and `+8` all read as 8 and are written back as they were read; a value set in
/// code is written canonically (decimal, or `0x..` for a [`HexNumber`]). Comparison is by value.
#[derive(Clone, Default)]
pub struct Number<T: Integer, F: Format = Decimal> {
    value: T,
    /// With `_niche`, a `Number<u32>` and an `Option<Number<u32>>` (most number fields)
    /// take 16 bytes, not 24 and 32.
    spelling: Spelling,
    /// A byte of the padding beside `value` with invalid values, where `Option` keeps its
    /// tag.
    _niche: Niche,
    format: std::marker::PhantomData<F>,
}

/// The text a value was read with when it was not its canonical spelling: behind one thin
/// pointer, as few values have one.
#[derive(Clone, Default)]
pub(crate) struct Spelling(Option<Box<Box<str>>>);

impl Spelling {
    /// None: the value is written canonically.
    pub(crate) const CANONICAL: Spelling = Spelling(None);

    /// The spelling of a value read as `text`: none when `text` is the canonical one.
    pub(crate) fn read(text: &str, canonical: bool) -> Spelling {
        Spelling((!canonical).then(|| Box::new(text.into())))
    }

    /// The text read, when it was not the canonical spelling.
    pub(crate) fn as_deref(&self) -> Option<&str> {
        self.0.as_deref().map(|s| &**s)
    }
}

/// A byte with one valid value, so the enums holding a struct with it need no tag of their
/// own (see [`Number`]).
#[derive(Clone, Copy, Default)]
#[repr(u8)]
enum Niche {
    #[default]
    Only,
}

impl<T: Integer, F: Format> Number<T, F> {
    /// A number written canonically.
    pub fn new(value: T) -> Self {
        Number { value, spelling: Spelling::CANONICAL, _niche: Niche::Only, format: std::marker::PhantomData }
    }

    /// The value.
    pub fn get(&self) -> T {
        self.value
    }

    /// Sets a new value, forgetting the old spelling.
    pub fn set(&mut self, value: T) {
        *self = Number::new(value);
    }

    /// The spelling read, when it was not the canonical one.
    pub fn spelling(&self) -> Option<&str> {
        self.spelling.as_deref()
    }
}

impl<T: Integer, F: Format> From<T> for Number<T, F> {
    fn from(value: T) -> Self {
        Number::new(value)
    }
}

impl<T: Integer, F: Format> PartialEq for Number<T, F> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Integer, F: Format> PartialEq<T> for Number<T, F> {
    fn eq(&self, other: &T) -> bool {
        self.value == *other
    }
}

impl<T: Integer + Eq, F: Format> Eq for Number<T, F> {}

impl<T: Integer + std::hash::Hash, F: Format> std::hash::Hash for Number<T, F> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.value.hash(h)
    }
}

impl<T: Integer, F: Format> fmt::Debug for Number<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.spelling.as_deref() {
            Some(s) => write!(f, "{:?} ({s:?})", self.value),
            None => write!(f, "{:?}", self.value),
        }
    }
}

impl<T: Integer, F: Format> fmt::Display for Number<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_xml())
    }
}

/// Parses decimal (with an optional sign) or `0x` hexadecimal.
fn parse_integer<T: Integer>(text: &str) -> Option<T> {
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if body.is_empty() || body.starts_with(['+', '-']) {
        return None;
    }
    let (digits, radix) = match body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        Some(hex) if !hex.is_empty() && !neg => (hex, 16),
        Some(_) => return None,
        None if !neg && body.bytes().any(|b| b.is_ascii_alphabetic()) => (body, 16),
        None => (body, 10),
    };
    if neg {
        T::from_radix(&format!("-{digits}"), radix)
    } else {
        T::from_radix(digits, radix)
    }
}

impl<T: Integer, F: Format> XmlValue for Number<T, F> {
    fn parse_xml(text: &str) -> Result<Self, Expected> {
        if let Some(value) = F::read_canonical::<T>(text) {
            return Ok(Number::new(value));
        }
        // XML Schema's numbers collapse whitespace (`<vcpu>1\n</vcpu>` is 1, as xmllint says);
        // the spelling keeps it, so it is written back as read.
        let digits = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
        let value = F::parse::<T>(digits).ok_or_else(|| Expected::new(F::expected::<T>()))?;
        let canonical = F::is_canonical(text, value);
        Ok(Number {
            value,
            spelling: Spelling::read(text, canonical),
            _niche: Niche::Only,
            format: std::marker::PhantomData,
        })
    }
    fn to_xml(&self) -> Cow<'_, str> {
        match self.spelling.as_deref() {
            Some(s) => Cow::Borrowed(s),
            None => Cow::Owned(F::write(self.value)),
        }
    }
    fn write_xml(&self, out: &mut String, escape: fn(&mut String, &str)) {
        match self.spelling.as_deref() {
            Some(s) => escape(out, s),
            None => F::push(self.value, out),
        }
    }
}

impl<T: Integer, F: Format> FromStr for Number<T, F> {
    type Err = Expected;
    fn from_str(s: &str) -> Result<Self, Expected> {
        Self::parse_xml(s)
    }
}

/// Plain integers are canonical only: they reject `0x8` rather than lose its spelling.
macro_rules! plain_integer {
    ($($t:ty),*) => {$(
        impl XmlValue for $t {
            fn parse_xml(text: &str) -> Result<Self, Expected> {
                match text.parse::<$t>() {
                    Ok(v) if v.to_string() == text => Ok(v),
                    _ => Err(Expected::new(format!("{} in canonical decimal form", <$t as Integer>::WHAT))),
                }
            }
            fn to_xml(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
            fn write_xml(&self, out: &mut String, _: fn(&mut String, &str)) {
                self.push_decimal(out);
            }
        }
    )*};
}
plain_integer!(u8, u16, u32, u64, i32, i64);

#[cfg(feature = "serde")]
impl<T: Integer + serde::Serialize, F: Format> serde::Serialize for Number<T, F> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.spelling.as_deref() {
            Some(sp) => s.serialize_str(sp),
            None => self.value.serialize(s),
        }
    }
}

/// A number, or a string for a spelling a JSON number cannot keep (`"0x8"`); an integer out of
/// the type's range is refused with the value and the range in the message.
#[cfg(feature = "serde")]
impl<'de, T, F> serde::Deserialize<'de> for Number<T, F>
where
    T: Integer + TryFrom<u64> + TryFrom<i64>,
    F: Format,
{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{Error, Unexpected};
        struct Visit<T, F>(std::marker::PhantomData<(T, F)>);
        impl<T, F> serde::de::Visitor<'_> for Visit<T, F>
        where
            T: Integer + TryFrom<u64> + TryFrom<i64>,
            F: Format,
        {
            type Value = Number<T, F>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}, as a number or as text", T::WHAT)
            }
            fn visit_u64<E: Error>(self, v: u64) -> Result<Self::Value, E> {
                T::try_from(v).map(Number::new).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<Self::Value, E> {
                T::try_from(v).map(Number::new).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
            }
            fn visit_str<E: Error>(self, text: &str) -> Result<Self::Value, E> {
                Number::parse_xml(text).map_err(|e| E::custom(format_args!("{text:?}: expected {}", e.0)))
            }
        }
        d.deserialize_any(Visit(std::marker::PhantomData))
    }
}

#[cfg(feature = "schemars")]
impl<T: Integer + schemars::JsonSchema, F: Format> schemars::JsonSchema for Number<T, F> {
    fn schema_name() -> Cow<'static, str> {
        format!("Number_{}", T::schema_name()).into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let inner = g.subschema_for::<T>();
        schemars::json_schema!({
            "description": "An integer; a string keeps a non-decimal spelling such as 0x8",
            "anyOf": [inner, { "type": "string" }]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decimal digits are written as `to_string` writes them, at the ends of every range.
    #[test]
    fn decimal_digits_are_those_of_to_string() {
        fn same<T: Integer>(values: &[T]) {
            for &v in values {
                let mut out = String::from("x");
                v.push_decimal(&mut out);
                assert_eq!(out, format!("x{v}"));
            }
        }
        same(&[0u8, 1, 9, 10, 99, 100, u8::MAX]);
        same(&[0u16, 10_000, u16::MAX]);
        same(&[0u32, 1_000_000_000, u32::MAX]);
        same(&[0u64, 10_000_000_000_000_000_000, u64::MAX]);
        same(&[0i32, -1, 7, i32::MIN, i32::MAX]);
        same(&[0i64, -10, -9_999, i64::MIN, i64::MAX]);
    }

    /// Hexadecimal formats tell a canonical spelling without writing the number: exactly
    /// the spellings that are written back the same are kept as nothing.
    #[test]
    fn hexadecimal_spellings_are_kept_exactly_when_not_canonical() {
        fn kept<F: Format>(texts: &[&str]) {
            for text in texts {
                let n = Number::<u8, F>::parse_xml(text).unwrap();
                let canonical = F::write(n.get()) == *text;
                assert_eq!(n.spelling().is_none(), canonical, "{text}");
            }
        }
        kept::<HexUpTo<2, 0x1f>>(&["0x1f", "0x01", "0x1", "1", "0X1F", "0x1F", "010"]);
        kept::<HexUpTo<1, 7>>(&["0x7", "0x07", "7", "0x0"]);
        kept::<Base16<4>>(&["0x00ff", "ff", "0xff", "0x00FF"]);
    }

    /// Number fields are most of the model's fields: an absent one costs no more than a
    /// present one, and neither more than the value and a pointer.
    #[test]
    fn an_optional_number_costs_the_value_and_a_pointer() {
        use std::mem::size_of;
        assert_eq!(size_of::<Number<u32>>(), 16);
        assert_eq!(size_of::<Option<Number<u64>>>(), size_of::<Number<u64>>());
        assert_eq!(size_of::<Option<Number<u32>>>(), 16);
        assert_eq!(size_of::<Option<Number<u64>>>(), 24);
        assert_eq!(size_of::<Option<HexNumber<u16, 4>>>(), 16);
        let read = Number::<u32>::parse_xml("0x8").unwrap();
        assert_eq!((read.get(), read.spelling()), (8, Some("0x8")));
    }

    /// The quick canonical checks say what writing the value and comparing would, and the
    /// one-pass read of a canonical spelling gives a value exactly when the long way reads
    /// one and finds its spelling canonical.
    fn agrees<F: Format, T: Integer>(text: &str) {
        if let Some(value) = F::parse::<T>(text) {
            assert_eq!(F::is_canonical(text, value), F::write(value) == text, "{text:?} as {}", T::WHAT);
        }
        let long_way = F::parse::<T>(text).filter(|&value| F::write(value) == text);
        if let Some(quick) = F::read_canonical::<T>(text) {
            assert_eq!(Some(quick), long_way, "{text:?} as {}", T::WHAT);
        }
    }

    #[test]
    fn canonical_checks_agree_with_writing() {
        let mut texts: Vec<String> = ["0", "-0", "00", "+8", "08", "-", "", "0x", "0X1f", "0x1F", "007", "-12", "9"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let wide = [u64::MAX, 9_999_999_999_999_999_999, 10_000_000_000_000_000_000];
        for v in [0u64, 1, 7, 8, 15, 16, 31, 255, 256, 4095, 65535, 65536, 0x1234_5678, u64::from(u32::MAX)]
            .into_iter()
            .chain(wide)
        {
            for width in 0..7 {
                texts.push(format!("0x{v:0width$x}"));
                texts.push(format!("0x{v:0width$X}"));
                texts.push(format!("{v:0width$}"));
            }
        }
        for t in &texts {
            agrees::<Decimal, u8>(t);
            agrees::<Decimal, u32>(t);
            agrees::<Decimal, i32>(t);
            agrees::<Decimal, i64>(t);
            agrees::<AnyBase, u64>(t);
            agrees::<Hex<1>, u8>(t);
            agrees::<Hex<2>, u8>(t);
            agrees::<Hex<4>, u16>(t);
            agrees::<Hex<4>, u32>(t);
            agrees::<Hex<6>, u32>(t);
            agrees::<Hex<4>, i32>(t);
            agrees::<Hex<16>, u64>(t);
            agrees::<HexUpTo<2, 0x1f>, u8>(t);
            agrees::<AnyBase, u8>(t);
            agrees::<Decimal, u64>(t);
            agrees::<Base16<4>, u64>(t);
        }
        // The one pass is taken where it should be, not only never wrong.
        assert_eq!(Decimal::read_canonical::<u8>("31"), Some(31));
        assert_eq!(Decimal::read_canonical::<u64>("18446744073709551615"), None, "twenty digits: the long way");
        assert_eq!(Hex::<2>::read_canonical::<u8>("0x1f"), Some(31));
        assert_eq!(HexUpTo::<1, 7>::read_canonical::<u8>("0x7"), Some(7));
    }

    #[test]
    fn hex_digits_as_format_writes_them() {
        for v in [0u32, 1, 0xf, 0x10, 0xabc, 0xdead_beef] {
            for width in 0..10 {
                assert_eq!(v.to_hex(width), format!("{v:0width$x}"));
            }
        }
        assert_eq!((-1i32).to_hex(0), format!("{:x}", -1i32));
        assert_eq!((-2i64).to_hex(4), format!("{:04x}", -2i64));
    }
}
