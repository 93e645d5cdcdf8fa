//! The quick pass: the tree built in one pass over the bytes, the limits checked on the way.
//! What it does not take itself it gives up on ([`Stop::Other`]), and the caller hands the
//! document to roxmltree.
//!
//! It finds the markup itself rather than taking quick-xml's events: a start tag is scanned
//! once, for its end and its attributes together, where taking an event meant scanning the
//! tag for its end and then again for its attributes. Only XML's plain forms are its own
//! (see the module `tree`); the rest, and every mistake, is roxmltree's to judge.

use rustc_hash::{FxHashMap, FxHashSet};

use super::{AttrData, DeclData, Document, NodeData, NodeType, Span, StartTag, Visit, NONE, XMLNS_NS, XML_NS};
use crate::limits::{self, Limits};
use crate::{Error, ErrorKind};

/// Why the quick pass stopped.
pub(super) enum Stop {
    /// A limit is broken: the error to give.
    Limit(Error),
    /// Something the pass leaves to roxmltree: unusual, or not well-formed.
    Other,
}

type Step<T = ()> = std::result::Result<T, Stop>;

/// [`Stop::Other`], made only when needed (`ok_or(Stop::Other)` would make and drop one for
/// every name and value read).
fn other() -> Stop {
    Stop::Other
}

/// An open element.
struct Open {
    /// Its node (none when no tree is built).
    id: u32,
    /// Its name as written, which the end tag must repeat.
    qname: Span,
    /// Where the element's namespace bindings start in `Builder::scope`.
    scope: usize,
    /// A child element has started.
    elements: bool,
}

/// What a start tag's attributes hold beyond plain names.
#[derive(Default)]
struct Found {
    prefixed: bool,
    declarations: bool,
    /// A value was unescaped or normalised.
    unescaped: bool,
}

/// The text between two tags, while it is read piece by piece.
struct Run {
    start: usize,
    end: usize,
    /// Bytes so far, as the limit counts them (references as written).
    len: usize,
    text: Span,
    /// Pieces are joined in the document's own text.
    joined: bool,
}

/// Documents longer than this have their tags counted to size the tree's vectors.
const COUNT_FROM: usize = 16 << 10;

pub(super) struct Builder<'a, 'l> {
    doc: Document<'a>,
    limits: &'l Limits,
    /// Told of each item instead of a tree being built, when set.
    visit: Option<&'l mut dyn Visit>,
    open: Vec<Open>,
    /// Namespace bindings in force: prefix (absent for the default namespace) and uri index.
    scope: Vec<(Span, u32)>,
    uri_index: FxHashMap<String, u32>,
    run: Option<Run>,
    root_closed: bool,
    /// Elements whose attributes their tags say all about keep no records of them (see
    /// `NodeData::scanned`).
    scan_attributes: bool,
    names: FxHashSet<(u32, &'a [u8])>,
}

impl<'a, 'l> Builder<'a, 'l> {
    pub(super) fn new(input: &'a str, limits: &'l Limits, visit: Option<&'l mut dyn Visit>, lean: bool) -> Self {
        let mut doc = Document::empty(input);
        doc.lean = lean;
        if visit.is_none() && input.len() > COUNT_FROM {
            // Rough sizes, as roxmltree guesses them: one node per tag, one attribute per `=`
            // (growing the attribute list by doubling costs more than the count). A small
            // document's mostly fit in the room its thread kept from the last one; a large
            // one's attributes are mostly read again from their tags, and need no room.
            let tags = memchr::memchr_iter(b'<', input.as_bytes()).count();
            doc.nodes.reserve(tags);
            if input.len() <= super::SCAN_ATTRIBUTES_FROM {
                doc.attrs.reserve(memchr::memchr_iter(b'=', input.as_bytes()).count());
            }
        }
        Builder {
            doc,
            limits,
            visit,
            // Deep enough for libvirt's documents without growing.
            open: Vec::with_capacity(16),
            scope: Vec::new(),
            uri_index: FxHashMap::default(),
            run: None,
            root_closed: false,
            scan_attributes: false,
            names: FxHashSet::default(),
        }
    }

