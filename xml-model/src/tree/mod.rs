//! The parsed document that reading and checking walk: elements, attributes, text, comments
//! and processing instructions, with their places in the text for error positions.
//!
//! The tree is built in one pass over the bytes, checking the limits (depth, attributes per
//! element, text length) as it goes, so a document is scanned once. The pass
//! takes the documents libvirt and people write: ASCII names, the five predefined entities and
//! character references, namespaces, comments, an XML declaration. Anything else (a DTD and
//! its entities, CDATA sections, processing instructions, carriage returns, non-ASCII names,
//! and every document that is not well-formed) is handed to roxmltree, whose tree is copied:
//! such documents read, and fail, exactly as they did when roxmltree built every tree.
//! `tests/tree_equality.rs` holds the two ways to the same tree, node for node.
//!
//! Typed reading asks for a lean tree (`Document::parse_lean`): the same pass, leaving out
//! the indentation between elements, which reading passes over (unknown content kept whole
//! takes it from the input); a read that fails is done again on the whole tree, for its
//! errors (see `Document::parse_with` in the crate root).

use std::ops::Range;
use std::sync::Mutex;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::limits::Limits;
use crate::{Error, ErrorKind, Result};

mod copy;
mod quick;

use quick::{Builder, Stop};

/// No node, attribute or namespace.
const NONE: u32 = u32::MAX;
/// A [`Span`] start with this bit is in the document's own text (unescaped), not the input.
const OWNED: u32 = 1 << 31;
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";

/// What a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeType {
    /// The document itself: the parent of the root element.
    Root,
    /// An element.
    Element,
    /// Character data.
    Text,
    /// A comment.
    Comment,
    /// A processing instruction.
    PI,
}

/// A piece of text: a range of the input, or of the document's own text when it had to be
/// unescaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    const ABSENT: Span = Span { start: NONE, end: NONE };

    fn input(range: Range<usize>) -> Span {
        Span { start: range.start as u32, end: range.end as u32 }
    }
}

/// A node. Nodes are kept in document order, which lets a node leave out what that order
/// already says (its first child is the node after it, its attributes run to the next
/// node's): a large document's tree is held while it is read, and its size is the most of
/// the memory `fmt` needs beyond the typed values.
#[derive(Debug)]
struct NodeData {
    kind: NodeType,
    /// An element declares namespaces: they are in `Document::decls` under its id.
    declares: bool,
    /// An element's attributes are read again from its start tag when asked for, having no
    /// records in `Document::attrs`: none of them has a prefix, declares a namespace or
    /// needed unescaping, so the tag as written says all a record would. Only in large
    /// documents (see [`SCAN_ATTRIBUTES_FROM`]).
    scanned: bool,
    parent: u32,
    next: u32,
    /// From the `<` of a start tag to the `>` of its end tag; a text's first piece.
    range: Span,
    /// An element's qualified name as written; a text's or comment's text; a PI's target.
    text: Span,
    /// Where an element's local name starts in its qualified name (`text`), with the span
    /// flag `OWNED` as `text` has it; the local name ends where `text` does.
    local: u32,
    /// An element's namespace, an index of `Document::uris`.
    ns: u32,
    /// An element's first attribute in `Document::attrs`; its attributes run to the next
    /// node's first (the attributes of a tag are added before its node).
    attrs: u32,
}

impl NodeData {
    fn new(kind: NodeType, parent: u32, range: Span, text: Span) -> Self {
        NodeData {
            kind,
            declares: false,
            scanned: false,
            parent,
            next: NONE,
            range,
            text,
            local: NONE,
            ns: NONE,
            attrs: 0,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct AttrData {
    qname: Span,
    /// Where the local name starts in `qname` (as [`NodeData::local`]).
    local: u32,
    value: Span,
    ns: u32,
    /// From the name to the closing quote.
    range: Span,
}

impl AttrData {
    fn local(&self) -> Span {
        Span { start: self.local, end: self.qname.end }
    }
}

/// A namespace declaration (`xmlns:p='..'`) of an element that its parent's scope did not
/// already have.
#[derive(Debug)]
struct DeclData {
    /// The element that declares it.
    node: u32,
    /// Absent for the default namespace (`xmlns='..'`).
    prefix: Span,
    uri: Span,
    /// Where the declaration stands in the start tag.
    offset: u32,
}

/// A parsed document.
pub struct Document<'a> {
    input: &'a str,
    nodes: Vec<NodeData>,
    attrs: Vec<AttrData>,
    decls: Vec<DeclData>,
    /// Namespace names, each once (so equal names are equal indices); 0 is `xml:`'s.
    uris: Vec<Span>,
    /// The values of the processing instructions that have one, by node.
    pi_values: Vec<(u32, Span)>,
    /// Text that is not a slice of the input: unescaped values, and everything of a tree
    /// copied from roxmltree.
    owned: String,
    /// The tree was copied from roxmltree's.
    copied: bool,
    /// Indentation was left out (see [`Document::parse_lean`]).
    lean: bool,
    /// The last place asked for by [`Document::text_pos_at`] and its line and column: the
    /// checker asks for places in document order, one per problem, and counting from the last
    /// one keeps a line of 200,000 bad attributes linear. Behind a mutex, taken only to
    /// report a problem, so that a document can be shared between threads as roxmltree's
    /// could.
    last_pos: Mutex<(usize, TextPos)>,
    /// Where each element stands among its siblings of the same name (from 1) and how many
    /// there are, for paths (`disk[2]`): worked out for all children of a parent at once,
    /// the first time a path goes through one of them, so 100,000 bad siblings cost
    /// 100,000 steps, not 100,000 each. Behind a mutex as `last_pos` is.
    namesakes: Mutex<Namesakes>,
    /// The text's layout, worked out once for all that reads the document.
    style: std::sync::OnceLock<crate::write::TextStyle>,
}

/// A document's vectors, emptied, for the next document this thread parses: reading many
/// small documents then allocates and frees no node storage per document.
#[derive(Default)]
struct Buffers {
    nodes: Vec<NodeData>,
    attrs: Vec<AttrData>,
    decls: Vec<DeclData>,
    uris: Vec<Span>,
    pi_values: Vec<(u32, Span)>,
    owned: String,
}

/// Documents longer than this keep no records of the attributes their tags say all about
/// (`NodeData::scanned`): the records are more than half of a tree, which is held beside the
/// typed values while a document is read. Reading each tag again costs reading some 15%
/// more instructions, which a small document's tree is not worth.
const SCAN_ATTRIBUTES_FROM: usize = 1 << 20;

/// Storage kept for the next document up to this size (a few hundred elements); a large
/// document's is freed, so a thread holds little once it is done reading.
const SPARE_BYTES: usize = 64 << 10;

thread_local! {
    static SPARE: std::cell::Cell<Option<Buffers>> = const { std::cell::Cell::new(None) };
}

impl Drop for Document<'_> {
    fn drop(&mut self) {
        let bytes = self.nodes.capacity() * std::mem::size_of::<NodeData>()
            + self.attrs.capacity() * std::mem::size_of::<AttrData>()
            + self.owned.capacity();
        if bytes > SPARE_BYTES {
            return;
        }
        let mut spare = Buffers {
            nodes: std::mem::take(&mut self.nodes),
            attrs: std::mem::take(&mut self.attrs),
            decls: std::mem::take(&mut self.decls),
            uris: std::mem::take(&mut self.uris),
            pi_values: std::mem::take(&mut self.pi_values),
            owned: std::mem::take(&mut self.owned),
        };
        spare.nodes.clear();
        spare.attrs.clear();
        spare.decls.clear();
        spare.uris.clear();
        spare.pi_values.clear();
        spare.owned.clear();
        // A thread that is ending has no more documents to parse.
        let _ = SPARE.try_with(|cell| cell.set(Some(spare)));
    }
}

#[derive(Default)]
struct Namesakes {
    parents: FxHashSet<u32>,
    places: FxHashMap<u32, (u32, u32)>,
}

impl std::fmt::Debug for Document<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document").field("nodes", &self.nodes.len()).finish()
    }
}

