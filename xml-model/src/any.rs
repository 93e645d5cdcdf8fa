//! Arbitrary XML kept as it was read: `<metadata>` content and anything a type does not model.

use crate::read::{Node, ReadCtx};
use crate::write::Writer;
use crate::{Error, Result};

/// An attribute as written: its qualified name (`prefix:local`) and its value (unescaped).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct AnyAttribute {
    /// Qualified name as written, for example `xmlns:app1` or `app1:id`.
    pub name: String,
    /// The value, unescaped.
    pub value: String,
}

/// An element of any name and content, kept verbatim (whitespace included) so that it is
/// written back as it was read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct AnyElement {
    /// Qualified name as written (`app1:foo`).
    pub name: String,
    /// Attributes in document order, namespace declarations (`xmlns:..`) included.
    pub attributes: Vec<AnyAttribute>,
    /// Child nodes in document order.
    pub children: Vec<AnyNode>,
    /// Attribute values were quoted with `"` (libxml2's style) rather than `'` (libvirt's).
    pub double_quoted: bool,
    /// An element with no children was written `<x></x>` rather than `<x/>`.
    pub open_close: bool,
}

/// One node of arbitrary content.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub enum AnyNode {
    /// An element.
    Element(AnyElement),
    /// Character data (unescaped), whitespace included.
    Text(String),
    /// A comment's text, without `<!--` and `-->`.
    Comment(String),
    /// A processing instruction.
    ProcessingInstruction {
        /// The target.
        target: String,
        /// Everything after the target, if anything.
        value: Option<String>,
    },
}

impl AnyElement {
    /// An element with the given qualified name and nothing in it.
    pub fn new(name: impl Into<String>) -> Self {
        AnyElement { name: name.into(), ..Default::default() }
    }

    /// Adds an attribute (builder style).
    pub fn with_attribute(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.push(AnyAttribute { name: name.into(), value: value.into() });
        self
    }

    /// Adds a child node (builder style).
    pub fn with_child(mut self, child: impl Into<AnyNode>) -> Self {
        self.children.push(child.into());
        self
    }

