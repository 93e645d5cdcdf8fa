//! Reading typed values from a parsed document, with positions for every error.
//!
//! The element driver [`read_element`] walks an element's attributes and children once and
//! offers each to the type's [`ReadContent`] implementation (written by the derive). What the
//! type declines is kept in its [`Extras`] (or rejected in strict mode), and the order things
//! were read in is recorded when it differs from the order the type writes.

use std::path::Path;

use crate::any::{AnyAttribute, AnyNode};
use crate::extras::{EmptyStyle, Extras, ExtrasInner, Slot};
use crate::value::XmlValue;
use crate::{Error, ErrorKind, Result};

pub use crate::tree::{Document as Tree, NodeType};

/// A node of the parsed document.
pub type Node<'a> = crate::tree::Node<'a>;
/// An attribute of the parsed document.
pub type Attribute<'a> = crate::tree::Attribute<'a>;

/// How strictly to read; by default unknown content is kept, and the default [`Limits`]
/// apply.
///
/// [`Limits`]: crate::limits::Limits
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReadOptions {
    /// Reject content the model does not declare (comments and namespace declarations
    /// excepted) instead of keeping it.
    pub strict: bool,
    /// Limits on the document (size, depth, attributes per element, text), checked while it
    /// is parsed; deeper input is an error, not a stack overflow.
    pub limits: crate::limits::Limits,
    /// Never fail on what the model cannot type (a bad value, a missing required item, an
    /// unknown variant): keep the offending attribute or whole element as unknown content
    /// instead. For tools that must keep any document whole (`fmt`, `roundtrip`, `edit`).
    pub recover: bool,
}

impl ReadOptions {
    /// Strict reading: unknown content is an error.
    pub fn strict() -> Self {
        ReadOptions { strict: true, ..Self::default() }
    }

    /// Recovering reading: what does not fit the model is kept as unknown content.
    pub fn recover() -> Self {
        ReadOptions { recover: true, ..Self::default() }
    }
}

/// State shared by everything that reads one document.
pub struct ReadCtx<'a> {
    doc: &'a Tree<'a>,
    options: ReadOptions,
    depth: u32,
    /// Scratch stack for recording orders; each element uses the part above its base.
    slots: Vec<Slot>,
    /// Discriminating attributes found absent in the element being read.
    absent_tags: Vec<&'static str>,
    /// The document's layout: an element quoted otherwise keeps its quotes, children laid
    /// out otherwise keep their blanks.
    style: crate::write::TextStyle,
}

/// A point of a read to go back to: see [`ReadCtx::mark`].
#[derive(Clone, Copy, Debug)]
pub struct Mark {
    depth: u32,
    slots: usize,
    tags: usize,
}

impl<'a> ReadCtx<'a> {
    /// A context for reading from `doc`.
    pub fn new(doc: &'a Tree<'a>, options: ReadOptions) -> Self {
        // Room for the slots of a few levels of elements, so that they are not grown from
        // nothing in every document.
        let slots = Vec::with_capacity(64);
        ReadCtx { doc, options, depth: 0, slots, absent_tags: Vec::new(), style: doc.style() }
    }

    /// The options in force.
    pub fn options(&self) -> ReadOptions {
        self.options
    }