    /// Builds a tree that keeps no records of the attributes its tags say all about.
    pub(super) fn scanning_attributes(mut self) -> Self {
        self.scan_attributes = true;
        self
    }

    pub(super) fn run(mut self) -> Step<Document<'a>> {
        let input = self.doc.input;
        if input.starts_with('\u{feff}') || has_unusual_bytes(input.as_bytes()) {
            return Err(Stop::Other);
        }
        let bytes = input.as_bytes();
        let mut at = 0;
        loop {
            // Character data up to the next markup or reference.
            let Some(next) = text_end(bytes, at)? else {
                if at < bytes.len() {
                    self.text(at, bytes.len())?;
                }
                self.flush_text(None)?;
                if !self.root_closed {
                    return Err(Stop::Other);
                }
                // A large document's vectors were sized by counting `<` and `=`, which end
                // tags and text inflate; the room not used goes back, as the tree is held
                // while the document is read.
                if self.doc.nodes.capacity() * std::mem::size_of::<NodeData>() > super::SPARE_BYTES {
                    self.doc.nodes.shrink_to_fit();
                    self.doc.attrs.shrink_to_fit();
                }
                return Ok(self.doc);
            };
            if next > at {
                self.text(at, next)?;
            }
            at = next;
            if bytes[at] == b'&' {
                let semicolon = at + 1 + memchr::memchr(b';', &bytes[at + 1..]).ok_or_else(other)?;
                self.reference(at, semicolon + 1, &bytes[at + 1..semicolon])?;
                at = semicolon + 1;
                continue;
            }
            self.flush_text(bytes.get(at + 1).copied())?;
            at = match bytes.get(at + 1).ok_or_else(other)? {
                b'/' => {
                    let close = at + 2 + memchr::memchr(b'>', &bytes[at + 2..]).ok_or_else(other)?;
                    self.end(close + 1, &bytes[at + 2..close])?;
                    close + 1
                }
                b'!' if bytes[at..].starts_with(b"<!--") => {
                    let close = at + 4 + memchr::memmem::find(&bytes[at + 4..], b"-->").ok_or_else(other)?;
                    self.comment(at, close + 3, &bytes[at + 4..close])?;
                    close + 3
                }
                b'?' => {
                    let close = at + 2 + memchr::memmem::find(&bytes[at + 2..], b"?>").ok_or_else(other)?;
                    if at != 0 || !is_plain_declaration(&input[..close + 2]) {
                        return Err(Stop::Other);
                    }
                    close + 2
                }
                // CDATA sections and document type declarations are roxmltree's.
                b'!' => return Err(Stop::Other),
                _ => self.start(at)?,
            };
        }
    }

    fn parent(&self) -> u32 {
        self.open.last().map_or(0, |o| o.id)
    }

    fn error_at(&self, offset: usize, kind: ErrorKind) -> Stop {
        Stop::Limit(limits::located(self.doc.input, offset, kind))
    }

    fn over(&self, offset: usize, what: String, limit: &'static str, value: usize) -> Stop {
        Stop::Limit(limits::over(self.doc.input, offset, what, limit, value))
    }

    /// A piece of text: the limit counts it, and it joins the text read since the last tag.
    fn add_to_run(&mut self, at: usize, end: usize, counted: usize, unescaped: Option<&str>) -> Step {
        let input = self.doc.input;
        let run = match &mut self.run {
            Some(run) => run,
            None => self.run.insert(Run { start: at, end: at, len: 0, text: Span::input(at..at), joined: false }),
        };
        run.len += counted;
        if run.len > self.limits.max_text {
            let start = run.start;
            return Err(self.over(start, "a text node".into(), "max_text", self.limits.max_text));
        }
        let first = run.end == run.start;
        run.end = end;
        match unescaped {
            None if first => run.text = Span::input(at..end),
            piece => {
                let piece = piece.unwrap_or(&input[at..end]);
                let run = self.run.as_mut().expect("just set");
                if !run.joined {
                    let so_far = self.doc.str(run.text).to_owned();
                    run.text = self.doc.own(&so_far);
                    run.joined = true;
                }
                self.doc.owned.push_str(piece);
                run.text.end = self.doc.owned.len() as u32;
            }
        }
        Ok(())
    }