    /// The value of the attribute with this qualified name.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|a| a.name == name).map(|a| a.value.as_str())
    }

    /// The local part of the name (after any prefix).
    pub fn local_name(&self) -> &str {
        self.name.rsplit(':').next().unwrap_or(&self.name)
    }

    /// The concatenated text children.
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|c| match c {
                AnyNode::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Reads an element of any name from a parsed node.
    pub fn read(node: Node<'_>, ctx: &mut ReadCtx<'_>) -> Result<Self> {
        Self::read_in(node, ctx, false)
    }

    /// Reads an element; an element with no attributes takes its quoting (and so its text
    /// escaping) from its parent: libxml2's style inside `<metadata>`, libvirt's elsewhere.
    fn read_in(node: Node<'_>, ctx: &mut ReadCtx<'_>, parent_double: bool) -> Result<Self> {
        ctx.enter(node)?;
        let src = ctx.source();
        let mut element = AnyElement { name: node.qualified_name().to_owned(), ..Default::default() };
        element.double_quoted = first_quote(node, src).map_or(parent_double, |q| q == b'"');
        let mut declarations = crate::read::namespace_declarations(node).peekable();
        for attr in node.attributes() {
            while let Some(decl) = declarations.next_if(|d| d.0 < attr.range().start) {
                element.attributes.push(decl.1);
            }
            element
                .attributes
                .push(AnyAttribute { name: attr.qualified_name().to_owned(), value: attr.value().to_owned() });
        }
        element.attributes.extend(declarations.map(|d| d.1));
        // A lean tree left out the indentation beside child elements (see
        // `Tree::parse_lean`). Kept whole, the element keeps it: the text between the nodes
        // the tree holds, taken from the input (it had no references to resolve).
        let lean = ctx.reads_lean_tree();
        // The end of the last child, when it was not text (after text, none was left out).
        let mut after: Option<usize> = None;
        for (i, child) in node.children().enumerate() {
            if lean && !child.is_text() {
                let at = child.range().start;
                let from = match (i, after) {
                    (0, _) => blank_before(src, at),
                    (_, Some(end)) => end,
                    (_, None) => at,
                };
                push_left_out(&mut element.children, &src[from..at]);
            }
            let any = match child.node_type() {
                crate::read::NodeType::Element => AnyNode::Element(Self::read_in(child, ctx, element.double_quoted)?),
                _ => AnyNode::read(child, ctx)?,
            };
            element.children.push(any);
            after = (!child.is_text()).then(|| child.range().end);
        }
        if let (true, Some(end)) = (lean, after) {
            let range = node.range();
            let end_tag = src[range.clone()].rfind('<').map_or(end, |i| range.start + i);
            push_left_out(&mut element.children, &src[end..end_tag.max(end)]);
        }
        if element.children.is_empty() {
            element.open_close = !src[node.range()].ends_with("/>");
        }
        ctx.leave();
        Ok(element)
    }

    /// Writes the element verbatim at the writer's position.
    pub fn write(&self, w: &mut Writer) {
        if w.layout() == crate::write::Layout::Restyled {
            return self.write_restyled(w, false);
        }
        w.start_verbatim(&self.name);
        for a in &self.attributes {
            w.raw_attribute(&a.name, &a.value, self.double_quoted);
        }
        if self.children.is_empty() {
            if self.open_close {
                w.raw(">");
                w.raw("</");
                w.raw(&self.name);
                w.raw(">");
            } else {
                w.raw("/>");
            }
            w.end_verbatim();
            return;
        }
        w.raw(">");
        for child in &self.children {
            match child {
                AnyNode::Text(t) => w.raw_text(t, self.double_quoted),
                other => other.write_verbatim(w),
            }
        }
        w.raw("</");
        w.raw(&self.name);
        w.raw(">");
        w.end_verbatim();
    }
}

impl AnyElement {
    /// Writes the element in libvirt's style: indented like typed content, blank text
    /// dropped, libvirt's quotes, or libxml2's for an element of another namespace and what
    /// it holds (libvirt writes `<metadata>` entries with libxml2).
    fn write_restyled(&self, w: &mut Writer, libxml2: bool) {
        let libxml2 = libxml2
            || self.name.contains(':')
            || self.attributes.iter().any(|a| a.name == "xmlns" || a.name.starts_with("xmlns:"));
        w.start(&self.name);
        for a in &self.attributes {
            w.raw_attribute(&a.name, &a.value, libxml2);
        }
        let blank = |n: &AnyNode| matches!(n, AnyNode::Text(t) if t.trim().is_empty());
        let only_text = self.children.iter().all(|c| matches!(c, AnyNode::Text(_)));
        for child in &self.children {
            match child {
                AnyNode::Element(e) => e.write_restyled(w, libxml2),
                AnyNode::Text(_) if blank(child) && !only_text => {}
                AnyNode::Text(t) if !only_text => w.text_among_elements(t, libxml2),
                AnyNode::Text(t) => w.raw_text(t, libxml2),
                other => other.write_verbatim(w),
            }
        }
        let empty = if self.children.iter().all(blank) && !self.children.is_empty() {
            crate::extras::EmptyStyle::OpenClose("\n".to_owned())
        } else {
            crate::extras::EmptyStyle::SelfClosing
        };
        w.end(&self.name, &empty);
    }
}

impl AnyNode {
    /// Reads any node.
    pub fn read(node: Node<'_>, ctx: &mut ReadCtx<'_>) -> Result<Self> {
        Ok(match node.node_type() {
            crate::read::NodeType::Element => AnyNode::Element(AnyElement::read(node, ctx)?),
            crate::read::NodeType::Comment => AnyNode::Comment(node.text().unwrap_or("").to_owned()),
            crate::read::NodeType::PI => {
                let pi = node.pi().expect("a PI node has a PI");
                AnyNode::ProcessingInstruction { target: pi.target.to_owned(), value: pi.value.map(str::to_owned) }
            }
            crate::read::NodeType::Text => AnyNode::Text(node.text().unwrap_or("").to_owned()),
            crate::read::NodeType::Root => {
                return Err(Error::new("/", crate::ErrorKind::NotWellFormed("nested root".into())))
            }
        })
    }

