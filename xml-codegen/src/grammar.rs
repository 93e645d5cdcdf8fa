//! libvirt's schemas simplified for checking (Relax NG section 4): refs inlined (elements
//! are where recursion goes through), `optional`/`zeroOrMore`/`mixed` rewritten, n-ary
//! patterns made binary, `notAllowed` propagated, identical patterns shared. The result is
//! written as the tables of `xml_model::check::grammar`, in its text form, into
//! `generated/grammar.rs`.

use std::collections::HashMap;
use std::fmt::Write;

use crate::facets;
use crate::rng::{self, LoadError, NameClass, PatId, Pattern as Rng, Schema};

/// A simplified pattern; the same shape as `xml_model::check::grammar::Pattern`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Node {
    Empty,
    NotAllowed,
    Text,
    Choice(u32, u32),
    Interleave(u32, u32),
    Group(u32, u32),
    OneOrMore(u32),
    Element(u32, u32),
    Attribute(u32, u32),
    Data(u32),
    DataExcept(u32, u32),
    Value(u32),
}

const EMPTY: u32 = 0;
const NOT_ALLOWED: u32 = 1;
const TEXT: u32 = 2;

/// A datatype with its facets, as written out.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Datatype {
    xsd: String,
    /// The define the datatype is the whole body of (`ipv6Addr`), which messages name
    /// rather than quote its pattern.
    define: Option<String>,
    patterns: Vec<String>,
    min_inclusive: Option<String>,
    max_inclusive: Option<String>,
    max_length: Option<u32>,
}

/// Builds the tables while walking the loaded schemas.
struct Simplifier<'s> {
    schema: &'s Schema,
    nodes: Vec<Node>,
    shared: HashMap<Node, u32>,
    /// Which node a loaded pattern became (elements are entered before their content).
    done: HashMap<PatId, u32>,
    names: Interner<NameClass>,
    datatypes: Interner<Datatype>,
    values: Interner<String>,
}

struct Interner<T> {
    items: Vec<T>,
    ids: HashMap<T, u32>,
}

impl<T: Clone + Eq + std::hash::Hash> Interner<T> {
    fn new() -> Self {
        Interner { items: Vec::new(), ids: HashMap::new() }
    }

    fn id(&mut self, item: T) -> u32 {
        if let Some(&id) = self.ids.get(&item) {
            return id;
        }
        let id = self.items.len() as u32;
        self.items.push(item.clone());
        self.ids.insert(item, id);
        id
    }
}

/// The simplified grammar of the given top-level schemas, as Rust source.
pub fn generate(dir: &std::path::Path, schemas: &[(&str, &str)], header: &str) -> Result<String, LoadError> {
    simplified(dir, schemas, |s, starts| s.emit(starts, header))
}

/// The simplified grammar of the given top-level schemas in the text form
/// `xml_model::check::grammar::Grammar::parse` reads: what a checker of a schema set found at
/// run time is built from (`xml-model check --schemas DIR`).
pub fn text(dir: &std::path::Path, schemas: &[(&str, &str)]) -> Result<String, LoadError> {
    simplified(dir, schemas, |s, starts| s.text(starts))
}