/// The error for a document that ends before its root element does (a file cut short, an
/// end tag left out): at its end, with the path of the elements still open and where the
/// innermost one was opened.
fn cut_short(input: &str) -> Error {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(input);
    reader.config_mut().check_end_names = false;
    let mut open: Vec<(String, usize)> = Vec::new();
    loop {
        let at = reader.buffer_position() as usize;
        match reader.read_event() {
            Ok(Event::Start(e)) => open.push((String::from_utf8_lossy(e.name().as_ref()).into_owned(), at)),
            Ok(Event::End(_)) => drop(open.pop()),
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    let end = text_pos_at(input, input.len());
    let message = match open.last() {
        Some((name, at)) => {
            let opened = text_pos_at(input, *at);
            format!(
                "the document ends inside <{name}> (opened at {}:{}): it is cut short, or its end tag is missing",
                opened.row, opened.col
            )
        }
        None => "the document ends before its root element does: it is cut short".to_owned(),
    };
    let path: String = open.iter().map(|(name, _)| format!("/{name}")).collect();
    Error::at(path, end.row, end.col, ErrorKind::NotWellFormed(message))
}

impl<'a> Document<'a> {
    /// Parses `input`, refusing what breaks `limits` and what is not well-formed XML. A DTD
    /// (and the entities it declares) is allowed only with `allow_dtd`.
    pub fn parse(input: &'a str, allow_dtd: bool, limits: &Limits) -> Result<Document<'a>> {
        Self::parse_quick(input, allow_dtd, limits, false, input.len() > SCAN_ATTRIBUTES_FROM)
    }

    /// Parses `input` as [`Document::parse`] does, leaving out the text nodes that reading
    /// passes over: blank text with at most one line break beside child elements (the
    /// indentation of most documents, near half their nodes). Such a tree is for typed
    /// reading only, which takes what it keeps whole (unknown elements) from the input
    /// between the nodes ([`Document::is_lean`]); a document the quick pass leaves to
    /// roxmltree comes back whole.
    pub(crate) fn parse_lean(input: &'a str, limits: &Limits) -> Result<Document<'a>> {
        Self::parse_quick(input, false, limits, true, input.len() > SCAN_ATTRIBUTES_FROM)
    }

    /// Parses `input` as [`Document::parse`] parses a large document, whatever its size: its
    /// attributes read again from their tags when they say all about them. For the tests that
    /// hold such trees to the others.
    #[doc(hidden)]
    pub fn parse_scanning_attributes(input: &'a str, allow_dtd: bool, limits: &Limits) -> Result<Document<'a>> {
        Self::parse_quick(input, allow_dtd, limits, false, true)
    }

    /// `scan`: read attributes again from their tags (see `NodeData::scanned`).
    fn parse_quick(input: &'a str, allow_dtd: bool, limits: &Limits, lean: bool, scan: bool) -> Result<Document<'a>> {
        within_offsets(limits).check_size(input)?;
        let builder = Builder::new(input, limits, None, lean);
        let builder = if scan { builder.scanning_attributes() } else { builder };
        match builder.run() {
            Ok(doc) => Ok(doc),
            Err(Stop::Limit(e)) => Err(e),
            Err(Stop::Other) => Self::parse_with_roxmltree(input, allow_dtd, limits),
        }
    }

    /// Whether indentation was left out of this tree ([`Document::parse_lean`]).
    pub(crate) fn is_lean(&self) -> bool {
        self.lean
    }

    /// Walks `input` without building a tree, telling `visit` of each element and text in
    /// document order (comments are passed over). Gives whether the walk reached the end of a
    /// well-formed document within `limits`: `false` when `visit` stopped it, and for every
    /// document the quick pass leaves to roxmltree (see the module's documentation), which
    /// the caller then parses into a tree.
    pub(crate) fn visit(input: &str, limits: &Limits, visit: &mut dyn Visit) -> bool {
        within_offsets(limits).check_size(input).is_ok()
            && Builder::new(input, limits, Some(visit), false).run().is_ok()
    }

    /// Parses `input` the way every document was parsed before this tree had a parser of its
    /// own: the limits scan, then roxmltree, whose tree is copied. What [`Document::parse`]
    /// does with documents its own pass does not take; public for the tests that hold the
    /// two to the same result.
    #[doc(hidden)]
    pub fn parse_with_roxmltree(input: &'a str, allow_dtd: bool, limits: &Limits) -> Result<Document<'a>> {
        limits.check(input)?;
        let opts = roxmltree::ParsingOptions { allow_dtd, ..Default::default() };
        let doc = roxmltree::Document::parse_with_options(input, opts).map_err(|e| match e {
            // roxmltree places these at 1:1: the place to show is the end, inside what is open.
            roxmltree::Error::UnclosedRootNode | roxmltree::Error::UnexpectedEndOfStream => cut_short(input),
            e => {
                let pos = e.pos();
                Error::at("", pos.row, pos.col, ErrorKind::NotWellFormed(e.to_string()))
            }
        })?;
        Ok(copy::from_roxmltree(&doc))
    }

    /// Whether roxmltree parsed the document (see the module's documentation).
    #[doc(hidden)]
    pub fn is_copied(&self) -> bool {
        self.copied
    }

    /// The input text.
    pub fn input_text(&self) -> &'a str {
        self.input
    }

    /// How the input is laid out ([`TextStyle::of`](crate::write::TextStyle::of)).
    pub(crate) fn style(&self) -> crate::write::TextStyle {
        *self.style.get_or_init(|| crate::write::TextStyle::of(self.input))
    }

    /// The document node.
    pub fn root(&self) -> Node<'_> {
        self.node(0)
    }

    /// The root element.
    pub fn root_element(&self) -> Node<'_> {
        self.root().children().find(Node::is_element).expect("a parsed document has a root element")
    }

    /// Line and column (in characters, from 1) of a byte offset of the input.
    pub fn text_pos_at(&self, offset: usize) -> TextPos {
        let offset = char_boundary(self.input, offset);
        let mut last_pos = self.last_pos.lock().unwrap_or_else(|e| e.into_inner());
        let (last, pos) = *last_pos;
        let pos =
            if offset >= last { advance(&self.input[last..offset], pos) } else { text_pos_at(self.input, offset) };
        *last_pos = (offset, pos);
        pos
    }

    /// A start tag's text from its `<` to the end of its last attribute (`<disk type='file'`),
    /// when that text alone says what the tag holds, so that a checker may remember tags by
    /// their text: the tree is the quick pass's (a document type, which roxmltree's tree may
    /// have followed, could give the same text other values), and no attribute has a
    /// namespace (its prefix means what the scope binds it to).
    fn tag_text<'s>(&self, at: u32, name_end: u32, attrs: impl Iterator<Item = Attribute<'s>>) -> Option<&str> {
        if self.copied {
            return None;
        }
        let mut end = name_end;
        for a in attrs {
            if a.d.ns != NONE {
                return None;
            }
            end = end.max(a.d.range.end);
        }
        Some(&self.input[at as usize..end as usize])
    }

    fn node(&self, id: u32) -> Node<'_> {
        Node { doc: self, d: &self.nodes[id as usize] }
    }

    fn str(&self, s: Span) -> &str {
        if s.start & OWNED != 0 {
            &self.owned[(s.start & !OWNED) as usize..s.end as usize]
        } else {
            &self.input[s.start as usize..s.end as usize]
        }
    }

    /// The bytes of a span: comparing them needs no check of character boundaries.
    fn bytes(&self, s: Span) -> &[u8] {
        if s.start & OWNED != 0 {
            &self.owned.as_bytes()[(s.start & !OWNED) as usize..s.end as usize]
        } else {
            &self.input.as_bytes()[s.start as usize..s.end as usize]
        }
    }

    fn opt_str(&self, s: Span) -> Option<&str> {
        (s.start != NONE).then(|| self.str(s))
    }

    fn uri(&self, index: u32) -> Option<&str> {
        (index != NONE).then(|| self.str(self.uris[index as usize]))
    }

    /// Keeps `text` in the document's own text.
    fn own(&mut self, text: &str) -> Span {
        let start = self.owned.len();
        self.owned.push_str(text);
        Span { start: start as u32 | OWNED, end: self.owned.len() as u32 }
    }

    fn empty(input: &'a str) -> Self {
        let Buffers { nodes, attrs, decls, uris, pi_values, owned } =
            SPARE.try_with(|c| c.take()).ok().flatten().unwrap_or_default();
        let mut doc = Document {
            input,
            nodes,
            attrs,
            decls,
            uris,
            pi_values,
            owned,
            copied: false,
            lean: false,
            last_pos: Mutex::new((0, TextPos { row: 1, col: 1 })),
            namesakes: Default::default(),
            style: std::sync::OnceLock::new(),
        };
        let xml = doc.own(XML_NS);
        doc.uris.push(xml);
        doc.nodes.push(NodeData::new(NodeType::Root, NONE, Span::input(0..input.len()), Span::ABSENT));
        doc
    }

    /// Adds a node as the last child of its parent. The node before it in document order is
    /// its previous sibling, or inside it: going up from there to the parent's child finds
    /// the sibling, passing only elements that are now closed, each at most once in a
    /// document, so building stays linear.
    fn append(&mut self, mut data: NodeData) -> u32 {
        let id = self.nodes.len() as u32;
        if data.kind != NodeType::Element {
            // No attributes: its range ends where it starts.
            data.attrs = self.attrs.len() as u32;
        }
        let parent = data.parent;
        let mut at = id - 1;
        if at != parent {
            while self.nodes[at as usize].parent != parent {
                at = self.nodes[at as usize].parent;
            }
            self.nodes[at as usize].next = id;
        }
        self.nodes.push(data);
        id
    }

    /// The attributes of node `id`, as indices of `attrs`.
    fn attr_range(&self, id: u32) -> Range<usize> {
        let start = self.nodes[id as usize].attrs as usize;
        start..self.nodes.get(id as usize + 1).map_or(self.attrs.len(), |n| n.attrs as usize)
    }
}

/// `limits` with a document size no larger than offsets can hold: they are kept in 31 bits,
/// the most any document may have, whatever the limits.
fn within_offsets(limits: &Limits) -> Limits {
    Limits { max_bytes: limits.max_bytes.min(OWNED as usize - 1), ..*limits }
}

/// What a walk without a tree ([`Document::visit`]) is told; each method gives whether to go
/// on.
pub(crate) trait Visit {
    /// The start tag of an element.
    fn start(&mut self, tag: StartTag<'_>) -> bool;
    /// The text between two tags (a comment between two pieces makes two).
    fn text(&mut self, text: &str) -> bool;
    /// The end of the element last started and not yet ended.
    fn end(&mut self) -> bool;
}

/// An element's start tag, as [`Visit::start`] is told of it.
pub(crate) struct StartTag<'d> {
    doc: &'d Document<'d>,
    /// Where its `<` is.
    at: u32,
    local: Span,
    ns: u32,
    attrs: (u32, u32),
}

impl<'d> StartTag<'d> {
    /// The local name.
    pub(crate) fn name(&self) -> &'d str {
        self.doc.str(self.local)
    }

    /// The namespace name, if any.
    pub(crate) fn namespace(&self) -> Option<&'d str> {
        self.doc.uri(self.ns)
    }

    /// The attributes, namespace declarations left out.
    pub(crate) fn attributes(&self) -> impl Iterator<Item = Attribute<'d>> + 'd {
        // A tag being told always has its records (see `NodeData::scanned`).
        let doc = self.doc;
        doc.attrs[self.attrs.0 as usize..self.attrs.1 as usize].iter().map(move |&d| Attribute { doc, d })
    }

    /// See [`Document::tag_text`].
    pub(crate) fn text(&self) -> Option<&'d str> {
        self.doc.tag_text(self.at, self.local.end, self.attributes())
    }
}

