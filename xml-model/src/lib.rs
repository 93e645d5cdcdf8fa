//! Typed, lossless libvirt XML: the runtime every model type stands on.
//!
//! - [`read`]: reading typed values from a parsed document, with the path, line and column
//!   of every error; strict mode rejects what the model does not know.
//! - [`write`](mod@write): writing in libvirt's own style, and back in the layout a value was read in.
//! - [`Extras`]: what an element held beyond its fields (unknown attributes, elements,
//!   comments) and its layout, so nothing is ever dropped.
//! - [`AnyElement`]: arbitrary XML, for `<metadata>` and for what a type does not model.
//! - [`value`]: scalars; [`Number`] keeps `0x8` as `0x8`. [`ScaledInteger`] reads units.
//! - [`validate`]: facets and rules types cannot carry.
//! - `generated` (feature `domain`, on by default): the model of libvirt's documents. Domains
//!   are always in it; every other document kind comes with the feature named after it (as in
//!   `generated::KINDS`: `network`, `nodedev`, `storagepool`...), or all with `all-kinds`.
//!
//! Types are written with `#[derive(Xml)]` and `#[derive(XmlValue)]`:
//!
//! ```
//! use xml_model::{Document, Extras, Number, Xml, XmlValue};
//!
//! #[derive(Debug, Clone, PartialEq, XmlValue)]
//! pub enum Mode {
//!     Emulate,
//!     Passthrough,
//! }
//!
//! #[derive(Debug, Clone, PartialEq, Xml)]
//! #[xml(root = "maxphysaddr")]
//! pub struct MaxPhysAddr {
//!     #[xml(attribute = "mode")]
//!     pub mode: Mode,
//!     #[xml(attribute = "bits")]
//!     pub bits: Option<Number<u32>>,
//!     #[xml(extras)]
//!     pub extras: Extras,
//! }
//!
//! let doc: Document<MaxPhysAddr> = Document::parse("<maxphysaddr mode='emulate' bits='0x2a'/>").unwrap();
//! assert_eq!(doc.root.bits.as_ref().unwrap().get(), 42);
//! // Written back as it was read: `0x2a`, and no line break after it.
//! assert_eq!(doc.to_xml(), "<maxphysaddr mode='emulate' bits='0x2a'/>");
//!
//! let built = MaxPhysAddr::new(Mode::Emulate).bits(42);
//! assert_eq!(Document::new(built).to_xml(), "<maxphysaddr mode='emulate' bits='42'/>\n");
//! ```
//!
//! # The derive vocabulary
//!
//! On struct fields (one role each): `#[xml(attribute = "name")]`, `#[xml(child = "name")]`
//! (the element name is the field's, so one type serves many names), `#[xml(text)]`,
//! `#[xml(flatten)]` (a group whose attributes and children are this element's),
//! `#[xml(choice)]` (children told apart by name, an `#[xml(elements)]` enum),
//! `#[xml(any)]` (`Vec<AnyElement>`: elements of any other name), `#[xml(extras)]`
//! (an [`Extras`]: where unknown content and layout are kept; without it, unknown content
//! is an error). Occurrence comes from the type: `T`, `Option<T>`, `Vec<T>`, with `Box`
//! for recursion. `#[xml(non_empty)]` and `#[xml(validate = "path")]` add checks.
//! `#[xml(flatten, lead)]` writes a flattened tag enum's attribute before the element's
//! own, as libvirt writes `<controller type='usb' index='0'>`.
//!
//! On enums: `#[xml(tag = "type")]` (variants told apart by an attribute value, each
//! `#[xml(value = "..")]`, one may be `default` for an absent attribute, which is remembered
//! and stays absent; with `payload_tags_first`, the variants' own leading tags are written
//! before it: `<disk type='file' device='disk'>`), `#[xml(child_text = "type")]` (by the text of a child element),
//! `#[xml(elements)]` (by element name, each variant `#[xml(element = "..")]`).
//! `#[derive(XmlValue)]` enums are string values (`#[xml(other)] Other(String)` for free
//! text); `#[derive(XmlValue)]` newtypes take `pattern`, `min` and `max` facets.
//! Containers take `root = ".."` (a document type), `crate = ".."` and `validate = ".."`.
//!
//! # Generated names
//!
//! The types of [`generated`] are named by `xml-codegen` from what each type
//! is and where it is used, never from where the codegen met it first:
//!
//! 1. **The RNG define** it is the body of, camel-cased, libvirt's C prefix `vir` dropped,
//!    acronyms as one word: `<define name="address">` is `Address`, `virYesNo` is `YesNo`,
//!    `countCPU` is `CountCpu`. A define names one thing, so its name wins over any other.
//! 2. Else **the element**, qualified by the elements around it that *all* its uses share,
//!    nearest first: the `<target>` of every `<disk>` is `DiskTarget`, the `<target>` of
//!    `<channel>` is `ChannelTarget`.
//! 3. Else **its variant**: the content of `<address type='pci'>` is `PciAddress`, the choice
//!    told apart by `<disk device=..>` is `DiskDevice`; values are named after their
//!    attribute and element (`DiskSnapshot`), or after themselves when few (`YesNo`).
//!
//! Names are unique in a module; when several types want one name, a define's name wins,
//! then the type used most, and the rest take their next candidate. No name repeats a word
//! (`AddressType`, not `AddressAddressType`) or carries a module name; a type shared by
//! several schemas lives in the module of the schema that defines it (`basictypes::YesNo`).
//! Fields are the snake-cased attribute or element (`type` is `kind`), lists the plural
//! (`disks`, `addresses`). A field holding one of a few elements is named after them
//! (`throttlefilters_or_iotune`; a list: `caches_and_monitors`).
//!
//! To see or change a name:
//!
//! - `cargo run -p xml-codegen -- --explain NAME` lists each type called `NAME`, its uses
//!   and the candidates it was given.
//! - `[rename]` in `schemas/codegen.toml` overrides one, keyed like prost's paths
//!   (`"domaincommon::Qemucdev" = "CharDevice"`); a key that names no type is an error, so a
//!   stale entry is noticed. Every rename there says why the schema's context was not enough.
//!   `[fields]` names a field the same way (`"nwfilter::Rule.rule_choice" = "protocol"`).
//! - `cargo run -p xml-codegen -- --audit` counts what a reader meets (types named after an
//!   element that does not use them, repeated words, string values the schema types, boxed
//!   fields); the codegen's tests fail when a type is named after an element that does not
//!   use it, when a name repeats a word, ends in a module name or needs a number, when a
//!   field holding a choice of elements is named after others, and when a type of one or two
//!   places is named only after an item that many elements have (`TargetType` for a
//!   character device's `<target type>`, which codegen.toml names `CharTargetType`).