    /// The document's text.
    pub fn source(&self) -> &'a str {
        self.doc.input_text()
    }

    /// Enters an element, refusing nesting deeper than the limit.
    pub fn enter(&mut self, node: Node<'_>) -> Result<()> {
        self.depth += 1;
        if self.depth > self.options.limits.max_depth {
            return Err(self.too_deep(node));
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn too_deep(&self, node: Node<'_>) -> Error {
        self.error_at(node, ErrorKind::TooDeep { limit: self.options.limits.max_depth })
    }

    /// Whether the document is a lean tree, without the indentation beside child elements
    /// (see [`Tree::parse_lean`]).
    pub(crate) fn reads_lean_tree(&self) -> bool {
        self.doc.is_lean()
    }

    /// Leaves an element.
    pub fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Notes that the discriminating attribute `name` of the current element was absent and
    /// its default branch was taken.
    pub fn note_absent_tag(&mut self, name: &'static str) {
        self.absent_tags.push(name);
    }

    /// An error at a node, with its path and position.
    #[cold]
    #[inline(never)]
    pub fn error_at(&self, node: Node<'_>, kind: ErrorKind) -> Error {
        let pos = self.doc.text_pos_at(node.range().start);
        Error::at(node_path(node), pos.row, pos.col, kind)
    }

    /// An error at an attribute of `node`.
    #[cold]
    #[inline(never)]
    pub fn error_at_attribute(&self, node: Node<'_>, attr: &Attribute<'_>, kind: ErrorKind) -> Error {
        let pos = self.doc.text_pos_at(attr.range().start);
        let path = format!("{}/@{}", node_path(node), attr.qualified_name());
        Error::at(path, pos.row, pos.col, kind)
    }

    /// Parses an attribute's value as `T`, or says what was expected there.
    pub fn parse_attribute<T: XmlValue>(&self, node: Node<'_>, attr: &Attribute<'_>) -> Result<T> {
        T::parse_xml(attr.value()).map_err(|expected| self.invalid_attribute(node, attr, expected))
    }

    #[cold]
    #[inline(never)]
    fn invalid_attribute(&self, node: Node<'_>, attr: &Attribute<'_>, expected: crate::value::Expected) -> Error {
        let kind = ErrorKind::InvalidValue { value: attr.value().to_owned(), expected: expected.0 };
        self.error_at_attribute(node, attr, kind)
    }

    /// Runs a nested read; when recovering, a failure leaves the context as it was and
    /// gives `None`, so the caller keeps the node as unknown content.
    pub fn recover<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<Option<T>> {
        let mark = self.mark();
        match f(self) {
            Ok(v) => Ok(Some(v)),
            Err(e) => self.recovered(mark, e).map(|()| None),
        }
    }

    /// Where a nested read starts, to go back to when it fails and is recovered from.
    pub fn mark(&self) -> Mark {
        Mark { depth: self.depth, slots: self.slots.len(), tags: self.absent_tags.len() }
    }

    /// After a failed nested read: back to `mark` when recovering (the caller then keeps the
    /// node as unknown content), else the error. The derives call this pair rather than
    /// [`ReadCtx::recover`], whose closure would be a function per field.
    #[cold]
    #[inline(never)]
    pub fn recovered(&mut self, mark: Mark, error: Error) -> Result<()> {
        if self.options.recover && !self.options.strict {
            self.depth = mark.depth;
            self.slots.truncate(mark.slots);
            self.absent_tags.truncate(mark.tags);
            Ok(())
        } else {
            Err(error)
        }
    }

    /// A nested read that failed: not taken when recovering (see [`ReadCtx::recovered`]).
    /// Out of line, so that the per-type callers below stay small.
    #[cold]
    #[inline(never)]
    fn not_taken(&mut self, mark: Mark, error: Error) -> Result<Option<u16>> {
        self.recovered(mark, error).map(|()| None)
    }

    /// Where a nested read that began at `mark` ends: its value put in place and `rank`, or
    /// (failed) [`ReadCtx::not_taken`].
    #[inline(always)]
    fn settle<T>(&mut self, mark: Mark, read: Result<T>, rank: u16, put: impl FnOnce(T)) -> Result<Option<u16>> {
        match read {
            Ok(v) => {
                put(v);
                Ok(Some(rank))
            }
            Err(e) => self.not_taken(mark, e),
        }
    }

    /// Takes an attribute into its field: its rank, or `None` when a bad value is recovered
    /// from (the attribute is then kept as unknown content). What the derives call for each
    /// attribute field: one function per value type rather than the same lines per field.
    pub fn take_attribute<T: XmlValue>(
        &mut self,
        node: Node<'_>,
        attr: &Attribute<'_>,
        slot: &mut Option<T>,
        rank: u16,
    ) -> Result<Option<u16>> {
        let mark = self.mark();
        let read = self.parse_attribute(node, attr);
        self.settle(mark, read, rank, |v| *slot = Some(v))
    }

    /// Takes a child element into a once-only field (`S` is `T`, or `Box<T>` for a boxed
    /// field); a second one is an error in strict mode and unknown content otherwise.
    pub fn take_child<T: ReadElement, S: From<T>>(
        &mut self,
        child: Node<'_>,
        slot: &mut Option<S>,
        rank: u16,
    ) -> Result<Option<u16>> {
        if slot.is_some() {
            return self.second(self.duplicate(child));
        }
        let mark = self.mark();
        let read = T::read_element(child, self);
        self.settle(mark, read, rank, |v| *slot = Some(S::from(v)))
    }

    /// Takes a child element into a list field.
    pub fn push_child<T: ReadElement, S: From<T>>(
        &mut self,
        child: Node<'_>,
        list: &mut Vec<S>,
        rank: u16,
    ) -> Result<Option<u16>> {
        let mark = self.mark();
        let read = T::read_element(child, self);
        self.settle(mark, read, rank, |v| push_item(list, S::from(v)))
    }

    /// Takes a branch of an element choice into a once-only field; a second branch is an
    /// error naming the first in strict mode, and unknown content otherwise.
    pub fn take_choice<T: ElementChoice, S: From<T> + std::borrow::Borrow<T>>(
        &mut self,
        child: Node<'_>,
        slot: &mut Option<S>,
        rank: u16,
    ) -> Result<Option<u16>> {
        if let Some(first) = slot {
            return self.second(self.conflict(child, first.borrow().element_name()));
        }
        let mark = self.mark();
        let read = T::read_choice(child, self);
        self.settle(mark, read, rank, |v| *slot = Some(S::from(v)))
    }

    /// Takes a branch of an element choice into a list field.
    pub fn push_choice<T: ElementChoice, S: From<T>>(
        &mut self,
        child: Node<'_>,
        list: &mut Vec<S>,
        rank: u16,
    ) -> Result<Option<u16>> {
        let mark = self.mark();
        let read = T::read_choice(child, self);
        self.settle(mark, read, rank, |v| push_item(list, S::from(v)))
    }

    /// Takes a text node into the text field; a second text node (text on both sides of an
    /// unknown element) is an error in strict mode and unknown content otherwise.
    pub fn take_text<T: XmlValue>(&mut self, text: Node<'_>, slot: &mut Option<T>, rank: u16) -> Result<Option<u16>> {
        if slot.is_some() {
            return self.second_text(text);
        }
        let mark = self.mark();
        let read = self.parse_text(text);
        self.settle(mark, read, rank, |v| *slot = Some(v))
    }

    /// A second text node: an error in strict mode, else not taken.
    #[cold]
    #[inline(never)]
    pub fn second_text(&self, text: Node<'_>) -> Result<Option<u16>> {
        let what = "second text node".to_owned();
        self.second(self.error_at(text, ErrorKind::Unknown { what, expected: "one text value".into() }))
    }

    /// A second item for a once-only field: `error` in strict mode, else not taken (kept as
    /// unknown content).
    #[cold]
    #[inline(never)]
    fn second(&self, error: Error) -> Result<Option<u16>> {
        match self.options.strict {
            true => Err(error),
            false => Ok(None),
        }
    }

    /// Parses a text node as `T`.
    pub fn parse_text<T: XmlValue>(&self, text: Node<'_>) -> Result<T> {
        T::parse_xml(text.text().unwrap_or("")).map_err(|expected| self.invalid_text(text, expected))
    }

    #[cold]
    #[inline(never)]
    fn invalid_text(&self, text: Node<'_>, expected: crate::value::Expected) -> Error {
        let value = text.text().unwrap_or("").to_owned();
        self.error_at(text, ErrorKind::InvalidValue { value, expected: expected.0 })
    }

    /// The error for a once-only field seen twice.
    #[cold]
    #[inline(never)]
    pub fn duplicate(&self, node: Node<'_>) -> Error {
        self.error_at(node, ErrorKind::Duplicate { name: node.tag_name().name().to_owned() })
    }

    /// The error for a required attribute that is absent.
    #[cold]
    #[inline(never)]
    pub fn missing_attribute(&self, node: Node<'_>, name: &str) -> Error {
        self.error_at(node, ErrorKind::MissingAttribute { name: name.to_owned() })
    }

    /// The error for a second branch of a once-only choice.
    #[cold]
    #[inline(never)]
    pub fn conflict(&self, node: Node<'_>, first: &str) -> Error {
        let found = format!("element <{}>", node.tag_name().name());
        self.error_at(
            node,
            ErrorKind::Conflict { found, with: format!("element <{first}> (only one of them may occur)") },
        )
    }

    /// The error for an element that is none of a choice's branches.
    #[cold]
    #[inline(never)]
    pub fn unknown_element(&self, node: Node<'_>, names: &[&str]) -> Error {
        let what = format!("element <{}>", node.tag_name().name());
        self.error_at(node, ErrorKind::Unknown { what, expected: format!("one of <{}>", names.join(">, <")) })
    }

    /// An error placed at a node, its kind to be filled in.
    pub fn node_error(&self, node: Node<'_>) -> Error {
        let what = format!("element <{}>", node.tag_name().name());
        self.error_at(node, ErrorKind::Conflict { found: what, with: String::new() })
    }

    /// An error placed at an attribute, its kind to be filled in.
    pub fn attribute_node_error(&self, node: Node<'_>, attr: &Attribute<'_>) -> Error {
        let what = format!("attribute '{}'", attr.name());
        self.error_at_attribute(node, attr, ErrorKind::Conflict { found: what, with: String::new() })
    }

    /// Content of one variant found in another: `<rom>` (of `type='pci'`) in `type='usb'`.
    pub fn variant_conflict(&self, mut base: Error, key: &str, other: &str, this: &str) -> Error {
        if let ErrorKind::Conflict { found, with } = &mut base.kind {
            found.push_str(&format!(" (which belongs to {key}='{other}')"));
            *with = format!("{key}='{this}'");
        }
        base
    }

    /// The value of absent text: empty text for types that allow it, else an error.
    pub fn empty_text<T: XmlValue>(&self, node: Node<'_>) -> Result<T> {
        T::parse_xml("").map_err(|_| self.error_at(node, ErrorKind::MissingText))
    }

    /// The error for a required child element that is absent.
    #[cold]
    #[inline(never)]
    pub fn missing_element(&self, node: Node<'_>, name: &str) -> Error {
        self.error_at(node, ErrorKind::MissingElement { name: name.to_owned() })
    }
}

/// The content of an element: attributes, children and text, offered one at a time.
///
/// Implemented by `#[derive(Xml)]` for structs (fields) and enums (variants told apart by an
/// attribute value or a child's text). A flattened field forwards to its own `ReadContent`.
pub trait ReadContent: Sized {
    /// The state while reading: what has been seen so far.
    type Partial;
    /// How many ranks this content takes in its element's canonical order.
    const SLOTS: u16;
    /// Whether the type keeps unknown content (has an `Extras` field).
    const KEEPS_EXTRAS: bool;
    /// How many of the first ranks are discriminating attributes written before all other
    /// attributes of the element, as libvirt writes them (`<controller type='usb' index='0'
    /// model='..'>`, `<disk type='file' device='disk'>`): a tag enum's own, and those of the
    /// flattened groups of a struct, which its owner then writes first too.
    const LEAD: u16 = 0;

    /// Starts reading `node` (dispatching enums look at it here).
    fn begin(node: Node<'_>, ctx: &mut ReadCtx<'_>) -> Result<Self::Partial>;
    /// Offers an attribute; returns its rank when taken.
    fn attribute(
        p: &mut Self::Partial,
        attr: &Attribute<'_>,
        node: Node<'_>,
        ctx: &mut ReadCtx<'_>,
    ) -> Result<Option<u16>>;
    /// Offers a child element; returns its rank when taken.
    fn child(p: &mut Self::Partial, child: Node<'_>, ctx: &mut ReadCtx<'_>) -> Result<Option<u16>>;
    /// Offers a text node; returns its rank when taken.
    fn text(p: &mut Self::Partial, text: Node<'_>, ctx: &mut ReadCtx<'_>) -> Result<Option<u16>>;
    /// Ends reading: checks required fields and builds the value.
    fn finish(p: Self::Partial, node: Node<'_>, extras: Extras, ctx: &mut ReadCtx<'_>) -> Result<Self>;
    /// Whether an attribute of this name belongs to this content (for conflict messages).
    fn knows_attribute(name: &str) -> bool;
    /// Whether a child element of this name belongs to this content.
    fn knows_child(name: &str) -> bool;
}

/// No content: the payload of a variant that holds nothing of its own (`<disk
/// device='cdrom'>`, whose content is all its owner's).
impl ReadContent for () {
    type Partial = ();
    const SLOTS: u16 = 0;
    const KEEPS_EXTRAS: bool = false;

    fn begin(_: Node<'_>, _: &mut ReadCtx<'_>) -> Result<()> {
        Ok(())
    }
    fn attribute(_: &mut (), _: &Attribute<'_>, _: Node<'_>, _: &mut ReadCtx<'_>) -> Result<Option<u16>> {
        Ok(None)
    }
    fn child(_: &mut (), _: Node<'_>, _: &mut ReadCtx<'_>) -> Result<Option<u16>> {
        Ok(None)
    }
    fn text(_: &mut (), _: Node<'_>, _: &mut ReadCtx<'_>) -> Result<Option<u16>> {
        Ok(None)
    }
    fn finish(_: (), _: Node<'_>, _: Extras, _: &mut ReadCtx<'_>) -> Result<()> {
        Ok(())
    }
    fn knows_attribute(_: &str) -> bool {
        false
    }
    fn knows_child(_: &str) -> bool {
        false
    }
}

/// A type that reads a whole element (its name is the caller's business).
pub trait ReadElement: Sized {
    /// Reads the element `node`.
    fn read_element(node: Node<'_>, ctx: &mut ReadCtx<'_>) -> Result<Self>;
}

/// A choice between elements told apart by their name (`<devices>` content).
pub trait ElementChoice: Sized {
    /// The element names of the branches.
    const NAMES: &'static [&'static str];
    /// Whether an element of this (local) name is one of the choice's branches.
    fn accepts(name: &str) -> bool;
    /// Whether this element (name and namespace) is one of the branches.
    fn accepts_node(node: Node<'_>) -> bool;
    /// Reads the element as the branch its name selects.
    fn read_choice(node: Node<'_>, ctx: &mut ReadCtx<'_>) -> Result<Self>;
    /// The element name of the branch this value is.
    fn element_name(&self) -> &'static str;
}

/// A type that is a whole document (has a root element name).
pub trait XmlRoot: ReadElement + crate::write::WriteElement {
    /// The root element's name.
    const ROOT: &'static str;
}

/// Whether a node is an element of no namespace with this local name.
#[inline]
pub fn is_named(node: Node<'_>, name: &str) -> bool {
    node.has_name(None, name)
}

/// Whether an attribute has no namespace and this name.
#[inline]
pub fn attribute_is(attr: &Attribute<'_>, name: &str) -> bool {
    attr.has_name(name)
}

/// Reads one element through its type's [`ReadContent`]: the driver the derive calls.
///
/// Only the start and the end are generic; the walk over attributes and children is one
/// function for all types (through a `dyn` vtable over `ReadContent`), so the ~900 element
/// types of the model do not each compile a copy of it.
pub fn read_element<T: ReadContent>(node: Node<'_>, ctx: &mut ReadCtx<'_>) -> Result<T> {
    ctx.enter(node)?;
    let tags_base = ctx.absent_tags.len();
    let mut partial = Reading::<T>(T::begin(node, ctx)?);
    let extras = read_items(node, ctx, &mut partial, T::KEEPS_EXTRAS, tags_base)?;
    // Left before finishing (which reads nothing deeper), so that the value is built where
    // the caller wants it rather than moved there; a failed finish goes back to a mark
    // taken outside anyway.
    ctx.leave();
    T::finish(partial.0, node, extras, ctx)
}

/// What the walk over an element's items offers them to: a type's [`ReadContent`] with its
/// partial state, behind one vtable.
trait Offer {
    fn attribute(&mut self, attr: &Attribute<'_>, node: Node<'_>, ctx: &mut ReadCtx<'_>) -> Result<Option<u16>>;
    fn child(&mut self, child: Node<'_>, ctx: &mut ReadCtx<'_>) -> Result<Option<u16>>;
    fn text(&mut self, text: Node<'_>, ctx: &mut ReadCtx<'_>) -> Result<Option<u16>>;
}

struct Reading<T: ReadContent>(T::Partial);

impl<T: ReadContent> Offer for Reading<T> {
    fn attribute(&mut self, attr: &Attribute<'_>, node: Node<'_>, ctx: &mut ReadCtx<'_>) -> Result<Option<u16>> {
        T::attribute(&mut self.0, attr, node, ctx)
    }
    fn child(&mut self, child: Node<'_>, ctx: &mut ReadCtx<'_>) -> Result<Option<u16>> {
        T::child(&mut self.0, child, ctx)
    }
    fn text(&mut self, text: Node<'_>, ctx: &mut ReadCtx<'_>) -> Result<Option<u16>> {
        T::text(&mut self.0, text, ctx)
    }
}

/// Offers an element's attributes and children to `content` in document order, keeping what
/// it does not take (when `keeps_extras`) and the order when it differs from the model's.
fn read_items(
    node: Node<'_>,
    ctx: &mut ReadCtx<'_>,
    content: &mut dyn Offer,
    keeps_extras: bool,
    tags_base: usize,
) -> Result<Extras> {
    let mut extras = Extras::none();
    let base = ctx.slots.len();

    // Attributes: namespace declarations first, as they are written first.
    let mut in_order = true;
    let mut last = 0u16;
    // Nearly all elements declare no namespace; they skip the merge.
    let mut declarations = node.declares_namespaces().then(|| namespace_declarations(node).peekable());
    // The element's quotes: those of its first attribute (whose text ends with its closing
    // quote), else of its first namespace declaration; kept where they are not the document's.
    let mut quote: Option<u8> = None;
    for attr in node.attributes() {
        if keeps_extras && quote.is_none() {
            quote = Some(ctx.source().as_bytes()[attr.range().end - 1]);
        }
        if let Some(declarations) = &mut declarations {
            while let Some(decl) = declarations.next_if(|d| d.0 < attr.range().start) {
                keep_attribute(&mut extras, ctx, decl.1);
                in_order = false;
            }
        }
        match content.attribute(&attr, node, ctx)? {
            Some(rank) => {
                in_order &= rank >= last;
                last = rank;
                ctx.slots.push(Slot::Known(rank));
            }
            None => {
                refuse_unknown(ctx, keeps_extras, || {
                    ctx.error_at_attribute(node, &attr, unknown_kind(format!("attribute '{}'", attr.qualified_name())))
                })?;
                let name = attr.qualified_name().to_owned();
                keep_attribute(&mut extras, ctx, AnyAttribute { name, value: attr.value().to_owned() });
                in_order = false;
            }
        }
    }
    if let Some(declarations) = declarations {
        for decl in declarations {
            keep_attribute(&mut extras, ctx, decl.1);
            in_order = false;
        }
        if keeps_extras && quote.is_none() {
            // Namespace declarations only (`<metadata xmlns:app="..">`).
            quote = crate::any::first_quote(node, ctx.source());
        }
    }
    if let Some(double) = quote.map(|q| q == b'"').filter(|d| *d != ctx.style.double_quotes) {
        extras.get_mut().double_quoted = Some(double);
    }
    if !in_order {
        extras.get_mut().attribute_order = ctx.slots[base..].to_vec();
    }
    ctx.slots.truncate(base);

    // Children.
    let mut in_order = true;
    let mut last = 0u16;
    let mut has_content = false;
    let mut gaps = Gaps::new(keeps_extras, ctx);
    // Asked at most once per element, not once per indentation node.
    let mut has_element_children: Option<bool> = None;
    for child in node.children() {
        let taken = match child.node_type() {
            NodeType::Element => {
                gaps.before(child, ctx.source());
                content.child(child, ctx)?
            }
            NodeType::Text => {
                // Blank text beside child elements is indentation: the writer makes its own.
                let blank = child.text().is_some_and(is_blank);
                if blank && *has_element_children.get_or_insert_with(|| node.children().any(|c| c.is_element())) {
                    // Blank lines are layout worth keeping (libvirt separates the sections
                    // of capabilities documents with them): all but the last line break.
                    let ws = child.text().unwrap_or("");
                    let lines = memchr::memchr(b'\n', ws.as_bytes()).map(|i| &ws.as_bytes()[i + 1..]);
                    if keeps_extras && lines.is_some_and(|rest| rest.contains(&b'\n')) {
                        let kept = &ws[..ws.rfind('\n').expect("has line breaks")];
                        let inner = extras.get_mut();
                        ctx.slots.push(Slot::Unknown(inner.nodes.len() as u32));
                        inner.nodes.push(AnyNode::Text(kept.to_owned()));
                        in_order = false;
                    }
                    continue;
                }
                let taken = content.text(child, ctx)?;
                if taken.is_none() && blank {
                    continue;
                }
                gaps.mixed = true;
                taken
            }
            _ => {
                gaps.before(child, ctx.source());
                None
            }
        };
        has_content = true;
        match taken {
            Some(rank) => {
                in_order &= rank >= last;
                last = rank;
                ctx.slots.push(Slot::Known(rank));
            }
            None => {
                if child.is_element() || child.is_text() {
                    refuse_unknown(ctx, keeps_extras, || {
                        let what = match child.is_element() {
                            true => format!("element <{}>", child.qualified_name()),
                            false => format!("text '{}'", crate::error::quote(child.text().unwrap_or("").trim())),
                        };
                        ctx.error_at(child, unknown_kind(what))
                    })?;
                } else if !keeps_extras {
                    return Err(ctx.error_at(child, unknown_kind("comment".to_owned())));
                }
                let any = AnyNode::read(child, ctx)?;
                let inner = extras.get_mut();
                ctx.slots.push(Slot::Unknown(inner.nodes.len() as u32));
                inner.nodes.push(any);
                in_order = false;
            }
        }
    }
    if !in_order {
        extras.get_mut().child_order = ctx.slots[base..].to_vec();
    } else if let Some(gaps) = gaps.finish(node, ctx.source()) {
        // Written back only as read: in the model's order, its places would be others'.
        extras.get_mut().gaps = gaps;
    }
    ctx.slots.truncate(base);

    if !has_content {
        let raw = &ctx.source()[node.range()];
        let style = if raw.ends_with(" />") {
            EmptyStyle::SpacedSelfClosing
        } else if raw.ends_with("/>") {
            EmptyStyle::SelfClosing
        } else {
            EmptyStyle::OpenClose(node.text().unwrap_or("").to_owned())
        };
        if style != EmptyStyle::SelfClosing && keeps_extras {
            extras.get_mut().empty = style;
        }
    }
    if node.tag_name().namespace().is_some() && keeps_extras {
        // The prefix it was read with, or none (`<commandline xmlns='..qemu..'>`): written
        // back the same way, not with the model's prefix.
        let prefix = match node.qualified_name().split_once(':') {
            Some((prefix, _)) => prefix.to_owned(),
            None => String::new(),
        };
        extras.get_mut().prefix = Some(prefix);
    }
    if ctx.absent_tags.len() > tags_base {
        let tags = ctx.absent_tags.drain(tags_base..).map(str::to_owned);
        extras.get_mut().absent_tags.extend(tags);
    }
    Ok(extras)
}

/// The blanks before an element's child nodes and its end tag, where they are not the
/// document's layout (see [`ExtrasInner::gaps`]). The lean tree leaves them out, so they are
/// read from the input: the blanks just before each node.
struct Gaps {
    /// `None` when not recorded (a type with nowhere to keep them).
    layout: Option<crate::write::Indent>,
    /// The indentation level of the element's children (the element's own depth, counted
    /// from 1 at the root); its end tag is a level less.
    depth: usize,
    /// Child nodes seen.
    nodes: u32,
    /// Text beside the children: the writer keeps its blanks itself.
    mixed: bool,
    found: Vec<(u32, String)>,
}

impl Gaps {
    fn new(keeps_extras: bool, ctx: &ReadCtx<'_>) -> Self {
        let layout = keeps_extras.then_some(ctx.style.indent);
        Gaps { layout, depth: ctx.depth as usize, nodes: 0, mixed: false, found: Vec::new() }
    }

    /// The blanks before `node`, the next child.
    #[inline]
    fn before(&mut self, node: Node<'_>, src: &str) {
        if let Some(layout) = self.layout {
            self.blanks_before(node.range().start, src, layout, self.depth, self.nodes);
            self.nodes += 1;
        }
    }

    #[inline]
    fn blanks_before(&mut self, at: usize, src: &str, layout: crate::write::Indent, depth: usize, place: u32) {
        if !is_layout_before(&src.as_bytes()[..at], layout, depth) {
            self.other_blanks(at, src, place);
        }
    }

    #[cold]
    #[inline(never)]
    fn other_blanks(&mut self, at: usize, src: &str, place: u32) {
        let n = src.as_bytes()[..at].iter().rev().take_while(|b| b.is_ascii_whitespace()).count();
        self.found.push((place, src[at - n..at].to_owned()));
    }

    /// The gaps found, with the one before the end tag: `None` when all are the layout's.
    fn finish(mut self, node: Node<'_>, src: &str) -> Option<Vec<(u32, String)>> {
        let layout = self.layout?;
        if self.nodes == 0 || self.mixed {
            return None;
        }
        // `</name>`, or with blanks before its `>`.
        let range = node.range();
        let tight =
            range.end.checked_sub(node.qualified_name().len() + 3).filter(|&s| src.as_bytes()[s..].starts_with(b"</"));
        let end_tag = tight.or_else(|| src[range.clone()].rfind("</").map(|i| range.start + i)).unwrap_or(range.end);
        self.blanks_before(end_tag, src, layout, self.depth - 1, ExtrasInner::END_TAG);
        (!self.found.is_empty() && !self.mixed).then_some(self.found)
    }
}

/// Whether the blanks that end `before` are what the writer puts before a node `depth`
/// levels deep: a line break and the indentation of `depth` levels, or nothing on one line.
/// Looked at where they must be, with no scan.
#[inline]
fn is_layout_before(before: &[u8], layout: crate::write::Indent, depth: usize) -> bool {
    use crate::write::Indent;
    let (unit, width) = match layout {
        Indent::Spaces(n) => (b' ', usize::from(n)),
        Indent::Tabs(n) => (b'\t', usize::from(n)),
        Indent::OneLine => return !before.last().is_some_and(u8::is_ascii_whitespace),
    };
    let indent = depth * width;
    let Some(line_break) = before.len().checked_sub(indent + 1) else { return false };
    let (line, rest) = before.split_at(line_break);
    // A short loop, not a call to `memcmp`: an indentation is a few bytes.
    if rest[0] != b'\n' || rest[1..].iter().any(|b| *b != unit) {
        return false;
    }
    // A line break is `\n` or `\r\n` (written back as `\n`, as the rest of the document is);
    // what stands before it is not blank.
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    !line.last().is_some_and(u8::is_ascii_whitespace)
}

fn keep_attribute(extras: &mut Extras, ctx: &mut ReadCtx<'_>, attr: AnyAttribute) {
    let inner: &mut ExtrasInner = extras.get_mut();
    ctx.slots.push(Slot::Unknown(inner.attributes.len() as u32));
    inner.attributes.push(attr);
}

fn unknown_kind(what: String) -> ErrorKind {
    ErrorKind::Unknown { what, expected: "only what the schema declares here".to_owned() }
}

/// Unknown content is an error in strict mode, and for a type with nowhere to keep it.
fn refuse_unknown(ctx: &ReadCtx<'_>, keeps_extras: bool, error: impl FnOnce() -> Error) -> Result<()> {
    if ctx.options.strict || !keeps_extras {
        Err(error())
    } else {
        Ok(())
    }
}

/// Whether text is XML whitespace only (layout, not content).
pub(crate) fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_whitespace())
}