/// A line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextPos {
    /// The line, from 1.
    pub row: u32,
    /// The column in characters, from 1.
    pub col: u32,
}

pub(crate) fn text_pos_at(input: &str, offset: usize) -> TextPos {
    advance(&input[..char_boundary(input, offset)], TextPos { row: 1, col: 1 })
}

/// The offset, or the start of the character it falls in.
fn char_boundary(input: &str, offset: usize) -> usize {
    let mut offset = offset.min(input.len());
    while !input.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The place after `text`, which starts at `from`.
fn advance(text: &str, from: TextPos) -> TextPos {
    match text.rfind('\n') {
        None => TextPos { row: from.row, col: from.col + text.chars().count() as u32 },
        Some(last) => {
            let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count() as u32;
            TextPos { row: from.row + lines, col: text[last + 1..].chars().count() as u32 + 1 }
        }
    }
}

/// A node of a [`Document`].
///
/// Two pointers and no more: a value of 16 bytes is passed in registers. One of 24 went
/// through the stack on each of the millions of calls that take a node, written as narrow
/// stores and read back by one wide load, which the processor cannot forward from them (a
/// stall). The node's index is where `d` stands in the document's nodes.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    doc: &'a Document<'a>,
    d: &'a NodeData,
}

impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.d, other.d)
    }
}