extern crate self as xml_model;

pub mod any;
pub mod check;
pub mod compare;
#[cfg(feature = "domain")]
pub mod constructors;
#[cfg(feature = "domain")]
pub mod device;
pub mod diff;
pub mod error;
pub mod extras;
pub mod limits;
#[cfg(feature = "domain")]
#[rustfmt::skip]
pub mod generated;
#[cfg(feature = "domain")]
pub mod prelude;
pub mod read;
#[cfg(feature = "domain")]
pub mod rules;
pub mod scalars;
pub mod scaled;
#[cfg(feature = "serde")]
pub mod serde_form;
mod text;
pub mod tree;
pub mod validate;
pub mod value;
pub mod write;

pub use any::{AnyAttribute, AnyElement, AnyNode};
pub use error::{Error, ErrorDetail, ErrorKind, Result};
pub use extras::{Empty, Extras, Unrecognized};
pub use limits::Limits;
pub use read::{ReadOptions, XmlRoot};
pub use scalars::{CpuSet, CpuSetItem, IpAddress, Ipv4Address, Ipv6Address, MacAddress, Netmask, OrVariable, Uuid};
pub use scaled::{ScaledInteger, Unit};
pub use validate::{Problem, Rule, Validate, ValidateRoot};
pub use value::{AnyBase, Base16, HexNumber, HexUpTo, Number, Octal, PciFunction, PciSlot, XmlValue};
#[cfg(feature = "schemars")]
pub use xml_derive::JsonSchema;
pub use xml_derive::{Xml, XmlValue};