    /// Writes the node as it was read, with no added indentation.
    pub(crate) fn write_verbatim(&self, w: &mut Writer) {
        match self {
            AnyNode::Element(e) => e.write(w),
            // Unknown text of a typed element: in libvirt's style, on a line of its own (blank
            // lines kept as layout stay as they are).
            AnyNode::Text(t) if w.layout() == crate::write::Layout::Restyled && !t.trim().is_empty() => {
                w.text_among_elements(t, false)
            }
            AnyNode::Text(t) => w.raw_text(t, false),
            AnyNode::Comment(c) => w.raw_comment(c),
            AnyNode::ProcessingInstruction { target, value } => w.raw_pi(target, value.as_deref()),
        }
    }
}

impl From<AnyElement> for AnyNode {
    fn from(e: AnyElement) -> Self {
        AnyNode::Element(e)
    }
}

/// Text content.
impl From<&str> for AnyNode {
    fn from(t: &str) -> Self {
        AnyNode::Text(t.to_owned())
    }
}

impl crate::read::ReadElement for AnyElement {
    fn read_element(node: Node<'_>, ctx: &mut ReadCtx<'_>) -> Result<Self> {
        AnyElement::read(node, ctx)
    }
}

impl crate::write::WriteElement for AnyElement {
    /// Writes the element under its own name (which is the name it was read under).
    fn write_element(&self, _name: &str, w: &mut Writer) {
        self.write(w)
    }
}

/// Where the blank text just before `at` starts.
fn blank_before(src: &str, at: usize) -> usize {
    at - src.as_bytes()[..at].iter().rev().take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')).count()
}

/// Adds text a lean tree left out, when there was some.
fn push_left_out(children: &mut Vec<AnyNode>, text: &str) {
    if !text.is_empty() {
        children.push(AnyNode::Text(text.to_owned()));
    }
}

/// The quote character of the first attribute or namespace declaration of an element's start
/// tag (the first `=` in a start tag is always an attribute's).
pub(crate) fn first_quote(node: Node<'_>, src: &str) -> Option<u8> {
    let tag = &src.as_bytes()[node.range().start..];
    let eq = tag.iter().take_while(|&&b| b != b'>').position(|&b| b == b'=')?;
    tag[eq + 1..].iter().copied().find(|b| !b.is_ascii_whitespace())
}

impl AnyElement {
    /// Reads this element as a type of the user's (an application's `<metadata>` entry).
    pub fn to_typed<T: crate::read::ReadElement>(&self, options: crate::ReadOptions) -> Result<T> {
        let text = crate::to_fragment(self, &self.name);
        crate::from_fragment(&text, self.local_name(), options)
            .or_else(|_| crate::from_fragment(&text, &self.name, options))
    }

    /// An element of a user's type under the qualified name `name`, declaring `namespace`
    /// for its prefix (for `<metadata>`).
    pub fn from_typed<T: crate::write::WriteElement + ?Sized>(value: &T, name: &str, namespace: &str) -> Result<Self> {
        let mut text = crate::to_fragment(value, name);
        if let Some((prefix, _)) = name.split_once(':') {
            // A value read from XML may carry its declaration in its extras already.
            let tag_end = text.find('>').unwrap_or(text.len());
            if !text[..tag_end].contains(&format!("xmlns:{prefix}=")) {
                text.insert_str(name.len() + 1, &format!(" xmlns:{prefix}='{namespace}'"));
            }
        }
        let doc = crate::read::parse_document(&text)?;
        let mut ctx = ReadCtx::new(&doc, crate::ReadOptions::default());
        AnyElement::read(doc.root_element(), &mut ctx)
    }
}
