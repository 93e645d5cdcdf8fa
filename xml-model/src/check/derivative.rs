//! Relax NG validation by derivatives (James Clark, "An algorithm for RELAX NG
//! validation"): the pattern left after each start tag, attribute, text and end tag is
//! computed from the one before. Patterns are shared in an arena and every derivative is
//! remembered, as are whole start tags and elements' texts by their text, so a checker that
//! has seen a few documents mostly looks answers up.
//!
//! Each derivative has a lenient twin used only after a problem was found: it assumes the
//! offending value, attribute or missing content were right, so checking goes on and
//! reports every problem of a document rather than the first.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use rustc_hash::FxHasher;

use super::datatype;
use super::grammar::{Grammar, NameClass, Pattern, PatternId, EMPTY, NOT_ALLOWED, TEXT};

type Map<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// An interned element or attribute name.
pub(crate) type QName = u32;
/// An interned attribute value or text.
pub(crate) type Str = u32;

/// The arena of patterns and the remembered derivatives.
pub(crate) struct Engine {
    grammar: &'static Grammar,
    patterns: Vec<Pattern>,
    nullable: Vec<bool>,
    /// Whether a pattern holds attribute patterns outside elements: where it does not,
    /// attribute derivatives and closing the start tag need not look inside.
    has_attributes: Vec<bool>,
    shared: Map<Pattern, PatternId>,
    open: Map<(PatternId, QName), PatternId>,
    attribute: Map<(PatternId, QName, Str), PatternId>,
    close: Map<PatternId, PatternId>,
    text: Map<(PatternId, Str), PatternId>,
    end: Map<PatternId, PatternId>,
    /// Local name, then namespace: looked up with borrowed strings, no allocation.
    names: Map<Box<str>, Vec<(Box<str>, QName)>>,
    name_list: Vec<(Box<str>, Box<str>)>,
    /// Interned values: one allocation each, shared by the map and the list.
    strings: Map<Arc<str>, Str>,
    string_list: Vec<Arc<str>>,
    datatypes: datatype::Checker,
    /// Start tags gone through before, by their text (see [`Engine::remembered_tag`]).
    tags: TextMemo,
    /// Elements' texts gone through before (see [`Engine::element_text`]).
    texts: TextMemo,
    /// What each pattern leads to after an element with no text at all (`<address .../>`,
    /// most elements), by pattern: an index, no hashing ([`UNKNOWN`] where not yet known).
    empty_texts: Vec<PatternId>,
    /// Past this many patterns or strings, [`Engine::trim`] starts afresh.
    limit: usize,
    /// Where each element may stand, by document kind (its start pattern): made the first
    /// time an element is out of place, kept across documents.
    parents: Map<PatternId, Arc<super::parents::Parents>>,
}

/// What a pattern leads to after a text seen before, remembered by the text itself: a whole
/// start tag, with its element's namespace (see [`Engine::remembered_tag`]), or an element's
/// text. Documents repeat their tags (`<address type='pci' domain='0x0000' bus='0x00'
/// slot='0x01' function='0x0'/>`) and values, and one lookup by the text stands for
/// interning the name, every attribute's name and value, and a derivative for each. Kept by
/// the text's hash; a text whose hash another text holds is simply not remembered.
#[derive(Default)]
struct TextMemo {
    entries: Map<u64, TextEntry>,
    /// The namespaces and texts of the entries, one after another; a text remembered for
    /// several patterns is kept once.
    bytes: Vec<u8>,
    /// Where each namespace and text is in `bytes`, by their hash: for inserting only, so
    /// that lookups go through less memory.
    stored: Map<u64, u32>,
}

struct TextEntry {
    pattern: PatternId,
    /// Where the entry's namespace, then its text, start in `TextMemo::bytes`.
    start: u32,
    ns_len: u16,
    text_len: u16,
    next: PatternId,
}

/// Longer texts are not remembered: they seldom repeat, and a hostile one (a tag of 200,000
/// attributes) would only fill the memo.
const TEXT_MEMO_MAX_TEXT: usize = 512;
/// Past this many bytes of remembered texts (or more entries than the arena may have
/// patterns), [`Engine::trim`] forgets them all.
const TEXT_MEMO_LIMIT: usize = 16 << 20;