impl std::fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.d.kind {
            NodeType::Element => write!(f, "Element {{ {} }}", self.qualified_name()),
            kind => write!(f, "{kind:?} {{ {:?} }}", self.text()),
        }
    }
}

/// An element's or attribute's name: its namespace and local name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExpandedName<'a> {
    namespace: Option<&'a str>,
    name: &'a str,
}

impl<'a> ExpandedName<'a> {
    /// The namespace name, if any.
    pub fn namespace(&self) -> Option<&'a str> {
        self.namespace
    }

    /// The local name.
    pub fn name(&self) -> &'a str {
        self.name
    }
}

/// A name as bytes, fetched once and compared with each name a type knows: what reading
/// asks of every attribute and child.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NameBytes<'a> {
    local: &'a [u8],
    namespace: Option<&'a [u8]>,
}

impl<'a> NameBytes<'a> {
    /// Whether the name is `local` of no namespace.
    #[inline]
    pub fn is(&self, local: &str) -> bool {
        self.namespace.is_none() && self.local == local.as_bytes()
    }

    /// The local name, when the name has no namespace.
    #[inline]
    pub fn plain(&self) -> Option<&'a [u8]> {
        self.namespace.is_none().then_some(self.local)
    }

    /// Whether the name is `local` of namespace `namespace`.
    #[inline]
    pub fn is_ns(&self, local: &str, namespace: &str) -> bool {
        self.local == local.as_bytes() && self.namespace == Some(namespace.as_bytes())
    }
}

/// A processing instruction's target and value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PI<'a> {
    /// The target.
    pub target: &'a str,
    /// What follows the target, if anything.
    pub value: Option<&'a str>,
}

impl<'a> Node<'a> {
    /// The node's index in the document's nodes.
    #[inline]
    fn id(&self) -> u32 {
        let offset = self.d as *const NodeData as usize - self.doc.nodes.as_ptr() as usize;
        (offset / std::mem::size_of::<NodeData>()) as u32
    }

