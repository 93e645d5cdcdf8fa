//! Doc comments that say where a value is. A value type is made once for a set of values or
//! facets and shared by every attribute and text that has them, so its doc from lowering
//! says what it holds (`One of 'strict', 'preferred', ...`), not whose it is; once the types
//! are final, each is told its places (`` `@mode` of `<memnode>` and `<memory>` ``). So is a
//! struct that is the content of elements of several names.

use std::collections::HashMap;

use crate::audit::{users, Use};
use crate::ir::*;

/// Places every value type, and names every element a shared struct is the content of.
pub fn place(ir: &mut Ir, live: &[TypeId]) {
    place_values(ir, live);
    name_shared_elements(ir, live);
}

/// A struct the content of elements of several names (`CharDevice`, of `<parallel>` and
/// `<serial>`) was documented as the first one met; its doc names them all.
fn name_shared_elements(ir: &mut Ir, live: &[TypeId]) {
    let all = users(ir, live);
    for &id in live {
        let t = &ir.types[id];
        if !matches!(t.kind, Kind::Struct { .. }) {
            continue;
        }
        let first = format!("`<{}>`", t.element);
        let names = element_names(ir, &all, id);
        if names.len() < 2 || !t.doc.starts_with(&first) {
            continue;
        }
        let listed = quoted(&names);
        let said = match listed.len() {
            n if n <= NAMED + 1 => either(&listed),
            n => format!("{} or {} other elements", listed[..NAMED].join(", "), n - NAMED),
        };
        let doc = t.doc.replacen(&first, &said, 1);
        ir.types[id].doc = doc;
    }
}

/// How many places a doc names; a value with more (`YesNo`) is common to many, and its doc
/// says only what it holds.
const NAMED: usize = 3;

/// Starts the doc of every value type used in at most [`NAMED`] places with them:
/// `` `@mode` of `<memnode>` and `<memory>` ``, `` `@state` of `<target>` in `<channel>` ``.
fn place_values(ir: &mut Ir, live: &[TypeId]) {
    let all = users(ir, live);
    for &id in live {
        if !matches!(ir.types[id].kind, Kind::ValueEnum { .. } | Kind::Newtype { .. }) {
            continue;
        }
        // What the value is (`@mode`, the text of `<name>`), and in which elements.
        let mut places: Vec<(String, Vec<String>)> = Vec::new();
        for u in all.get(&id).into_iter().flatten() {
            let owner = &ir.types[u.owner];
            let Kind::Struct { fields, .. } = &owner.kind else { continue };
            if owner.element.is_empty() {
                continue;
            }
            // The owner's element, and the elements it is in when they are few.
            let mut parents: Vec<String> = all
                .get(&u.owner)
                .into_iter()
                .flatten()
                .flat_map(|p| element_names(ir, &all, p.owner))
                .filter(|e| *e != owner.element)
                .collect();
            parents.sort();
            parents.dedup();
            let element = match parents.len() {
                1..=NAMED => format!("`<{}>` in {}", owner.element, element_list(&parents)),
                _ => format!("`<{}>`", owner.element),
            };
            for f in fields.iter().filter(|f| f.ty == Ty::Named(id)) {
                let what = match &f.role {
                    Role::Attribute { name } => format!("`@{name}` of"),
                    Role::Child { name, .. } => format!("the text of `<{name}>` in"),
                    Role::Text => "the text of".to_owned(),
                    _ => continue,
                };
                match places.iter_mut().find(|p| p.0 == what) {
                    Some(p) if !p.1.contains(&element) => p.1.push(element.clone()),
                    Some(_) => {}
                    None => places.push((what, vec![element.clone()])),
                }
            }
        }
        let count: usize = places.iter().map(|p| p.1.len()).sum();
        if count == 0 || count > NAMED {
            continue;
        }
        places.sort();
        let said: Vec<String> = places.iter().map(|(what, elements)| format!("{what} {}", and(elements))).collect();
        let t = &mut ir.types[id];
        t.doc = capitalized(&format!("{}: {}", and(&said), lower_first(&t.doc)));
    }
}

/// The names of the elements a struct is the content of: those it is used under (`<serial>`
/// and `<parallel>` for one shape of both), else the element it was made for.
fn element_names(ir: &Ir, all: &HashMap<TypeId, Vec<Use>>, id: TypeId) -> Vec<String> {
    let t = &ir.types[id];
    let mut names: Vec<String> = all
        .get(&id)
        .into_iter()
        .flatten()
        .filter(|u| {
            let owner = &ir.types[u.owner];
            match &owner.kind {
                Kind::ChoiceEnum { .. } => true,
                Kind::Struct { fields, .. } => {
                    fields.iter().any(|f| f.ty == Ty::Named(id) && matches!(&f.role, Role::Child { .. }))
                }
                _ => false,
            }
        })
        .map(|u| u.xml.clone())
        .filter(|x| !x.is_empty())
        .collect();
    names.sort();
    names.dedup();
    if names.is_empty() && !t.element.is_empty() {
        names.push(t.element.clone());
    }
    names
}

/// `` `<a>`, `<b>` or `<c>` ``.
pub(crate) fn element_list(elements: &[String]) -> String {
    either(&quoted(elements))
}

/// Element names as the docs write them: `` `<a>` ``.
fn quoted(elements: &[String]) -> Vec<String> {
    elements.iter().map(|e| format!("`<{e}>`")).collect()
}

/// `a`, `a and b`, `a, b and c`.
fn and(items: &[String]) -> String {
    listed(items, "and")
}

/// `a`, `a or b`, `a, b or c`.
fn either(items: &[String]) -> String {
    listed(items, "or")
}

fn listed(items: &[String], last_word: &str) -> String {
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {last_word} {last}", rest.join(", ")),
        None => String::new(),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_lowercase().chain(c).collect())
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}