impl TextMemo {
    fn key(pattern: PatternId, ns: &str, text: &str) -> u64 {
        use std::hash::Hasher;
        let mut h = FxHasher::default();
        h.write_u32(pattern);
        h.write(ns.as_bytes());
        h.write_u8(0xff);
        h.write(text.as_bytes());
        h.finish()
    }

    fn get(&self, pattern: PatternId, ns: &str, text: &str) -> Option<PatternId> {
        if text.len() > TEXT_MEMO_MAX_TEXT || self.entries.is_empty() {
            return None;
        }
        let e = self.entries.get(&Self::key(pattern, ns, text))?;
        let (start, ns_end) = (e.start as usize, e.start as usize + e.ns_len as usize);
        let same = e.pattern == pattern
            && e.text_len as usize == text.len()
            && e.ns_len as usize == ns.len()
            && (ns.is_empty() || &self.bytes[start..ns_end] == ns.as_bytes())
            && &self.bytes[ns_end..ns_end + text.len()] == text.as_bytes();
        same.then_some(e.next)
    }

    fn insert(&mut self, pattern: PatternId, ns: &str, text: &str, next: PatternId) {
        if text.len() > TEXT_MEMO_MAX_TEXT || ns.len() > u16::MAX as usize {
            return;
        }
        if let std::collections::hash_map::Entry::Vacant(slot) = self.entries.entry(Self::key(pattern, ns, text)) {
            let start = place(&mut self.bytes, &mut self.stored, ns, text);
            slot.insert(TextEntry { pattern, start, ns_len: ns.len() as u16, text_len: text.len() as u16, next });
        }
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.bytes.clear();
        self.stored.clear();
    }
}

/// Where a namespace and text are in a memo's `bytes`: where they were put for another
/// pattern, or appended.
fn place(bytes: &mut Vec<u8>, stored: &mut Map<u64, u32>, ns: &str, text: &str) -> u32 {
    let at = stored.entry(TextMemo::key(0, ns, text)).or_insert(u32::MAX);
    if *at != u32::MAX {
        // Any bytes that spell them will do; those of another text of the same hash may
        // not, and may end sooner.
        let start = *at as usize;
        let there = bytes.get(start..start + ns.len() + text.len());
        if there.is_some_and(|b| b[..ns.len()] == *ns.as_bytes() && b[ns.len()..] == *text.as_bytes()) {
            return *at;
        }
    }
    let start = bytes.len() as u32;
    bytes.extend_from_slice(ns.as_bytes());
    bytes.extend_from_slice(text.as_bytes());
    if *at == u32::MAX {
        *at = start;
    }
    start
}

/// How a derivative treats what does not match.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Exact,
    /// Values always match and missing attributes or content count as present.
    Lenient,
}

/// An attribute (name and value) or a piece of text, as [`Engine::consume`] takes them.
#[derive(Clone, Copy)]
enum Event {
    Attribute(QName, Str),
    Text(Str),
}

/// What to wrap the `after` part of an `After` in (the spec's `applyAfter` functions).
#[derive(Clone, Copy)]
enum Wrap {
    /// `x` becomes `interleave(x, p)`.
    InterleaveWith(PatternId),
    /// `x` becomes `interleave(p, x)`.
    InterleaveAfter(PatternId),
    /// `x` becomes `group(x, p)`.
    GroupWith(PatternId),
    /// `x` becomes `after(x, p)`.
    AfterWith(PatternId),
}

/// Not known yet, in [`Engine`]'s tables by pattern.
const UNKNOWN: PatternId = PatternId::MAX;

/// Beyond this many patterns the arena and memos are dropped between documents, so a
/// long-running checker's memory stays bounded.
const ARENA_LIMIT: usize = 4_000_000;

impl Engine {
    pub(crate) fn new(grammar: &'static Grammar) -> Engine {
        let mut e = Engine {
            grammar,
            patterns: Vec::new(),
            nullable: Vec::new(),
            has_attributes: Vec::new(),
            shared: Map::default(),
            open: Map::default(),
            attribute: Map::default(),
            close: Map::default(),
            text: Map::default(),
            end: Map::default(),
            names: Map::default(),
            name_list: Vec::new(),
            strings: Map::default(),
            string_list: Vec::new(),
            datatypes: datatype::Checker::new(grammar),
            tags: TextMemo::default(),
            texts: TextMemo::default(),
            empty_texts: Vec::new(),
            limit: ARENA_LIMIT,
            parents: Map::default(),
        };
        e.reset();
        e
    }