    fn text(&mut self, at: usize, end: usize) -> Step {
        self.add_to_run(at, end, end - at, None)
    }

    fn reference(&mut self, at: usize, end: usize, name: &[u8]) -> Step {
        let mut buf = [0u8; 4];
        let c = resolve_reference(name).ok_or_else(other)?;
        self.add_to_run(at, end, name.len() + 2, Some(c.encode_utf8(&mut buf)))
    }

    /// Ends the text read since the last tag (`next` is the byte after the `<` that ends it):
    /// a text node, or nothing when it is blank space outside the root element, or
    /// indentation in a lean tree.
    fn flush_text(&mut self, next: Option<u8>) -> Step {
        let Some(run) = self.run.take() else { return Ok(()) };
        if self.open.is_empty() {
            let blank = !run.joined && self.doc.str(run.text).bytes().all(|b| b.is_ascii_whitespace());
            return if blank { Ok(()) } else { Err(Stop::Other) };
        }
        if let Some(visit) = &mut self.visit {
            return if visit.text(self.doc.str(run.text)) { Ok(()) } else { Err(Stop::Other) };
        }
        if self.doc.lean && self.is_indentation(&run, next) {
            return Ok(());
        }
        let data = NodeData::new(NodeType::Text, self.parent(), Span::input(run.start..run.end), run.text);
        self.doc.append(data);
        Ok(())
    }

    /// Whether text is what reading passes over: blank, with at most one line break (more
    /// are blank lines, which reading keeps), beside a child element (the one `next` starts,
    /// or one before it when `next` ends the parent). Keeping text is never wrong, so what
    /// is rare is kept: text before a comment, text with references.
    fn is_indentation(&self, run: &Run, next: Option<u8>) -> bool {
        let beside_element = match next {
            Some(b'/') => self.open.last().is_some_and(|o| o.elements),
            Some(b'!' | b'?') | None => false,
            Some(_) => true,
        };
        if !beside_element || run.joined {
            return false;
        }
        let mut line_breaks = 0;
        for &b in &self.doc.input.as_bytes()[run.start..run.end] {
            match b {
                b'\n' => line_breaks += 1,
                b' ' | b'\t' => {}
                _ => return false,
            }
        }
        line_breaks <= 1
    }

    fn comment(&mut self, at: usize, end: usize, text: &[u8]) -> Step {
        if text.windows(2).any(|w| w == b"--") || text.ends_with(b"-") {
            return Err(Stop::Other);
        }
        if self.visit.is_none() {
            let data =
                NodeData::new(NodeType::Comment, self.parent(), Span::input(at..end), Span::input(at + 4..end - 3));
            self.doc.append(data);
        }
        Ok(())
    }

