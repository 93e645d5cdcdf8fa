//! Checking documents against libvirt's schemas, exactly as strict as the Relax NG set
//! (`xmllint --relaxng` is the reference) and with every problem located.
//!
//! The schemas are simplified into tables when the model is generated ([`grammar`],
//! `generated/grammar.rs`, in a text form read once), or from a schema folder at run time
//! ([`Checker::with_grammar_text`]); a [`Checker`] walks a parsed document through them with
//! Relax NG derivatives (`check/derivative.rs`). Typed reading is deliberately more
//! forgiving (it keeps what it does not know), so checking does not go through the types:
//! a typed value is checked by checking what it writes.
//!
//! ```
//! let mut checker = xml_model::check::Checker::new();
//! let report = checker.check_str("<domain type='kvm'><name>demo</name><memory>x</memory></domain>");
//! assert!(!report.is_valid());
//! let first = &report.problems[0];
//! assert_eq!(first.path, "/domain/memory");
//! assert_eq!((first.line, first.column), (1, 45)); // the text's position
//! ```

mod datatype;
mod derivative;
pub mod grammar;
mod parents;
mod problem;
mod stream;
mod suggest;

use std::path::Path;

use crate::read::Node;
use derivative::{is_whitespace, Engine};
use grammar::{Grammar, Pattern, PatternId, Start, NOT_ALLOWED};
pub use problem::{Problem, Report};
use rustc_hash::{FxHashMap, FxHashSet};

/// Checks documents; keep one around (one per thread) to check many, as it remembers what it
/// worked out about the schemas.
pub struct Checker {
    engine: Engine,
    /// The only document kind to check against (`device`, `interface`...), when set.
    kind: Option<String>,
    /// What a document may hold before it is parsed.
    limits: crate::limits::Limits,
    /// Whether valid domains are also held to libvirt's own rules ([`Checker::with_rules`]).
    rules: bool,
}

#[cfg(feature = "domain")]
impl Default for Checker {
    fn default() -> Self {
        Checker::new()
    }
}

impl Checker {
    /// A checker for libvirt's schemas, as the model was generated from.
    #[cfg(feature = "domain")]
    pub fn new() -> Checker {
        Checker::with_grammar(crate::generated::grammar::grammar())
    }

    /// A checker for a schema set given as the text form of its simplified grammar (what
    /// `xml_codegen::checker_grammar` makes of a schema folder, such as the installed libvirt's
    /// `/usr/share/libvirt/schemas`). The tables live as long as the program: make one such
    /// checker per schema set, not one per document (for several threads, read the text once
    /// with [`Grammar::from_text`] and give each thread [`Checker::with_grammar`]).
    pub fn with_grammar_text(text: String) -> std::result::Result<Checker, String> {
        Ok(Checker::with_grammar(Grammar::from_text(text)?))
    }

    /// A checker for another simplified grammar.
    pub fn with_grammar(grammar: &'static Grammar) -> Checker {
        // Depth is the walk's to report, at xmllint's 257 levels, as a problem of the document.
        let limits = crate::limits::Limits { max_depth: u32::MAX, ..crate::limits::Limits::default() };
        Checker { engine: Engine::new(grammar), kind: None, limits, rules: false }
    }

    /// The same checker with other limits on what a document may hold.
    pub fn with_limits(mut self, limits: crate::limits::Limits) -> Checker {
        self.limits = limits;
        self
    }

    /// Also holds every domain that is valid against the schema to the rules of libvirt's
    /// own code that the schema does not say (`Domain::validate`'s [`Rule::Libvirt`]
    /// problems: a vsock CID of 2, memory devices without `<maxMemory>`...), each placed at
    /// its line and column, in [`Report::rules`]. What `virsh define` would refuse, found
    /// without a libvirt. Off by default: the schema alone is what `xmllint --relaxng` checks.
    ///
    /// ```
    /// let text = "<domain type='kvm'>\n  <name>a/b</name>\n  <memory>1024</memory>\n</domain>";
    /// let report = xml_model::check::Checker::new().with_rules(true).check_str(text);
    /// assert!(report.problems.is_empty()); // the schema allows it,
    /// assert_eq!(report.rules[0].path, "/domain/name"); // libvirt refuses it
    /// assert_eq!((report.rules[0].line, report.rules[0].column), (2, 3));
    /// assert!(!report.is_valid());
    /// ```
    ///
    /// [`Rule::Libvirt`]: crate::validate::Rule::Libvirt
    #[must_use]
    pub fn with_rules(mut self, rules: bool) -> Checker {
        self.rules = rules;
        self
    }

    /// Checks every document as this kind (a top-level schema of [`Checker::kinds`]:
    /// `device` for the device files `virsh attach-device` takes, `interface` for a host
    /// interface...), whatever its root; by default the kind comes from the root element, and
    /// a root two kinds share (`<interface>`: a host interface or a guest's NIC) is checked as
    /// each in turn, the first it is valid as winning.
    #[must_use]
    pub fn as_kind(mut self, kind: Option<&str>) -> Checker {
        self.kind = kind.map(str::to_owned);
        self
    }

