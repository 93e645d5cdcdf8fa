//! Writing typed values in libvirt's own style: two-space indentation, single-quoted
//! attributes, `<x/>` for empty elements; and back in the layout they were read in.

use crate::any::AnyNode;
use crate::extras::{EmptyStyle, Extras, ExtrasInner, Slot};
use crate::read::is_blank;
use crate::value::XmlValue;

/// The content of an element, written field by field. Implemented by `#[derive(Xml)]`.
pub trait WriteContent {
    /// Writes the attributes, calling [`Writer::attribute`] for each. `extras` is the
    /// element's own (flattened groups and dispatching enums consult it).
    fn write_attributes(&self, w: &mut Writer, extras: &Extras);
    /// Writes the leading discriminating attributes (see `ReadContent::LEAD`), for an owner
    /// that writes them before its own.
    fn write_tags(&self, _w: &mut Writer, _extras: &Extras) {}
    /// Writes the attributes but the leading ones.
    fn write_other_attributes(&self, w: &mut Writer, extras: &Extras) {
        self.write_attributes(w, extras);
    }
    /// Writes the children and text, calling [`Writer::mark`] before each.
    fn write_children(&self, w: &mut Writer, extras: &Extras);
    /// The element's unknown content and layout.
    fn extras(&self) -> &Extras;
}

/// No content (see the `ReadContent` impl of `()`).
impl WriteContent for () {
    fn write_attributes(&self, _: &mut Writer, _: &Extras) {}
    fn write_children(&self, _: &mut Writer, _: &Extras) {}
    fn extras(&self) -> &Extras {
        &crate::extras::NO_EXTRAS
    }
}

/// A type that writes a whole element under a name the caller gives.
pub trait WriteElement {
    /// Writes the element named `name`.
    fn write_element(&self, name: &str, w: &mut Writer);
}

/// An element choice writes itself under the name of its branch.
pub trait WriteChoice {
    /// Writes the element of the branch this value is.
    fn write_choice(&self, w: &mut Writer);
}

/// The parts of an element a type wrote in its own order, to be put in the order they were
/// read in. Kept between elements (`Writer::spare`) so that their buffers are reused.
#[derive(Default)]
struct Capture {
    depth: usize,
    /// Each field's part: while capturing, where it begins in the writer's text; then its
    /// range in `text`.
    parts: Vec<Part>,
    /// The captured text.
    text: String,
    /// Scratch of `emit_in_order`, per rank.
    left: Vec<u32>,
    by_rank: Vec<u32>,
    rank_start: Vec<u32>,
    rank_next: Vec<u32>,
}

/// What one field wrote: an attribute, an element, the text.
struct Part {
    rank: u16,
    start: usize,
    end: usize,
    /// The element's text field (see [`Writer::text`]).
    is_text: bool,
    used: bool,
}

/// Where a value's parts go when it is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Layout {
    /// In the order they were read in (for values read from a document), so that a document
    /// comes back as it was: the same elements, attributes, text and comments in the same
    /// order, in the document's [`TextStyle`] (what libvirt formatted comes back byte for
    /// byte).
    #[default]
    AsRead,
    /// In the model's own order, libvirt's (the schema's where nothing else says), whatever
    /// order they were read in: what a value built in code gives.
    Model,
    /// In the order they were read in, but in libvirt's style whatever the input's: each
    /// element on its own line indented by two spaces per level, unknown elements included;
    /// libvirt's quotes (`'`), libxml2's (`"`) for other namespaces' elements, as libvirt
    /// writes `<metadata>`; an element with only blank text written `<a/>`, or over two lines
    /// when it was. What `xml-model fmt` gives.
    Restyled,
}

/// How a document's text is laid out: the indentation of a level and the quotes around
/// attribute values. libvirt's is two spaces and `'`; a document read keeps its own
/// ([`Document::style`](crate::Document::style)), so that a file written by hand with four
/// spaces and double quotes is written back so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextStyle {
    /// The indentation of one level.
    pub indent: Indent,
    /// Attribute values in double quotes (`"`) rather than libvirt's single ones.
    pub double_quotes: bool,
    /// A line break after the root element's end tag.
    pub final_newline: bool,
}

/// The indentation of one level of a [`TextStyle`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indent {
    /// This many spaces (libvirt: 2).
    Spaces(u8),
    /// This many tabs.
    Tabs(u8),
    /// No line breaks: the whole document on one line (as string templates often make it).
    OneLine,
}