    /// Back to the grammar's own patterns, forgetting every derivative.
    fn reset(&mut self) {
        self.patterns.clear();
        self.patterns.extend_from_slice(self.grammar.patterns);
        self.shared.clear();
        for (i, p) in self.patterns.iter().enumerate() {
            self.shared.entry(*p).or_insert(i as PatternId);
        }
        // Children come first, except element content, and elements are never nullable.
        self.nullable.clear();
        self.has_attributes.clear();
        for i in 0..self.patterns.len() {
            let (n, a) = (self.compute_nullable(self.patterns[i]), self.compute_has_attributes(self.patterns[i]));
            self.nullable.push(n);
            self.has_attributes.push(a);
        }
        self.open.clear();
        self.attribute.clear();
        self.close.clear();
        self.text.clear();
        self.end.clear();
        self.strings.clear();
        self.string_list.clear();
        self.tags.clear();
        self.texts.clear();
        self.empty_texts.clear();
    }

    /// Called between documents.
    pub(crate) fn trim(&mut self) {
        if self.patterns.len() > self.limit || self.string_list.len() > self.limit {
            self.reset();
        } else if self.tags.bytes.len() + self.texts.bytes.len() > TEXT_MEMO_LIMIT
            || self.tags.entries.len() + self.texts.entries.len() > self.limit
        {
            self.tags.clear();
            self.texts.clear();
        }
    }

    /// The pattern after a start tag that closed without a problem before: the same text
    /// (from [`crate::tree::Document`]'s `tag_text`), of an element of namespace `ns`, where
    /// `p` was expected.
    pub(crate) fn remembered_tag(&self, p: PatternId, ns: &str, text: &str) -> Option<PatternId> {
        self.tags.get(p, ns, text)
    }

    /// Remembers that the start tag `text` led from `p` to `closed`, its name and every
    /// attribute allowed.
    pub(crate) fn remember_tag(&mut self, p: PatternId, ns: &str, text: &str, closed: PatternId) {
        self.tags.insert(p, ns, text, closed);
    }

    /// How many patterns the arena holds now.
    #[cfg(all(test, feature = "domain"))]
    pub(crate) fn arena_len(&self) -> usize {
        self.patterns.len()
    }