    /// What the node is.
    pub fn node_type(&self) -> NodeType {
        self.d.kind
    }

    /// Whether the node is the document itself.
    pub fn is_root(&self) -> bool {
        self.d.kind == NodeType::Root
    }

    /// Whether the node is an element.
    pub fn is_element(&self) -> bool {
        self.d.kind == NodeType::Element
    }

    /// Whether the node is text.
    pub fn is_text(&self) -> bool {
        self.d.kind == NodeType::Text
    }

    /// Whether the node is a comment.
    pub fn is_comment(&self) -> bool {
        self.d.kind == NodeType::Comment
    }

    /// Whether the node is a processing instruction.
    pub fn is_pi(&self) -> bool {
        self.d.kind == NodeType::PI
    }

    /// The document the node is in.
    pub fn document(&self) -> &'a Document<'a> {
        self.doc
    }

    /// An element's namespace and local name (empty for other nodes).
    pub fn tag_name(&self) -> ExpandedName<'a> {
        match self.d.kind {
            NodeType::Element => ExpandedName { namespace: self.doc.uri(self.d.ns), name: self.doc.str(self.local()) },
            _ => ExpandedName { namespace: None, name: "" },
        }
    }

    /// Whether the node is an element of namespace `namespace` (or none) named `local`.
    pub fn has_name(&self, namespace: Option<&str>, local: &str) -> bool {
        let name = self.name_bytes();
        self.is_element()
            && match namespace {
                None => name.is(local),
                Some(ns) => name.is_ns(local, ns),
            }
    }

    /// Where an element stands among its parent's child elements of the same name (from 1),
    /// and how many of them there are.
    pub fn place_among_namesakes(&self) -> (usize, usize) {
        let mut memo = self.doc.namesakes.lock().unwrap_or_else(|e| e.into_inner());
        let Namesakes { parents, places } = &mut *memo;
        if parents.insert(self.d.parent) {
            let siblings = || self.doc.node(self.d.parent).children().filter(Node::is_element);
            let mut counts: FxHashMap<NameBytes<'_>, u32> = FxHashMap::default();
            for c in siblings() {
                *counts.entry(c.name_bytes()).or_default() += 1;
            }
            let mut seen: FxHashMap<NameBytes<'_>, u32> = FxHashMap::default();
            for c in siblings() {
                let place = seen.entry(c.name_bytes()).or_default();
                *place += 1;
                places.insert(c.id(), (*place, counts[&c.name_bytes()]));
            }
        }
        places.get(&self.id()).map_or((1, 1), |(place, count)| (*place as usize, *count as usize))
    }

    /// An element's local name and namespace as bytes (empty for other nodes).
    pub fn name_bytes(&self) -> NameBytes<'a> {
        if !self.is_element() {
            return NameBytes { local: b"", namespace: None };
        }
        let namespace = (self.d.ns != NONE).then(|| self.doc.bytes(self.doc.uris[self.d.ns as usize]));
        NameBytes { local: self.doc.bytes(self.local()), namespace }
    }

    /// An element's local name.
    fn local(&self) -> Span {
        Span { start: self.d.local, end: self.d.text.end }
    }

    /// Whether the node is an element with this local name (in any namespace).
    pub fn has_tag_name(&self, local: &str) -> bool {
        self.is_element() && self.tag_name().name == local
    }

    /// An element's name as written, prefix included (`qemu:commandline`).
    pub fn qualified_name(&self) -> &'a str {
        match self.d.kind {
            NodeType::Element => self.doc.str(self.d.text),
            _ => "",
        }
    }

    /// An element's attributes in document order (namespace declarations are not attributes).
    pub fn attributes(&self) -> Attributes<'a> {
        let items = if self.d.scanned {
            Items::Tag(self.d.text.end as usize)
        } else {
            let range = if self.is_element() { self.doc.attr_range(self.id()) } else { 0..0 };
            Items::Records(self.doc.attrs[range].iter())
        };
        Attributes { doc: self.doc, items }
    }

    /// The value of the attribute of no namespace named `name`.
    pub fn attribute(&self, name: &str) -> Option<&'a str> {
        let doc = self.doc;
        let wanted = |a: &AttrData| a.ns == NONE && doc.bytes(a.local()) == name.as_bytes();
        if self.d.scanned {
            return self.attributes().find(|a| wanted(&a.d)).map(|a| a.value());
        }
        // Asked of most elements while they are read (which variant an element is): the
        // records are searched in place.
        self.records().find(|a| wanted(&a.d)).map(|a| a.value())
    }

    /// An element's attribute records, walked in place (not for a `scanned` element, which
    /// has none).
    fn records(&self) -> impl Iterator<Item = Attribute<'a>> + 'a {
        let doc = self.doc;
        doc.attrs[doc.attr_range(self.id())].iter().map(move |&d| Attribute { doc, d })
    }

    /// An element's start tag as [`Document::tag_text`] gives it.
    pub(crate) fn start_tag_text(&self) -> Option<&'a str> {
        match self.d.kind {
            NodeType::Element if self.d.scanned => {
                self.doc.tag_text(self.d.range.start, self.d.text.end, self.attributes())
            }
            NodeType::Element => self.doc.tag_text(self.d.range.start, self.d.text.end, self.records()),
            _ => None,
        }
    }

    /// Whether this element's start tag declares a namespace (one already in force too).
    pub fn declares_namespaces(&self) -> bool {
        self.d.declares
    }

    /// The namespaces this element's start tag declares, one that repeats a binding already
    /// in force too, in the order of the tag: `(prefix, namespace name, offset of the
    /// declaration)`.
    pub fn namespace_declarations(&self) -> impl Iterator<Item = (Option<&'a str>, &'a str, usize)> + 'a {
        let doc = self.doc;
        let id = self.id();
        // Declarations are added in document order, so an element's are together, found by
        // a search (only for the elements that have some).
        let start = if self.d.declares { doc.decls.partition_point(|d| d.node < id) } else { doc.decls.len() };
        doc.decls[start..]
            .iter()
            .take_while(move |d| d.node == id)
            .map(move |d| (doc.opt_str(d.prefix), doc.str(d.uri), d.offset as usize))
    }

    /// A text's or comment's text; an element's first child's, when that is text.
    pub fn text(&self) -> Option<&'a str> {
        match self.d.kind {
            NodeType::Text | NodeType::Comment => Some(self.doc.str(self.d.text)),
            NodeType::Element => self.first_child().filter(Node::is_text).and_then(|c| c.text()),
            _ => None,
        }
    }

    /// A processing instruction's target and value.
    pub fn pi(&self) -> Option<PI<'a>> {
        (self.d.kind == NodeType::PI).then(|| {
            let values = &self.doc.pi_values;
            let value = values.binary_search_by_key(&self.id(), |v| v.0).ok().map(|i| self.doc.str(values[i].1));
            PI { target: self.doc.str(self.d.text), value }
        })
    }

    /// Where the node is in the input, in bytes.
    pub fn range(&self) -> Range<usize> {
        self.d.range.start as usize..self.d.range.end as usize
    }

    fn get(&self, id: u32) -> Option<Node<'a>> {
        (id != NONE).then(|| self.doc.node(id))
    }

    /// The parent node.
    pub fn parent(&self) -> Option<Node<'a>> {
        self.get(self.d.parent)
    }

    /// The parent element (none for the root element).
    pub fn parent_element(&self) -> Option<Node<'a>> {
        self.parent().filter(Node::is_element)
    }

    /// The first child: the next node, when it is inside this one.
    pub fn first_child(&self) -> Option<Node<'a>> {
        let parent = self.id();
        let d = self.doc.nodes.get(parent as usize + 1).filter(|d| d.parent == parent)?;
        Some(Node { doc: self.doc, d })
    }

    /// The next sibling.
    pub fn next_sibling(&self) -> Option<Node<'a>> {
        self.get(self.d.next)
    }

    /// The children in document order.
    pub fn children(&self) -> Children<'a> {
        Children { next: self.first_child() }
    }

    /// This node and everything in it, in document order.
    pub fn descendants(&self) -> Descendants<'a> {
        Descendants { top: self.id(), next: Some(*self) }
    }
}

