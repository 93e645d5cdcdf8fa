//! The form of libvirt's schemas that checking runs on: Relax NG after the spec's
//! simplification (section 4 of the Relax NG specification), as static tables that
//! `xml-codegen` writes into `generated/grammar.rs`. Nothing is compiled at run time.
//!
//! Refs are gone (elements point at their content, which is where recursion goes through),
//! `optional`, `zeroOrMore` and `mixed` are spelled with `choice`, `oneOrMore` and
//! `interleave`, and every n-ary pattern is binary, which is what the derivative algorithm
//! of `check/derivative.rs` works on.

/// An index into [`Grammar::patterns`] (and, while checking, into the checker's arena that
/// starts as a copy of it).
pub type PatternId = u32;
/// An index into [`Grammar::names`].
pub type NameId = u32;
/// An index into [`Grammar::datatypes`].
pub type DatatypeId = u32;
/// An index into [`Grammar::values`].
pub type ValueId = u32;

/// One simplified pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pattern {
    Empty,
    NotAllowed,
    Text,
    Choice(PatternId, PatternId),
    Interleave(PatternId, PatternId),
    Group(PatternId, PatternId),
    OneOrMore(PatternId),
    /// An element: its name class and its content (attributes and children).
    Element(NameId, PatternId),
    /// An attribute: its name class and its value pattern.
    Attribute(NameId, PatternId),
    /// A value of an XML Schema datatype with its facets.
    Data(DatatypeId),
    /// A value of a datatype that the second pattern does not match (`<except>`).
    DataExcept(DatatypeId, PatternId),
    /// One value, compared as a `token` (whitespace collapsed), the type libvirt's values use.
    Value(ValueId),
    /// A whitespace-separated list.
    List(PatternId),
    /// Made only while checking: the rest of the current element's content, then what may
    /// follow its end tag.
    After(PatternId, PatternId),
}

/// The names an element or attribute pattern accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameClass {
    /// One name; `ns` is `""` for no namespace.
    Name { ns: &'static str, local: &'static str },
    /// Any name at all (`<anyName/>`).
    AnyName,
}

impl NameClass {
    /// Whether the class holds the name `{ns}local`.
    pub fn contains(&self, ns: &str, local: &str) -> bool {
        match self {
            NameClass::Name { ns: n, local: l } => *l == local && *n == ns,
            NameClass::AnyName => true,
        }
    }
}

impl std::fmt::Display for NameClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NameClass::Name { ns: "", local } => f.write_str(local),
            NameClass::Name { ns, local } => write!(f, "{{{ns}}}{local}"),
            NameClass::AnyName => f.write_str("any name"),
        }
    }
}

/// The XML Schema datatypes libvirt's schemas use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Xsd {
    String,
    Token,
    Int,
    Integer,
    Long,
    Short,
    UnsignedInt,
    UnsignedLong,
    UnsignedShort,
    PositiveInteger,
    NonNegativeInteger,
    Double,
    DateTime,
    AnyUri,
    NcName,
}

impl Xsd {
    /// The datatype's name in XML Schema.
    pub fn name(self) -> &'static str {
        match self {
            Xsd::String => "string",
            Xsd::Token => "token",
            Xsd::Int => "int",
            Xsd::Integer => "integer",
            Xsd::Long => "long",
            Xsd::Short => "short",
            Xsd::UnsignedInt => "unsignedInt",
            Xsd::UnsignedLong => "unsignedLong",
            Xsd::UnsignedShort => "unsignedShort",
            Xsd::PositiveInteger => "positiveInteger",
            Xsd::NonNegativeInteger => "nonNegativeInteger",
            Xsd::Double => "double",
            Xsd::DateTime => "dateTime",
            Xsd::AnyUri => "anyURI",
            Xsd::NcName => "NCName",
        }
    }

    /// The datatype named `name` in XML Schema, if libvirt's schemas can use it here.
    pub fn from_name(name: &str) -> Option<Xsd> {
        const ALL: [Xsd; 15] = [
            Xsd::String,
            Xsd::Token,
            Xsd::Int,
            Xsd::Integer,
            Xsd::Long,
            Xsd::Short,
            Xsd::UnsignedInt,
            Xsd::UnsignedLong,
            Xsd::UnsignedShort,
            Xsd::PositiveInteger,
            Xsd::NonNegativeInteger,
            Xsd::Double,
            Xsd::DateTime,
            Xsd::AnyUri,
            Xsd::NcName,
        ];
        ALL.into_iter().find(|x| x.name() == name)
    }
}

/// A datatype with its facets (`<param>`s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Datatype {
    pub xsd: Xsd,
    /// `pattern` facets, in the `regex` crate's syntax, unanchored (they match whole values).
    pub patterns: &'static [&'static str],
    /// `minInclusive`, as written in the schema.
    pub min_inclusive: Option<&'static str>,
    /// `maxInclusive`, as written in the schema.
    pub max_inclusive: Option<&'static str>,
    /// `maxLength`, in characters.
    pub max_length: Option<u32>,
}

/// A document kind: which root element starts it and where its grammar starts.
#[derive(Debug, Clone, Copy)]
pub struct Start {
    /// The top-level schema (`domain` for `domain.rng`).
    pub schema: &'static str,
    /// The names the root element may have.
    pub roots: &'static [&'static str],
    pub pattern: PatternId,
}

/// The simplified schema set.
#[derive(Debug)]
pub struct Grammar {
    /// Every pattern; children come before their parents except element content, which
    /// recursion reaches through elements.
    pub patterns: &'static [Pattern],
    pub names: &'static [NameClass],
    pub datatypes: &'static [Datatype],
    pub values: &'static [&'static str],
    pub starts: &'static [Start],
}

/// Ids every grammar table begins with, so the checker can name them.
pub const EMPTY: PatternId = 0;
pub const NOT_ALLOWED: PatternId = 1;
pub const TEXT: PatternId = 2;