use std::path::Path;

/// A whole document: the typed root and what stood around it (the XML declaration,
/// comments and processing instructions before and after the root element).
#[derive(Debug, Clone, PartialEq)]
pub struct Document<T> {
    /// `<?xml ...?>` as written, if there was one.
    pub declaration: Option<String>,
    /// Comments and processing instructions before the root element.
    pub prolog: Vec<AnyNode>,
    /// The root element.
    pub root: T,
    /// Comments and processing instructions after the root element.
    pub epilog: Vec<AnyNode>,
    /// How the text was laid out (indentation, quotes), kept when it is written back as
    /// read ([`write::Layout::AsRead`], [`write::Layout::Model`]); libvirt's for a new
    /// document, and always for [`write::Layout::Restyled`].
    pub style: write::TextStyle,
}

impl<T: XmlRoot> Document<T> {
    /// A document holding only `root`.
    pub fn new(root: T) -> Self {
        Document { declaration: None, prolog: Vec::new(), root, epilog: Vec::new(), style: write::TextStyle::LIBVIRT }
    }

    /// Reads a document, keeping unknown content.
    pub fn parse(text: &str) -> Result<Self> {
        Self::parse_with(text, ReadOptions::default())
    }

    /// Reads a document; in strict mode unknown content is an error, and so is anything
    /// libvirt's schemas do not allow (the first problem `check` finds).
    pub fn parse_with(text: &str, options: ReadOptions) -> Result<Self> {
        // Documents read from a tree without their indentation (which neither typed reading
        // nor the schema check of strict reading counts; unknown content kept whole takes
        // its own from the input). One that fails is read again from the whole tree, so
        // that errors are those of the whole tree.
        if read::lean_trees_allowed() {
            let doc = read::Tree::parse_lean(text, &options.limits)?;
            if doc.is_lean() {
                if let Ok(document) = Self::from_tree(&doc, text, options) {
                    return Ok(document);
                }
            } else {
                return Self::from_tree(&doc, text, options);
            }
        }
        let doc = read::parse_document_with(text, &options.limits)?;
        Self::from_tree(&doc, text, options)
    }

    fn from_tree(doc: &read::Tree<'_>, text: &str, options: ReadOptions) -> Result<Self> {
        let root = read::read_root::<T>(doc, options).map_err(|e| check::in_schema_terms(e, options, doc, false))?;
        if options.strict {
            check::strict_reading(doc)?;
        }
        Document::around(root, doc, text, options)
    }

    /// Reads a document from bytes, which must be UTF-8.
    pub fn from_bytes_with(bytes: &[u8], options: ReadOptions) -> Result<Self> {
        Self::parse_with(read::utf8(bytes)?, options)
    }

    /// Reads a file; errors name it.
    pub fn read_file(path: impl AsRef<Path>, options: ReadOptions) -> Result<Self> {
        read::read_file(path.as_ref(), options)
    }

    /// Writes the document in libvirt's style, ending with a newline.
    pub fn to_xml(&self) -> String {
        self.to_xml_with(write::Layout::AsRead)
    }

    /// Writes the document in libvirt's style with the given layout: as read, or in the
    /// model's own order (what a value built in code gives; comments and unknown content
    /// follow the known content of their element).
    pub fn to_xml_with(&self, layout: write::Layout) -> String {
        self.write_sized(layout, 4096)
    }

    /// Writes the document with room for `capacity` bytes from the start. Reformatting
    /// gives text about as long as the text read: with room for it, a large document's text
    /// is not copied each time it doubles, and does not for a moment need three times its
    /// length while it is (`fmt`'s peak memory).
    pub(crate) fn write_sized(&self, layout: write::Layout, capacity: usize) -> String {
        self.write_around(layout, capacity, |root, w| root.write_element(T::ROOT, w))
    }
}