    /// The document kinds this checker knows: (top-level schema, root element names).
    pub fn kinds(&self) -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
        self.engine.grammar().starts.iter().map(|s| (s.schema, s.roots))
    }

    /// Checks a document given as text; the kind comes from the root element.
    pub fn check_str(&mut self, text: &str) -> Report {
        let mut report = match self.valid_as(text) {
            Some(schema) => Report { schema: Some(schema), ..Report::default() },
            None => self.check_str_by_tree(text),
        };
        if self.rules && report.is_valid() && report.schema == Some("domain") {
            libvirt_rules(text, self.limits, &mut report);
        }
        report
    }

    /// Checks a document by walking its tree, as [`Checker::check_str`] does once a document
    /// is found not valid as it is read: what the tests hold the two ways to.
    #[doc(hidden)]
    pub fn check_str_by_tree(&mut self, text: &str) -> Report {
        match crate::read::Tree::parse(text, true, &self.limits) {
            Ok(doc) => self.check_document(&doc),
            Err(e) => {
                let expected = match e.kind {
                    crate::ErrorKind::OverLimit { .. } | crate::ErrorKind::TooDeep { .. } => {
                        "a document within the checker's limits (`Checker::with_limits`)"
                    }
                    _ => "well-formed XML",
                };
                Report::unreadable(e.line, e.column, e.kind.to_string(), expected)
            }
        }
    }

    /// The kind `text` is valid as, found as it is read, with no tree: `None` when it is not
    /// valid as the first kind its root may be, or is a document the tree's quick pass leaves
    /// to roxmltree. [`Checker::check_str`] then checks its tree, which says where and why.
    fn valid_as(&mut self, text: &str) -> Option<&'static str> {
        let kind = self.kind.as_deref();
        let mut stream = stream::Stream::new(&mut self.engine, |s: &Start| kind.map_or(true, |k| k == s.schema));
        let finished = crate::tree::Document::visit(text, &self.limits, &mut stream);
        let valid = stream.valid_as(finished);
        self.engine.trim();
        valid
    }

    /// Checks a file; an unreadable file is an I/O error (that names it), bytes that are not
    /// UTF-8 a problem.
    pub fn check_file(&mut self, path: impl AsRef<Path>) -> std::io::Result<Report> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: cannot read: {e}", path.display())))?;
        let mut report = match crate::read::utf8(&bytes) {
            Ok(text) => self.check_str(text),
            Err(e) => Report::unreadable(e.line, e.column, "bytes that are not UTF-8".to_owned(), "a UTF-8 document"),
        };
        report.file = Some(path.to_owned());
        Ok(report)
    }

    /// Checks a typed value by checking what it writes (positions are in that text).
    pub fn check_value<T: crate::XmlDocument>(&mut self, value: &T) -> Report {
        self.check_str(&value.to_xml())
    }

    /// Checks a parsed document.
    pub fn check_document(&mut self, doc: &crate::read::Tree<'_>) -> Report {
        let kind = self.kind.clone();
        self.check_kinds(doc, |s| kind.as_deref().map_or(true, |k| k == s.schema))
    }

    /// Checks a parsed document against the kinds its root may be that `wanted` keeps.
    fn check_kinds(&mut self, doc: &crate::read::Tree<'_>, wanted: impl Fn(&Start) -> bool) -> Report {
        let root = doc.root_element();
        let grammar = self.engine.grammar();
        let candidates: Vec<&'static Start> = starts_for(grammar, root).filter(|s| wanted(s)).collect();
        if candidates.is_empty() {
            let walk = Walk::new(&mut self.engine, NOT_ALLOWED);
            let known = grammar.starts.iter().filter(|s| wanted(s));
            let roots: Vec<&str> = known.flat_map(|s| s.roots.iter().copied()).collect();
            let problem = walk.problem(
                root,
                String::new(),
                format!("root element <{}>", qualified(root)),
                format!("one of <{}>", roots.join(">, <")),
            );
            let suggestion =
                suggest::nearest(qualified(root), roots.iter().copied()).map(|i| format!("<{}>", roots[i]));
            return Report { problems: vec![Problem { suggestion, ..problem }], ..Report::default() };
        }
        // Of invalid readings, the one with the fewest problems: a guest's `<interface>`
        // file with one typo is not reported as a host interface with four.
        let mut closest: Option<Report> = None;
        for start in candidates {
            let mut walk = Walk::new(&mut self.engine, start.pattern);
            let rest = walk.element(start.pattern, root);
            debug_assert!(walk.engine.nullable(rest) || !walk.problems.is_empty() || rest == NOT_ALLOWED);
            let report = Report { schema: Some(start.schema), problems: walk.problems, ..Report::default() };
            // Between documents: keeps a long-lived checker's memory bounded.
            self.engine.trim();
            if report.is_valid() {
                return report;
            }
            if closest.as_ref().map_or(true, |c| report.problems.len() < c.problems.len()) {
                closest = Some(report);
            }
        }
        closest.expect("a candidate was checked")
    }
}

