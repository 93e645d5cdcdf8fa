//! Checking as the document is read, with no tree: the derivatives walked on the tree pass's
//! items ([`crate::tree::Visit`]). This is what checking a valid document costs. It stops at
//! the first problem, and [`super::Walk`] then walks the document's tree to report every
//! problem with its path and position; so whenever there is something to say, the tree walk
//! says it, and the two agree by construction on everything but speed.

use super::derivative::{is_whitespace, Engine};
use super::grammar::{PatternId, Start, NOT_ALLOWED};
use super::MAX_DEPTH;
use crate::tree::{StartTag, Visit};

/// One document's walk without a tree.
pub(super) struct Stream<'e, W> {
    engine: &'e mut Engine,
    /// Which of the document kinds the root element may be are to be checked.
    wanted: W,
    /// The document kind checked against, once the root element has named it.
    start: Option<&'static Start>,
    /// What may follow the root element.
    rest: PatternId,
    /// What may come next in each open element's content, and whether it has had a child
    /// element (then whitespace between its children is layout, not text).
    open: Vec<(PatternId, bool)>,
    /// The text read since the last tag, and whether it is all whitespace: pieces that a
    /// comment split are one text to the schema.
    run: String,
    run_blank: Option<bool>,
}

impl<'e, W: Fn(&Start) -> bool> Stream<'e, W> {
    pub(super) fn new(engine: &'e mut Engine, wanted: W) -> Self {
        Stream { engine, wanted, start: None, rest: NOT_ALLOWED, open: Vec::new(), run: String::new(), run_blank: None }
    }

    /// The kind the document is valid as, when the walk went through it without a problem
    /// (`finished` is what [`crate::tree::Document::visit`] gave).
    pub(super) fn valid_as(&self, finished: bool) -> Option<&'static str> {
        let start = self.start.filter(|_| finished)?;
        debug_assert!(self.engine.nullable(self.rest), "a complete walk without a problem ends where it may");
        Some(start.schema)
    }

    /// `p` after the text read since the last tag, if any (`mixed`: the element has child
    /// elements, so whitespace alone does not count); `None` when the text is not allowed.
    fn text_run(&mut self, p: PatternId, mixed: bool) -> Option<PatternId> {
        match self.run_blank.take() {
            None => Some(p),
            Some(true) if mixed => Some(p),
            Some(_) => {
                let run = std::mem::take(&mut self.run);
                let next = self.text(p, &run);
                self.run = run;
                next
            }
        }
    }

    fn text(&mut self, p: PatternId, text: &str) -> Option<PatternId> {
        let next = self.engine.element_text(p, text);
        (next != NOT_ALLOWED).then_some(next)
    }

    /// What may come where the element `tag` starts: in its parent's content, or the root
    /// element's pattern of the first kind it may be.
    fn before(&mut self, tag: &StartTag<'_>) -> Option<PatternId> {
        if self.open.is_empty() {
            let grammar = self.engine.grammar();
            let name = tag.name();
            let roots = |s: &&'static Start| tag.namespace().is_none() && s.roots.contains(&name);
            let start = grammar.starts.iter().filter(roots).find(|s| (self.wanted)(s))?;
            self.start = Some(start);
            return Some(start.pattern);
        }
        let (content, _) = *self.open.last().expect("not empty");
        let p = self.text_run(content, true)?;
        let parent = self.open.last_mut().expect("not empty");
        *parent = (p, true);
        Some(p)
    }

    fn start_tag(&mut self, tag: StartTag<'_>) -> Option<()> {
        if self.open.len() as u32 >= MAX_DEPTH {
            return None;
        }
        let p = self.before(&tag)?;
        let e = &mut *self.engine;
        let ns = tag.namespace().unwrap_or("");
        let text = tag.text();
        let closed = match text.and_then(|text| e.remembered_tag(p, ns, text)) {
            Some(closed) => closed,
            None => {
                let q = e.qname(ns, tag.name());
                let allowed = |p: PatternId| (p != NOT_ALLOWED).then_some(p);
                let mut cur = allowed(e.start_tag_open(p, q))?;
                for attr in tag.attributes() {
                    let aq = e.qname(attr.namespace().unwrap_or(""), attr.name());
                    let v = e.string(attr.value());
                    cur = allowed(e.attribute(cur, aq, v))?;
                }
                let closed = allowed(e.start_tag_close(cur))?;
                if let Some(text) = text {
                    e.remember_tag(p, ns, text, closed);
                }
                closed
            }
        };
        self.open.push((closed, false));
        Some(())
    }

    fn end_tag(&mut self) -> Option<()> {
        let (content, has_elements) = self.open.pop()?;
        let p = match (self.run_blank, has_elements) {
            (None, false) => self.text(content, "")?,
            (_, mixed) => self.text_run(content, mixed)?,
        };
        let ended = self.engine.end_tag(p);
        if ended == NOT_ALLOWED {
            return None;
        }
        // The parent's content goes on after this element (or the document after its root).
        match self.open.last_mut() {
            Some(parent) => parent.0 = ended,
            None => self.rest = ended,
        }
        Some(())
    }
}

impl<W: Fn(&Start) -> bool> Visit for Stream<'_, W> {
    fn start(&mut self, tag: StartTag<'_>) -> bool {
        self.start_tag(tag).is_some()
    }

    fn text(&mut self, text: &str) -> bool {
        let blank = is_whitespace(text);
        match &mut self.run_blank {
            Some(all) => *all &= blank,
            None => {
                self.run.clear();
                self.run_blank = Some(blank);
            }
        }
        self.run.push_str(text);
        true
    }

    fn end(&mut self) -> bool {
        self.end_tag().is_some()
    }
}