    /// Reads the start tag at `at` (its `<`); gives where the tag ends.
    fn start(&mut self, at: usize) -> Step<usize> {
        if self.root_closed {
            return Err(Stop::Other);
        }
        let tag = &self.doc.input.as_bytes()[at + 1..];
        let (name_len, colon) = scan_name(tag).ok_or_else(other)?;
        let qname = at + 1..at + 1 + name_len;
        let attrs_start = self.doc.attrs.len();
        let (found, tag_len, empty) = self.attributes(at + 1 + name_len)?;
        let end = at + 1 + name_len + tag_len;
        let count = self.doc.attrs.len() - attrs_start;
        if count > self.limits.max_attributes {
            let what = format!("attributes of <{}>", &self.doc.input[qname.clone()]);
            return Err(self.over(at, what, "max_attributes", self.limits.max_attributes));
        }
        if !empty && self.open.len() as u32 >= self.limits.max_depth {
            return Err(self.error_at(at, ErrorKind::TooDeep { limit: self.limits.max_depth }));
        }

        // Namespace declarations come into force for the element's own name and attributes.
        let scope = self.scope.len();
        let decls_start = self.doc.decls.len();
        if found.declarations {
            self.take_declarations(attrs_start, scope)?;
        }
        let declares = self.doc.decls.len() > decls_start;
        let ns = match colon {
            Some(c) => self.lookup(&tag[..c]).ok_or_else(other)?,
            None if self.scope.is_empty() => NONE,
            None => self.lookup(b"").unwrap_or(NONE),
        };
        if found.prefixed {
            self.resolve_attribute_namespaces(attrs_start)?;
        }
        if self.doc.attrs.len() - attrs_start > 1 && self.has_duplicates(attrs_start) {
            return Err(Stop::Other);
        }

        let local = Span::input(colon.map_or(qname.start, |c| qname.start + c + 1)..qname.end);
        let attrs = (attrs_start as u32, self.doc.attrs.len() as u32);
        let id = match &mut self.visit {
            Some(visit) => {
                let tag = StartTag { doc: &self.doc, at: at as u32, local, ns, attrs };
                if !visit.start(tag) || (empty && !visit.end()) {
                    return Err(Stop::Other);
                }
                // Nothing refers to them once the tag is told.
                self.doc.attrs.truncate(attrs_start);
                NONE
            }
            None => {
                let mut data =
                    NodeData::new(NodeType::Element, self.parent(), Span::input(at..end), Span::input(qname.clone()));
                data.local = local.start;
                data.ns = ns;
                data.attrs = attrs.0;
                data.declares = declares;
                if self.scan_attributes
                    && attrs.1 > attrs.0
                    && !(found.prefixed || found.declarations || found.unescaped)
                {
                    self.doc.attrs.truncate(attrs_start);
                    data.scanned = true;
                }
                self.doc.append(data)
            }
        };
        if let Some(parent) = self.open.last_mut() {
            parent.elements = true;
        }
        if empty {
            self.scope.truncate(scope);
            self.root_closed = self.open.is_empty();
        } else {
            self.open.push(Open { id, qname: Span::input(qname), scope, elements: false });
        }
        Ok(end)
    }

    /// Reads the attributes of a start tag (from `base`, after the name) and its end, in XML's
    /// strict form only (space before each name, quoted values without `<`): what was found,
    /// the length from `base` past the `>`, and whether the tag was empty (`/>`).
    fn attributes(&mut self, base: usize) -> Step<(Found, usize, bool)> {
        // Offsets are of the whole input: fewer values derived from the loop's position stay
        // live (the compiler kept ten, spilled, when they were offsets of the tag).
        let input = self.doc.input;
        let bytes = input.as_bytes();
        let mut found = Found::default();
        let mut i = base;
        loop {
            let space = i;
            i = skip_space(bytes, i);
            match bytes.get(i) {
                Some(b'>') => return Ok((found, i + 1 - base, false)),
                Some(b'/') if bytes.get(i + 1) == Some(&b'>') => return Ok((found, i + 2 - base, true)),
                None => return Err(Stop::Other),
                Some(_) => {}
            }
            if i == space {
                return Err(Stop::Other);
            }
            let at = i;
            let (name_len, colon) = scan_name(&bytes[i..]).ok_or_else(other)?;
            i = skip_space(bytes, i + name_len);
            if bytes.get(i) != Some(&b'=') {
                return Err(Stop::Other);
            }
            i = skip_space(bytes, i + 1);
            let quote = *bytes.get(i).ok_or_else(other)?;
            if quote != b'"' && quote != b'\'' {
                return Err(Stop::Other);
            }
            let value_at = i + 1;
            let (value_end, plain) = scan_value(bytes, value_at, quote).ok_or_else(other)?;
            i = value_end + 1;
            found.unescaped |= !plain;
            let value = if plain {
                Span::input(value_at..value_end)
            } else {
                let text = normalize_attribute(&input[value_at..value_end]).ok_or_else(other)?;
                self.doc.own(&text)
            };
            let name = &bytes[at..at + name_len];
            found.prefixed |= colon.is_some();
            found.declarations |= name.starts_with(b"xmlns") && (name_len == 5 || colon == Some(5));
            self.doc.attrs.push(AttrData {
                qname: Span::input(at..at + name_len),
                local: colon.map_or(at, |c| at + c + 1) as u32,
                value,
                ns: NONE,
                range: Span::input(at..i),
            });
        }
    }