/// Loads and simplifies the schemas, then hands the tables to `out`.
fn simplified<R>(
    dir: &std::path::Path,
    schemas: &[(&str, &str)],
    out: impl FnOnce(&Simplifier<'_>, &[(&str, Vec<String>, u32)]) -> R,
) -> Result<R, LoadError> {
    let mut schema = rng::Schema::default();
    let mut tops = Vec::new();
    let mut device_defines = None;
    for (kind, file) in schemas {
        let scope = schema.load_grammar(&dir.join(file))?;
        let start = schema.scopes[scope].start.ok_or_else(|| LoadError(format!("{file}: no <start>")))?;
        tops.push((*kind, start));
        if *kind == "domain" {
            device_defines = Some(scope);
        }
    }
    // Device documents (what `virsh attach-device` takes): each element `<devices>` may hold,
    // checked by its own definition in the domain grammar, as it is inside a domain.
    let devices = match device_defines {
        Some(scope) => {
            let mut found = Vec::new();
            device_elements(&schema, schema.resolve(scope, "devices"), true, &mut Vec::new(), &mut found);
            found
        }
        None => Vec::new(),
    };
    let mut s = Simplifier {
        schema: &schema,
        nodes: Vec::new(),
        shared: HashMap::new(),
        done: HashMap::new(),
        names: Interner::new(),
        datatypes: Interner::new(),
        values: Interner::new(),
    };
    for fixed in [Node::Empty, Node::NotAllowed, Node::Text] {
        s.make(fixed);
    }
    let mut starts = Vec::new();
    for (kind, start) in tops {
        let pattern = s.pattern(start)?;
        let mut roots = Vec::new();
        s.root_names(pattern, &mut roots);
        if roots.is_empty() {
            return Err(LoadError(format!("{kind}: the start has no named root element")));
        }
        starts.push((kind, roots, pattern));
    }
    if !devices.is_empty() {
        let mut pattern = NOT_ALLOWED;
        for &element in &devices {
            let p = s.pattern(element)?;
            pattern = s.make(Node::Choice(pattern, p));
        }
        let mut roots = Vec::new();
        s.root_names(pattern, &mut roots);
        starts.push(("device", roots, pattern));
    }
    Ok(out(&s, &starts))
}

/// The elements a pattern holds directly (through groups, choices and references, not inside
/// other elements); `outer` is the pattern of `<devices>` itself, whose content is searched.
fn device_elements(
    schema: &rng::Schema,
    p: rng::PatId,
    outer: bool,
    seen: &mut Vec<rng::PatId>,
    out: &mut Vec<rng::PatId>,
) {
    if seen.contains(&p) {
        return;
    }
    seen.push(p);
    match &schema.patterns[p] {
        rng::Pattern::Element { content, .. } if outer => device_elements(schema, *content, false, seen, out),
        rng::Pattern::Element { .. } => out.push(p),
        rng::Pattern::Group(items) | rng::Pattern::Interleave(items) | rng::Pattern::Choice(items) => {
            for &i in items {
                device_elements(schema, i, outer, seen, out);
            }
        }
        rng::Pattern::Optional(i) | rng::Pattern::ZeroOrMore(i) | rng::Pattern::OneOrMore(i) => {
            device_elements(schema, *i, outer, seen, out)
        }
        rng::Pattern::Ref { scope, name } => device_elements(schema, schema.resolve(*scope, name), outer, seen, out),
        _ => {}
    }
}

impl Simplifier<'_> {
    /// The shared node for `node`, made with the spec's simplifications.
    fn make(&mut self, node: Node) -> u32 {
        let node = match node {
            Node::Choice(a, NOT_ALLOWED) | Node::Choice(NOT_ALLOWED, a) => return a,
            Node::Choice(a, b) if a == b => return a,
            Node::Group(_, NOT_ALLOWED)
            | Node::Group(NOT_ALLOWED, _)
            | Node::Interleave(_, NOT_ALLOWED)
            | Node::Interleave(NOT_ALLOWED, _)
            | Node::OneOrMore(NOT_ALLOWED)
            | Node::Attribute(_, NOT_ALLOWED) => return NOT_ALLOWED,
            Node::Group(a, EMPTY) | Node::Group(EMPTY, a) | Node::Interleave(a, EMPTY) | Node::Interleave(EMPTY, a) => {
                return a
            }
            Node::OneOrMore(EMPTY) => return EMPTY,
            n => n,
        };
        if let Some(&id) = self.shared.get(&node) {
            return id;
        }
        let id = self.nodes.len() as u32;
        self.nodes.push(node);
        self.shared.insert(node, id);
        id
    }

    /// The names of the elements a start pattern allows as the root.
    fn root_names(&self, p: u32, out: &mut Vec<String>) {
        match self.nodes[p as usize] {
            Node::Element(name, _) => {
                if let NameClass::Name { local, .. } = &self.names.items[name as usize] {
                    if !out.contains(local) {
                        out.push(local.clone());
                    }
                }
            }
            Node::Choice(a, b) => {
                self.root_names(a, out);
                self.root_names(b, out);
            }
            _ => {}
        }
    }

    fn fold(&mut self, items: &[PatId], join: fn(u32, u32) -> Node, unit: u32) -> Result<u32, LoadError> {
        let mut ids = Vec::with_capacity(items.len());
        for &i in items {
            ids.push(self.pattern(i)?);
        }
        let Some(last) = ids.pop() else { return Ok(unit) };
        Ok(ids.into_iter().rev().fold(last, |acc, id| self.make(join(id, acc))))
    }

    fn pattern(&mut self, p: PatId) -> Result<u32, LoadError> {
        if let Some(&id) = self.done.get(&p) {
            return Ok(id);
        }
        let id = match &self.schema.patterns[p] {
            Rng::Element { name, content } => {
                // Entered before its content, so recursion back to it finds it.
                let name = self.names.id(name.clone());
                let id = self.nodes.len() as u32;
                self.nodes.push(Node::Element(name, u32::MAX));
                self.done.insert(p, id);
                let content = self.pattern(*content)?;
                self.nodes[id as usize] = Node::Element(name, content);
                return Ok(id);
            }
            Rng::Attribute { name, content } => {
                let name = self.names.id(name.clone());
                let content = self.pattern(*content)?;
                self.make(Node::Attribute(name, content))
            }
            Rng::Group(items) => self.fold(items, Node::Group, EMPTY)?,
            Rng::Interleave(items) => self.fold(items, Node::Interleave, EMPTY)?,
            Rng::Choice(items) => self.fold(items, Node::Choice, NOT_ALLOWED)?,
            Rng::Optional(q) => {
                let q = self.pattern(*q)?;
                self.make(Node::Choice(q, EMPTY))
            }
            Rng::ZeroOrMore(q) => {
                let q = self.pattern(*q)?;
                let more = self.make(Node::OneOrMore(q));
                self.make(Node::Choice(more, EMPTY))
            }
            Rng::OneOrMore(q) => {
                let q = self.pattern(*q)?;
                self.make(Node::OneOrMore(q))
            }
            Rng::Mixed(q) => {
                let q = self.pattern(*q)?;
                self.make(Node::Interleave(q, TEXT))
            }
            Rng::Ref { scope, name } => self.pattern(self.schema.resolve(*scope, name))?,
            Rng::Text => TEXT,
            Rng::Empty => EMPTY,
            Rng::NotAllowed => NOT_ALLOWED,
            Rng::Data { ty, params, except } => {
                let dt = self.datatype(p, ty, params)?;
                match except {
                    Some(e) => {
                        let e = self.pattern(*e)?;
                        self.make(Node::DataExcept(dt, e))
                    }
                    None => self.make(Node::Data(dt)),
                }
            }
            Rng::Value { ty, value } => {
                if ty != "token" {
                    return Err(self.error(p, &format!("<value type='{ty}'> is not supported; libvirt uses tokens")));
                }
                let v = self.values.id(value.split_whitespace().collect::<Vec<_>>().join(" "));
                self.make(Node::Value(v))
            }
            Rng::List(_) => return Err(self.error(p, "<list> is not supported (libvirt does not use it)")),
        };
        self.done.insert(p, id);
        Ok(id)
    }

    fn datatype(&mut self, p: PatId, ty: &str, params: &[(String, String)]) -> Result<u32, LoadError> {
        if !XSD_TYPES.contains(&ty) {
            return Err(self.error(p, &format!("datatype '{ty}' is not supported")));
        }
        let mut dt = Datatype {
            xsd: ty.to_owned(),
            define: self.schema.define_of.get(&p).cloned(),
            patterns: Vec::new(),
            min_inclusive: None,
            max_inclusive: None,
            max_length: None,
        };
        for (name, value) in params {
            match name.as_str() {
                "pattern" => match facets::translate(value) {
                    Some(re) => dt.patterns.push(re),
                    None => return Err(self.error(p, &format!("pattern '{value}' cannot be checked"))),
                },
                "minInclusive" => dt.min_inclusive = Some(value.trim().to_owned()),
                "maxInclusive" => dt.max_inclusive = Some(value.trim().to_owned()),
                "maxLength" => {
                    dt.max_length = Some(value.trim().parse().map_err(|_| self.error(p, "maxLength is not a number"))?)
                }
                other => return Err(self.error(p, &format!("facet '{other}' is not supported"))),
            }
        }
        Ok(self.datatypes.id(dt))
    }

    fn error(&self, p: PatId, what: &str) -> LoadError {
        let o = &self.schema.origins[p];
        LoadError(format!("{}:{}: {what}", o.file, o.line))
    }

    /// The tables in the text form (see `xml_model::check::grammar::Grammar::parse`).
    fn text(&self, starts: &[(&str, Vec<String>, u32)]) -> String {
        let mut t = String::new();
        let _ = writeln!(t, "patterns {}", self.nodes.len());
        for (i, n) in self.nodes.iter().enumerate() {
            let _ = match *n {
                Node::Empty => writeln!(t, "{i} empty"),
                Node::NotAllowed => writeln!(t, "{i} notAllowed"),
                Node::Text => writeln!(t, "{i} text"),
                Node::Choice(a, b) => writeln!(t, "{i} choice {a} {b}"),
                Node::Interleave(a, b) => writeln!(t, "{i} interleave {a} {b}"),
                Node::Group(a, b) => writeln!(t, "{i} group {a} {b}"),
                Node::OneOrMore(a) => writeln!(t, "{i} oneOrMore {a}"),
                Node::Element(n, c) => writeln!(t, "{i} element {n} {c}"),
                Node::Attribute(n, c) => writeln!(t, "{i} attribute {n} {c}"),
                Node::Data(d) => writeln!(t, "{i} data {d}"),
                Node::DataExcept(d, e) => writeln!(t, "{i} dataExcept {d} {e}"),
                Node::Value(v) => writeln!(t, "{i} value {v}"),
            };
        }
        let _ = writeln!(t, "names {}", self.names.items.len());
        for (i, n) in self.names.items.iter().enumerate() {
            let _ = match n {
                NameClass::Name { ns, local } => writeln!(t, "{i} name {} {}", string(ns), string(local)),
                NameClass::AnyName => writeln!(t, "{i} anyName"),
            };
        }
        let _ = writeln!(t, "datatypes {}", self.datatypes.items.len());
        for (i, d) in self.datatypes.items.iter().enumerate() {
            let _ = write!(t, "{i} {}", d.xsd);
            if let Some(define) = &d.define {
                let _ = write!(t, " define {}", string(define));
            }
            if let Some(min) = &d.min_inclusive {
                let _ = write!(t, " minInclusive {}", string(min));
            }
            if let Some(max) = &d.max_inclusive {
                let _ = write!(t, " maxInclusive {}", string(max));
            }
            if let Some(len) = d.max_length {
                let _ = write!(t, " maxLength {len}");
            }
            for p in &d.patterns {
                let _ = write!(t, " pattern {}", string(p));
            }
            t.push('\n');
        }
        let _ = writeln!(t, "values {}", self.values.items.len());
        for (i, v) in self.values.items.iter().enumerate() {
            let _ = writeln!(t, "{i} {}", string(v));
        }
        let _ = writeln!(t, "starts {}", starts.len());
        for (i, (schema, roots, pattern)) in starts.iter().enumerate() {
            let _ = write!(t, "{i} {} {pattern} {}", string(schema), roots.len());
            for r in roots {
                let _ = write!(t, " {}", string(r));
            }
            t.push('\n');
        }
        t
    }

    /// The tables as Rust source: one string in the text form `Grammar::parse` reads (see
    /// `xml_model::check::grammar`), which costs rustc next to nothing, where the same tables
    /// as Rust expressions (20,000 of them) took ~700 MB of its memory.
    fn emit(&self, starts: &[(&str, Vec<String>, u32)], header: &str) -> String {
        let t = self.text(starts);
        let mut fence = "#".to_owned();
        while t.contains(&format!("\"{fence}")) {
            fence.push('#');
        }
        let mut out = String::new();
        out.push_str(header);
        out.push_str(
            "//! libvirt's schemas simplified for checking, in the text form of\n\
             //! `crate::check::grammar::Grammar::parse`: a section per table, an item per line,\n\
             //! each line starting with the item's index (the ids patterns refer to).\n\n\
             use crate::check::grammar::Grammar;\n\n\
             /// The simplified grammar of every top-level schema, read once.\n\
             pub fn grammar() -> &'static Grammar {\n    \
                 static GRAMMAR: ::std::sync::OnceLock<Grammar> = ::std::sync::OnceLock::new();\n    \
                 GRAMMAR.get_or_init(|| Grammar::parse(TEXT).expect(\"the generated grammar reads\"))\n\
             }\n\n\
             /// The tables, as `xml-codegen` wrote them.\n",
        );
        let _ = writeln!(out, "pub static TEXT: &str = r{fence}\"{t}\"{fence};");
        out
    }
}

/// A string of the text form: its length in bytes, a colon, the bytes (nothing escaped).
fn string(s: &str) -> String {
    format!("{}:{s}", s.len())
}

/// The XML Schema datatypes `xml_model::check::grammar::Xsd` has.
const XSD_TYPES: &[&str] = &[
    "string",
    "token",
    "int",
    "integer",
    "long",
    "short",
    "unsignedInt",
    "unsignedLong",
    "unsignedShort",
    "positiveInteger",
    "nonNegativeInteger",
    "double",
    "dateTime",
    "anyURI",
    "NCName",
];
