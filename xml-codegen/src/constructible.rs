//! Which kinds of an element the schema accepts with nothing else set (`<input
//! type='tablet'/>`, `<controller type='pci' model='pcie-root-port'/>`): those get a
//! constructor of their own (`Input::tablet()`, see `emit::kind_constructor_names`).
//!
//! Decided on the RNG patterns the struct was lowered from, not on its fields: merging
//! elements of one name makes their fields optional (`<backingStore/>` beside the
//! `<backingStore>` that needs a `<format>`), so fields would claim more than the schema
//! allows.

use crate::ir::*;
use crate::rng::{NameClass, PatId, Pattern, Schema};

/// Sets [`TypeDef::alone`] on each struct whose one requirement is a flattened tag enum (the
/// values its element accepts alone), and on the content of each of that enum's variants
/// when the content has a kind of its own (the values the owner's element accepts with that
/// variant's value and nothing else).
pub fn mark(schema: &Schema, ir: &mut Ir, live: &[TypeId]) {
    let mut found: Vec<(TypeId, String)> = Vec::new();
    for &id in live {
        let t = &ir.types[id];
        let Some((attribute, variants)) = kind_of(ir, t) else { continue };
        for v in variants.iter().filter(|v| !v.absent) {
            let alone = [(attribute, v.key.as_str())];
            if t.patterns.iter().any(|&el| accepts_only(schema, el, &alone)) {
                found.push((id, v.key.clone()));
            }
            // The content of a variant with a kind of its own (`<controller type='pci'>`'s
            // `model`): its values with this variant's.
            let Ty::Named(content) = v.ty else { continue };
            let Some((inner, inner_variants)) = kind_of(ir, &ir.types[content]) else { continue };
            for w in inner_variants.iter().filter(|w| !w.absent) {
                let both = [(attribute, v.key.as_str()), (inner, w.key.as_str())];
                if t.patterns.iter().any(|&el| accepts_only(schema, el, &both)) {
                    found.push((content, w.key.clone()));
                }
            }
        }
    }
    for (id, key) in found {
        if !ir.types[id].alone.contains(&key) {
            ir.types[id].alone.push(key);
        }
    }
}

/// The attribute and variants of a struct's one required field when it is a flattened tag
/// enum (`<input>`'s `type`).
pub fn kind_of<'a>(ir: &'a Ir, t: &TypeDef) -> Option<(&'a str, &'a [Variant])> {
    let Kind::Struct { fields, .. } = &t.kind else { return None };
    let required: Vec<&Field> = fields.iter().filter(|f| f.occurs == Occurs::One).collect();
    let [f] = required.as_slice() else { return None };
    match (&f.role, &f.ty) {
        (Role::Flatten, Ty::Named(id)) => match &ir.types[*id].kind {
            Kind::TagEnum { attribute, variants } => Some((attribute.as_str(), variants.as_slice())),
            _ => None,
        },
        _ => None,
    }
}

/// Whether the element pattern `el` accepts an element with these attributes (each once, of
/// these values) and nothing else.
fn accepts_only(schema: &Schema, el: PatId, attributes: &[(&str, &str)]) -> bool {
    let Pattern::Element { content, .. } = &schema.patterns[el] else { return false };
    let all = (1u8 << attributes.len()) - 1;
    Only { schema, attributes }.masks(*content, 0).contains(&all)
}

/// The sets of the given attributes (bit masks) a pattern can match while matching nothing
/// else: `{0}` for a pattern that may match nothing, `{}` for one that needs more.
struct Only<'a> {
    schema: &'a Schema,
    attributes: &'a [(&'a str, &'a str)],
}

impl Only<'_> {
    fn masks(&self, p: PatId, depth: u32) -> Vec<u8> {
        if depth > 48 {
            return Vec::new();
        }
        match &self.schema.patterns[p] {
            Pattern::Empty | Pattern::Text => vec![0],
            Pattern::Attribute { name: NameClass::Name { ns, local }, content } if ns.is_empty() => self
                .attributes
                .iter()
                .position(|(a, value)| a == local && self.value_accepted(*content, value, depth + 1))
                .map_or_else(Vec::new, |i| vec![1 << i]),
            Pattern::Optional(q) | Pattern::ZeroOrMore(q) => union(vec![0], self.masks(*q, depth + 1)),
            Pattern::OneOrMore(q) | Pattern::Mixed(q) => self.masks(*q, depth + 1),
            Pattern::Choice(bs) => bs.iter().fold(Vec::new(), |acc, b| union(acc, self.masks(*b, depth + 1))),
            Pattern::Group(bs) | Pattern::Interleave(bs) => bs.iter().fold(vec![0], |acc, b| {
                let next = self.masks(*b, depth + 1);
                let mut out = Vec::new();
                for a in &acc {
                    for n in next.iter().filter(|n| **n & a == 0) {
                        out = union(out, vec![a | n]);
                    }
                }
                out
            }),
            Pattern::Ref { scope, name } => self.masks(self.schema.resolve(*scope, name), depth + 1),
            _ => Vec::new(),
        }
    }

    /// Whether an attribute's content accepts `value` (data types are taken to accept it:
    /// the values a tag enum is told apart by are `<value>`s).
    fn value_accepted(&self, p: PatId, value: &str, depth: u32) -> bool {
        if depth > 48 {
            return false;
        }
        match &self.schema.patterns[p] {
            Pattern::Value { value: v, .. } => v.trim() == value,
            Pattern::Choice(bs) => bs.iter().any(|b| self.value_accepted(*b, value, depth + 1)),
            Pattern::Ref { scope, name } => self.value_accepted(self.schema.resolve(*scope, name), value, depth + 1),
            Pattern::Text | Pattern::Data { .. } => true,
            _ => false,
        }
    }
}

fn union(mut a: Vec<u8>, b: Vec<u8>) -> Vec<u8> {
    for m in b {
        if !a.contains(&m) {
            a.push(m);
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What an element accepts with only its kind set, decided on its pattern.
    #[test]
    fn elements_accept_only_their_kind_or_not() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/alone.xml");
        let mut schema = Schema::default();
        let scope = schema.load_grammar(&path).expect("loads");
        let start = schema.scopes[scope].start.expect("a start");
        let Pattern::Choice(elements) = schema.patterns[start].clone() else { panic!("a choice of elements") };
        let el = |name: &str| {
            *elements
                .iter()
                .find(|e| matches!(&schema.patterns[**e], Pattern::Element { name: NameClass::Name { local, .. }, .. } if local == name))
                .expect("the element")
        };
        let only = |e: &str, attributes: &[(&str, &str)]| accepts_only(&schema, el(e), attributes);
        assert!(only("a", &[("type", "x")]), "the other attribute is optional");
        assert!(!only("a", &[("type", "z")]), "not a value of the attribute");
        assert!(!only("b", &[("type", "x")]), "<format> is required");
        assert!(only("c", &[("type", "x")]));
        assert!(!only("c", &[("type", "y")]), "type='y' needs dev");
        assert!(only("c", &[("type", "x"), ("model", "m")]));
        assert!(!only("c", &[("type", "x"), ("model", "q")]));
        assert!(!only("c", &[("model", "m")]), "the kind itself is required");
    }
}