/// A node's children in document order.
#[derive(Clone)]
pub struct Children<'a> {
    next: Option<Node<'a>>,
}

impl<'a> Iterator for Children<'a> {
    type Item = Node<'a>;

    fn next(&mut self) -> Option<Node<'a>> {
        let node = self.next?;
        self.next = node.next_sibling();
        Some(node)
    }
}

/// A node and everything in it, in document order.
#[derive(Clone)]
pub struct Descendants<'a> {
    top: u32,
    next: Option<Node<'a>>,
}

impl<'a> Iterator for Descendants<'a> {
    type Item = Node<'a>;

    fn next(&mut self) -> Option<Node<'a>> {
        let node = self.next?;
        self.next = node.first_child().or_else(|| {
            let mut at = node;
            loop {
                if at.id() == self.top {
                    return None;
                }
                if let Some(next) = at.next_sibling() {
                    return Some(next);
                }
                at = at.parent()?;
            }
        });
        Some(node)
    }
}

/// An element's attributes.
#[derive(Clone)]
pub struct Attributes<'a> {
    doc: &'a Document<'a>,
    items: Items<'a>,
}

/// Where an element's attributes come from.
#[derive(Clone)]
enum Items<'a> {
    /// Their records.
    Records(std::slice::Iter<'a, AttrData>),
    /// Its start tag as written, from this offset of the input (see `NodeData::scanned`).
    Tag(usize),
}

impl<'a> Iterator for Attributes<'a> {
    type Item = Attribute<'a>;

    fn next(&mut self) -> Option<Attribute<'a>> {
        let d = match &mut self.items {
            Items::Records(records) => *records.next()?,
            Items::Tag(at) => next_in_tag(self.doc.input.as_bytes(), at)?,
        };
        Some(Attribute { doc: self.doc, d })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.items {
            Items::Records(records) => records.size_hint(),
            Items::Tag(_) => (0, None),
        }
    }
}

/// The attribute after offset `at` of a start tag that the quick pass found well-formed,
/// with no prefixed names and no references in its values; `at` moves past it. `None` at
/// the tag's end. Kept out of line: the loops over attributes, most of whose elements have
/// records, stay small.
#[inline(never)]
fn next_in_tag(input: &[u8], at: &mut usize) -> Option<AttrData> {
    let mut i = *at;
    while input[i].is_ascii_whitespace() {
        i += 1;
    }
    if matches!(input[i], b'/' | b'>') {
        return None;
    }
    let start = i;
    while !matches!(input[i], b'=' | b' ' | b'\t' | b'\n') {
        i += 1;
    }
    let name_end = i;
    while !matches!(input[i], b'\'' | b'"') {
        i += 1;
    }
    let quote = input[i];
    let value_start = i + 1;
    let value_end = value_start + memchr::memchr(quote, &input[value_start..]).unwrap_or(0);
    *at = value_end + 1;
    let qname = Span::input(start..name_end);
    let value = Span::input(value_start..value_end);
    Some(AttrData { qname, local: start as u32, value, ns: NONE, range: Span::input(start..value_end + 1) })
}

/// An attribute of an element.
#[derive(Clone, Copy)]
pub struct Attribute<'a> {
    doc: &'a Document<'a>,
    d: AttrData,
}

impl std::fmt::Debug for Attribute<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={:?}", self.qualified_name(), self.value())
    }
}

