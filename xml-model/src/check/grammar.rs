//! The form of libvirt's schemas that checking runs on: Relax NG after the spec's
//! simplification (section 4 of the Relax NG specification), as tables that `xml-codegen`
//! writes into `generated/grammar.rs` in a text form ([`Grammar::parse`]), read once when
//! the first checker is made. The schemas themselves are not read at run time.
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
    /// The schema's define that is this datatype and nothing else (`ipv6Addr`, `unit`):
    /// messages name it rather than quote a pattern pages long.
    pub define: Option<&'static str>,
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

impl Grammar {
    /// Reads a grammar made at run time (`xml_codegen::checker_grammar` of a schema folder)
    /// and keeps it, with its text, for the rest of the program, as checkers need it: read
    /// each schema set once, not once per document or thread.
    pub fn from_text(text: String) -> Result<&'static Grammar, String> {
        let grammar = Grammar::parse(Box::leak(text.into_boxed_str()))?;
        Ok(Box::leak(Box::new(grammar)))
    }

    /// Reads the text form `xml-codegen` writes. Sections in this order, each a header line
    /// with its name and item count, then an item per line starting with its index:
    ///
    /// ```text
    /// patterns 3            0 empty | 1 notAllowed | 2 text | 3 choice 1 2 | 3 interleave 1 2
    ///                       3 group 1 2 | 3 oneOrMore 1 | 3 element NAME 2 | 3 attribute NAME 2
    ///                       3 data DATATYPE | 3 dataExcept DATATYPE 2 | 3 value VALUE
    /// names 1               0 name 0: 6:domain | 0 anyName
    /// datatypes 1           0 unsignedInt define 5:uint8 minInclusive 1:1 maxLength 4 pattern 5:[0-9]+
    /// values 1              0 3:kvm
    /// starts 1              0 6:domain 3 1 6:domain     (schema, pattern, root count, roots)
    /// ```
    ///
    /// Strings are their length in bytes, a colon and the bytes, so nothing is escaped and the
    /// tables borrow from `text`. The tables are made `'static` (they are read once and live
    /// as long as the program); every id is checked to be in range, so a checker never indexes
    /// out of its tables.
    pub fn parse(text: &'static str) -> Result<Grammar, String> {
        let mut r = TextReader { text, at: 0, line: 1 };
        let patterns: Vec<Pattern> = r.section("patterns", |r| {
            let tag = r.word()?;
            let mut id = || r.number();
            Ok(match tag {
                "empty" => Pattern::Empty,
                "notAllowed" => Pattern::NotAllowed,
                "text" => Pattern::Text,
                "choice" => Pattern::Choice(id()?, id()?),
                "interleave" => Pattern::Interleave(id()?, id()?),
                "group" => Pattern::Group(id()?, id()?),
                "oneOrMore" => Pattern::OneOrMore(id()?),
                "element" => Pattern::Element(id()?, id()?),
                "attribute" => Pattern::Attribute(id()?, id()?),
                "data" => Pattern::Data(id()?),
                "dataExcept" => Pattern::DataExcept(id()?, id()?),
                "value" => Pattern::Value(id()?),
                other => return Err(format!("unknown pattern '{other}'")),
            })
        })?;
        let names = r.section("names", |r| match r.word()? {
            "name" => Ok(NameClass::Name { ns: r.string()?, local: r.string()? }),
            "anyName" => Ok(NameClass::AnyName),
            other => Err(format!("unknown name class '{other}'")),
        })?;
        let datatypes = r.section("datatypes", |r| {
            let name = r.word()?;
            let xsd = Xsd::from_name(name).ok_or_else(|| format!("unknown datatype '{name}'"))?;
            let mut dt = Datatype {
                xsd,
                define: None,
                patterns: &[],
                min_inclusive: None,
                max_inclusive: None,
                max_length: None,
            };
            let mut patterns = Vec::new();
            while !r.at_line_end() {
                match r.word()? {
                    "define" => dt.define = Some(r.string()?),
                    "minInclusive" => dt.min_inclusive = Some(r.string()?),
                    "maxInclusive" => dt.max_inclusive = Some(r.string()?),
                    "maxLength" => dt.max_length = Some(r.number()?),
                    "pattern" => patterns.push(r.string()?),
                    other => return Err(format!("unknown facet '{other}'")),
                }
            }
            dt.patterns = patterns.leak();
            Ok(dt)
        })?;
        let values = r.section("values", |r| r.string())?;
        let starts = r.section("starts", |r| {
            let schema = r.string()?;
            let pattern = r.number()?;
            let count = r.number()?;
            let roots = (0..count).map(|_| r.string()).collect::<Result<Vec<_>, _>>()?;
            Ok(Start { schema, roots: roots.leak(), pattern })
        })?;
        if r.at < text.len() {
            return Err(r.error("text after the last section"));
        }

        let in_range = |id: u32, len: usize, what: &str| match (id as usize) < len {
            true => Ok(()),
            false => Err(format!("{what} {id} is out of range (there are {len})")),
        };
        if patterns.get(..3) != Some(&[Pattern::Empty, Pattern::NotAllowed, Pattern::Text][..]) {
            return Err("the patterns do not begin with empty, notAllowed, text".to_owned());
        }
        for p in &patterns {
            let n = patterns.len();
            match *p {
                Pattern::Choice(a, b) | Pattern::Interleave(a, b) | Pattern::Group(a, b) | Pattern::After(a, b) => {
                    in_range(a, n, "pattern")?;
                    in_range(b, n, "pattern")?;
                }
                Pattern::OneOrMore(a) | Pattern::List(a) => in_range(a, n, "pattern")?,
                Pattern::Element(name, c) | Pattern::Attribute(name, c) => {
                    in_range(name, names.len(), "name")?;
                    in_range(c, n, "pattern")?;
                }
                Pattern::Data(d) => in_range(d, datatypes.len(), "datatype")?,
                Pattern::DataExcept(d, e) => {
                    in_range(d, datatypes.len(), "datatype")?;
                    in_range(e, n, "pattern")?;
                }
                Pattern::Value(v) => in_range(v, values.len(), "value")?,
                Pattern::Empty | Pattern::NotAllowed | Pattern::Text => {}
            }
        }
        for s in &starts {
            in_range(s.pattern, patterns.len(), "pattern")?;
        }
        Ok(Grammar {
            patterns: patterns.leak(),
            names: names.leak(),
            datatypes: datatypes.leak(),
            values: values.leak(),
            starts: starts.leak(),
        })
    }
}