    /// Takes the namespace declarations out of the attributes read from `start` on and puts
    /// them into force.
    fn take_declarations(&mut self, start: usize, scope: usize) -> Step {
        let mut kept = start;
        for i in start..self.doc.attrs.len() {
            let a = &self.doc.attrs[i];
            let (qname, value, offset) = (a.qname, a.value, a.range.start);
            let prefix = match &self.doc.input[qname.start as usize..qname.end as usize] {
                "xmlns" => Span::ABSENT,
                q if q.starts_with("xmlns:") => Span { start: qname.start + 6, end: qname.end },
                _ => {
                    self.doc.attrs.swap(kept, i);
                    kept += 1;
                    continue;
                }
            };
            self.declare(prefix, value, offset, scope)?;
        }
        self.doc.attrs.truncate(kept);
        Ok(())
    }

    /// The namespaces of the prefixed attributes read from `start` on.
    fn resolve_attribute_namespaces(&mut self, start: usize) -> Step {
        let input = self.doc.input;
        for i in start..self.doc.attrs.len() {
            let a = &self.doc.attrs[i];
            if a.local == a.qname.start {
                continue;
            }
            let ns = match &input[a.qname.start as usize..a.local as usize - 1] {
                "xml" => 0,
                prefix => self.lookup(prefix.as_bytes()).ok_or_else(other)?,
            };
            self.doc.attrs[i].ns = ns;
        }
        Ok(())
    }

    /// Whether two of the attributes read from `start` on have one expanded name: a set when
    /// there are many, so that hostile input stays linear.
    fn has_duplicates(&mut self, start: usize) -> bool {
        let input = self.doc.input.as_bytes();
        let attrs = &self.doc.attrs[start..];
        let local = |a: &AttrData| &input[a.local as usize..a.qname.end as usize];
        if attrs.len() <= 16 {
            // Names differ mostly in length or first letter: told apart without a call.
            let first = |a: &AttrData| input[a.local as usize];
            let same = |a: &AttrData, b: &AttrData| {
                a.qname.end - a.local == b.qname.end - b.local
                    && first(a) == first(b)
                    && a.ns == b.ns
                    && local(a) == local(b)
            };
            return attrs.iter().enumerate().any(|(i, a)| attrs[..i].iter().any(|b| same(a, b)));
        }
        self.names.clear();
        !attrs.iter().all(|a| self.names.insert((a.ns, local(a))))
    }

    /// Puts a namespace declaration of the element being started into force.
    fn declare(&mut self, prefix: Span, uri: Span, offset: u32, scope: usize) -> Step {
        let uri_text = self.doc.str(uri).to_owned();
        let prefix_text = self.doc.opt_str(prefix).map(str::to_owned);
        // The edge cases of the namespaces recommendation are roxmltree's to judge.
        let reserved = matches!(prefix_text.as_deref(), Some("xml" | "xmlns"));
        if reserved || uri_text == XML_NS || uri_text == XMLNS_NS || uri_text.is_empty() {
            return Err(Stop::Other);
        }
        let doc = &self.doc;
        let same_prefix = |(p, _): &(Span, u32)| doc.opt_str(*p) == prefix_text.as_deref();
        // Many declarations on one element are roxmltree's too (its check is quadratic).
        if self.scope.len() - scope > 32 || self.scope[scope..].iter().any(same_prefix) {
            return Err(Stop::Other);
        }
        let index = match self.uri_index.get(&uri_text) {
            Some(i) => *i,
            None => {
                let i = self.doc.uris.len() as u32;
                self.doc.uris.push(uri);
                self.uri_index.insert(uri_text, i);
                i
            }
        };
        self.scope.push((prefix, index));
        // Every declaration as written, one that repeats a binding in force too (vdsm's
        // `<ovirt-vm:vm xmlns:ovirt-vm=..>` inside a root that declares it): kept, it is
        // written back.
        // The element's node is the next one (its declarations come before it).
        let node = self.doc.nodes.len() as u32;
        self.doc.decls.push(DeclData { node, prefix, uri, offset });
        Ok(())
    }

