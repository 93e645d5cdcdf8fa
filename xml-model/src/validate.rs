//! Checks the types cannot carry: patterns, ranges, non-empty lists, rules across fields.

use std::fmt;

use rustc_hash::FxHashMap;

use crate::read::ElementChoice;

/// One problem found by validation, with the document path of the offending item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where (`/domain/cpu/maxphysaddr/@bits`).
    pub path: String,
    /// 1-based line of the offending item in the text the value was read from, once
    /// [`place`] has found it there; 0 for a value built in code.
    pub line: u32,
    /// 1-based column (in characters), as `line`.
    pub column: u32,
    /// What is wrong, and what was expected.
    pub message: String,
    /// Whose rule it breaks: the schema's, or libvirt's own.
    pub rule: Rule,
}

/// Where a rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// libvirt's RNG schemas say it (`xmllint --relaxng` and [`crate::check`] agree).
    Schema,
    /// libvirt's code refuses it (or silently changes it) though the schema allows it; the
    /// text names the file of libvirt's sources that holds the rule.
    Libvirt(&'static str),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)?;
        match self.rule {
            Rule::Schema => Ok(()),
            Rule::Libvirt(source) => write!(f, " (a rule of libvirt's {source}, not of the schema)"),
        }
    }
}

/// Collects problems while walking a value.
#[derive(Debug, Default)]
pub struct Validator {
    path: Vec<String>,
    problems: Vec<Problem>,
}

impl Validator {
    /// A validator whose paths start at the root element `root`.
    pub fn new(root: &str) -> Self {
        Validator { path: vec![format!("/{root}")], problems: Vec::new() }
    }

    fn here(&self) -> String {
        if self.path.is_empty() {
            "/".to_owned()
        } else {
            self.path.concat()
        }
    }

    /// Reports a problem at the current place.
    pub fn report(&mut self, message: impl Into<String>) {
        let path = self.here();
        self.problems.push(Problem { path, line: 0, column: 0, message: message.into(), rule: Rule::Schema });
    }

    /// Reports a problem with a rule of libvirt's code (`source`: the file that holds it).
    pub fn report_libvirt(&mut self, message: impl Into<String>, source: &'static str) {
        let path = self.here();
        let rule = Rule::Libvirt(source);
        self.problems.push(Problem { path, line: 0, column: 0, message: message.into(), rule });
    }

    /// Reports a value that breaks a rule.
    pub fn invalid(&mut self, value: &str, rule: &str) {
        self.report(format!("value '{}' {rule}", crate::error::quote(value)));
    }