/// The namespace declarations of an element's start tag as attributes (`xmlns:qemu`), each
/// with its byte offset so it can be put back among the other attributes where it stood.
/// Lazy: most elements declare none, and then nothing is allocated.
pub(crate) fn namespace_declarations<'a>(node: Node<'a>) -> impl Iterator<Item = (usize, AnyAttribute)> + 'a {
    node.namespace_declarations().map(|(prefix, uri, at)| {
        let name = prefix.map_or_else(|| "xmlns".to_owned(), |p| format!("xmlns:{p}"));
        (at, AnyAttribute { name, value: uri.to_owned() })
    })
}

/// `/domain/devices/disk[2]/source`: indices where an element has same-named siblings.
pub fn node_path(node: Node<'_>) -> String {
    let mut parts = Vec::new();
    let mut cur = Some(node);
    while let Some(n) = cur {
        if n.is_element() {
            let name = n.qualified_name();
            let (place, namesakes) = n.place_among_namesakes();
            if namesakes > 1 {
                parts.push(format!("{name}[{place}]"));
            } else {
                parts.push(name.to_owned());
            }
        } else if n.is_text() {
            parts.push("text()".to_owned());
        } else if n.is_comment() {
            parts.push("comment()".to_owned());
        }
        cur = n.parent();
    }
    let mut path = String::new();
    for p in parts.iter().rev() {
        path.push('/');
        path.push_str(p);
    }
    if path.is_empty() {
        path.push('/');
    }
    path
}