/// The document kinds whose root element `root` may be, in the grammar's order (a document
/// kind before the device of the same name).
fn starts_for<'a>(grammar: &'static Grammar, root: Node<'a>) -> impl Iterator<Item = &'static Start> + 'a {
    let name = root.tag_name();
    grammar.starts.iter().filter(move |s| name.namespace().is_none() && s.roots.contains(&name.name()))
}

/// Checks `text` with a checker kept for this thread.
#[cfg(feature = "domain")]
pub fn check_str(text: &str) -> Report {
    with_thread_checker(|c| c.check_str(text))
}

/// Holds a domain valid against the schema to libvirt's own rules (see
/// [`Checker::with_rules`]).
fn libvirt_rules(text: &str, limits: crate::limits::Limits, report: &mut Report) {
    #[cfg(feature = "domain")]
    {
        use crate::validate::{Rule, ValidateRoot};
        // The checker's limits: a document it takes is read whole. Its depth is the schema
        // walk's to bound (valid documents are within xmllint's 257 levels).
        let options = crate::ReadOptions { limits, ..crate::ReadOptions::default() };
        match crate::Document::<crate::generated::domaincommon::Domain>::parse_with(text, options) {
            Ok(doc) => {
                let problems = doc.root.validate().err().unwrap_or_default();
                // The schema's own are the checker's to report, and it found none.
                report.rules = problems.into_iter().filter(|p| p.rule != Rule::Schema).collect();
                crate::validate::place(&mut report.rules, text);
            }
            // A value with blanks around it (`bus='virtio '`): the schema's tokens collapse
            // them, libvirt's parser compares the value as written and refuses it, as the
            // typed model does.
            Err(e) if matches!(&e.kind, crate::ErrorKind::InvalidValue { value, .. } if value.trim() != value) => {
                report.rules.push(crate::validate::Problem {
                    path: e.path.clone(),
                    line: e.line,
                    column: e.column,
                    message: format!(
                        "{}: libvirt reads values as written, where the schema ignores the blanks",
                        e.kind
                    ),
                    rule: Rule::Libvirt("src/conf/domain_conf.c"),
                })
            }
            // The model reads every other document the schema allows: this is a bug of the
            // model, reported rather than passed over.
            Err(e) => report.problems.push(Problem {
                path: e.path.clone(),
                line: e.line,
                column: e.column,
                found: e.kind.to_string(),
                expected: "a domain the typed model reads, as it reads every valid one (a bug: please report it)"
                    .to_owned(),
                suggestion: None,
            }),
        }
    }
    #[cfg(not(feature = "domain"))]
    let _ = (text, limits, report);
}

/// Runs `f` with a checker kept for this thread.
#[cfg(feature = "domain")]
fn with_thread_checker<R>(f: impl FnOnce(&mut Checker) -> R) -> R {
    thread_local! {
        static CHECKER: std::cell::RefCell<Checker> = std::cell::RefCell::new(Checker::new());
    }
    CHECKER.with(|c| f(&mut c.borrow_mut()))
}

/// Strict reading's second layer: the first problem of a document whose root element
/// libvirt's schemas know, as an error. The typed read has passed already, so what it
/// reports here is only what the types do not carry (order, patterns, ranges, attributes
/// that go together).
pub(crate) fn strict_reading(doc: &crate::read::Tree<'_>) -> crate::Result<()> {
    document_report(doc).map_or(Ok(()), first_problem)
}

/// The problems of a document whose root element libvirt's schemas know as a document
/// kind, with the checker kept for this thread; `None` for another root.
fn document_report(doc: &crate::read::Tree<'_>) -> Option<Report> {
    #[cfg(feature = "domain")]
    {
        let root = doc.root_element();
        // A document type reads as a document kind, never as a device (`<interface>`).
        let document = |s: &Start| s.schema != "device";
        with_thread_checker(|c| {
            let known = starts_for(c.engine.grammar(), root).any(document);
            known.then(|| c.check_kinds(doc, document))
        })
    }
    #[cfg(not(feature = "domain"))]
    {
        let _ = doc;
        None
    }
}

/// A strict reading's refusal of unknown content, with what the schema says may stand there
/// instead (and the name meant, when the unknown one looks like a slip of the keys) in place
/// of "only what the schema declares": when the schema refuses the same place.
pub(crate) fn in_schema_terms(
    mut error: crate::Error,
    options: crate::ReadOptions,
    doc: &crate::read::Tree<'_>,
    device: bool,
) -> crate::Error {
    if !options.strict || !matches!(error.kind, crate::ErrorKind::Unknown { .. }) {
        return error;
    }
    let report = if device { device_report(doc) } else { document_report(doc) };
    // The reader names text by a step of its own (`/domain/vcpus/text()`); the checker by
    // its element.
    let path = error.path.strip_suffix("/text()").unwrap_or(&error.path).to_owned();
    let same_place = report.and_then(|r| r.problems.into_iter().find(|p| p.path == path));
    if let (Some(p), crate::ErrorKind::Unknown { expected, .. }) = (same_place, &mut error.kind) {
        *expected = match p.suggestion {
            Some(near) => format!("{}; did you mean {near}?", p.expected),
            None => p.expected,
        };
    }
    error
}