impl<'a> Attribute<'a> {
    /// The local name.
    pub fn name(&self) -> &'a str {
        self.doc.str(self.d.local())
    }

    /// The namespace name, if any.
    pub fn namespace(&self) -> Option<&'a str> {
        self.doc.uri(self.d.ns)
    }

    /// Whether the attribute has no namespace and this local name.
    pub fn has_name(&self, local: &str) -> bool {
        self.name_bytes().is(local)
    }

    /// The local name and namespace as bytes.
    pub fn name_bytes(&self) -> NameBytes<'a> {
        let namespace = (self.d.ns != NONE).then(|| self.doc.bytes(self.doc.uris[self.d.ns as usize]));
        NameBytes { local: self.doc.bytes(self.d.local()), namespace }
    }

    /// The name as written, prefix included.
    pub fn qualified_name(&self) -> &'a str {
        self.doc.str(self.d.qname)
    }

    /// The value, unescaped and normalised as XML says (a tab or line break is a space).
    pub fn value(&self) -> &'a str {
        self.doc.str(self.d.value)
    }

    /// From the name to the closing quote, in bytes of the input.
    pub fn range(&self) -> Range<usize> {
        self.d.range.start as usize..self.d.range.end as usize
    }

    /// The value between its quotes, as written, in bytes of the input.
    pub fn range_value(&self) -> Range<usize> {
        let range = self.range();
        let written = &self.doc.input.as_bytes()[range.clone()];
        let open = written.iter().position(|b| *b == b'"' || *b == b'\'').map_or(range.end, |q| range.start + q + 1);
        open..range.end.saturating_sub(1).max(open)
    }

    /// The name, in bytes of the input.
    pub fn range_qname(&self) -> Range<usize> {
        let start = self.d.range.start as usize;
        start..start + self.qualified_name().len()
    }
}

/// Finds an element's attributes by name, as comparing two elements asks for each attribute
/// of the other: by scanning when it has a few, through a map when it has many (scanning many
/// for each of many would take time quadratic in their number).
pub(crate) struct AttributeFinder<'a> {
    node: Node<'a>,
    many: Option<std::collections::HashMap<(Option<&'a str>, &'a str), Attribute<'a>>>,
}

impl<'a> AttributeFinder<'a> {
    /// Past this many attributes, a map.
    const SCAN: usize = 16;

    pub(crate) fn of(node: Node<'a>) -> Self {
        let many = node
            .attributes()
            .nth(Self::SCAN)
            .map(|_| node.attributes().map(|a| ((a.namespace(), a.name()), a)).collect());
        AttributeFinder { node, many }
    }