/// What any document has around its root, whatever type reads the root: device documents
/// ([`Document<Device>`](generated::domaincommon::Device)) as well as the schemas' own.
impl<T> Document<T> {
    /// `root` with the XML declaration, comments and processing instructions around the
    /// root element of `doc`.
    pub(crate) fn around(root: T, doc: &read::Tree<'_>, text: &str, options: ReadOptions) -> Result<Self> {
        let mut ctx = read::ReadCtx::new(doc, options);
        let mut prolog = Vec::new();
        let mut epilog = Vec::new();
        let mut seen_root = false;
        for node in doc.root().children() {
            if node.is_element() {
                seen_root = true;
            } else if node.is_comment() || node.is_pi() {
                let any = AnyNode::read(node, &mut ctx)?;
                if seen_root {
                    epilog.push(any)
                } else {
                    prolog.push(any)
                }
            }
        }
        // `<?xml` and a blank: a processing instruction whose target only starts with
        // `xml` (`<?xml-stylesheet ..?>`) is not the declaration, but part of the prolog.
        let declaration = text
            .strip_prefix('\u{feff}')
            .unwrap_or(text)
            .strip_prefix("<?xml")
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_whitespace()))
            .then(|| text.find("?>").map(|end| text[..end + 2].trim_start_matches('\u{feff}').to_owned()))
            .flatten();
        Ok(Document { declaration, prolog, root, epilog, style: doc.style() })
    }

    /// The document's text: its declaration and prolog, the root as `write_root` writes it,
    /// then its epilog, each on a line of its own.
    pub(crate) fn write_around(
        &self,
        layout: write::Layout,
        capacity: usize,
        write_root: impl FnOnce(&T, &mut write::Writer),
    ) -> String {
        let mut w = write::Writer::with_capacity(capacity);
        w.set_layout(layout);
        if layout != write::Layout::Restyled {
            w.set_style(self.style);
        }
        if let Some(d) = &self.declaration {
            w.raw(d);
            w.raw("\n");
        }
        for n in &self.prolog {
            n.write_verbatim(&mut w);
            w.raw("\n");
        }
        write_root(&self.root, &mut w);
        if self.style.final_newline || layout == write::Layout::Restyled || !self.epilog.is_empty() {
            w.raw("\n");
        }
        for n in &self.epilog {
            n.write_verbatim(&mut w);
            w.raw("\n");
        }
        w.into_string()
    }
}

/// Reads an element of type `T` that is the root of `text` and named `name`: a fragment
/// such as one device (`<hostdev>...</hostdev>`) for attaching.
pub fn from_fragment<T: read::ReadElement>(text: &str, name: &str, options: ReadOptions) -> Result<T> {
    let doc = read::parse_document_with(text, &options.limits)?;
    let mut ctx = read::ReadCtx::new(&doc, options);
    let root = doc.root_element();
    let qualified = root.qualified_name();
    if root.tag_name().name() != name && qualified != name {
        let found = root.tag_name().name().to_owned();
        return Err(ctx.error_at(root, ErrorKind::WrongRoot { found, expected: name.to_owned() }));
    }
    T::read_element(root, &mut ctx)
}

/// Writes `value` as an element named `name`, in libvirt's style, with no trailing newline.
pub fn to_fragment<T: write::WriteElement + ?Sized>(value: &T, name: &str) -> String {
    let mut w = write::Writer::with_capacity(512);
    value.write_element(name, &mut w);
    w.into_string()
}

/// Shortcuts on document types.
pub trait XmlDocument: XmlRoot + Sized {
    /// Reads a document's root element, keeping unknown content.
    fn from_xml(text: &str) -> Result<Self> {
        Document::<Self>::parse(text).map(|d| d.root)
    }

    /// Reads a document's root element; unknown content is an error.
    fn from_xml_strict(text: &str) -> Result<Self> {
        Document::<Self>::parse_with(text, ReadOptions::strict()).map(|d| d.root)
    }

    /// Writes the value as a document.
    fn to_xml(&self) -> String {
        let mut w = write::Writer::with_capacity(4096);
        self.write_element(Self::ROOT, &mut w);
        w.raw("\n");
        w.into_string()
    }
}

impl<T: XmlRoot> XmlDocument for T {}

#[doc(hidden)]
pub mod __private {
    pub use regex::Regex;

    /// `max` usable in constants.
    pub const fn max(a: u16, b: u16) -> u16 {
        if a > b {
            a
        } else {
            b
        }
    }
}