/// Strict reading of a device document: its first problem as a device.
#[cfg(feature = "domain")]
pub(crate) fn strict_device_reading(doc: &crate::read::Tree<'_>) -> crate::Result<()> {
    device_report(doc).map_or(Ok(()), first_problem)
}

/// The problems of a device document, with the checker kept for this thread.
fn device_report(doc: &crate::read::Tree<'_>) -> Option<Report> {
    #[cfg(feature = "domain")]
    {
        Some(with_thread_checker(|c| c.check_kinds(doc, |s| s.schema == "device")))
    }
    #[cfg(not(feature = "domain"))]
    {
        let _ = doc;
        None
    }
}

/// A report's first problem as a reading error.
fn first_problem(report: Report) -> crate::Result<()> {
    match report.problems.into_iter().next() {
        Some(p) => {
            let kind = crate::ErrorKind::Schema { found: p.found, expected: p.expected };
            Err(crate::Error::at(p.path, p.line, p.column, kind))
        }
        None => Ok(()),
    }
}

/// How deep elements may nest: libxml2's limit, so xmllint and `check` agree on deep
/// documents (and the walk's recursion stays bounded).
pub const MAX_DEPTH: u32 = 257;

/// One document's walk: the engine, the problems found so far, the current element's depth.
struct Walk<'e> {
    engine: &'e mut Engine,
    /// Where the document kind's grammar starts ([`NOT_ALLOWED`] before one is chosen).
    start: PatternId,
    problems: Vec<Problem>,
    depth: u32,
    /// What was expected where an unknown element or attribute stood, by pattern (and
    /// parent element): said once per walk, as hostile documents repeat one problem many
    /// times (200,000 unknown attributes on one element, 100,000 unknown siblings).
    expected: FxHashMap<(Leaf, PatternId, usize), Expected>,
}

/// What may stand where an unknown element or attribute does, said once per place.
struct Expected {
    said: String,
    /// The names alone, for [`suggest::nearest`].
    names: Vec<String>,
    /// The name nearest to each unknown one met here (an index into `names`), so that a
    /// name repeated 100,000 times is compared once; at most [`Expected::NEAREST_KEPT`].
    nearest: FxHashMap<Box<str>, Option<usize>>,
}

impl Expected {
    const NEAREST_KEPT: usize = 1024;

    /// The name `found` (as written, with its prefix; in namespace `found_ns`) is a slip
    /// for, as it would be written there: `<disk>`, `'file'`, `<qemu:commandline>`.
    fn suggestion(&mut self, found: &str, found_ns: &str, open: &str, close: &str) -> Option<String> {
        let (prefix, local) = found.split_once(':').unwrap_or(("", found));
        let key: Box<str> = format!("{found_ns} {found}").into();
        let near = match self.nearest.get(&key) {
            Some(near) => *near,
            None => {
                let near = suggest::nearest(local, self.names.iter().map(|n| without_namespace(n).1)).map(|i| {
                    // Of one name in several namespaces (`commandline` in qemu's, xen's,
                    // bhyve's), the one whose namespace is most like the one written.
                    let alike = |n: &str| common_prefix(without_namespace(n).0.unwrap_or(""), found_ns);
                    let same = |n: &&String| without_namespace(n).1 == without_namespace(&self.names[i]).1;
                    let best = self.names.iter().filter(same).max_by_key(|n| alike(n));
                    best.and_then(|b| self.names.iter().position(|n| n == b)).unwrap_or(i)
                });
                if self.nearest.len() < Self::NEAREST_KEPT {
                    self.nearest.insert(key, near);
                }
                near
            }
        };
        let (ns, name) = without_namespace(&self.names[near?]);
        Some(match (ns, prefix) {
            // The name as written, in another namespace than the schema's: say which.
            (Some(ns), _) if name == local => format!("{open}{name}{close} in namespace '{ns}'"),
            (Some(_), prefix) if !prefix.is_empty() => format!("{open}{prefix}:{name}{close}"),
            _ => format!("{open}{name}{close}"),
        })
    }
}

/// How many bytes `a` and `b` begin with alike.
fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// A name as the grammar writes it (`{http://libvirt.org/schemas/domain/qemu/1.0}arg`):
/// its namespace, if any, and its local name.
fn without_namespace(name: &str) -> (Option<&str>, &str) {
    match name.strip_prefix('{').and_then(|rest| rest.split_once('}')) {
        Some((ns, local)) => (Some(ns), local),
        None => (None, name),
    }
}

impl<'e> Walk<'e> {
    fn new(engine: &'e mut Engine, start: PatternId) -> Self {
        Walk { engine, start, problems: Vec::new(), depth: 0, expected: FxHashMap::default() }
    }