    /// The attribute of the same name (namespace and local name) as `attr`.
    pub(crate) fn get(&self, attr: &Attribute<'_>) -> Option<Attribute<'a>> {
        match &self.many {
            Some(map) => map.get(&(attr.namespace(), attr.name())).copied(),
            None => self.node.attributes().find(|o| o.name() == attr.name() && o.namespace() == attr.namespace()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Document<'_> {
        Document::parse(text, false, &Limits::default()).expect("well-formed")
    }

    #[test]
    fn every_question_may_be_asked_of_every_kind_of_node() {
        let doc = parse("<!-- c --><a xmlns:q='urn:q' q:b='1' c='x&amp;y'>t<q:d/><?p v?></a>");
        for n in doc.root().descendants() {
            let _ = (n.tag_name(), n.qualified_name(), n.text(), n.pi(), n.range(), n.parent_element());
            let _ = (n.attributes().count(), n.attribute("c"), n.namespace_declarations().count());
            assert_eq!(n.has_name(None, "a"), n.is_element() && n.qualified_name() == "a");
            assert!(!n.has_name(None, ""));
        }
    }

    #[test]
    fn names_values_and_places_are_those_of_the_input() {
        let text = "<a xmlns:q='urn:q' q:b='1' c=\"x&amp;y\">t<q:d/></a>";
        let doc = parse(text);
        let a = doc.root_element();
        let names: Vec<_> = a.attributes().map(|x| (x.qualified_name(), x.namespace(), x.value())).collect();
        assert_eq!(names, [("q:b", Some("urn:q"), "1"), ("c", None, "x&y")]);
        let c = a.attributes().nth(1).unwrap();
        assert_eq!(&text[c.range_value()], "x&amp;y");
        assert_eq!(&text[c.range_qname()], "c");
        assert_eq!(a.namespace_declarations().collect::<Vec<_>>(), [(Some("q"), "urn:q", 3)]);
        let d = a.children().nth(1).unwrap();
        assert!(d.has_name(Some("urn:q"), "d") && !d.has_name(None, "d"));
        assert_eq!(d.qualified_name(), "q:d");
        assert_eq!(a.text(), Some("t"));
        let order: Vec<_> = doc.root().descendants().map(|n| n.node_type()).collect();
        assert_eq!(order, [NodeType::Root, NodeType::Element, NodeType::Text, NodeType::Element]);
    }

    #[test]
    fn places_are_lines_and_columns_in_characters_whatever_order_they_are_asked_in() {
        let text = "<a>\n  <b é='1'/>\n\n <c/></a>";
        let doc = parse(text);
        let expected = |offset: usize| {
            let before = &text[..offset];
            let col = before.rsplit('\n').next().unwrap().chars().count() as u32 + 1;
            TextPos { row: before.matches('\n').count() as u32 + 1, col }
        };
        let offsets: Vec<usize> = (0..=text.len()).filter(|i| text.is_char_boundary(*i)).collect();
        for &o in offsets.iter().chain(offsets.iter().rev()).chain(offsets.iter().step_by(3)) {
            assert_eq!(doc.text_pos_at(o), expected(o), "at {o}");
        }
    }

    #[test]
    fn paths_count_namesakes_among_siblings() {
        let doc = parse("<a xmlns:q='urn:q'><b/><c/>t<b/><q:b/><b><b/></b></a>");
        let places: Vec<_> =
            doc.root().descendants().filter(Node::is_element).map(|n| n.place_among_namesakes()).collect();
        assert_eq!(places, [(1, 1), (1, 3), (1, 1), (2, 3), (1, 1), (3, 3), (1, 1)]);
        let last = doc.root().descendants().last().unwrap();
        assert_eq!(crate::read::node_path(last), "/a/b[3]/b");
    }

    /// The shape roxmltree gives a node and everything in it: kind, names, values and
    /// children, read through each tree's own links.
    fn shape(n: Node<'_>) -> String {
        let attrs: Vec<_> = n.attributes().map(|a| (a.qualified_name(), a.namespace(), a.name(), a.value())).collect();
        let kids: Vec<_> = n.children().map(shape).collect();
        let pi = n.pi().map(|p| (p.target, p.value));
        let tag = n.tag_name();
        format!(
            "{:?} {:?} {:?} {attrs:?} {pi:?} {:?} [{}]",
            n.node_type(),
            tag.namespace(),
            tag.name(),
            n.text(),
            kids.join(", ")
        )
    }

    fn rox_shape(n: roxmltree::Node<'_, '_>) -> String {
        let kind = match n.node_type() {
            roxmltree::NodeType::Root => NodeType::Root,
            roxmltree::NodeType::Element => NodeType::Element,
            roxmltree::NodeType::Text => NodeType::Text,
            roxmltree::NodeType::Comment => NodeType::Comment,
            roxmltree::NodeType::PI => NodeType::PI,
        };
        let text = n.document().input_text();
        let attrs: Vec<_> =
            n.attributes().map(|a| (&text[a.range_qname()], a.namespace(), a.name(), a.value())).collect();
        let kids: Vec<_> = n.children().map(rox_shape).collect();
        let pi = n.pi().map(|p| (p.target, p.value));
        let (ns, name) = if n.is_element() { (n.tag_name().namespace(), n.tag_name().name()) } else { (None, "") };
        let own_text = match kind {
            NodeType::Element => n.first_child().filter(|c| c.is_text()).and_then(|c| c.text()),
            NodeType::Text | NodeType::Comment => n.text(),
            _ => None,
        };
        format!("{kind:?} {ns:?} {name:?} {attrs:?} {pi:?} {own_text:?} [{}]", kids.join(", "))
    }

    #[test]
    fn links_left_out_of_the_nodes_give_roxmltree_s_tree() {
        // Siblings after deep subtrees, empty elements, text between elements, namespaces
        // declared on inner elements, and (handed to roxmltree) PIs with and without values.
        let texts = [
            "<a><b><c><d/></c>t</b><e/>u<f x='1' y='2'><g/><h z='3'/></f><!-- c --></a>",
            "<a xmlns='urn:d' xmlns:p='urn:p'><p:b p:x='1'><c xmlns:q='urn:q' q:y='2'/><d xmlns:p='urn:p2'/></p:b><b/></a>",
            // Declarations repeating a binding in force, on an element and beside a PI.
            "<a xmlns:p='urn:p'><p:b xmlns:p='urn:p' xmlns='urn:d'><c xmlns='urn:d'/></p:b></a>",
            "<a xmlns:p='urn:p'><?p?><p:b xmlns:p='urn:p'/></a>",
            "<?xml version='1.0'?><!-- before --><a><?p?><?q v w?><b>&amp;<![CDATA[x]]></b></a><?after?>",
            "<a><b/><b><b/></b><b a='1'/></a>",
            // Attributes read again from their tags: spaces around `=`, `>` and the other
            // quote in values, empty values, beside tags whose values needed unescaping.
            "<a x = \"1>2\"\n  y\t=\t'it\"s' z=''><b c='/>' d=\"a&amp;b\"/><e f='1'\n/></a>",
        ];
        for text in texts {
            let ours = parse(text);
            let scanning = Document::parse_scanning_attributes(text, false, &Limits::default()).unwrap();
            // The quick pass's own tree, but for the PIs and CDATA it leaves to roxmltree.
            assert_eq!(ours.is_copied(), text.contains("<?p"), "{text}");
            let rox = roxmltree::Document::parse(text).unwrap();
            assert_eq!(shape(ours.root()), rox_shape(rox.root()), "{text}");
            assert_eq!(shape(scanning.root()), rox_shape(rox.root()), "{text}");
            let decls: Vec<usize> = ours.root().descendants().map(|n| n.namespace_declarations().count()).collect();
            // Every declaration written in the start tag (none of these tags has a `>` in a
            // value before its declarations), one repeating a binding in force too.
            let declared = |n: roxmltree::Node<'_, '_>| {
                if !n.is_element() {
                    return 0;
                }
                let tag = &text[n.range()];
                let tag = &tag[..tag.find('>').unwrap_or(0)];
                tag.matches(" xmlns=").count() + tag.matches(" xmlns:").count()
            };
            let expected: Vec<usize> = rox.root().descendants().map(declared).collect();
            assert_eq!(decls, expected, "{text}");
        }
    }

    #[test]
    fn nodes_are_small() {
        // A large document's tree is held while it is read: every byte here is paid per node.
        assert_eq!(std::mem::size_of::<NodeData>(), 40);
        assert_eq!(std::mem::size_of::<AttrData>(), 32);
    }

    #[test]
    fn a_document_may_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Document<'_>>();
        shared::<Node<'_>>();
    }

    #[test]
    fn limits_are_errors_at_their_place_in_the_quick_pass() {
        let limits = Limits { max_attributes: 1, ..Limits::default() };
        let e = Document::parse("<a>\n  <b x='1' y='2'/></a>", false, &limits).unwrap_err();
        assert_eq!((e.line, e.column), (2, 3));
        assert!(matches!(e.kind, ErrorKind::OverLimit { limit: "max_attributes", .. }), "{e}");
    }
}
