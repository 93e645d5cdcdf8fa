//! Where an element may stand in a document kind: the elements whose content holds it. So
//! that an element in the wrong place is told where it goes (`<disk>` under `<domain>`: did
//! you mean `<disk>` inside `<devices>`?).

use rustc_hash::{FxHashMap, FxHashSet};

use super::grammar::{Grammar, NameClass, Pattern, PatternId};

/// For each element name a document kind holds (`local`, or `{namespace}local`), the names of
/// the elements it may be a child of, in the grammar's order.
pub(crate) type Parents = FxHashMap<String, Vec<String>>;

/// The parents of every element reachable from `start` (a pattern of the grammar's own).
pub(crate) fn index(grammar: &Grammar, start: PatternId) -> Parents {
    let mut parents: Parents = FxHashMap::default();
    let mut seen = FxHashSet::default();
    let mut elements = Vec::new();
    children(grammar, start, &mut elements);
    let mut stack: Vec<PatternId> = elements.clone();
    while let Some(e) = stack.pop() {
        if !seen.insert(e) {
            continue;
        }
        let Pattern::Element(name, content) = grammar.patterns[e as usize] else { continue };
        let Some(parent) = display(&grammar.names[name as usize]) else { continue };
        elements.clear();
        children(grammar, content, &mut elements);
        for &child in &elements {
            if let Pattern::Element(n, _) = grammar.patterns[child as usize] {
                if let Some(name) = display(&grammar.names[n as usize]) {
                    let list = parents.entry(name).or_default();
                    if !list.contains(&parent) {
                        list.push(parent.clone());
                    }
                }
            }
            stack.push(child);
        }
    }
    parents
}

/// The element patterns `p` holds directly (not inside elements or attributes).
fn children(grammar: &Grammar, p: PatternId, out: &mut Vec<PatternId>) {
    let mut stack = vec![p];
    let mut seen = FxHashSet::default();
    while let Some(p) = stack.pop() {
        if !seen.insert(p) {
            continue;
        }
        match grammar.patterns[p as usize] {
            Pattern::Element(..) => out.push(p),
            Pattern::Choice(a, b) | Pattern::Interleave(a, b) | Pattern::Group(a, b) => stack.extend([b, a]),
            Pattern::OneOrMore(a) => stack.push(a),
            _ => {}
        }
    }
}

/// A name as the checker's messages write it; none for "any name".
fn display(name: &NameClass) -> Option<String> {
    match name {
        NameClass::AnyName => None,
        named => Some(named.to_string()),
    }
}