/// Adds an item read into a list field. The first item gets room for itself alone: most
/// lists in libvirt's documents hold one item, which then needs no shrinking when the list
/// is finished (see [`finish_list`]); a longer list grows as usual.
fn push_item<S>(list: &mut Vec<S>, item: S) {
    if list.capacity() == 0 {
        list.reserve_exact(1);
    }
    list.push(item);
}

/// A list read whole: without the room it grew for more, so that a read document holds
/// no more memory than it needs (a list of one grew room for four).
#[doc(hidden)]
pub fn finish_list<T>(mut list: Vec<T>) -> Vec<T> {
    list.shrink_to_fit();
    list
}

/// The local name of the document's root element, read from its first tags (no tree is
/// built); `None` when the text has no well-formed start of an element.
#[doc(hidden)]
pub fn root_name(text: &str) -> Option<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                return Some(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// Parses text into a document tree, turning parser errors into [`Error`]s with positions.
pub fn parse_document(text: &str) -> Result<Tree<'_>> {
    Tree::parse(text, false, &crate::limits::Limits::default())
}

/// Parses XML text within the given limits.
pub fn parse_document_with<'a>(text: &'a str, limits: &crate::limits::Limits) -> Result<Tree<'a>> {
    Tree::parse(text, false, limits)
}

