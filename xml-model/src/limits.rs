//! Limits on what a document may hold, so that hostile input (a service reading definitions
//! from other people) costs time in proportion to its size or is refused with a clear error,
//! never an abort or a quadratic parse.
//!
//! The document tree's quick pass checks them as it builds the tree ([`crate::tree`]). For
//! the documents it leaves to roxmltree, [`Limits::check`] scans first: roxmltree checks each
//! attribute of an element against all the ones before it, so an element with 200,000
//! attributes takes minutes, and `max_attributes` refuses it first. The scan is one pass of
//! quick-xml's tokeniser and stops at the first error; the parser that follows reports
//! anything that is not well-formed, with its own message. Both give the same error at the
//! same place (`tests/tree_equality.rs`).

use crate::error::{Error, ErrorKind, Result};

/// Limits on a document. The defaults admit any document libvirt accepts and refuse what
/// libvirt itself would refuse or what no libvirt document needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The document's size in bytes. Default 32 MiB: libvirt's RPC messages, which carry
    /// every definition a client defines, are at most that (`VIR_NET_MESSAGE_MAX`).
    pub max_bytes: usize,
    /// The deepest element nesting. Default 256; libvirt's deepest documents nest about a dozen.
    pub max_depth: u32,
    /// Attributes on one element (namespace declarations included). Default 256; libvirt's
    /// elements have at most a few dozen.
    pub max_attributes: usize,
    /// Bytes of one text node (character data between two tags, entity references and CDATA
    /// sections included). Default 10,000,000: libxml2's limit without `XML_PARSE_HUGE`,
    /// which libvirt does not set, so libvirt refuses longer text too.
    pub max_text: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: 32 << 20, max_depth: 256, max_attributes: 256, max_text: 10_000_000 }
    }
}

impl Limits {
    /// No limits beyond the depth that keeps reading from exhausting the stack.
    pub fn none() -> Self {
        Limits {
            max_bytes: usize::MAX,
            max_depth: Limits::default().max_depth,
            max_attributes: usize::MAX,
            max_text: usize::MAX,
        }
    }

    /// Checks `text` against the limits: the first one it breaks is an error at the place it
    /// is broken.
    pub fn check(&self, text: &str) -> Result<()> {
        use quick_xml::events::Event;
        self.check_size(text)?;
        let mut reader = quick_xml::Reader::from_str(text);
        // Well-formedness is the parser's to report; this pass only counts.
        reader.config_mut().check_end_names = false;
        let mut depth = 0u32;
        // The text node being read: where it started and its length so far.
        let mut run: Option<(usize, usize)> = None;
        loop {
            let at = reader.buffer_position() as usize;
            let event = match reader.read_event() {
                Ok(Event::Eof) | Err(_) => return Ok(()),
                Ok(e) => e,
            };
            let piece = match &event {
                Event::Text(t) => Some(t.len()),
                Event::CData(t) => Some(t.len()),
                Event::GeneralRef(r) => Some(r.len() + 2),
                _ => None,
            };
            if let Some(len) = piece {
                let (start, total) = run.get_or_insert((at, 0));
                *total += len;
                if *total > self.max_text {
                    return Err(over(text, *start, "a text node".into(), "max_text", self.max_text));
                }
                continue;
            }
            run = None;
            match &event {
                Event::Start(e) | Event::Empty(e) => {
                    // Each attribute has one `=` outside its value: fewer `=` in the whole tag
                    // than the limit settles it without reading the attributes.
                    let bound = e.as_ref().iter().filter(|b| **b == b'=').count();
                    let count = if bound <= self.max_attributes {
                        bound
                    } else {
                        e.attributes().with_checks(false).take(self.max_attributes.saturating_add(1)).count()
                    };
                    if count > self.max_attributes {
                        let what = format!("attributes of <{}>", String::from_utf8_lossy(e.name().as_ref()));
                        return Err(over(text, at, what, "max_attributes", self.max_attributes));
                    }
                    if matches!(event, Event::Start(_)) {
                        depth += 1;
                        if depth > self.max_depth {
                            return Err(located(text, at, ErrorKind::TooDeep { limit: self.max_depth }));
                        }
                    }
                }
                Event::End(_) => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
}

impl Limits {
    /// Checks the document's size alone.
    pub(crate) fn check_size(&self, text: &str) -> Result<()> {
        if text.len() > self.max_bytes {
            let what = format!("a document of {} bytes", text.len());
            return Err(over(text, 0, what, "max_bytes", self.max_bytes));
        }
        Ok(())
    }
}

/// The error for a limit broken at a byte offset of `text`.
pub(crate) fn over(text: &str, offset: usize, what: String, limit: &'static str, value: usize) -> Error {
    located(text, offset, ErrorKind::OverLimit { what, limit, value })
}

/// An error at a byte offset of `text`, with its line and column.
pub(crate) fn located(text: &str, offset: usize, kind: ErrorKind) -> Error {
    let pos = crate::tree::text_pos_at(text, offset);
    Error::at("", pos.row, pos.col, kind)
}