    /// Checks a number against inclusive bounds.
    pub fn range<N: Numeric + ?Sized>(&mut self, value: &N, min: Option<i128>, max: Option<i128>) {
        let Some(n) = value.numeric() else { return };
        let below = min.is_some_and(|m| n < m);
        let above = max.is_some_and(|m| n > m);
        if below || above {
            let bounds = match (min, max) {
                (Some(a), Some(b)) => format!("from {a} to {b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => unreachable!(),
            };
            self.report(format!("value {n} is out of range: expected {bounds}"));
        }
    }

    /// Walks into an attribute.
    pub fn attribute(&mut self, name: &str, f: impl FnOnce(&mut Self)) {
        self.path.push(format!("/@{name}"));
        f(self);
        self.path.pop();
    }

    /// Walks into an attribute whose value checks itself (what the derives call: one
    /// function for all value types, where a closure would be a copy per field).
    pub fn attribute_value(&mut self, name: &str, value: &dyn Validate) {
        self.attribute(name, |val| value.validate_with(val));
    }

    /// Walks into a child element whose value checks itself (what the derives call).
    pub fn element_value(&mut self, name: &str, index: Option<usize>, value: &dyn Validate) {
        self.element(name, index, |val| value.validate_with(val));
    }

    /// Walks into a child element (`index` is given where it has same-named siblings).
    pub fn element(&mut self, name: &str, index: Option<usize>, f: impl FnOnce(&mut Self)) {
        self.path.push(match index {
            Some(i) => format!("/{name}[{i}]"),
            None => format!("/{name}"),
        });
        f(self);
        self.path.pop();
    }

    /// Walks a list of element choices, indexing same-named siblings.
    pub fn choices<E: ElementChoice + ValidateChoice>(&mut self, items: &[E]) {
        let places = places(items.iter().map(E::element_name));
        for (item, index) in items.iter().zip(places) {
            item.validate_choice(self, index);
        }
    }

    /// The problems found.
    pub fn finish(self) -> Vec<Problem> {
        self.problems
    }
}

/// A value that can check itself. Implemented by the derives; call [`ValidateRoot::validate`]
/// on a document type (and see [`crate::check`] for the whole schema).
pub trait Validate {
    /// Walks the value, reporting problems to `val`.
    fn validate_with(&self, val: &mut Validator);
}

/// An element choice validates under its branch's element name.
pub trait ValidateChoice {
    /// Walks the value as the element of its branch.
    fn validate_choice(&self, val: &mut Validator, index: Option<usize>);
}

/// Whole-document validation for root types.
pub trait ValidateRoot: Validate + crate::read::XmlRoot {
    /// Every problem found, with its path; `Ok` when there is none.
    fn validate(&self) -> Result<(), Vec<Problem>> {
        let mut v = Validator::new(Self::ROOT);
        self.validate_with(&mut v);
        let problems = v.finish();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

impl<T: Validate + crate::read::XmlRoot> ValidateRoot for T {}

/// Values with a number to check against range facets.
pub trait Numeric {
    /// The value as a wide integer, when it is one.
    fn numeric(&self) -> Option<i128>;
}

impl<T: crate::value::Integer + Into<i128>, F: crate::value::Format> Numeric for crate::value::Number<T, F> {
    fn numeric(&self) -> Option<i128> {
        Some(self.get().into())
    }
}

macro_rules! leaf {
    ($($t:ty),*) => {$(
        impl Validate for $t {
            fn validate_with(&self, _: &mut Validator) {}
        }
    )*};
}
leaf!(String, Box<str>, u8, u16, u32, u64, i32, i64, (), crate::AnyElement);

/// What an element held that its type does not know (a typo such as `<disk devcie='cdrom'>`,
/// kept by a reader that is not strict) breaks the schema, and libvirt ignores it without a
/// word: each unknown attribute, element and text is a problem. Comments, processing
/// instructions, namespace declarations and layout are not.
impl Validate for crate::extras::Extras {
    fn validate_with(&self, val: &mut Validator) {
        let Some(inner) = self.get() else { return };
        const IGNORED: &str = "the schema declares none here, and libvirt ignores it";
        for attr in &inner.attributes {
            if attr.name == "xmlns" || attr.name.starts_with("xmlns:") {
                continue;
            }
            val.attribute(&attr.name, |val| val.report(format!("unknown attribute '{}': {IGNORED}", attr.name)));
        }
        for node in &inner.nodes {
            match node {
                crate::any::AnyNode::Element(e) => {
                    val.element(&e.name, None, |val| val.report(format!("unknown element <{}>: {IGNORED}", e.name)))
                }
                crate::any::AnyNode::Text(text) if !crate::read::is_blank(text) => {
                    let text = crate::error::quote(text.trim());
                    val.report(format!("unexpected text '{text}': {IGNORED}"))
                }
                _ => {}
            }
        }
    }
}

macro_rules! numeric {
    ($($t:ty),*) => {$(
        impl Numeric for $t {
            fn numeric(&self) -> Option<i128> {
                Some(*self as i128)
            }
        }
    )*};
}
numeric!(u8, u16, u32, u64, i32, i64);

impl<T: crate::value::Integer + Into<i128>, F: crate::value::Format> Validate for crate::value::Number<T, F> {
    fn validate_with(&self, val: &mut Validator) {
        if let Some(max) = F::MAX {
            val.range(self, None, Some(i128::from(max)));
        }
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate_with(&self, val: &mut Validator) {
        (**self).validate_with(val)
    }
}

/// Text with a range facet (a patterned number such as `(0x)?[0-9a-f]+` with bounds):
/// decimal or `0x` hexadecimal; other text has no number to check.
impl Numeric for String {
    fn numeric(&self) -> Option<i128> {
        let t = self.trim();
        match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            Some(hex) => i128::from_str_radix(hex, 16).ok(),
            None => t.parse().ok(),
        }
    }
}

/// Places problems found in a value read from `text` at their lines and columns there: each
/// at the element or attribute its path names, or, where the path names something the
/// document lacks (a `<maxMemory>` a rule asks for), at its nearest element that is there.
/// Problems stay unplaced (line 0) when `text` is not well-formed XML.
///
/// ```
/// use xml_model::generated::domaincommon::Domain;
/// use xml_model::validate::{place, ValidateRoot};
/// use xml_model::XmlDocument;
///
/// let text = "<domain type='kvm'>\n  <name>a/b</name>\n  <memory>1024</memory>\n</domain>";
/// let mut problems = Domain::from_xml(text)?.validate().unwrap_err();
/// place(&mut problems, text);
/// assert_eq!((problems[0].path.as_str(), problems[0].line, problems[0].column), ("/domain/name", 2, 3));
/// # Ok::<(), xml_model::Error>(())
/// ```
pub fn place(problems: &mut [Problem], text: &str) {
    if problems.is_empty() {
        return;
    }
    let Ok(doc) = crate::read::Tree::parse(text, true, &crate::limits::Limits::none()) else { return };
    for p in problems.iter_mut() {
        let at = locate(doc.root_element(), &p.path);
        let pos = doc.text_pos_at(at);
        (p.line, p.column) = (pos.row, pos.col);
    }
}

/// The offset in the text of what `path` names below `root`, or of the nearest element on
/// the way to it that is there. A step is a qualified name with an optional 1-based place
/// among its namesakes (`disk[2]`), or `@name` for an attribute, as the reader and
/// [`Validator`] write paths.
fn locate(root: crate::read::Node<'_>, path: &str) -> usize {
    let mut steps = path.trim_start_matches('/').split('/');
    let mut at = root;
    if steps.next() != Some(root.qualified_name()) {
        return at.range().start;
    }
    for step in steps {
        if let Some(name) = step.strip_prefix('@') {
            return at.attributes().find(|a| a.qualified_name() == name).map_or(at.range().start, |a| a.range().start);
        }
        let (name, place) = match step.strip_suffix(']').and_then(|s| s.split_once('[')) {
            Some((name, n)) => (name, n.parse::<usize>().unwrap_or(1)),
            None => (step, 1),
        };
        let nth = |same: &dyn Fn(&str) -> bool| {
            at.children().filter(|c| c.is_element() && same(c.qualified_name())).nth(place.saturating_sub(1))
        };
        // Else, for a prefixed name, by local name: the model's prefix (`qemu:`) may not be
        // the one the text uses.
        let local = |qname: &str| qname.rsplit(':').next().unwrap_or(qname).to_owned();
        let by_local = || if name.contains(':') { nth(&|q| local(q) == local(name)) } else { None };
        match nth(&|q| q == name).or_else(by_local) {
            Some(child) => at = child,
            None => break,
        }
    }
    at.range().start
}

/// The 1-based place of each element among those of its name, where there are several (as
/// paths index same-named siblings: `disk[2]`); in two passes, however many there are.
pub(crate) fn places(names: impl Iterator<Item = &'static str> + Clone) -> Vec<Option<usize>> {
    let mut seen: FxHashMap<&str, (usize, usize)> = FxHashMap::default();
    for name in names.clone() {
        seen.entry(name).or_default().0 += 1;
    }
    names
        .map(|name| {
            let (total, before) = seen.get_mut(name).expect("counted above");
            *before += 1;
            (*total > 1).then_some(*before)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{place, Problem, Rule};

    fn placed(text: &str, path: &str) -> (u32, u32) {
        let mut problems =
            [Problem { path: path.to_owned(), line: 0, column: 0, message: String::new(), rule: Rule::Schema }];
        place(&mut problems, text);
        (problems[0].line, problems[0].column)
    }

    #[test]
    fn problems_are_placed_at_what_their_paths_name() {
        let text = "<a>\n  <b x='1'/>\n  <c/>\n  <b y='2'><d/></b>\n  <q:b xmlns:q='urn:q' y='3'/>\n</a>";
        assert_eq!(placed(text, "/a"), (1, 1));
        assert_eq!(placed(text, "/a/b[1]/@x"), (2, 6));
        assert_eq!(placed(text, "/a/b[2]/@y"), (4, 6));
        assert_eq!(placed(text, "/a/b[2]/d"), (4, 12));
        assert_eq!(placed(text, "/a/q:b/@y"), (5, 24));
        // Another prefix than the text's: the element of that local name.
        assert_eq!(placed(text, "/a/p:d"), (1, 1));
        assert_eq!(placed(text, "/a/p:c"), (3, 3));
        // What is not there is placed at the nearest element on the way that is.
        assert_eq!(placed(text, "/a/c/@missing"), (3, 3));
        assert_eq!(placed(text, "/a/b[3]/d"), (1, 1));
        assert_eq!(placed(text, "/a/c/e/f"), (3, 3));
        assert_eq!(placed(text, "/other/c"), (1, 1));
        // Text that is not XML leaves problems unplaced.
        assert_eq!(placed("<a>", "/a"), (0, 0));
    }

    #[test]
    fn places_index_only_names_that_repeat() {
        let names = ["disk", "interface", "disk", "video", "disk"];
        let places = super::places(names.iter().copied());
        assert_eq!(places, [Some(1), None, Some(2), None, Some(3)]);
        assert_eq!(super::places(std::iter::empty()), []);
    }
}