    /// [`Walk::expected_elements`] or [`Walk::expected_attributes`], computed once per
    /// pattern and parent; and the name among them `found` looks like a slip of the keys for
    /// (`<disc>`: did you mean `<disk>`?).
    fn expected(
        &mut self,
        leaf: Leaf,
        p: PatternId,
        parent: Option<Node<'_>>,
        (found, found_ns): (&str, &str),
    ) -> (String, Option<String>) {
        let key = (leaf, p, parent.map_or(usize::MAX, |n| n.range().start));
        if !self.expected.contains_key(&key) {
            let (said, names) = match leaf {
                Leaf::Element => self.expected_elements(p, parent),
                Leaf::Attribute => self.expected_attributes(p),
            };
            self.expected.insert(key, Expected { said, names, nearest: FxHashMap::default() });
        }
        let (open, close) = match leaf {
            Leaf::Element => ("<", ">"),
            Leaf::Attribute => ("'", "'"),
        };
        let expected = self.expected.get_mut(&key).expect("inserted above");
        (expected.said.clone(), expected.suggestion(found, found_ns, open, close))
    }

    /// For an element where it may not stand but the document kind has elsewhere, where it
    /// goes: `<disk> inside <devices>`. The places nearest first: an element that may stand
    /// here (`<devices>` for a `<disk>` under `<domain>`), then one beside this one; at most
    /// three (more tell little).
    fn where_it_goes(&mut self, node: Node<'_>) -> Option<String> {
        if self.start == NOT_ALLOWED {
            return None;
        }
        let key = |n: Node<'_>| match n.tag_name().namespace() {
            Some(ns) if !ns.is_empty() => format!("{{{ns}}}{}", n.tag_name().name()),
            _ => n.tag_name().name().to_owned(),
        };
        let parents = self.engine.parents(self.start);
        let here = node.parent_element().map(key);
        let above = node.parent_element().and_then(|p| p.parent_element()).map(key);
        let all: Vec<&String> = parents.get(&key(node))?.iter().filter(|p| Some(*p) != here.as_ref()).collect();
        let within = |outer: &Option<String>| -> Vec<&String> {
            let Some(outer) = outer else { return Vec::new() };
            all.iter().copied().filter(|p| parents.get(*p).is_some_and(|of| of.contains(outer))).collect()
        };
        let nearest = [within(&here), within(&above)].into_iter().find(|level| !level.is_empty()).unwrap_or(all);
        let places: Vec<&str> = nearest.iter().map(|p| without_namespace(p).1).collect();
        if places.len() > 3 {
            return None;
        }
        let list = match places.split_last() {
            Some((only, [])) => format!("<{only}>"),
            Some((last_place, rest)) => format!("<{}> or <{last_place}>", rest.join(">, <")),
            None => return None,
        };
        Some(format!("<{}> inside {list}", qualified(node)))
    }

    fn problem(&self, node: Node<'_>, path: String, found: String, expected: String) -> Problem {
        let pos = node.document().text_pos_at(node.range().start);
        let path = if path.is_empty() && node.is_element() { crate::read::node_path(node) } else { path };
        Problem { path, line: pos.row, column: pos.col, found, expected, suggestion: None }
    }

    /// Checks `node` against `p`; returns what may follow it. A problem is reported and
    /// walked past, so the rest of the document is still checked.
    fn element(&mut self, p: PatternId, node: Node<'_>) -> PatternId {
        if self.depth >= MAX_DEPTH {
            let found = format!("element <{}> nested {} deep", qualified(node), self.depth + 1);
            let problem = self.problem(node, String::new(), found, format!("at most {MAX_DEPTH} levels of elements"));
            self.problems.push(problem);
            return p; // skipped: nothing deeper is looked at
        }
        self.depth += 1;
        let next = self.element_at_depth(p, node);
        self.depth -= 1;
        next
    }

    fn element_at_depth(&mut self, p: PatternId, node: Node<'_>) -> PatternId {
        let ns = node.tag_name().namespace().unwrap_or("");
        let text = node.start_tag_text();
        let closed = match text.and_then(|text| self.engine.remembered_tag(p, ns, text)) {
            Some(closed) => closed,
            None => match self.start_tag(p, ns, node) {
                Ok(closed) => {
                    if let Some(text) = text {
                        self.engine.remember_tag(p, ns, text, closed);
                    }
                    closed
                }
                Err(Some(closed)) => closed,
                Err(None) => return p, // as if it were not there
            },
        };
        let content = self.children(closed, node);
        let ended = self.engine.end_tag(content);
        if ended != NOT_ALLOWED {
            return ended;
        }
        let expected = self.missing_elements(content, node);
        let problem = self.problem(node, String::new(), format!("the end of <{}>", qualified(node)), expected);
        self.problems.push(problem);
        self.engine.end_tag_lenient(content)
    }

    /// The pattern after `node`'s start tag closed (an element of namespace `ns`), where `p`
    /// was expected. `Err` when a problem was reported: the pattern the walk goes on with
    /// inside the element, or `None` when the element may not stand here and is walked past
    /// as if it were not there.
    fn start_tag(&mut self, p: PatternId, ns: &str, node: Node<'_>) -> Result<PatternId, Option<PatternId>> {
        let e = &mut *self.engine;
        let q = e.qname(ns, node.tag_name().name());
        let opened = e.start_tag_open(p, q);
        if opened == NOT_ALLOWED {
            let found = (qualified(node), node.tag_name().namespace().unwrap_or(""));
            let (expected, suggestion) = self.expected(Leaf::Element, p, node.parent_element(), found);
            let suggestion = suggestion.or_else(|| self.where_it_goes(node));
            let problem = self.problem(node, String::new(), format!("element <{}>", qualified(node)), expected);
            self.problems.push(Problem { suggestion, ..problem });
            return Err(None);
        }
        let problems = self.problems.len();
        let mut cur = opened;
        for attr in node.attributes() {
            let e = &mut *self.engine;
            let aq = e.qname(attr.namespace().unwrap_or(""), attr.name());
            let v = e.string(attr.value());
            let next = e.attribute(cur, aq, v);
            if next != NOT_ALLOWED {
                cur = next;
                continue;
            }
            let lenient = e.attribute_lenient(cur, aq, v);
            let name = &node.document().input_text()[attr.range_qname()];
            let path = format!("{}/@{name}", crate::read::node_path(node));
            let pos = node.document().text_pos_at(attr.range().start);
            let (found, (expected, suggestion)) = if lenient == NOT_ALLOWED {
                let found = (name, attr.namespace().unwrap_or(""));
                (format!("attribute '{name}'"), self.expected(Leaf::Attribute, cur, None, found))
            } else {
                let values = self.attribute_values(cur, aq, attr.value());
                cur = lenient;
                (format!("'{}' for attribute '{name}'", attr.value()), values)
            };
            self.problems.push(Problem { path, line: pos.row, column: pos.col, found, expected, suggestion });
        }
        let e = &mut *self.engine;
        let closed = e.start_tag_close(cur);
        if closed == NOT_ALLOWED {
            let missing = self.missing_attributes(cur);
            let found = format!("the end of the start tag of <{}>", qualified(node));
            let problem = self.problem(node, String::new(), found, missing);
            self.problems.push(problem);
            return Err(Some(self.engine.start_tag_close_lenient(cur)));
        }
        if self.problems.len() > problems {
            return Err(Some(closed));
        }
        Ok(closed)
    }

    /// The content of `node`: child elements and text (comments and processing instructions
    /// do not count, and split no text).
    fn children(&mut self, mut p: PatternId, node: Node<'_>) -> PatternId {
        let has_elements = node.children().any(|c| c.is_element());
        // The text nodes of the current run of text, and whether all of it is whitespace.
        let mut run: Option<(Node<'_>, Node<'_>, bool)> = None;
        for child in node.children() {
            if child.is_element() {
                if let Some(r) = run.take() {
                    p = self.text_run(p, r, true);
                }
                p = self.element(p, child);
            } else if child.is_text() {
                let ws = is_whitespace(child.text().unwrap_or(""));
                run = Some(match run {
                    Some((first, _, all_ws)) => (first, child, all_ws && ws),
                    None => (child, child, ws),
                });
            }
        }
        match (run, has_elements) {
            (Some(r), mixed) => self.text_run(p, r, mixed),
            (None, true) => p,
            (None, false) => self.text(p, "", node),
        }
    }

    /// A run of text nodes. Between elements, whitespace does not count.
    fn text_run(&mut self, p: PatternId, (first, last, all_ws): (Node<'_>, Node<'_>, bool), mixed: bool) -> PatternId {
        if mixed && all_ws {
            return p;
        }
        if first == last {
            return self.text(p, first.text().unwrap_or(""), first);
        }
        let mut joined = String::new();
        let mut cur = Some(first);
        while let Some(n) = cur {
            // Comments and processing instructions between the pieces are not text.
            if n.is_text() {
                joined.push_str(n.text().unwrap_or(""));
            }
            cur = if n == last { None } else { n.next_sibling() };
        }
        self.text(p, &joined, first)
    }

    /// Text (alone in an element, whitespace may be the value or be nothing).
    fn text(&mut self, p: PatternId, text: &str, at: Node<'_>) -> PatternId {
        let next = self.engine.element_text(p, text);
        if next != NOT_ALLOWED {
            return next;
        }
        let ws = is_whitespace(text);
        let values = self.values_at(p);
        let suggestion = if ws { None } else { value_suggestion(&values, text) };
        let expected = if values.iter().all(|v| v == "nothing") {
            // Not "nothing": elements may well stand here.
            if values.is_empty() { "only elements here" } else { "no text here" }.to_owned()
        } else {
            describe_values(values)
        };
        let owner = if at.is_element() { at } else { at.parent_element().unwrap_or(at) };
        let found = if ws { "no text".to_owned() } else { format!("text '{}'", text.trim()) };
        let problem = self.problem(at, crate::read::node_path(owner), found, expected);
        self.problems.push(Problem { suggestion, ..problem });
        let s = self.engine.string(text);
        match self.engine.text_lenient(p, s) {
            NOT_ALLOWED => p,
            lenient => lenient,
        }
    }

    /// What may come next instead of an element: the element names, or the end; and the
    /// names alone.
    fn expected_elements(&self, p: PatternId, parent: Option<Node<'_>>) -> (String, Vec<String>) {
        let mut names = Vec::new();
        let mut end = false;
        let mut seen = FxHashSet::default();
        self.front(p, &mut seen, &mut |e, pat| match pat {
            Pattern::Element(n, _) => names.push(e.name_class(n).to_string()),
            Pattern::After(a, _) if e.nullable(a) => end = true,
            _ => {}
        });
        names.sort();
        names.dedup();
        let end = match (end, parent) {
            (true, Some(parent)) => Some(format!("the end of <{}>", qualified(parent))),
            _ => None,
        };
        let said = list(names.iter().map(|n| format!("<{n}>")).chain(end).collect(), "nothing more here");
        (said, names)
    }

    /// The attributes that may come next, and their names alone.
    fn expected_attributes(&self, p: PatternId) -> (String, Vec<String>) {
        let mut names = Vec::new();
        let mut seen = FxHashSet::default();
        self.front(p, &mut seen, &mut |e, pat| {
            if let Pattern::Attribute(n, _) = pat {
                names.push(e.name_class(n).to_string());
            }
        });
        names.sort();
        names.dedup();
        let said = if names.is_empty() {
            "no attribute here".to_owned()
        } else {
            format!("an attribute of {}", list(names.iter().map(|n| format!("'{n}'")).collect(), ""))
        };
        (said, names)
    }

    /// The attributes that must still come before the start tag can close.
    fn missing_attributes(&self, p: PatternId) -> String {
        match self.required(p, Leaf::Attribute) {
            names if names.is_empty() => "the attributes the schema requires".to_owned(),
            names => format!("attribute {}", list(names, "")),
        }
    }

    /// The elements that must still come before `node` can end (all it may hold, when no
    /// one element is required).
    fn missing_elements(&self, p: PatternId, node: Node<'_>) -> String {
        let names = self.required(p, Leaf::Element);
        if !names.is_empty() {
            return list(names, "");
        }
        // An element whose value is missing (`<memory></memory>`): say what the value may be.
        let values = self.values_at(p);
        if values.iter().any(|v| v != "nothing") {
            return describe_values(values);
        }
        self.expected_elements(p, Some(node)).0
    }

    /// The attributes or elements without which `p` cannot be complete.
    fn required(&self, p: PatternId, leaf: Leaf) -> Vec<String> {
        let mut names = Vec::new();
        for alt in self.engine.alternatives_of(p) {
            self.required_in(alt, leaf, &mut names);
        }
        names.sort();
        names.dedup();
        names
    }

    fn required_in(&self, p: PatternId, leaf: Leaf, out: &mut Vec<String>) {
        let e = &*self.engine;
        match e.pattern(p) {
            Pattern::After(a, _) | Pattern::OneOrMore(a) => self.required_in(a, leaf, out),
            Pattern::Group(a, b) | Pattern::Interleave(a, b) => {
                self.required_in(a, leaf, out);
                self.required_in(b, leaf, out);
            }
            Pattern::Choice(a, b) => {
                // Either side may be the one meant; name both unless one needs nothing.
                let (mut x, mut y) = (Vec::new(), Vec::new());
                self.required_in(a, leaf, &mut x);
                self.required_in(b, leaf, &mut y);
                if !x.is_empty() && !y.is_empty() {
                    out.extend(x);
                    out.extend(y);
                }
            }
            Pattern::Attribute(n, _) if leaf == Leaf::Attribute => out.push(format!("'{}'", e.name_class(n))),
            Pattern::Element(n, _) if leaf == Leaf::Element => out.push(format!("<{}>", e.name_class(n))),
            _ => {}
        }
    }

    /// The values attribute `q` may take where `p` stands, with the one nearest to `found`
    /// when it looks like a slip of the keys.
    fn attribute_values(&self, p: PatternId, q: derivative::QName, found: &str) -> (String, Option<String>) {
        let mut contents = Vec::new();
        let mut seen = FxHashSet::default();
        self.front(p, &mut seen, &mut |e, pat| {
            if let Pattern::Attribute(n, c) = pat {
                if e.name_matches(n, q) {
                    contents.push(c);
                }
            }
        });
        let mut values = Vec::new();
        for c in contents {
            self.values(c, &mut values);
        }
        let suggestion = value_suggestion(&values, found);
        (describe_values(values), suggestion)
    }

    fn values_at(&self, p: PatternId) -> Vec<String> {
        let mut values = Vec::new();
        let mut seen = FxHashSet::default();
        let mut starts = Vec::new();
        self.front(p, &mut seen, &mut |_, pat| {
            if let Pattern::After(a, _) = pat {
                starts.push(a);
            }
        });
        for a in if starts.is_empty() { vec![p] } else { starts } {
            self.values(a, &mut values);
        }
        values
    }

    fn values(&self, p: PatternId, out: &mut Vec<String>) {
        let e = &*self.engine;
        match e.pattern(p) {
            Pattern::Choice(a, b) | Pattern::Interleave(a, b) => {
                self.values(a, out);
                self.values(b, out);
            }
            Pattern::Group(a, b) => {
                self.values(a, out);
                if e.nullable(a) {
                    self.values(b, out);
                }
            }
            Pattern::OneOrMore(a) | Pattern::After(a, _) => self.values(a, out),
            Pattern::Value(v) => out.push(format!("'{}'", e.grammar().values[v as usize])),
            Pattern::Data(d) | Pattern::DataExcept(d, _) => {
                out.push(datatype::describe(&e.grammar().datatypes[d as usize]))
            }
            Pattern::Text => out.push("any text".to_owned()),
            Pattern::Empty => out.push("nothing".to_owned()),
            _ => {}
        }
    }

    /// Visits the patterns that can match next in `p` (not inside elements).
    fn front(&self, p: PatternId, seen: &mut FxHashSet<PatternId>, visit: &mut dyn FnMut(&Engine, Pattern)) {
        if !seen.insert(p) {
            return;
        }
        let e = &*self.engine;
        let pat = e.pattern(p);
        visit(e, pat);
        match pat {
            Pattern::Choice(a, b) | Pattern::Interleave(a, b) => {
                self.front(a, seen, visit);
                self.front(b, seen, visit);
            }
            Pattern::Group(a, b) => {
                self.front(a, seen, visit);
                if e.nullable(a) || self.attributes_only(a) {
                    self.front(b, seen, visit);
                }
            }
            Pattern::OneOrMore(a) | Pattern::After(a, _) => self.front(a, seen, visit),
            _ => {}
        }
    }

    /// Whether `p` holds attributes but nothing that would stand in an element's content,
    /// so what follows it in a group is still at the front for content.
    fn attributes_only(&self, p: PatternId) -> bool {
        let e = &*self.engine;
        match e.pattern(p) {
            Pattern::Attribute(..) | Pattern::Empty => true,
            Pattern::Choice(a, b) | Pattern::Group(a, b) | Pattern::Interleave(a, b) => {
                self.attributes_only(a) && self.attributes_only(b)
            }
            Pattern::OneOrMore(a) => self.attributes_only(a),
            _ => false,
        }
    }
}