    #[cfg(all(test, feature = "domain"))]
    pub(crate) fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
    }

    /// The elements each element may be a child of, in the document kind that starts at
    /// `start`.
    pub(crate) fn parents(&mut self, start: PatternId) -> Arc<super::parents::Parents> {
        let grammar = self.grammar;
        self.parents.entry(start).or_insert_with(|| Arc::new(super::parents::index(grammar, start))).clone()
    }

    pub(crate) fn grammar(&self) -> &'static Grammar {
        self.grammar
    }

    pub(crate) fn pattern(&self, p: PatternId) -> Pattern {
        self.patterns[p as usize]
    }

    pub(crate) fn nullable(&self, p: PatternId) -> bool {
        self.nullable[p as usize]
    }

    pub(crate) fn name_class(&self, id: u32) -> &'static NameClass {
        &self.grammar.names[id as usize]
    }

    pub(crate) fn qname(&mut self, ns: &str, local: &str) -> QName {
        // Most names have no namespace: told by the length, without a call to compare bytes.
        let same_ns = |n: &str| n.len() == ns.len() && (ns.is_empty() || n == ns);
        if let Some(id) = self.names.get(local).and_then(|v| v.iter().find(|(n, _)| same_ns(n))).map(|(_, id)| *id) {
            return id;
        }
        let id = self.name_list.len() as QName;
        self.name_list.push((ns.into(), local.into()));
        self.names.entry(local.into()).or_default().push((ns.into(), id));
        id
    }

    pub(crate) fn string(&mut self, s: &str) -> Str {
        if let Some(&id) = self.strings.get(s) {
            return id;
        }
        let id = self.string_list.len() as Str;
        let shared: Arc<str> = s.into();
        self.string_list.push(shared.clone());
        self.strings.insert(shared, id);
        id
    }

    /// After the text of an element (all of it, between its tags): whitespace alone may be
    /// the value or nothing. What both walks, with and without a tree, take text through.
    pub(crate) fn element_text(&mut self, p: PatternId, text: &str) -> PatternId {
        if text.is_empty() {
            return self.empty_text(p);
        }
        if let Some(next) = self.texts.get(p, "", text) {
            return next;
        }
        let s = self.string(text);
        let d = self.text(p, s);
        let next = if is_whitespace(text) { self.choice(p, d) } else { d };
        self.texts.insert(p, "", text, next);
        next
    }

    /// [`Engine::element_text`] of no text.
    fn empty_text(&mut self, p: PatternId) -> PatternId {
        if let Some(&next) = self.empty_texts.get(p as usize).filter(|&&next| next != UNKNOWN) {
            return next;
        }
        let s = self.string("");
        let d = self.text(p, s);
        let next = self.choice(p, d);
        if self.empty_texts.len() <= p as usize {
            self.empty_texts.resize(p as usize + 1, UNKNOWN);
        }
        self.empty_texts[p as usize] = next;
        next
    }

    /// Whether name class `name` holds the interned name `q`.
    pub(crate) fn name_matches(&self, name: u32, q: QName) -> bool {
        self.contains(name, q)
    }

    fn contains(&self, name: u32, q: QName) -> bool {
        let (ns, local) = &self.name_list[q as usize];
        self.grammar.names[name as usize].contains(ns, local)
    }

    fn compute_nullable(&self, p: Pattern) -> bool {
        let n = |id: PatternId| self.nullable[id as usize];
        match p {
            Pattern::Empty | Pattern::Text => true,
            Pattern::Choice(a, b) => n(a) || n(b),
            Pattern::Group(a, b) | Pattern::Interleave(a, b) => n(a) && n(b),
            Pattern::OneOrMore(a) => n(a),
            _ => false,
        }
    }

    fn compute_has_attributes(&self, p: Pattern) -> bool {
        let a = |id: PatternId| self.has_attributes[id as usize];
        match p {
            Pattern::Attribute(..) => true,
            Pattern::Choice(x, y) | Pattern::Group(x, y) | Pattern::Interleave(x, y) | Pattern::After(x, y) => {
                a(x) || a(y)
            }
            Pattern::OneOrMore(x) => a(x),
            _ => false,
        }
    }

    fn make(&mut self, p: Pattern) -> PatternId {
        if let Some(&id) = self.shared.get(&p) {
            return id;
        }
        let id = self.patterns.len() as PatternId;
        let n = self.compute_nullable(p);
        let a = self.compute_has_attributes(p);
        self.patterns.push(p);
        self.nullable.push(n);
        self.has_attributes.push(a);
        self.shared.insert(p, id);
        id
    }

    /// A choice kept as a sorted set of alternatives, so the same choice is always the same
    /// pattern and alternatives never pile up.
    fn choice(&mut self, a: PatternId, b: PatternId) -> PatternId {
        if a == NOT_ALLOWED || a == b {
            return b;
        }
        if b == NOT_ALLOWED {
            return a;
        }
        let mut alts = Vec::new();
        self.alternatives(a, &mut alts);
        self.alternatives(b, &mut alts);
        alts.sort_unstable();
        alts.dedup();
        let mut it = alts.into_iter().rev();
        let last = it.next().expect("two alternatives");
        it.fold(last, |acc, x| self.make(Pattern::Choice(x, acc)))
    }

    fn alternatives(&self, p: PatternId, out: &mut Vec<PatternId>) {
        match self.pattern(p) {
            Pattern::Choice(a, b) => {
                self.alternatives(a, out);
                self.alternatives(b, out);
            }
            _ => out.push(p),
        }
    }

    fn group(&mut self, a: PatternId, b: PatternId) -> PatternId {
        match (a, b) {
            (NOT_ALLOWED, _) | (_, NOT_ALLOWED) => NOT_ALLOWED,
            (EMPTY, x) | (x, EMPTY) => x,
            _ => self.make(Pattern::Group(a, b)),
        }
    }

    fn interleave(&mut self, a: PatternId, b: PatternId) -> PatternId {
        match (a, b) {
            (NOT_ALLOWED, _) | (_, NOT_ALLOWED) => NOT_ALLOWED,
            (EMPTY, x) | (x, EMPTY) => x,
            _ => self.make(Pattern::Interleave(a, b)),
        }
    }

    fn after(&mut self, a: PatternId, b: PatternId) -> PatternId {
        match (a, b) {
            (NOT_ALLOWED, _) | (_, NOT_ALLOWED) => NOT_ALLOWED,
            _ => self.make(Pattern::After(a, b)),
        }
    }

    fn one_or_more(&mut self, a: PatternId) -> PatternId {
        match a {
            NOT_ALLOWED => NOT_ALLOWED,
            _ => self.make(Pattern::OneOrMore(a)),
        }
    }

    fn wrap(&mut self, w: Wrap, x: PatternId) -> PatternId {
        match w {
            Wrap::InterleaveWith(p) => self.interleave(x, p),
            Wrap::InterleaveAfter(p) => self.interleave(p, x),
            Wrap::GroupWith(p) => self.group(x, p),
            Wrap::AfterWith(p) => self.after(x, p),
        }
    }

    fn apply_after(&mut self, w: Wrap, p: PatternId) -> PatternId {
        match self.pattern(p) {
            Pattern::After(a, b) => {
                let b = self.wrap(w, b);
                self.after(a, b)
            }
            Pattern::Choice(a, b) => {
                let a = self.apply_after(w, a);
                let b = self.apply_after(w, b);
                self.choice(a, b)
            }
            _ => NOT_ALLOWED,
        }
    }

    /// After the start tag of element `q` opens (before its attributes).
    pub(crate) fn start_tag_open(&mut self, p: PatternId, q: QName) -> PatternId {
        if let Some(&r) = self.open.get(&(p, q)) {
            return r;
        }
        let r = match self.pattern(p) {
            Pattern::Choice(a, b) => {
                let a = self.start_tag_open(a, q);
                let b = self.start_tag_open(b, q);
                self.choice(a, b)
            }
            Pattern::Element(name, content) => {
                if self.contains(name, q) {
                    self.after(content, EMPTY)
                } else {
                    NOT_ALLOWED
                }
            }
            Pattern::Interleave(a, b) => {
                let x = self.start_tag_open(a, q);
                let x = self.apply_after(Wrap::InterleaveWith(b), x);
                let y = self.start_tag_open(b, q);
                let y = self.apply_after(Wrap::InterleaveAfter(a), y);
                self.choice(x, y)
            }
            Pattern::OneOrMore(a) => {
                let more = self.choice(p, EMPTY);
                let x = self.start_tag_open(a, q);
                self.apply_after(Wrap::GroupWith(more), x)
            }
            Pattern::Group(a, b) => {
                let x = self.start_tag_open(a, q);
                let x = self.apply_after(Wrap::GroupWith(b), x);
                if self.nullable(a) {
                    let y = self.start_tag_open(b, q);
                    self.choice(x, y)
                } else {
                    x
                }
            }
            Pattern::After(a, b) => {
                let x = self.start_tag_open(a, q);
                self.apply_after(Wrap::AfterWith(b), x)
            }
            _ => NOT_ALLOWED,
        };
        self.open.insert((p, q), r);
        r
    }

    /// After attribute `q` with value `v`.
    pub(crate) fn attribute(&mut self, p: PatternId, q: QName, v: Str) -> PatternId {
        if let Some(&r) = self.attribute.get(&(p, q, v)) {
            return r;
        }
        let r = self.consume(p, Event::Attribute(q, v), Mode::Exact);
        self.attribute.insert((p, q, v), r);
        r
    }

    /// After attribute `q` whatever its value: `NOT_ALLOWED` only when the name is not allowed.
    pub(crate) fn attribute_lenient(&mut self, p: PatternId, q: QName, v: Str) -> PatternId {
        self.consume(p, Event::Attribute(q, v), Mode::Lenient)
    }

    fn value_matches(&mut self, p: PatternId, v: Str) -> bool {
        (self.nullable(p) && is_whitespace(&self.string_list[v as usize])) || {
            let d = self.text(p, v);
            self.nullable(d)
        }
    }

    /// After the start tag closes: attributes not given are missing.
    pub(crate) fn start_tag_close(&mut self, p: PatternId) -> PatternId {
        if let Some(&r) = self.close.get(&p) {
            return r;
        }
        let r = self.start_tag_close_in(p, Mode::Exact);
        self.close.insert(p, r);
        r
    }

    /// After the start tag closes, taking missing attributes as given.
    pub(crate) fn start_tag_close_lenient(&mut self, p: PatternId) -> PatternId {
        self.start_tag_close_in(p, Mode::Lenient)
    }

    fn start_tag_close_in(&mut self, p: PatternId, mode: Mode) -> PatternId {
        if !self.has_attributes[p as usize] {
            return p;
        }
        let again = |e: &mut Engine, x| match mode {
            Mode::Exact => e.start_tag_close(x),
            Mode::Lenient => e.start_tag_close_in(x, mode),
        };
        match self.pattern(p) {
            Pattern::After(a, b) => {
                let a = again(self, a);
                self.after(a, b)
            }
            Pattern::Choice(a, b) => {
                let a = again(self, a);
                let b = again(self, b);
                self.choice(a, b)
            }
            Pattern::Group(a, b) => {
                let a = again(self, a);
                let b = again(self, b);
                self.group(a, b)
            }
            Pattern::Interleave(a, b) => {
                let a = again(self, a);
                let b = again(self, b);
                self.interleave(a, b)
            }
            Pattern::OneOrMore(a) => {
                let a = again(self, a);
                self.one_or_more(a)
            }
            Pattern::Attribute(..) if mode == Mode::Lenient => EMPTY,
            Pattern::Attribute(..) => NOT_ALLOWED,
            _ => p,
        }
    }

    /// After text `s` (an attribute value, or the text of an element).
    pub(crate) fn text(&mut self, p: PatternId, s: Str) -> PatternId {
        if let Some(&r) = self.text.get(&(p, s)) {
            return r;
        }
        let r = self.consume(p, Event::Text(s), Mode::Exact);
        self.text.insert((p, s), r);
        r
    }

    /// After text `s`, taking it as a right value wherever a value may stand.
    pub(crate) fn text_lenient(&mut self, p: PatternId, s: Str) -> PatternId {
        self.consume(p, Event::Text(s), Mode::Lenient)
    }

    /// What an attribute or a piece of text does to `p`: the spec's `attDeriv` and
    /// `textDeriv`, which walk the combinators alike and differ in groups and at the leaves.
    fn consume(&mut self, p: PatternId, event: Event, mode: Mode) -> PatternId {
        if matches!(event, Event::Attribute(..)) && !self.has_attributes[p as usize] {
            return NOT_ALLOWED;
        }
        let again = |e: &mut Engine, x| match (mode, event) {
            (Mode::Exact, Event::Attribute(q, v)) => e.attribute(x, q, v),
            (Mode::Exact, Event::Text(s)) => e.text(x, s),
            (Mode::Lenient, _) => e.consume(x, event, mode),
        };
        match self.pattern(p) {
            Pattern::After(a, b) => {
                let a = again(self, a);
                self.after(a, b)
            }
            Pattern::Choice(a, b) => {
                let a = again(self, a);
                let b = again(self, b);
                self.choice(a, b)
            }
            Pattern::Interleave(a, b) => {
                let da = again(self, a);
                let x = self.interleave(da, b);
                let db = again(self, b);
                let y = self.interleave(a, db);
                self.choice(x, y)
            }
            Pattern::Group(a, b) => {
                let da = again(self, a);
                let x = self.group(da, b);
                match event {
                    // Attributes are unordered: either side of a group may take one.
                    Event::Attribute(..) => {
                        let db = again(self, b);
                        let y = self.group(a, db);
                        self.choice(x, y)
                    }
                    Event::Text(_) if self.nullable(a) => {
                        let y = again(self, b);
                        self.choice(x, y)
                    }
                    Event::Text(_) => x,
                }
            }
            Pattern::OneOrMore(a) => {
                let da = again(self, a);
                let more = self.choice(p, EMPTY);
                self.group(da, more)
            }
            leaf => self.leaf(leaf, event, mode),
        }
    }

    fn leaf(&mut self, leaf: Pattern, event: Event, mode: Mode) -> PatternId {
        let verdict = match (leaf, event) {
            (Pattern::Attribute(name, content), Event::Attribute(q, v)) => {
                self.contains(name, q) && (mode == Mode::Lenient || self.value_matches(content, v))
            }
            (Pattern::Text, Event::Text(_)) => return TEXT,
            (Pattern::Value(_) | Pattern::Data(_) | Pattern::DataExcept(..) | Pattern::List(_), Event::Text(_))
                if mode == Mode::Lenient =>
            {
                true
            }
            (Pattern::Value(v), Event::Text(s)) => {
                tokens_equal(self.grammar.values[v as usize], &self.string_list[s as usize])
            }
            (Pattern::Data(dt), Event::Text(s)) => self.datatypes.allows(dt, &self.string_list[s as usize]),
            (Pattern::DataExcept(dt, except), Event::Text(s)) => {
                self.datatypes.allows(dt, &self.string_list[s as usize]) && {
                    let e = self.text(except, s);
                    !self.nullable(e)
                }
            }
            (Pattern::List(item), Event::Text(s)) => {
                let words: Vec<String> =
                    self.string_list[s as usize].split_ascii_whitespace().map(str::to_owned).collect();
                let mut x = item;
                for w in words {
                    let w = self.string(&w);
                    x = self.text(x, w);
                }
                self.nullable(x)
            }
            _ => false,
        };
        if verdict {
            EMPTY
        } else {
            NOT_ALLOWED
        }
    }

    /// After the end tag of the current element.
    pub(crate) fn end_tag(&mut self, p: PatternId) -> PatternId {
        if let Some(&r) = self.end.get(&p) {
            return r;
        }
        let r = self.end_tag_in(p, Mode::Exact);
        self.end.insert(p, r);
        r
    }

    /// After the end tag, taking missing content as given.
    pub(crate) fn end_tag_lenient(&mut self, p: PatternId) -> PatternId {
        self.end_tag_in(p, Mode::Lenient)
    }

    fn end_tag_in(&mut self, p: PatternId, mode: Mode) -> PatternId {
        match self.pattern(p) {
            Pattern::Choice(a, b) => {
                let (a, b) = match mode {
                    Mode::Exact => (self.end_tag(a), self.end_tag(b)),
                    Mode::Lenient => (self.end_tag_in(a, mode), self.end_tag_in(b, mode)),
                };
                self.choice(a, b)
            }
            Pattern::After(a, b) if mode == Mode::Lenient || self.nullable(a) => b,
            _ => NOT_ALLOWED,
        }
    }

    /// The patterns a choice stands for (a pattern that is not a choice stands for itself).
    pub(crate) fn alternatives_of(&self, p: PatternId) -> Vec<PatternId> {
        let mut out = Vec::new();
        self.alternatives(p, &mut out);
        out
    }
}