    /// The namespace bound to a prefix (empty: the default namespace).
    fn lookup(&self, prefix: &[u8]) -> Option<u32> {
        let input = self.doc.input.as_bytes();
        self.scope.iter().rev().find_map(|(p, i)| {
            let bound: &[u8] = if p.start == NONE { b"" } else { &input[p.start as usize..p.end as usize] };
            (bound == prefix).then_some(*i)
        })
    }

    fn end(&mut self, end: usize, tag: &[u8]) -> Step {
        let open = self.open.pop().ok_or_else(other)?;
        let name = &self.doc.input.as_bytes()[open.qname.start as usize..open.qname.end as usize];
        let written = tag.strip_suffix(b" ").unwrap_or(tag);
        if written != name {
            return Err(Stop::Other);
        }
        match &mut self.visit {
            Some(visit) => {
                if !visit.end() {
                    return Err(Stop::Other);
                }
            }
            None => self.doc.nodes[open.id as usize].range.end = end as u32,
        }
        self.scope.truncate(open.scope);
        self.root_closed = self.open.is_empty();
        Ok(())
    }
}

/// Where the character data from `at` on ends: the next markup or reference (`None` at the
/// end of the input). Character data may not hold `]]>`: that is roxmltree's to judge.
fn text_end(bytes: &[u8], at: usize) -> Step<Option<usize>> {
    let mut from = at;
    loop {
        let Some(i) = memchr::memchr3(b'<', b'&', b']', &bytes[from..]).map(|i| from + i) else { return Ok(None) };
        if bytes[i] != b']' {
            return Ok(Some(i));
        }
        if bytes[i..].starts_with(b"]]>") {
            return Err(Stop::Other);
        }
        from = i + 1;
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Where the white space from `i` on ends.
fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|&b| is_space(b)) {
        i += 1;
    }
    i
}

/// Where an attribute's value that starts at `i` ends (its closing `quote`), and whether the
/// value as written is its value: no references, `<`, tabs or line breaks. One pass over
/// bytes looked up in a table: values are short, where finding the quote and then scanning
/// for the rest cost two calls' setting up.
fn scan_value(bytes: &[u8], mut i: usize, quote: u8) -> Option<(usize, bool)> {
    let mut plain = true;
    loop {
        while bytes.get(i).is_some_and(|&b| !VALUE_STOP[b as usize]) {
            i += 1;
        }
        match *bytes.get(i)? {
            b if b == quote => return Some((i, plain)),
            b'"' | b'\'' => {}
            _ => plain = false,
        }
        i += 1;
    }
}

/// The bytes [`scan_value`] stops at.
static VALUE_STOP: [bool; 256] = {
    let mut table = [false; 256];
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'\t' as usize] = true;
    table[b'\n' as usize] = true;
    table
};

/// The length of the ASCII qualified name `bytes` starts with, and where its colon is;
/// `None` for a name this pass leaves to roxmltree.
fn scan_name(bytes: &[u8]) -> Option<(usize, Option<usize>)> {
    let len = bytes.iter().position(|b| NAME[*b as usize] == 0).unwrap_or(bytes.len());
    let colon = bytes[..len].iter().position(|&b| b == b':');
    if colon.is_some_and(|c| bytes[c + 1..len].contains(&b':')) {
        return None;
    }
    let starts = |i: usize| bytes.get(i).is_some_and(|b| NAME[*b as usize] == 2);
    (starts(0) && colon.map_or(true, |c| starts(c + 1))).then_some((len, colon))
}