/// A cursor over the text form of a grammar.
struct TextReader {
    text: &'static str,
    at: usize,
    line: usize,
}

impl TextReader {
    fn error(&self, what: &str) -> String {
        format!("grammar text, line {}: {what}", self.line)
    }

    fn at_line_end(&self) -> bool {
        self.text[self.at..].starts_with('\n')
    }

    /// The next word, up to a space or the end of the line.
    fn word(&mut self) -> Result<&'static str, String> {
        let rest = &self.text[self.at..];
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        let start = self.text.len() - rest.len();
        let end = start + rest.find([' ', '\n']).unwrap_or(rest.len());
        if end == start {
            return Err(self.error("a word is missing"));
        }
        self.at = end;
        Ok(&self.text[start..end])
    }

    fn number(&mut self) -> Result<u32, String> {
        let word = self.word()?;
        word.parse().map_err(|_| self.error(&format!("'{word}' is not a number")))
    }

    /// A string: its length, a colon, the bytes.
    fn string(&mut self) -> Result<&'static str, String> {
        let rest = &self.text[self.at..];
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        let start = self.text.len() - rest.len();
        let colon = rest.find(':').ok_or_else(|| self.error("a string is missing"))?;
        let len: usize = rest[..colon].parse().map_err(|_| self.error("a string's length is not a number"))?;
        let begin = start + colon + 1;
        let end = begin.checked_add(len).filter(|&e| e <= self.text.len() && self.text.is_char_boundary(e));
        let end = end.ok_or_else(|| self.error("a string runs past the end"))?;
        self.line += self.text[begin..end].matches('\n').count();
        self.at = end;
        Ok(&self.text[begin..end])
    }

    fn end_line(&mut self) -> Result<(), String> {
        if !self.at_line_end() {
            return Err(self.error("more on the line than expected"));
        }
        self.at += 1;
        self.line += 1;
        Ok(())
    }

    /// A section: its header (`name count`), then `count` items, each `index item`.
    fn section<T>(
        &mut self,
        name: &str,
        mut item: impl FnMut(&mut Self) -> Result<T, String>,
    ) -> Result<Vec<T>, String> {
        let header = self.word()?;
        if header != name {
            return Err(self.error(&format!("expected the section '{name}', found '{header}'")));
        }
        let count = self.number()? as usize;
        self.end_line()?;
        let mut items = Vec::with_capacity(count);
        for i in 0..count {
            let index = self.number()? as usize;
            if index != i {
                return Err(self.error(&format!("item {index} where {i} was expected")));
            }
            let value = item(self).map_err(|e| match e.starts_with("grammar text") {
                true => e,
                false => self.error(&e),
            })?;
            items.push(value);
            self.end_line()?;
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "patterns 5\n0 empty\n1 notAllowed\n2 text\n3 value 0\n4 element 0 3\n\
        names 1\n0 name 0: 6:domain\ndatatypes 1\n0 unsignedInt define 5:uint8 minInclusive 1:1 pattern 6:[0-9]+\n\
        values 1\n0 5:a b\nc\nstarts 1\n0 6:domain 4 1 6:domain\n";

    #[test]
    fn reads_the_text_form() {
        let g = Grammar::parse(SMALL).unwrap();
        assert_eq!(g.patterns[4], Pattern::Element(0, 3));
        assert_eq!(g.names[0], NameClass::Name { ns: "", local: "domain" });
        assert_eq!(g.datatypes[0].xsd, Xsd::UnsignedInt);
        assert_eq!(g.datatypes[0].min_inclusive, Some("1"));
        assert_eq!(g.datatypes[0].define, Some("uint8"));
        assert_eq!(g.datatypes[0].patterns, &["[0-9]+"]);
        // A string holds what its length says, line breaks included.
        assert_eq!(g.values, &["a b\nc"]);
        assert_eq!((g.starts[0].schema, g.starts[0].pattern, g.starts[0].roots), ("domain", 4, &["domain"][..]));
    }

    #[test]
    fn the_generated_grammar_reads() {
        let g = crate::generated::grammar::grammar();
        assert!(g.patterns.len() > 10_000, "{} patterns", g.patterns.len());
        assert!(g.starts.iter().any(|s| s.schema == "domain"));
    }

    #[test]
    fn malformed_text_is_an_error_naming_the_line() {
        let cases: &[(String, &str)] = &[
            (SMALL.replace("4 element 0 3", "4 element 0 99"), "pattern 99 is out of range"),
            (SMALL.replace("4 element 0 3", "4 element 7 3"), "name 7 is out of range"),
            (SMALL.replace("3 value 0", "3 value 5"), "value 5 is out of range"),
            (SMALL.replace("3 value 0", "3 valu 0"), "line 5: unknown pattern 'valu'"),
            (SMALL.replace("3 value 0", "4 value 0"), "line 5: item 4 where 3 was expected"),
            (SMALL.replace("unsignedInt", "decimal"), "unknown datatype 'decimal'"),
            (SMALL.replace("5:a b", "50:a b"), "a string runs past the end"),
            (SMALL.replace("names 1", "names 2"), "line 9: 'datatypes' is not a number"),
            (SMALL.replace("names 1", "name 1"), "expected the section 'names', found 'name'"),
            (SMALL.replace("2 text", "2 text 7"), "line 4: more on the line than expected"),
            (SMALL.replace("0 empty", "0 text"), "do not begin with empty"),
            (format!("{SMALL}extra"), "text after the last section"),
            (String::new(), "a word is missing"),
        ];
        for (text, expected) in cases {
            let text: &'static str = Box::leak(text.clone().into_boxed_str());
            let err = Grammar::parse(text).expect_err(expected);
            assert!(err.contains(expected), "expected '{expected}', got '{err}'");
        }
    }
}