/// XML whitespace only (or nothing).
pub(crate) fn is_whitespace(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// Equal as `token`s: whitespace runs collapsed, leading and trailing whitespace ignored.
fn tokens_equal(want: &str, got: &str) -> bool {
    if want == got {
        return true;
    }
    let mut a = want.split_ascii_whitespace();
    let mut b = got.split_ascii_whitespace();
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x == y => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TextMemo;

    #[test]
    fn a_text_remembered_for_several_patterns_is_kept_once() {
        let mut memo = TextMemo::default();
        let tag = "address type='pci' domain='0x0000' bus='0x00'";
        memo.insert(1, "", tag, 10);
        memo.insert(2, "", tag, 20);
        memo.insert(3, "urn:x", tag, 30);
        memo.insert(4, "", "", 40);
        assert_eq!(memo.bytes.len(), tag.len() + "urn:x".len() + tag.len());
        assert_eq!(memo.get(1, "", tag), Some(10));
        assert_eq!(memo.get(2, "", tag), Some(20));
        assert_eq!(memo.get(3, "urn:x", tag), Some(30));
        assert_eq!(memo.get(3, "", tag), None);
        assert_eq!(memo.get(4, "", ""), Some(40));
        assert_eq!(memo.get(5, "", tag), None);
        // A namespace and text are told apart, not just their concatenation.
        assert_eq!(memo.get(3, "urn:xa", &tag[1..]), None);
    }
}