/// Which kind of item [`Walk::required`] and [`Walk::expected`] look for.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Leaf {
    Attribute,
    Element,
}

/// `a`, `a or b`, `a, b or c` (long lists are cut).
fn list(mut items: Vec<String>, none: &str) -> String {
    const MAX: usize = 64;
    if items.is_empty() {
        return none.to_owned();
    }
    if items.len() > MAX {
        let more = items.len() - MAX;
        items.truncate(MAX);
        items.push(format!("{more} more"));
    }
    let last = items.pop().expect("not empty");
    if items.is_empty() {
        last
    } else {
        format!("{} or {last}", items.join(", "))
    }
}

/// The value among `values` (as described: quoted values, datatypes in words) that `found`
/// looks like a slip of the keys for, quoted.
fn value_suggestion(values: &[String], found: &str) -> Option<String> {
    // The values themselves are the ones quoted; a datatype is described in words.
    let literal: Vec<&str> = values.iter().filter_map(|v| v.strip_prefix('\'')?.strip_suffix('\'')).collect();
    suggest::nearest(found.trim(), literal.iter().copied()).map(|i| format!("'{}'", literal[i]))
}

fn describe_values(mut values: Vec<String>) -> String {
    values.sort();
    values.dedup();
    match values.len() {
        0 => "no value".to_owned(),
        1 => values.pop().expect("one"),
        _ => format!("one of {}", list(values, "")),
    }
}

/// An element's name as written (with its prefix).
fn qualified<'a>(node: Node<'a>) -> &'a str {
    node.qualified_name()
}

#[cfg(all(test, feature = "domain"))]
mod tests {
    use super::Checker;

    const GUEST: &str = "<domain type='kvm'><name>a</name><memory>1024</memory><os><type>hvm</type></os></domain>";

    #[test]
    fn a_checker_past_its_limit_starts_afresh_and_still_checks() {
        let mut checker = Checker::new();
        let base = checker.engine.grammar().patterns.len();
        assert!(checker.check_str(GUEST).is_valid());
        assert!(checker.engine.arena_len() > base, "derivatives were made");
        checker.engine.set_limit(base);
        assert!(checker.check_str(GUEST).is_valid());
        assert_eq!(checker.engine.arena_len(), base, "the arena went back to the grammar");
        assert!(!checker.check_str(&GUEST.replace("1024", "x")).is_valid());
        assert!(checker.check_str(GUEST).is_valid());
    }
}