impl TextStyle {
    /// libvirt's: two spaces a level, single quotes, a final line break.
    pub const LIBVIRT: TextStyle = TextStyle { indent: Indent::Spaces(2), double_quotes: false, final_newline: true };

    /// The style `text` is written in: the indentation of the first line inside its root
    /// element that starts with blanks, the quotes of the first attribute of an element of
    /// no namespace prefix (others', such as `<metadata>`'s, are libxml2's), and whether it
    /// ends with a line break. What is not clear (blanks of both kinds) is libvirt's. Reads
    /// only as far as it needs to.
    pub fn of(text: &str) -> TextStyle {
        // The root's start tag: the first `<` that opens an element.
        let bytes = text.as_bytes();
        let root = memchr::memchr_iter(b'<', bytes)
            .find(|&i| bytes.get(i + 1).is_some_and(|b| !matches!(b, b'?' | b'!' | b'/')));
        let inside = root.map_or("", |r| text[r..].trim_end());
        let indent = match memchr::memchr(b'\n', inside.as_bytes()) {
            None => Indent::OneLine,
            Some(_) => inside
                .split('\n')
                .skip(1)
                .map(|line| line.trim_end_matches('\r'))
                .find_map(|line| {
                    let blanks = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
                    (!blanks.is_empty() && line[blanks.len()..].starts_with('<')).then_some(blanks)
                })
                .map_or(Indent::Spaces(2), |blanks| {
                    let n = u8::try_from(blanks.len()).unwrap_or(u8::MAX);
                    if blanks.bytes().all(|b| b == b' ') {
                        Indent::Spaces(n)
                    } else if blanks.bytes().all(|b| b == b'\t') {
                        Indent::Tabs(n)
                    } else {
                        Indent::Spaces(2)
                    }
                }),
        };
        let double_quotes = first_attribute_quote(inside.as_bytes()) == Some(b'"');
        TextStyle { indent, double_quotes, final_newline: text.ends_with('\n') }
    }
}