/// Checks that bytes are UTF-8, naming the position of the first bad byte.
pub fn utf8(bytes: &[u8]) -> Result<&str> {
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = std::str::from_utf8(&good[line_start..]).map_or(1, |s| s.chars().count() as u32 + 1);
        Error::at("", line, column, ErrorKind::InvalidUtf8)
    })
}

thread_local! {
    static WHOLE_TREES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with every document read from its whole tree, never a lean one: for the tests
/// that hold the two ways of reading to the same values and errors.
#[doc(hidden)]
pub fn with_whole_trees<R>(f: impl FnOnce() -> R) -> R {
    // Put back as it was even when `f` panics.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            WHOLE_TREES.set(self.0);
        }
    }
    let _restore = Restore(WHOLE_TREES.replace(true));
    f()
}

/// Whether documents may be read from lean trees (see [`Tree::parse_lean`]).
pub(crate) fn lean_trees_allowed() -> bool {
    !WHOLE_TREES.get()
}

/// Reads a document's root element as `T`, checking its name.
pub fn read_root<T: XmlRoot>(doc: &Tree<'_>, options: ReadOptions) -> Result<T> {
    let mut ctx = ReadCtx::new(doc, options);
    let root = doc.root_element();
    if !is_named(root, T::ROOT) {
        return Err(ctx.error_at(
            root,
            ErrorKind::WrongRoot { found: root.tag_name().name().to_owned(), expected: T::ROOT.to_owned() },
        ));
    }
    T::read_element(root, &mut ctx)
}

/// Reads a file as a document of type `T`; errors name the file.
pub fn read_file<T: XmlRoot>(path: &Path, options: ReadOptions) -> Result<crate::Document<T>> {
    let bytes = std::fs::read(path).map_err(|e| Error::new("", ErrorKind::Io(e.to_string())).in_file(path))?;
    crate::Document::from_bytes_with(&bytes, options).map_err(|e| e.in_file(path))
}