/// ASCII name characters: 2 those a name may start with, 1 the others, 3 the colon.
static NAME: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphabetic() || c == b'_' {
            2
        } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
            1
        } else if c == b':' {
            3
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Bytes this pass leaves to roxmltree wherever they are: control characters (a carriage
/// return among them, which XML turns into a line feed) and the non-characters U+FFFE, U+FFFF.
fn has_unusual_bytes(bytes: &[u8]) -> bool {
    // Without branches in a block, so that the compiler vectorises the scan.
    let control = |block: &[u8]| block.iter().fold(false, |seen, &b| seen | ((b < 0x20) & (b != b'\t') & (b != b'\n')));
    bytes.chunks(256).any(control)
        || memchr::memchr_iter(0xEF, bytes)
            .any(|i| bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)))
}

/// `<?xml version="1.0"?>`, with an encoding and standalone if any, in XML's order.
fn is_plain_declaration(decl: &str) -> bool {
    let Some(body) = decl.strip_prefix("<?xml").and_then(|d| d.strip_suffix("?>")) else { return false };
    let mut rest = body;
    let mut pseudo = |name: &str, ok: &dyn Fn(&str) -> bool| -> Option<bool> {
        let trimmed = rest.trim_start_matches([' ', '\t', '\n']);
        if trimmed.len() == rest.len() {
            return Some(false);
        }
        let Some(after) = trimmed.strip_prefix(name) else { return Some(false) };
        let after = after.trim_start_matches([' ', '\t', '\n']).strip_prefix('=')?;
        let after = after.trim_start_matches([' ', '\t', '\n']);
        let quote = after.chars().next().filter(|q| *q == '"' || *q == '\'')?;
        let close = after[1..].find(quote)?;
        if !ok(&after[1..1 + close]) {
            return None;
        }
        rest = &after[close + 2..];
        Some(true)
    };
    let encoding = |e: &str| {
        e.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && e.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    };
    if pseudo("version", &|v| v == "1.0") != Some(true) {
        return false;
    }
    if pseudo("encoding", &encoding).is_none() || pseudo("standalone", &|s| s == "yes" || s == "no").is_none() {
        return false;
    }
    rest.trim_start_matches([' ', '\t', '\n']).is_empty()
}

/// The character a reference stands for: the five predefined entities and character
/// references (`&#10;`, `&#x41;`) to characters XML allows.
fn resolve_reference(name: &[u8]) -> Option<char> {
    let c = match name {
        b"lt" => '<',
        b"gt" => '>',
        b"amp" => '&',
        b"apos" => '\'',
        b"quot" => '"',
        [b'#', b'x', hex @ ..] if !hex.is_empty() && hex.iter().all(u8::is_ascii_hexdigit) => {
            char::from_u32(u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?)?
        }
        [b'#', dec @ ..] if !dec.is_empty() && dec.iter().all(u8::is_ascii_digit) => {
            char::from_u32(std::str::from_utf8(dec).ok()?.parse().ok()?)?
        }
        _ => return None,
    };
    let xml_char = matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    xml_char.then_some(c)
}

/// An attribute value as XML reads it: references resolved, each tab and line break a
/// space. `None` for a value this pass leaves to roxmltree.
fn normalize_attribute(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find(['&', '\t', '\n', '<']) {
        out.push_str(&rest[..i]);
        match rest.as_bytes()[i] {
            b'&' => {
                let len = rest[i + 1..].find(';')?;
                out.push(resolve_reference(&rest.as_bytes()[i + 1..i + 1 + len])?);
                rest = &rest[i + 2 + len..];
            }
            b'<' => return None,
            _ => {
                out.push(' ');
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    Some(out)
}