/// The quote of the first attribute (not a namespace declaration) of an element with no
/// namespace prefix in `text`, which starts at an element's `<`; one pass, stopping there.
fn first_attribute_quote(text: &[u8]) -> Option<u8> {
    let mut i = 0;
    while i < text.len() {
        // At a `<`: an element's start tag, or markup to pass over.
        let rest = &text[i..];
        if rest.starts_with(b"<!--") {
            i += memchr::memmem::find(rest, b"-->").map_or(rest.len(), |e| e + 3);
            continue;
        }
        let name_len =
            rest[1..].iter().take_while(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'>' | b'/')).count();
        let prefixed =
            rest.get(1).is_some_and(|b| matches!(b, b'?' | b'!' | b'/')) || rest[1..1 + name_len].contains(&b':');
        let mut j = 1 + name_len;
        // The start tag's attributes, up to its `>`.
        while j < rest.len() && rest[j] != b'>' {
            if rest[j] == b'=' {
                let attr_end =
                    rest[..j].iter().rposition(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r')).map_or(0, |e| e + 1);
                let attr_start = rest[..attr_end]
                    .iter()
                    .rposition(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                    .map_or(0, |s| s + 1);
                let q =
                    rest[j + 1..].iter().position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r')).map(|k| j + 1 + k);
                let q = q.filter(|&q| matches!(rest[q], b'\'' | b'"'))?;
                if !prefixed && !rest[attr_start..attr_end].starts_with(b"xmlns") {
                    return Some(rest[q]);
                }
                // Past the value, whose `>` would not end the tag.
                j = q + 1 + memchr::memchr(rest[q], &rest[q + 1..]).unwrap_or(rest.len());
            }
            j += 1;
        }
        i += j;
        i += memchr::memchr(b'<', &text[i.min(text.len())..]).unwrap_or(text.len());
    }
    None
}

impl Default for TextStyle {
    fn default() -> Self {
        TextStyle::LIBVIRT
    }
}

/// A [`TextStyle`] as the writer spells it, worked out once: the indentation unit (spaces
/// or tabs, that many a level; none for one line), and the quotes.
struct StyleMarks {
    indent: Option<(&'static str, usize)>,
    double_quotes: bool,
}

impl Default for StyleMarks {
    fn default() -> Self {
        StyleMarks { indent: Some((SPACES, 2)), double_quotes: false }
    }
}

/// What indentation is cut from.
const SPACES: &str = "                                                                ";
const TABS: &str = "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t";

/// An XML text being written.
#[derive(Default)]
pub struct Writer {
    layout: Layout,
    marks: StyleMarks,
    out: String,
    depth: usize,
    /// A start tag is open (`<x a='1'` without its `>`).
    open: bool,
    /// Per open element: whether it has element children (its end tag goes on its own line).
    frames: Vec<bool>,
    captures: Vec<Capture>,
    /// Captures done with, their buffers kept for the next.
    spare: Vec<Capture>,
    /// Inside verbatim content (unknown elements): no indentation is added.
    verbatim: u32,
    /// Rank offset of the flattened group being written.
    rank_base: u16,
    /// Namespaces declared on open elements: (depth, uri).
    ns_scope: Vec<(usize, String)>,
    /// A namespace the next element must have declared.
    pending_ns: Option<(&'static str, &'static str)>,
    /// The text last written was unknown text among elements, written as read with its own
    /// whitespace: the next element or end tag adds no line break of its own.
    text_last: bool,
    /// The namespace the element being started must declare when its start tag closes.
    undeclared: Option<(&'static str, &'static str)>,
    /// Open elements whose children keep the blanks they were read with
    /// ([`ExtrasInner::gaps`]), innermost last.
    gaps: Vec<GapFrame>,
    /// A document's own style is in force ([`Writer::set_style`]): the places laid out
    /// otherwise than the rest of it (an element's quotes, blanks between children) are
    /// written as read. A value written alone is in libvirt's style throughout.
    document_style: bool,
}

/// An open element's recorded blanks, and how many of its child nodes are written.
struct GapFrame {
    /// The writer's depth inside the element.
    depth: usize,
    gaps: Vec<(u32, String)>,
    nodes: u32,
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// A writer with room for `n` bytes.
    pub fn with_capacity(n: usize) -> Self {
        Writer { out: String::with_capacity(n), ..Self::default() }
    }

    /// Where a value's parts go (see [`Layout`]).
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// Sets where a value's parts go (see [`Layout`]).
    pub fn set_layout(&mut self, layout: Layout) {
        self.layout = layout;
    }

    /// Sets the indentation and quotes (libvirt's unless set).
    pub fn set_style(&mut self, style: TextStyle) {
        self.marks = StyleMarks {
            indent: match style.indent {
                Indent::Spaces(n) => Some((SPACES, usize::from(n))),
                Indent::Tabs(n) => Some((TABS, usize::from(n))),
                Indent::OneLine => None,
            },
            double_quotes: style.double_quotes,
        };
        self.document_style = true;
    }

    /// `='` or `="`: constants, so that each is one store.
    #[inline]
    fn open_value(&mut self) {
        if self.marks.double_quotes {
            self.out.push_str("=\"");
        } else {
            self.out.push_str("='");
        }
    }

    #[inline]
    fn close_value(&mut self) {
        self.out.push(if self.marks.double_quotes { '"' } else { '\'' });
    }

    /// The text written so far.
    pub fn into_string(self) -> String {
        self.out
    }

    /// Appends text as it is (no escaping).
    pub fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn close_start_tag(&mut self) {
        if self.open {
            self.declare_pending();
            self.out.push('>');
            self.open = false;
        }
    }

    /// A line break and the indentation of `depth` levels (two spaces each, unless the
    /// style says otherwise).
    #[inline]
    fn new_line(&mut self, depth: usize) {
        let Some((unit, width)) = self.marks.indent else { return };
        self.out.push('\n');
        let mut n = depth * width;
        while n > 0 {
            let k = n.min(unit.len());
            self.out.push_str(&unit[..k]);
            n -= k;
        }
    }

    /// Closes an open start tag and begins a new line for a child node.
    fn node_break(&mut self) {
        self.close_start_tag();
        if self.verbatim == 0 {
            if let Some(had) = self.frames.last_mut() {
                *had = true;
                let text_last = std::mem::take(&mut self.text_last);
                if !self.recorded_gap(false) && !text_last {
                    self.new_line(self.depth);
                }
            }
        }
    }

    /// Writes the blanks recorded before the next child node of the element being written
    /// (or its end tag), if it has some: whether it did.
    fn recorded_gap(&mut self, end_tag: bool) -> bool {
        let Some(frame) = self.gaps.last_mut().filter(|f| f.depth == self.depth) else { return false };
        let n = if end_tag { ExtrasInner::END_TAG } else { frame.nodes };
        frame.nodes += 1;
        // In ascending order (the end tag's last): found by halves in a large `<devices>`.
        match frame.gaps.binary_search_by_key(&n, |(at, _)| *at) {
            Ok(i) => {
                self.out.push_str(&frame.gaps[i].1);
                true
            }
            Err(_) => false,
        }
    }

    /// Starts an element: `<name`.
    pub fn start(&mut self, name: &str) {
        self.node_break();
        self.out.push('<');
        self.out.push_str(name);
        self.frames.push(false);
        self.depth += 1;
        self.open = true;
        self.undeclared = self.pending_ns.take();
    }

    /// Declares the namespace of the element whose start tag is closing, unless it is
    /// declared already (by an ancestor, or by an attribute kept from reading).
    fn declare_pending(&mut self) {
        if let Some((prefix, uri)) = self.undeclared.take() {
            if !self.ns_scope.iter().any(|(_, u)| u == uri) {
                self.kept_attribute(&format!("xmlns:{prefix}"), uri);
            }
        }
    }

    /// Makes the next element declare `prefix` for `uri` unless an open element already does
    /// (elements of libvirt's namespaces, such as `<qemu:commandline>`, built in code).
    pub fn declare_namespace(&mut self, prefix: &'static str, uri: &'static str) {
        self.pending_ns = Some((prefix, uri));
    }

    /// Ends the element started last.
    pub fn end(&mut self, name: &str, empty: &EmptyStyle) {
        self.depth -= 1;
        while self.ns_scope.last().is_some_and(|(d, _)| *d > self.depth) {
            self.ns_scope.pop();
        }
        let had_elements = self.frames.pop().unwrap_or(false);
        let text_last = std::mem::take(&mut self.text_last);
        // The blanks recorded before the end tag: a node is seen there too.
        let recorded = had_elements && self.verbatim == 0 && !text_last && {
            self.depth += 1;
            let recorded = self.recorded_gap(true);
            self.depth -= 1;
            recorded
        };
        if self.gaps.last().is_some_and(|f| f.depth == self.depth + 1) {
            self.gaps.pop();
        }
        if self.open {
            self.declare_pending();
            self.open = false;
            match empty {
                EmptyStyle::SelfClosing => self.out.push_str("/>"),
                EmptyStyle::SpacedSelfClosing if self.layout == Layout::Restyled => self.out.push_str("/>"),
                EmptyStyle::SpacedSelfClosing => self.out.push_str(" />"),
                EmptyStyle::OpenClose(ws) if self.layout == Layout::Restyled => {
                    // libvirt writes an element it opened for children it then did not have
                    // over two lines (`<source>` of a pool); never `<a></a>`.
                    if ws.contains('\n') {
                        self.out.push('>');
                        self.new_line(self.depth);
                        self.out.push_str("</");
                        self.out.push_str(name);
                        self.out.push('>');
                    } else {
                        self.out.push_str("/>");
                    }
                }
                EmptyStyle::OpenClose(ws) => {
                    self.out.push('>');
                    self.out.push_str(ws);
                    self.out.push_str("</");
                    self.out.push_str(name);
                    self.out.push('>');
                }
            }
            return;
        }
        if had_elements && self.verbatim == 0 && !text_last && !recorded {
            self.new_line(self.depth);
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// Records that what follows is the field of this rank (for writing in a read order).
    #[inline]
    pub fn mark(&mut self, rank: u16) {
        self.mark_part(rank, false);
    }

    /// Records the start of a field's part; whether it was captured.
    #[inline]
    fn mark_part(&mut self, rank: u16, text: bool) -> bool {
        match self.captures.last_mut() {
            Some(c) if c.depth == self.depth => {
                let rank = self.rank_base + rank;
                c.parts.push(Part { rank, start: self.out.len(), end: 0, is_text: text, used: false });
                true
            }
            _ => false,
        }
    }

    /// Writes an attribute ` name='value'` of the given rank.
    pub fn attribute<V: XmlValue>(&mut self, rank: u16, name: &str, value: &V) {
        self.mark(rank);
        self.out.push(' ');
        self.out.push_str(name);
        self.open_value();
        value.write_xml(&mut self.out, |out, text| escape_into(out, text, Style::Libvirt));
        self.close_value();
    }

    /// Writes an attribute ` name='value'` of the given rank from text.
    pub fn attribute_str(&mut self, rank: u16, name: &str, value: &str) {
        self.mark(rank);
        self.out.push(' ');
        self.out.push_str(name);
        self.open_value();
        escape_into(&mut self.out, value, Style::Libvirt);
        self.close_value();
    }

    /// Writes text content of the given rank.
    /// Empty text writes nothing, so the element stays `<x/>` (or the empty form it was read in).
    ///
    /// Text beside elements (mixed content, which libvirt's schemas never declare but a read
    /// document may hold) keeps the whitespace it was read with, so the element after it or
    /// the end tag adds no line break of its own: the text would read back longer each time.
    pub fn text<V: XmlValue>(&mut self, rank: u16, value: &V) {
        let text = value.to_xml();
        if text.is_empty() {
            return;
        }
        self.close_start_tag();
        let captured = self.mark_part(rank, true);
        escape_into(&mut self.out, &text, Style::LibvirtText);
        // A captured part is put in place later: `push_part` decides then.
        if !captured {
            self.text_last = self.verbatim == 0 && !is_blank(&text);
        }
    }

    /// Writes an attribute of an element kept verbatim, quoted as it was read: `"` (with
    /// libxml2's escapes) or `'`, whatever the document's quotes.
    pub fn raw_attribute(&mut self, name: &str, value: &str, double_quoted: bool) {
        self.attribute_name(name, value);
        if double_quoted {
            self.out.push_str("=\"");
            escape_into(&mut self.out, value, Style::Libxml2Attribute);
            self.out.push('"');
        } else {
            self.out.push_str("='");
            escape_into(&mut self.out, value, Style::Libvirt);
            self.out.push('\'');
        }
    }

    /// Writes an attribute a typed element kept from reading (unknown, or a namespace
    /// declaration), in the element's quotes.
    pub fn kept_attribute(&mut self, name: &str, value: &str) {
        self.attribute_name(name, value);
        self.open_value();
        escape_into(&mut self.out, value, Style::Libvirt);
        self.close_value();
    }

    /// ` name`, noting a namespace it declares.
    fn attribute_name(&mut self, name: &str, value: &str) {
        if name.starts_with("xmlns:") {
            self.ns_scope.push((self.depth, value.to_owned()));
        }
        self.out.push(' ');
        self.out.push_str(name);
    }

    /// Starts an element kept verbatim: `<name`; the caller writes the rest raw.
    pub fn start_verbatim(&mut self, name: &str) {
        self.node_break();
        self.out.push('<');
        self.out.push_str(name);
        self.verbatim += 1;
    }

    /// Ends verbatim content.
    pub fn end_verbatim(&mut self) {
        self.verbatim -= 1;
    }

    /// Writes text kept verbatim, escaped as libxml2 does (`libxml2`) or as libvirt does.
    pub fn raw_text(&mut self, text: &str, libxml2: bool) {
        self.close_start_tag();
        let style = if libxml2 { Style::Libxml2Text } else { Style::LibvirtText };
        escape_into(&mut self.out, text, style);
        // Text among a typed element's items carries the whitespace that followed it when
        // read (none in `<os>\ntype<type>`): the next item must not add a line break, or the
        // text would read back longer. Blank text is layout: the break is still the writer's.
        self.text_last = self.verbatim == 0 && !is_blank(text);
    }

    /// Writes text that stands among elements (mixed content) in libvirt's style: on its own
    /// line like an element, the whitespace at its ends dropped, as the writer indents by
    /// itself (so that formatting twice gives what formatting once gave).
    pub fn text_among_elements(&mut self, text: &str, libxml2: bool) {
        self.node_break();
        let style = if libxml2 { Style::Libxml2Text } else { Style::LibvirtText };
        escape_into(&mut self.out, text.trim(), style);
    }

    /// Writes a comment.
    pub fn raw_comment(&mut self, text: &str) {
        self.node_break();
        self.out.push_str("<!--");
        self.out.push_str(text);
        self.out.push_str("-->");
    }

    /// Writes a processing instruction.
    pub fn raw_pi(&mut self, target: &str, value: Option<&str>) {
        self.node_break();
        self.out.push_str("<?");
        self.out.push_str(target);
        if let Some(v) = value {
            self.out.push(' ');
            self.out.push_str(v);
        }
        self.out.push_str("?>");
    }

    /// Enters a flattened group whose ranks start at `rank`; returns what to restore.
    #[inline]
    pub fn enter_group(&mut self, rank: u16) -> u16 {
        let saved = self.rank_base;
        self.rank_base += rank;
        saved
    }

    /// Leaves a flattened group.
    #[inline]
    pub fn leave_group(&mut self, saved: u16) {
        self.rank_base = saved;
    }

    /// Appends a captured part; right after unknown text (which kept its own whitespace)
    /// without the line break and indentation the part was captured with.
    fn push_part(&mut self, text: &str, is_text: bool) {
        let text = match std::mem::take(&mut self.text_last) {
            // The line break the part was captured with (a text field's own whitespace stays).
            true if !is_text && text.starts_with('\n') => text.trim_start_matches(['\n', ' ']),
            _ => text,
        };
        self.out.push_str(text);
        self.text_last = is_text && self.verbatim == 0 && !is_blank(text);
    }

    fn begin_capture(&mut self) -> usize {
        let mut capture = self.spare.pop().unwrap_or_default();
        capture.depth = self.depth;
        capture.parts.clear();
        capture.text.clear();
        self.captures.push(capture);
        self.out.len()
    }

    /// Ends a capture: the text written since `base` moved into it, cut into parts.
    fn end_capture(&mut self, base: usize) -> Capture {
        let mut capture = self.captures.pop().expect("capture begun");
        capture.text.push_str(&self.out[base..]);
        self.out.truncate(base);
        let total = capture.text.len();
        for i in (0..capture.parts.len()).rev() {
            let end = capture.parts.get(i + 1).map_or(total, |next| next.start);
            let part = &mut capture.parts[i];
            part.start -= base;
            part.end = end;
        }
        capture
    }
}

/// Writes an element of a type with [`WriteContent`]: the driver the derive calls.
///
/// One function for all types (through `dyn WriteContent`): the ~900 element types of the
/// model do not each compile a copy of it.
pub fn write_element(value: &dyn WriteContent, name: &str, w: &mut Writer) {
    let extras = value.extras();
    let saved_base = std::mem::take(&mut w.rank_base);
    let renamed;
    let read_prefix = extras.get().and_then(|x| x.prefix.as_deref());
    let model_prefix = || name.split_once(':').map_or("", |(p, _)| p);
    if read_prefix.is_some_and(|p| p != model_prefix()) {
        // Written with the prefix it was read with, whose declaration came with it (kept as
        // an attribute, or on an ancestor read with it): the model's prefix is not declared.
        w.pending_ns = None;
    }
    let name = match read_prefix {
        Some("") => name.rsplit(':').next().unwrap_or(name),
        Some(prefix) => {
            renamed = format!("{prefix}:{}", name.rsplit(':').next().unwrap_or(name));
            renamed.as_str()
        }
        None => name,
    };
    w.start(name);
    let in_read_order = w.layout != Layout::Model;
    // What a document laid out otherwise in places keeps (as read only, not in `fmt`'s style).
    let keeps_layout = w.layout == Layout::AsRead && w.document_style;
    // An element quoted otherwise than its document is written back so (as read only).
    let document_quotes = w.marks.double_quotes;
    if let Some(double) = extras.get().and_then(|x| x.double_quoted).filter(|_| keeps_layout) {
        w.marks.double_quotes = double;
    }
    match extras.get() {
        Some(x) if in_read_order && !x.attribute_order.is_empty() => {
            let base = w.begin_capture();
            value.write_attributes(w, extras);
            let capture = w.end_capture(base);
            emit_in_order(w, capture, &x.attribute_order, &mut |w, i| {
                let a = &x.attributes[i];
                w.kept_attribute(&a.name, &a.value);
            });
        }
        Some(x) => {
            value.write_attributes(w, extras);
            for a in &x.attributes {
                w.kept_attribute(&a.name, &a.value);
            }
        }
        None => value.write_attributes(w, extras),
    }
    w.marks.double_quotes = document_quotes;
    if let Some(x) = extras.get().filter(|x| keeps_layout && !x.gaps.is_empty() && x.child_order.is_empty()) {
        w.gaps.push(GapFrame { depth: w.depth, gaps: x.gaps.clone(), nodes: 0 });
    }
    let empty = match extras.get() {
        Some(x) if in_read_order && !x.child_order.is_empty() => {
            write_children_in_order(value, w, extras, x);
            &x.empty
        }
        Some(x) => {
            value.write_children(w, extras);
            for node in &x.nodes {
                write_unknown_node(w, node);
            }
            &x.empty
        }
        None => {
            value.write_children(w, extras);
            &EmptyStyle::SelfClosing
        }
    };
    w.end(name, empty);
    w.rank_base = saved_base;
}

/// Whether a discriminating attribute was absent when read (and so stays absent).
pub fn tag_absent(extras: &Extras, name: &str) -> bool {
    extras.get().is_some_and(|x| x.absent_tags.iter().any(|t| t == name))
}

fn write_children_in_order(value: &dyn WriteContent, w: &mut Writer, extras: &Extras, x: &ExtrasInner) {
    w.close_start_tag();
    let base = w.begin_capture();
    value.write_children(w, extras);
    let had_elements = w.frames.last().copied().unwrap_or(false);
    let capture = w.end_capture(base);
    emit_in_order(w, capture, &x.child_order, &mut |w, i| write_unknown_node(w, &x.nodes[i]));
    if let Some(f) = w.frames.last_mut() {
        *f |= had_elements;
    }
}

fn write_unknown_node(w: &mut Writer, node: &AnyNode) {
    match node {
        AnyNode::Element(e) => e.write(w),
        other => other.write_verbatim(w),
    }
}

/// Emits captured parts in a recorded order, interleaving unknown items. Parts the order
/// does not account for (added in code after reading) follow the last recorded item of their
/// rank, or come before the first recorded item of a higher rank. Linear in the parts and
/// the order, but for parts added in code, which are looked at for each recorded item.
fn emit_in_order(w: &mut Writer, mut c: Capture, order: &[Slot], unknown: &mut dyn FnMut(&mut Writer, usize)) {
    let Capture { parts, text, left, by_rank, rank_start, rank_next, .. } = &mut c;
    // Ranks are a type's field numbers (a few dozen at most): tables by rank, not maps.
    let top = order
        .iter()
        .filter_map(|s| match s {
            Slot::Known(r) => Some(usize::from(*r)),
            Slot::Unknown(_) => None,
        })
        .chain(parts.iter().map(|p| usize::from(p.rank)))
        .max()
        .map_or(0, |m| m + 1);
    // How many recorded items of each rank are still to come.
    left.clear();
    left.resize(top, 0);
    for slot in order {
        if let Slot::Known(r) = slot {
            left[usize::from(*r)] += 1;
        }
    }
    // The parts of each rank in the order written, `by_rank[rank_start[r]..rank_start[r +
    // 1]]` (a counting sort); `rank_next[r]` is the next of them to use.
    rank_start.clear();
    rank_start.resize(top + 1, 0);
    for p in parts.iter() {
        rank_start[usize::from(p.rank) + 1] += 1;
    }
    for r in 0..top {
        rank_start[r + 1] += rank_start[r];
    }
    rank_next.clear();
    rank_next.extend_from_slice(&rank_start[..top]);
    by_rank.clear();
    by_rank.resize(parts.len(), 0);
    for (i, p) in parts.iter().enumerate() {
        let at = &mut rank_next[usize::from(p.rank)];
        by_rank[*at as usize] = i as u32;
        *at += 1;
    }
    rank_next.copy_from_slice(&rank_start[..top]);
    // Parts of ranks the order never recorded, in the order written.
    let mut unrecorded: Vec<u32> =
        (0..parts.len() as u32).filter(|&i| left[usize::from(parts[i as usize].rank)] == 0).collect();
    let emit = |w: &mut Writer, part: &mut Part| {
        part.used = true;
        w.push_part(&text[part.start..part.end], part.is_text);
    };
    for slot in order {
        match *slot {
            Slot::Unknown(i) => unknown(w, i as usize),
            Slot::Known(r) => {
                if !unrecorded.is_empty() {
                    unrecorded.retain(|&i| {
                        let part = &mut parts[i as usize];
                        if part.rank < r {
                            emit(w, part);
                        }
                        !part.used
                    });
                }
                let r = usize::from(r);
                let end = rank_start[r + 1];
                if rank_next[r] < end {
                    emit(w, &mut parts[by_rank[rank_next[r] as usize] as usize]);
                    rank_next[r] += 1;
                }
                left[r] -= 1;
                if left[r] == 0 {
                    while rank_next[r] < end {
                        emit(w, &mut parts[by_rank[rank_next[r] as usize] as usize]);
                        rank_next[r] += 1;
                    }
                }
            }
        }
    }
    for part in parts.iter_mut().filter(|p| !p.used) {
        emit(w, part);
    }
    w.spare.push(c);
}

#[derive(Clone, Copy)]
enum Style {
    /// libvirt's `virBufferEscapeString` in an attribute: `& < > ' "` as entities, and
    /// the whitespace an attribute value cannot keep literally.
    Libvirt = 0,
    /// libvirt's text: `& < > ' "` as entities, line breaks literal.
    LibvirtText = 1,
    /// libxml2 attribute values in double quotes.
    Libxml2Attribute = 2,
    /// libxml2 text.
    Libxml2Text = 3,
}

/// The bytes each [`Style`] escapes: bit `1 << style` of the byte's entry.
static ESCAPES: [u8; 256] = {
    let (libvirt, libvirt_text, libxml2_attribute, libxml2_text) = (1u8, 2u8, 4u8, 8u8);
    let mut table = [0u8; 256];
    table[b'&' as usize] = libvirt | libvirt_text | libxml2_attribute | libxml2_text;
    table[b'<' as usize] = libvirt | libvirt_text | libxml2_attribute | libxml2_text;
    table[b'>' as usize] = libvirt | libvirt_text | libxml2_attribute | libxml2_text;
    table[b'\r' as usize] = libvirt | libvirt_text | libxml2_attribute | libxml2_text;
    table[b'\'' as usize] = libvirt | libvirt_text;
    table[b'"' as usize] = libvirt | libvirt_text | libxml2_attribute;
    table[b'\n' as usize] = libvirt | libxml2_attribute;
    table[b'\t' as usize] = libvirt | libxml2_attribute;
    table
};

fn escape_into(out: &mut String, s: &str, style: Style) {
    let mask = 1u8 << (style as u8);
    let bytes = s.as_bytes();
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if ESCAPES[usize::from(b)] & mask == 0 {
            continue;
        }
        out.push_str(&s[last..i]);
        out.push_str(match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\'' => "&apos;",
            b'"' => "&quot;",
            b'\n' => "&#10;",
            b'\t' => "&#9;",
            _ => "&#13;",
        });
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_style_escapes_its_own_bytes() {
        let all = "a&<>'\"\n\t\rz";
        let escaped = |style| {
            let mut out = String::new();
            escape_into(&mut out, all, style);
            out
        };
        assert_eq!(escaped(Style::Libvirt), "a&amp;&lt;&gt;&apos;&quot;&#10;&#9;&#13;z");
        assert_eq!(escaped(Style::LibvirtText), "a&amp;&lt;&gt;&apos;&quot;\n\t&#13;z");
        assert_eq!(escaped(Style::Libxml2Attribute), "a&amp;&lt;&gt;'&quot;&#10;&#9;&#13;z");
        assert_eq!(escaped(Style::Libxml2Text), "a&amp;&lt;&gt;'\"\n\t&#13;z");
        let mut out = String::new();
        escape_into(&mut out, "plain é text", Style::Libvirt);
        assert_eq!(out, "plain é text");
    }

    #[test]
    fn a_documents_style_is_its_first_indented_line_and_its_first_plain_attribute() {
        use super::{Indent, TextStyle};
        let style = |t: &str| TextStyle::of(t);
        assert_eq!(style("<domain type='kvm'>\n  <name>a</name>\n</domain>\n"), TextStyle::LIBVIRT);
        let four =
            style("<?xml version=\"1.0\"?>\n<!-- a='1' -->\n<domain type=\"kvm\">\n    <name>a</name>\n</domain>");
        assert_eq!(four, TextStyle { indent: Indent::Spaces(4), double_quotes: true, final_newline: false });
        // Namespace declarations and other namespaces' elements (libxml2 writes `"`) do not count.
        let metadata = "<network>\n  <metadata>\n    <a:foo xmlns:a=\"urn:a\" x=\"1\"/>\n  </metadata>\n  \
                        <forward mode='bridge'/>\n</network>\n";
        assert!(!style(metadata).double_quotes);
        assert_eq!(style("<domain>\n\t<name>a</name>\n</domain>").indent, Indent::Tabs(1));
        assert_eq!(style("<domain><name x=\"a>b\">a</name></domain>").indent, Indent::OneLine);
        assert!(style("<domain><name x=\"a>b\">a</name></domain>").double_quotes);
        assert_eq!(style("<domain>\n \t<name>a</name>\n</domain>").indent, Indent::Spaces(2));
    }

    #[test]
    fn indentation_deeper_than_the_spaces_at_hand() {
        let mut w = Writer::new();
        w.new_line(40);
        assert_eq!(w.out, format!("\n{}", " ".repeat(80)));
    }
}
